package engine

import (
	"context"
	"time"
)

// TimerStatus is the life-cycle state of a timer row.
type TimerStatus string

const (
	// TimerPending is armed and waiting to fall due.
	TimerPending TimerStatus = "pending"
	// TimerPaused is stopped with some working days left; it resumes when
	// its case re-enters a state where the timer runs.
	TimerPaused TimerStatus = "paused"
	// TimerFired has fired its event (or found it no longer applicable).
	TimerFired TimerStatus = "fired"
	// TimerCancelled was disarmed because its case left the states it runs in.
	TimerCancelled TimerStatus = "cancelled"
)

// TimerRef names a pending timer and the instant it falls due. It is what a
// TimerIndex holds; the timer row in the database is the truth behind it.
type TimerRef struct {
	ID    string
	DueAt time.Time
}

// TimerIndex is a fast index of pending timers by due time. It is a cache of
// the timer rows: everything in it can be rebuilt from the database by the
// reconciler, so losing it loses no timer.
//
// Implementations: engine/memtimer (in-process, the embedded default) and
// engine/redistimer (Redis sorted sets, for many workers).
type TimerIndex interface {
	// Schedule adds timers to the index, or moves them to a new due time if
	// they are already there (waiting or claimed). It is idempotent.
	Schedule(ctx context.Context, refs ...TimerRef) error

	// Claim atomically takes up to limit timers that are due at or before
	// now, and timers whose lease has expired, and leases them until
	// now+lease. A claimed timer is not returned by another Claim until its
	// lease expires. Due times are compared at microsecond resolution: a
	// timer is never claimed before its due instant.
	Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]TimerRef, error)

	// Ack removes timers from the index after they fired. Acking an ID that
	// is not in the index is not an error.
	Ack(ctx context.Context, ids ...string) error

	// Release gives claimed timers back, due at once, without waiting for
	// their lease to expire (a worker shutting down).
	Release(ctx context.Context, ids ...string) error

	// Remove drops timers from the index, whether waiting or claimed.
	Remove(ctx context.Context, ids ...string) error

	// Next returns the earliest instant at which Claim may return
	// something: the earliest due time of a waiting timer or the earliest
	// lease expiry of a claimed one. ok is false when the index is empty.
	Next(ctx context.Context) (at time.Time, ok bool, err error)

	// IDs lists every timer in the index, waiting or claimed, for the
	// reconciler.
	IDs(ctx context.Context) ([]string, error)
}

// Waker is implemented by a TimerIndex whose other processes' Schedule calls
// can be heard (engine/redistimer: Redis pub/sub): a worker wakes at once
// when any process arms a timer, rather than at its next poll.
type Waker interface {
	// Wakeups returns a channel that receives when timers were scheduled,
	// the earliest due time among them (zero when not told), subscribed
	// by the time it returns, closed when ctx is done.
	Wakeups(ctx context.Context) (<-chan time.Time, error)
}
