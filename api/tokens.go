package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
)

// tokenView is a token without its hash; Token is the secret, shown once.
type tokenView struct {
	ID        string     `json:"id"`
	User      string     `json:"user"`
	Name      string     `json:"name"`
	IssuedBy  string     `json:"issued_by"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
	Token     string     `json:"token,omitempty"`
}

func viewToken(t auth.Token) tokenView {
	return tokenView{ID: t.ID, User: t.User, Name: t.Name, IssuedBy: t.IssuedBy, CreatedAt: local(t.CreatedAt),
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
// administrator, for any user (a service account; the token records the
// administrator as its issuer). The caller signs in again: the body
// carries the caller's password. A token cannot mint another.
func (s *Server) issueToken(c echo.Context) error {
	a := actorOf(c)
	var in struct {
		Name     string `json:"name"`
		User     string `json:"user"`
		TTLDays  int    `json:"ttl_days"`
		Password string `json:"password"`
	}
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	if in.User == "" {
		in.User = a.User
	}
	if via, _ := c.Get(viaKey).(string); strings.HasPrefix(via, "token") {
		s.record(c, audit.TokenIssue, in.User, audit.Refused, "令牌不能签发令牌")
		return engine.Errorf(engine.EFORBIDDEN, "令牌不能签发新令牌，请登录后签发。",
			"A token cannot issue another token; sign in to issue one.")
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
	secret, t, err := s.signin.IssueToken(c.Request().Context(), whoOf(c), in.User, normText(in.Name), in.Password, ttl, s.clock.Now())
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
	s.record(c, audit.TokenRevoke, t.User, audit.OK, t.ID)
	return c.NoContent(http.StatusNoContent)
}
