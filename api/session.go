package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine/auth"
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
	// PasswordState is "required" (must be changed before anything else),
	// "expired" (should be changed) or "".
	PasswordState string `json:"password_state"`
}

// signIn checks a password and starts a browser session. Attempts are
// rate-limited per process and locked out after repeated failures, counted
// in the database (package signin, shared with the web pages).
func (s *Server) signIn(c echo.Context) error {
	if s.signin == nil {
		return unauthenticated()
	}
	var in signInInput
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	now := s.clock.Now()
	secret, sess, u, err := s.signin.SignIn(c.Request().Context(), in.User, in.Password, c.RealIP(), now)
	if err != nil {
		return err
	}
	c.SetCookie(s.signin.Cookie(c.Request(), secret, sess))
	return c.JSON(http.StatusCreated, sessionInfo{User: viewUser(*u), CSRFToken: sess.CSRF, ExpiresAt: &sess.ExpiresAt,
		PasswordState: s.signin.PasswordState(u, now)})
}

// getSession says who the caller is; for a cookie session, with its CSRF
// token.
func (s *Server) getSession(c echo.Context) error {
	a := actorOf(c)
	u, err := s.engine.Store().Directory().User(c.Request().Context(), a.User)
	if err != nil {
		return err
	}
	info := sessionInfo{User: viewUser(*u), PasswordState: s.signin.PasswordState(u, s.clock.Now())}
	if sess, ok := c.Get(sessionKey).(*auth.Session); ok {
		info.CSRFToken = sess.CSRF
		info.ExpiresAt = &sess.ExpiresAt
	}
	return c.JSON(http.StatusOK, info)
}

// signOut ends the cookie session (a token caller has none to end).
func (s *Server) signOut(c echo.Context) error {
	if sess, ok := c.Get(sessionKey).(*auth.Session); ok {
		if err := s.signin.SignOut(c.Request().Context(), whoOf(c), sess, s.clock.Now()); err != nil {
			return err
		}
	}
	c.SetCookie(s.signin.ClearCookie(c.Request()))
	return c.NoContent(http.StatusNoContent)
}

// changePassword sets the caller's own password. Every session and token
// of the caller ends; the answer starts a new session (cookie and CSRF
// token).
func (s *Server) changePassword(c echo.Context) error {
	var in struct {
		Current string `json:"current"`
		New     string `json:"new"`
	}
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	now := s.clock.Now()
	secret, sess, err := s.signin.ChangePassword(ctx, whoOf(c), in.Current, in.New, now)
	if err != nil {
		return err
	}
	u, err := s.dir().User(ctx, actorOf(c).User)
	if err != nil {
		return err
	}
	c.SetCookie(s.signin.Cookie(c.Request(), secret, sess))
	return c.JSON(http.StatusOK, sessionInfo{User: viewUser(*u), CSRFToken: sess.CSRF, ExpiresAt: &sess.ExpiresAt,
		PasswordState: s.signin.PasswordState(u, now)})
}
