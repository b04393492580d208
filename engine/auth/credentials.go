package auth

import (
	"context"
	"time"

	"github.com/parkfin/parkfin/engine/audit"
)

// Credentials keeps what guards the users' passwords and sessions: failed
// sign-ins and lock-outs, the password history, and the revocation of a
// user's sessions and tokens. Counting in the database makes every process
// — and the same process after a restart — agree. Methods that take an
// audit entry record it in the same transaction as the change (nil records
// nothing).
type Credentials interface {
	// RecordSignInFailure stores a failed sign-in of the name from addr at
	// at and returns how many failures the name has had since since,
	// this one included.
	RecordSignInFailure(ctx context.Context, name, addr string, at, since time.Time) (int, error)
	// ClearSignInFailures forgets the name's failed sign-ins.
	ClearSignInFailures(ctx context.Context, name string) error
	// LockUser locks the user's account until until.
	LockUser(ctx context.Context, name string, until time.Time, ev *audit.Entry) error
	// UnlockUser lifts a lock-out and forgets the failed sign-ins.
	UnlockUser(ctx context.Context, name string, ev *audit.Entry) error
	// PasswordHistory returns the hashes of the user's last n passwords,
	// newest first.
	PasswordHistory(ctx context.Context, name string, n int) ([]string, error)
	// SetPassword sets the user's password hash as changed at at, keeps it
	// in the history, sets whether it must be changed at the next sign-in,
	// ends every session and revokes every token of the user.
	SetPassword(ctx context.Context, name, hash string, at time.Time, mustChange bool, ev *audit.Entry) error
	// RevokeCredentials ends every session and revokes every token of the
	// user at at; with cascade, also the tokens the user issued for others
	// (an administrator's service-account tokens).
	RevokeCredentials(ctx context.Context, name string, at time.Time, cascade bool, ev *audit.Entry) error
	// TouchSession records a request of the session at at.
	TouchSession(ctx context.Context, hash string, at time.Time) error
}
