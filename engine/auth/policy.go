package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/password"
)

// Policy is the configurable part of signing in (等保 2.0 level 2: 身份鉴别).
// Zero fields take the defaults of WithDefaults.
type Policy struct {
	// MaxFailures failed sign-ins within FailureWindow lock the account
	// for LockFor.
	MaxFailures   int
	FailureWindow time.Duration
	LockFor       time.Duration
	// IdleTimeout ends a session without a request for this long, besides
	// its absolute life.
	IdleTimeout time.Duration
	// PasswordMaxAge is how long a password lasts before its user is asked
	// to choose another (asked, not forced mid-task).
	PasswordMaxAge time.Duration
	// HistoryDepth is how many of a user's last passwords a new one may
	// not repeat.
	HistoryDepth int
}

// WithDefaults fills zero fields: 5 failures in 15 minutes lock for 15
// minutes, 30 minutes idle, 90 days per password, the last 5 not again.
func (p Policy) WithDefaults() Policy {
	if p.MaxFailures <= 0 {
		p.MaxFailures = 5
	}
	if p.FailureWindow <= 0 {
		p.FailureWindow = 15 * time.Minute
	}
	if p.LockFor <= 0 {
		p.LockFor = 15 * time.Minute
	}
	if p.IdleTimeout <= 0 {
		p.IdleTimeout = 30 * time.Minute
	}
	if p.PasswordMaxAge <= 0 {
		p.PasswordMaxAge = 90 * 24 * time.Hour
	}
	if p.HistoryDepth <= 0 {
		p.HistoryDepth = 5
	}
	return p
}

// PasswordExpired reports whether the user's password is older than the
// policy allows at now. A password of unknown age has not expired.
func (p Policy) PasswordExpired(u *engine.User, now time.Time) bool {
	return !u.PasswordChangedAt.IsZero() && now.Sub(u.PasswordChangedAt) >= p.PasswordMaxAge
}

// CheckNewPassword returns a field error on field when pw breaks the
// policy for u: too weak (password.CheckPolicy), or one of the last
// HistoryDepth passwords (the current one included).
func (p Policy) CheckNewPassword(ctx context.Context, c Credentials, u *engine.User, pw, field string) (*engine.FieldError, error) {
	if err := password.CheckPolicy(pw, u.Name); err != nil {
		pe := err.(*password.PolicyError)
		return &engine.FieldError{Field: field, Code: pe.Code, Message: pe.Message, MessageZH: pe.MessageZH}, nil
	}
	hashes, err := c.PasswordHistory(ctx, u.Name, p.HistoryDepth)
	if err != nil {
		return nil, err
	}
	if u.PasswordHash != "" {
		hashes = append([]string{u.PasswordHash}, hashes...)
	}
	for _, h := range hashes {
		if password.Check(h, pw) == nil {
			return &engine.FieldError{Field: field, Code: "reused",
				Message:   fmt.Sprintf("The new password must differ from your last %d passwords.", p.HistoryDepth),
				MessageZH: fmt.Sprintf("新密码不能与最近 %d 次使用过的密码相同。", p.HistoryDepth)}, nil
		}
	}
	return nil, nil
}
