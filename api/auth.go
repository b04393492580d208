package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/internal/signin"
)

// Names of the session cookie and the CSRF header, shared with the web
// pages.
const (
	SessionCookie = signin.CookieName
	CSRFHeader    = signin.CSRFHeader
)

const (
	actorKey   = "parkfin.actor"
	sessionKey = "parkfin.session"
	viaKey     = "parkfin.via"
	userKey    = "parkfin.user"
)

// authenticate resolves every request to an actor: a Bearer personal API
// token, or the session cookie. With the cookie, a state-changing request
// must carry the session's CSRF token. Nobody is unauthenticated.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.auth == nil || s.engine == nil {
			return unauthenticated()
		}
		ctx := c.Request().Context()
		now := s.clock.Now()
		var (
			u   *engine.User
			err error
		)
		if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
			scheme, secret, ok := strings.Cut(h, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") || !auth.LooksLikeToken(strings.TrimSpace(secret)) {
				return unauthenticated()
			}
			var tok *auth.Token
			tok, u, err = s.auth.TokenUser(ctx, auth.Hash(strings.TrimSpace(secret)))
			if engine.ErrorCode(err) == engine.ENOTFOUND || (err == nil && !tok.Active(now)) {
				return unauthenticated()
			}
			if err != nil {
				return err
			}
			via := "token"
			if tok.IssuedBy != "" && tok.IssuedBy != tok.User {
				via = "token issued by " + tok.IssuedBy
			}
			c.Set(viaKey, via)
		} else if ck, cerr := c.Cookie(SessionCookie); cerr == nil && ck.Value != "" {
			var sess *auth.Session
			sess, u, err = s.signin.Resolve(ctx, ck.Value, now)
			if engine.ErrorCode(err) == engine.EUNAUTHORIZED {
				return unauthenticated()
			}
			if err != nil {
				return err
			}
			if unsafeMethod(c.Request().Method) {
				if err := signin.CheckCSRF(sess, c.Request().Header.Get(CSRFHeader)); err != nil {
					return err
				}
			}
			c.Set(sessionKey, sess)
			c.Set(viaKey, "session")
		} else {
			return unauthenticated()
		}
		if u.Disabled {
			return unauthenticated()
		}
		// A county sub-branch of the central bank acts through its county.
		if err := engine.ResolveUnit(ctx, s.dir(), u); err != nil {
			return err
		}
		c.Set(actorKey, u.Actor())
		c.Set(userKey, u)
		if u.MustChangePassword && !passwordChangeAllowed(c) {
			return signin.PasswordChangeRequired()
		}
		return next(c)
	}
}

// passwordChangeAllowed reports whether a request is one a user who must
// first change the password may make: who am I, sign out, change it.
func passwordChangeAllowed(c echo.Context) bool {
	switch c.Path() {
	case "/api/v1/session", "/api/v1/session/password":
		return true
	}
	return false
}

// whoOf returns the caller as the audit log names it.
func whoOf(c echo.Context) audit.Who {
	via, _ := c.Get(viaKey).(string)
	return audit.Who{Actor: actorOf(c), Via: via, Addr: c.RealIP()}
}

// record appends an entry of the caller's action to the audit log.
func (s *Server) record(c echo.Context, action, target, result, detail string) {
	e := whoOf(c).Entry(action, target, result, detail)
	e.At = s.clock.Now()
	s.audit.Record(c.Request().Context(), e)
}

// change returns the audit entry of the caller's change, for the store to
// write in the change's own transaction.
func (s *Server) change(c echo.Context, action, target, detail string) *audit.Entry {
	e := whoOf(c).Entry(action, target, audit.OK, detail)
	e.At = s.clock.Now()
	return &e
}

// unsafeMethod reports whether a request with method m changes state.
func unsafeMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// actorOf returns the actor authenticate resolved.
func actorOf(c echo.Context) engine.Actor {
	a, _ := c.Get(actorKey).(engine.Actor)
	return a
}
