// Package timerscore turns instants into the whole-microsecond scores that
// the timer indexes order timers by, rounding so that no timer is ever due
// before its instant. The in-process and Redis indexes share it, so that
// they agree to the microsecond.
package timerscore

import (
	"fmt"
	"time"
)

// Max bounds the scores: the Redis index keeps them in float64, exact for
// integers only up to 2^53.
const Max = 1 << 53

// Due returns t in unix microseconds rounded up, so that a timer due a
// fraction of a microsecond after an instant is not due at that instant.
func Due(t time.Time) int64 {
	us := t.UnixMicro()
	if t.Nanosecond()%1000 != 0 {
		us++
	}
	return us
}

// Now returns t in unix microseconds rounded down.
func Now(t time.Time) int64 { return t.UnixMicro() }

// Lease returns d in microseconds rounded up.
func Lease(d time.Duration) int64 {
	us := d.Microseconds()
	if d%time.Microsecond != 0 {
		us++
	}
	return us
}

// Check rejects the zero time and instants too far from 1970 to be scored
// exactly; what names the instant in the error.
func Check(what string, t time.Time) error {
	if t.IsZero() {
		return fmt.Errorf("%s is the zero time", what)
	}
	if us := t.UnixMicro(); us <= -Max || us >= Max {
		return fmt.Errorf("%s %s is out of range", what, t.Format(time.RFC3339Nano))
	}
	return nil
}

// CheckClaim checks a claim's arguments the same way for every index: a
// limit of zero or less claims nothing (none is true), a lease that is not
// positive or a claim time out of range is an error. index names the
// implementation in the error.
func CheckClaim(index string, now time.Time, limit int, lease time.Duration) (none bool, err error) {
	if limit <= 0 {
		return true, nil
	}
	if lease <= 0 {
		return true, fmt.Errorf("%s: claim lease must be positive", index)
	}
	if err := Check(index+": claim time", now); err != nil {
		return true, err
	}
	return false, nil
}
