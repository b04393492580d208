package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/auth"
)

// tokenView is a token without its hash; Token is the secret, shown once.
type tokenView struct {
	ID        string     `json:"id"`
	User      string     `json:"user"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
	Token     string     `json:"token,omitempty"`
}

func viewToken(t auth.Token) tokenView {
	return tokenView{ID: t.ID, User: t.User, Name: t.Name, CreatedAt: local(t.CreatedAt),
		ExpiresAt: local(t.ExpiresAt), RevokedAt: localPtr(t.RevokedAt)}
}

// listTokens lists the caller's tokens; the administrator may name another
// user, or list everyone's.
func (s *Server) listTokens(c echo.Context) error {
	a := actorOf(c)
	user := c.QueryParam("user")
	if a.Role != engine.RoleAdmin {
		if user != "" && user != a.User {
			return auth.MayAdminister(a)
		}
		user = a.User
	}
	toks, err := s.auth.Tokens(c.Request().Context(), user)
	if err != nil {
		return err
	}
	out := make([]tokenView, len(toks))
	for i, t := range toks {
		out[i] = viewToken(t)
	}
	return items(c, out)
}

// issueToken issues a personal API token for the caller, or, for the
// administrator, for any user.
func (s *Server) issueToken(c echo.Context) error {
	a := actorOf(c)
	var in struct {
		Name    string `json:"name"`
		User    string `json:"user"`
		TTLDays int    `json:"ttl_days"`
	}
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	if in.User == "" {
		in.User = a.User
	}
	if in.User != a.User {
		if err := auth.MayAdminister(a); err != nil {
			return err
		}
	}
	ttl := auth.DefaultTokenTTL
	if in.TTLDays > 0 {
		ttl = time.Duration(in.TTLDays) * 24 * time.Hour
	}
	name := normText(in.Name)
	if name == "" {
		return engine.Invalid(engine.FieldError{Field: "name", Code: "required", Message: "Say what the token is for.", MessageZH: "请说明令牌的用途。"})
	}
	secret, t, err := auth.IssueToken(c.Request().Context(), s.auth, s.dir(), in.User, name, s.clock.Now(), ttl)
	if err != nil {
		return err
	}
	v := viewToken(*t)
	v.Token = secret
	return c.JSON(http.StatusCreated, v)
}

// revokeToken revokes one of the caller's tokens (the administrator: any).
// Another user's token is not_found, like one that does not exist.
func (s *Server) revokeToken(c echo.Context) error {
	a := actorOf(c)
	ctx := c.Request().Context()
	t, err := s.auth.Token(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	if t.User != a.User && a.Role != engine.RoleAdmin {
		return engine.Errorf(engine.ENOTFOUND, "找不到该令牌。", "No such token.")
	}
	if err := s.auth.RevokeToken(ctx, t.ID, s.clock.Now()); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
