package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/password"
)

// signInInput is the body of POST /api/v1/session.
type signInInput struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// sessionInfo answers who the caller is.
type sessionInfo struct {
	User      userView   `json:"user"`
	CSRFToken string     `json:"csrf_token,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// dummyHash is checked against when the user does not exist, so that a
// wrong name costs as long as a wrong password.
var dummyHash, _ = password.Hash("parkfin: no such user")

// signIn checks a password and starts a browser session. Attempts are
// rate-limited per account and per address before the password is looked
// at.
func (s *Server) signIn(c echo.Context) error {
	if s.auth == nil || s.engine == nil {
		return unauthenticated()
	}
	var in signInInput
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	now := s.clock.Now()
	if err := s.limiter.allow(in.User, c.RealIP(), now); err != nil {
		return err
	}
	ctx := c.Request().Context()
	wrong := engine.Errorf(engine.EUNAUTHORIZED, "用户名或密码错误。", "Wrong user name or password.")
	u, err := s.engine.Store().Directory().User(ctx, in.User)
	if engine.ErrorCode(err) == engine.ENOTFOUND {
		_ = password.Check(dummyHash, in.Password)
		return wrong
	}
	if err != nil {
		return err
	}
	if u.PasswordHash == "" || u.Disabled || password.Check(u.PasswordHash, in.Password) != nil {
		return wrong
	}
	secret, err := auth.NewSecret("")
	if err != nil {
		return err
	}
	csrf, err := auth.NewSecret("")
	if err != nil {
		return err
	}
	exp := now.Add(s.cfg.SessionTTL).UTC().Truncate(time.Microsecond)
	if err := s.auth.CreateSession(ctx, auth.Session{Hash: auth.Hash(secret), User: u.Name, CSRF: csrf,
		CreatedAt: now.UTC().Truncate(time.Microsecond), ExpiresAt: exp}); err != nil {
		return err
	}
	// Sign-ins are few (and rate-limited): a good moment to sweep.
	if _, err := s.auth.DeleteExpiredSessions(ctx, now); err != nil {
		s.cfg.Logger.Warn("deleting expired sessions failed", "err", err)
	}
	c.SetCookie(&http.Cookie{
		Name: SessionCookie, Value: secret, Path: "/", Expires: exp,
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.cfg.SecureCookies || c.Request().TLS != nil,
	})
	return c.JSON(http.StatusCreated, sessionInfo{User: viewUser(*u), CSRFToken: csrf, ExpiresAt: &exp})
}

// getSession says who the caller is; for a cookie session, with its CSRF
// token.
func (s *Server) getSession(c echo.Context) error {
	a := actorOf(c)
	u, err := s.engine.Store().Directory().User(c.Request().Context(), a.User)
	if err != nil {
		return err
	}
	info := sessionInfo{User: viewUser(*u)}
	if sess, ok := c.Get(sessionKey).(*auth.Session); ok {
		info.CSRFToken = sess.CSRF
		info.ExpiresAt = &sess.ExpiresAt
	}
	return c.JSON(http.StatusOK, info)
}

// signOut ends the cookie session (a token caller has none to end).
func (s *Server) signOut(c echo.Context) error {
	if sess, ok := c.Get(sessionKey).(*auth.Session); ok {
		if err := s.auth.DeleteSession(c.Request().Context(), sess.Hash); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || c.Request().TLS != nil})
	return c.NoContent(http.StatusNoContent)
}
