// Package signin is the one implementation of browser sign-in that the JSON
// API and the web pages share: the password check behind the rate limits,
// the session cookie, the session's CSRF token and the change of one's own
// password. It knows net/http cookies but no router.
package signin

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/password"
)

// Names of the session cookie and the CSRF header.
const (
	CookieName = "parkfin_session"
	CSRFHeader = "X-CSRF-Token"
)

// Service signs users in and out and resolves session cookies.
type Service struct {
	// Auth keeps the sessions, the failed sign-ins and lock-outs.
	Auth auth.Store
	// Users reads the users.
	Users engine.Directory
	// Limiter bounds password attempts per process, before the lock-out
	// counted in the database.
	Limiter *Limiter
	// Policy sets lock-out, idle timeout, password age and history.
	Policy auth.Policy
	// Audit records sign-ins, failures, lock-outs, sign-outs and password
	// changes; nil records nothing.
	Audit *audit.Log
	// TTL is how long a session lasts at most; default 12 hours.
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

// Locked is the error of a sign-in to a locked account: it says why and
// until when, in Beijing time.
func Locked(p auth.Policy, until time.Time) error {
	at := until.In(calendar.Location()).Format("2006-01-02 15:04")
	return engine.Errorf(engine.ELOCKED,
		"连续 %d 次密码错误，账户已锁定，将于 %s 自动解锁；如需提前解锁请联系系统管理员。",
		"After %d wrong passwords the account is locked until %s (Beijing time); the administrator can unlock it sooner.",
		p.MaxFailures, at)
}

func (s *Service) record(ctx context.Context, e audit.Entry, now time.Time) {
	e.At = now
	s.Audit.Record(ctx, e)
}

// SignIn checks a password and starts a session. Attempts are rate-limited
// per process, then counted in the database: MaxFailures failures within
// FailureWindow lock the account for LockFor, whichever process saw them.
// A locked account is refused before its password is looked at. It returns
// the cookie's secret value with the session.
func (s *Service) SignIn(ctx context.Context, name, pw, addr string, now time.Time) (string, *auth.Session, *engine.User, error) {
	p := s.Policy.WithDefaults()
	who := audit.Who{Actor: engine.Actor{User: name}, Via: "session", Addr: addr}
	if err := s.Limiter.Allow(name, addr, now); err != nil {
		s.record(ctx, who.Entry(audit.SignIn, name, audit.Refused, "登录过于频繁，已限流"), now)
		return "", nil, nil, err
	}
	u, err := s.Users.User(ctx, name)
	if engine.ErrorCode(err) == engine.ENOTFOUND {
		if err := password.CheckContext(ctx, dummyHash, pw); gaveUp(ctx, err) {
			return "", nil, nil, err
		}
		if _, err := s.Auth.RecordSignInFailure(ctx, name, addr, now, now.Add(-p.FailureWindow)); err != nil {
			return "", nil, nil, err
		}
		s.record(ctx, who.Entry(audit.SignIn, name, audit.Failed, "用户不存在"), now)
		return "", nil, nil, wrongCredentials()
	}
	if err != nil {
		return "", nil, nil, err
	}
	who.Actor = u.Actor()
	if u.Locked(now) {
		s.record(ctx, who.Entry(audit.SignIn, name, audit.Locked, "账户锁定至 "+u.LockedUntil.In(calendar.Location()).Format("2006-01-02 15:04:05")), now)
		return "", nil, nil, Locked(p, *u.LockedUntil)
	}
	if u.PasswordHash == "" || u.Disabled {
		return "", nil, nil, s.failed(ctx, p, who, u, addr, now)
	}
	if err := password.CheckContext(ctx, u.PasswordHash, pw); gaveUp(ctx, err) {
		return "", nil, nil, err
	} else if err != nil {
		return "", nil, nil, s.failed(ctx, p, who, u, addr, now)
	}
	if err := s.Auth.ClearSignInFailures(ctx, u.Name); err != nil {
		return "", nil, nil, err
	}
	secret, sess, err := s.start(ctx, u, now)
	if err != nil {
		return "", nil, nil, err
	}
	s.record(ctx, who.Entry(audit.SignIn, name, audit.OK, ""), now)
	// Sign-ins are few (and rate-limited): a good moment to sweep.
	if _, err := s.Auth.DeleteExpiredSessions(ctx, now); err != nil && s.Logger != nil {
		s.Logger.Warn("deleting expired sessions failed", "err", err)
	}
	return secret, sess, u, nil
}

// gaveUp reports whether a password check ended because its caller gave
// up (the client went away while the check waited its turn under a flood
// of sign-ins): that is no failed attempt, and nothing is counted.
func gaveUp(ctx context.Context, err error) bool {
	return err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err())
}

// failed counts a wrong password (or a disabled user) and locks the
// account at the MaxFailures-th failure within the window.
func (s *Service) failed(ctx context.Context, p auth.Policy, who audit.Who, u *engine.User, addr string, now time.Time) error {
	n, err := s.Auth.RecordSignInFailure(ctx, u.Name, addr, now, now.Add(-p.FailureWindow))
	if err != nil {
		return err
	}
	detail := "密码错误"
	if u.Disabled {
		detail = "账户已停用"
	}
	s.record(ctx, who.Entry(audit.SignIn, u.Name, audit.Failed, fmt.Sprintf("%s（第 %d 次，共允许 %d 次）", detail, n, p.MaxFailures)), now)
	if n < p.MaxFailures {
		return wrongCredentials()
	}
	until := now.Add(p.LockFor).UTC().Truncate(time.Microsecond)
	ev := who.Entry(audit.Lockout, u.Name, audit.Locked,
		fmt.Sprintf("%s 内登录失败 %d 次，账户锁定至 %s", p.FailureWindow, n, until.In(calendar.Location()).Format("2006-01-02 15:04:05")))
	ev.At = now
	if err := s.Auth.LockUser(ctx, u.Name, until, &ev); err != nil {
		return err
	}
	// The lock-out is the answer to these failures: after it, the count
	// starts again.
	if err := s.Auth.ClearSignInFailures(ctx, u.Name); err != nil {
		return err
	}
	return Locked(p, until)
}

// start creates a session for the user.
func (s *Service) start(ctx context.Context, u *engine.User, now time.Time) (string, *auth.Session, error) {
	secret, err := auth.NewSecret("")
	if err != nil {
		return "", nil, err
	}
	csrf, err := auth.NewSecret("")
	if err != nil {
		return "", nil, err
	}
	ttl := s.TTL
	if ttl <= 0 {
		ttl = 12 * time.Hour
	}
	at := now.UTC().Truncate(time.Microsecond)
	sess := auth.Session{Hash: auth.Hash(secret), User: u.Name, CSRF: csrf,
		CreatedAt: at, ExpiresAt: now.Add(ttl).UTC().Truncate(time.Microsecond), LastSeenAt: at}
	if err := s.Auth.CreateSession(ctx, sess); err != nil {
		return "", nil, err
	}
	return secret, &sess, nil
}

// PasswordState says what the user is asked about the password at now:
// "required" (set by an administrator: nothing else works until it is
// changed), "expired" (older than the policy allows: asked, not forced),
// or "".
func (s *Service) PasswordState(u *engine.User, now time.Time) string {
	switch {
	case u.MustChangePassword:
		return "required"
	case s.Policy.WithDefaults().PasswordExpired(u, now):
		return "expired"
	}
	return ""
}

// PasswordChangeRequired is the error of a request of a user who must
// first choose a new password.
func PasswordChangeRequired() error {
	return engine.Errorf(engine.EPASSWORDCHANGE, "管理员为您设置了初始密码，请先修改密码。",
		"The administrator set your password; choose a new one first.")
}

// Resolve returns the live session named by a cookie value and its user, or
// an unauthenticated error (no such session, expired, user gone or
// disabled).
func (s *Service) Resolve(ctx context.Context, secret string, now time.Time) (*auth.Session, *engine.User, error) {
	return s.resolve(ctx, secret, now, true)
}

// ResolveRefresh is Resolve for a page refreshing itself (a list polling
// for new cases): it is not the user's activity, so it does not keep an
// idle session alive.
func (s *Service) ResolveRefresh(ctx context.Context, secret string, now time.Time) (*auth.Session, *engine.User, error) {
	return s.resolve(ctx, secret, now, false)
}

func (s *Service) resolve(ctx context.Context, secret string, now time.Time, activity bool) (*auth.Session, *engine.User, error) {
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
	if sess.Idle(now, s.Policy.WithDefaults().IdleTimeout) {
		if err := s.Auth.DeleteSession(ctx, sess.Hash); err != nil {
			return nil, nil, err
		}
		return nil, nil, engine.Errorf(engine.EUNAUTHORIZED, "长时间未操作，会话已结束，请重新登录。",
			"The session ended after a time without activity; sign in again.")
	}
	// Record activity at most once a minute: a page's requests in a burst
	// write once.
	if activity && (now.Sub(sess.LastSeenAt) >= time.Minute || sess.LastSeenAt.IsZero()) {
		if err := s.Auth.TouchSession(ctx, sess.Hash, now); err != nil {
			return nil, nil, err
		}
		sess.LastSeenAt = now
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
func (s *Service) SignOut(ctx context.Context, who audit.Who, sess *auth.Session, now time.Time) error {
	if err := s.Auth.DeleteSession(ctx, sess.Hash); err != nil {
		return err
	}
	s.record(ctx, who.Entry(audit.SignOut, who.Actor.User, audit.OK, ""), now)
	return nil
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

// ChangePassword sets the user's own password after checking the current
// one and the policy (complexity, not one of the last few). Every session
// and token of the user ends; the caller continues in the new session
// returned.
func (s *Service) ChangePassword(ctx context.Context, who audit.Who, current, next string, now time.Time) (string, *auth.Session, error) {
	p := s.Policy.WithDefaults()
	u, err := s.Users.User(ctx, who.Actor.User)
	if err != nil {
		return "", nil, err
	}
	var fields []engine.FieldError
	if u.PasswordHash == "" || password.Check(u.PasswordHash, current) != nil {
		fields = append(fields, engine.FieldError{Field: "current", Code: "wrong",
			Message: "The current password is wrong.", MessageZH: "当前密码不正确。"})
	}
	if f, err := p.CheckNewPassword(ctx, s.Auth, u, next, "new"); err != nil {
		return "", nil, err
	} else if f != nil {
		fields = append(fields, *f)
	}
	if len(fields) > 0 {
		s.record(ctx, who.Entry(audit.PasswordChange, u.Name, audit.Failed, fields[0].Field+"："+fields[0].MessageZH), now)
		return "", nil, engine.Invalid(fields...)
	}
	hash, err := password.Hash(next)
	if err != nil {
		return "", nil, err
	}
	ev := who.Entry(audit.PasswordChange, u.Name, audit.OK, "用户本人修改，已终止其全部会话和令牌")
	ev.At = now
	if err := s.Auth.SetPassword(ctx, u.Name, hash, now, false, &ev); err != nil {
		return "", nil, err
	}
	return s.start(ctx, u, now)
}

// LoginCookie carries the pre-session secret the sign-in form's CSRF token
// is tied to: a cross-site page cannot read it, so it cannot forge a
// sign-in into an account of its choosing (login CSRF).
const LoginCookie = "parkfin_login"

// NewLoginCSRF returns a fresh pre-session secret for the cookie and the
// token the form carries.
func NewLoginCSRF() (secret, token string, err error) {
	if secret, err = auth.NewSecret(""); err != nil {
		return "", "", err
	}
	return secret, LoginToken(secret), nil
}

// LoginToken is the form token of a pre-session secret.
func LoginToken(secret string) string { return auth.Hash("parkfin-login-csrf:" + secret) }

// CheckLoginCSRF returns a forbidden error unless token belongs to the
// pre-session secret.
func CheckLoginCSRF(secret, token string) error {
	if secret == "" || subtle.ConstantTimeCompare([]byte(LoginToken(secret)), []byte(token)) != 1 {
		return engine.Errorf(engine.EFORBIDDEN, "登录页面已过期，请刷新后重新登录。",
			"The sign-in page has expired; reload it and sign in again.")
	}
	return nil
}

// LoginCookieOf is the pre-session cookie with the secret, for an hour.
func (s *Service) LoginCookieOf(r *http.Request, secret string) *http.Cookie {
	return &http.Cookie{Name: LoginCookie, Value: secret, Path: "/signin", MaxAge: 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies || r.TLS != nil}
}

// IssueToken issues a personal API token for user on behalf of the caller
// who, after checking the caller's password again: a stolen session alone
// cannot mint a long-lived token. An administrator issuing for another user
// (a service account) is recorded as the token's issuer. The caller must
// already be allowed to issue for user.
func (s *Service) IssueToken(ctx context.Context, who audit.Who, user, name, pw string, ttl time.Duration, now time.Time) (string, *auth.Token, error) {
	var fields []engine.FieldError
	if name == "" {
		fields = append(fields, engine.FieldError{Field: "name", Code: "required", Message: "Say what the token is for.", MessageZH: "请说明令牌的用途。"})
	}
	me, err := s.Users.User(ctx, who.Actor.User)
	if err != nil {
		return "", nil, err
	}
	if pw == "" || me.PasswordHash == "" || password.Check(me.PasswordHash, pw) != nil {
		fields = append(fields, engine.FieldError{Field: "password", Code: "wrong",
			Message: "Enter your own password again to issue a token.", MessageZH: "签发令牌需要再次输入您本人的密码。"})
	}
	if len(fields) > 0 {
		s.record(ctx, who.Entry(audit.TokenIssue, user, audit.Failed, fields[0].Field+"："+fields[0].MessageZH), now)
		return "", nil, engine.Invalid(fields...)
	}
	secret, t, err := auth.IssueTokenBy(ctx, s.Auth, s.Users, me.Name, user, name, now, ttl)
	if err != nil {
		return "", nil, err
	}
	detail := t.ID + " " + name
	if user != me.Name {
		detail += "（服务账户，由管理员签发）"
	}
	s.record(ctx, who.Entry(audit.TokenIssue, user, audit.OK, detail), now)
	return secret, t, nil
}
