package api

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/auth"
)

// Names of the session cookie and the CSRF header.
const (
	SessionCookie = "parkfin_session"
	CSRFHeader    = "X-CSRF-Token"
)

const (
	actorKey   = "parkfin.actor"
	sessionKey = "parkfin.session"
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
		} else if ck, cerr := c.Cookie(SessionCookie); cerr == nil && ck.Value != "" {
			sess, err := s.auth.Session(ctx, auth.Hash(ck.Value))
			if engine.ErrorCode(err) == engine.ENOTFOUND || (err == nil && !now.Before(sess.ExpiresAt)) {
				return unauthenticated()
			}
			if err != nil {
				return err
			}
			if unsafeMethod(c.Request().Method) &&
				subtle.ConstantTimeCompare([]byte(c.Request().Header.Get(CSRFHeader)), []byte(sess.CSRF)) != 1 {
				return engine.Errorf(engine.EFORBIDDEN, "请求缺少有效的 CSRF 令牌，请刷新页面后重试。",
					"The request lacks a valid CSRF token; reload the page and try again.")
			}
			c.Set(sessionKey, sess)
			u, err = s.engine.Store().Directory().User(ctx, sess.User)
			if engine.ErrorCode(err) == engine.ENOTFOUND {
				return unauthenticated()
			}
			if err != nil {
				return err
			}
		} else {
			return unauthenticated()
		}
		if u.Disabled {
			return unauthenticated()
		}
		c.Set(actorKey, u.Actor())
		return next(c)
	}
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
