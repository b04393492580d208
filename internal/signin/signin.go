// Package signin is the one implementation of browser sign-in that the JSON
// API and the web pages share: the password check behind the rate limits,
// the session cookie, the session's CSRF token and the change of one's own
// password. It knows net/http cookies but no router.
package signin

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/password"
)

// Names of the session cookie and the CSRF header.
const (
	CookieName = "parkfin_session"
	CSRFHeader = "X-CSRF-Token"
)

// Service signs users in and out and resolves session cookies.
type Service struct {
	// Auth keeps the sessions.
	Auth auth.Store
	// Users reads the users.
	Users engine.Directory
	// Limiter bounds password attempts.
	Limiter *Limiter
	// TTL is how long a session lasts; default 12 hours.
	TTL time.Duration
	// SecureCookies marks the cookie Secure even over plain HTTP (TLS ends
	// at a proxy).
	SecureCookies bool
	Logger        *slog.Logger
}

// dummyHash is checked against when the user does not exist, so that a
// wrong name costs as long as a wrong password.
var dummyHash, _ = password.Hash("parkfin: no such user")

// wrongCredentials is the one answer to a wrong name or password.
func wrongCredentials() error {
	return engine.Errorf(engine.EUNAUTHORIZED, "用户名或密码错误。", "Wrong user name or password.")
}

// Unauthenticated is the error of a request without a valid session.
func Unauthenticated() error {
	return engine.Errorf(engine.EUNAUTHORIZED, "请先登录。", "Sign in first.")
}

// SignIn checks a password and starts a session. Attempts are rate-limited
// per account and per address before the password is looked at. It returns
// the cookie's secret value with the session.
func (s *Service) SignIn(ctx context.Context, name, pw, addr string, now time.Time) (string, *auth.Session, *engine.User, error) {
	if err := s.Limiter.Allow(name, addr, now); err != nil {
		return "", nil, nil, err
	}
	u, err := s.Users.User(ctx, name)
	if engine.ErrorCode(err) == engine.ENOTFOUND {
		_ = password.Check(dummyHash, pw)
		return "", nil, nil, wrongCredentials()
	}
	if err != nil {
		return "", nil, nil, err
	}
	if u.PasswordHash == "" || u.Disabled || password.Check(u.PasswordHash, pw) != nil {
		return "", nil, nil, wrongCredentials()
	}
	secret, err := auth.NewSecret("")
	if err != nil {
		return "", nil, nil, err
	}
	csrf, err := auth.NewSecret("")
	if err != nil {
		return "", nil, nil, err
	}
	ttl := s.TTL
	if ttl <= 0 {
		ttl = 12 * time.Hour
	}
	sess := auth.Session{Hash: auth.Hash(secret), User: u.Name, CSRF: csrf,
		CreatedAt: now.UTC().Truncate(time.Microsecond), ExpiresAt: now.Add(ttl).UTC().Truncate(time.Microsecond)}
	if err := s.Auth.CreateSession(ctx, sess); err != nil {
		return "", nil, nil, err
	}
	// Sign-ins are few (and rate-limited): a good moment to sweep.
	if _, err := s.Auth.DeleteExpiredSessions(ctx, now); err != nil && s.Logger != nil {
		s.Logger.Warn("deleting expired sessions failed", "err", err)
	}
	return secret, &sess, u, nil
}

// Resolve returns the live session named by a cookie value and its user, or
// an unauthenticated error (no such session, expired, user gone or
// disabled).
func (s *Service) Resolve(ctx context.Context, secret string, now time.Time) (*auth.Session, *engine.User, error) {
	if secret == "" {
		return nil, nil, Unauthenticated()
	}
	sess, err := s.Auth.Session(ctx, auth.Hash(secret))
	if engine.ErrorCode(err) == engine.ENOTFOUND || (err == nil && !now.Before(sess.ExpiresAt)) {
		return nil, nil, Unauthenticated()
	}
	if err != nil {
		return nil, nil, err
	}
	u, err := s.Users.User(ctx, sess.User)
	if engine.ErrorCode(err) == engine.ENOTFOUND || (err == nil && u.Disabled) {
		return nil, nil, Unauthenticated()
	}
	if err != nil {
		return nil, nil, err
	}
	return sess, u, nil
}

// SignOut ends the session; ending one that is gone is no error.
func (s *Service) SignOut(ctx context.Context, sess *auth.Session) error {
	return s.Auth.DeleteSession(ctx, sess.Hash)
}

// CheckCSRF returns a forbidden error unless token is the session's CSRF
// token.
func CheckCSRF(sess *auth.Session, token string) error {
	if subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRF)) != 1 {
		return engine.Errorf(engine.EFORBIDDEN, "请求缺少有效的 CSRF 令牌，请刷新页面后重试。",
			"The request lacks a valid CSRF token; reload the page and try again.")
	}
	return nil
}

// Cookie is the session cookie carrying secret until the session expires.
// Its life is given as Max-Age, relative, as well as Expires, so that a
// browser whose clock differs from the server's keeps it as long.
func (s *Service) Cookie(r *http.Request, secret string, sess *auth.Session) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: secret, Path: "/", Expires: sess.ExpiresAt,
		MaxAge:   int(sess.ExpiresAt.Sub(sess.CreatedAt).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies || r.TLS != nil}
}

// ClearCookie removes the session cookie.
func (s *Service) ClearCookie(r *http.Request) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies || r.TLS != nil}
}

// MinPassword is the shortest password a user may choose.
const MinPassword = 10

// ChangePassword sets a user's own password after checking the current
// one. The new one must be at least MinPassword characters and differ from
// the current one.
func ChangePassword(ctx context.Context, dir engine.DirectoryAdmin, name, current, next string) error {
	u, err := dir.User(ctx, name)
	if err != nil {
		return err
	}
	var fields []engine.FieldError
	if u.PasswordHash == "" || password.Check(u.PasswordHash, current) != nil {
		fields = append(fields, engine.FieldError{Field: "current", Code: "wrong",
			Message: "The current password is wrong.", MessageZH: "当前密码不正确。"})
	}
	switch {
	case len([]rune(next)) < MinPassword:
		fields = append(fields, engine.FieldError{Field: "new", Code: "too_short",
			Message: "The new password needs at least 10 characters.", MessageZH: "新密码至少需要 10 个字符。"})
	case next == current:
		fields = append(fields, engine.FieldError{Field: "new", Code: "unchanged",
			Message: "The new password is the current one.", MessageZH: "新密码不能与当前密码相同。"})
	}
	if len(fields) > 0 {
		return engine.Invalid(fields...)
	}
	if u.PasswordHash, err = password.Hash(next); err != nil {
		return err
	}
	return dir.PutUser(ctx, *u)
}
