package memtimer

import (
	"fmt"
	"time"
)

// maxMicros bounds the instants the index accepts, so that it agrees with
// the Redis index, whose float64 scores are exact only up to 2^53.
const maxMicros = 1 << 53

// dueMicros returns t in unix microseconds rounded up, so that a timer due
// a fraction of a microsecond after an instant is not due at that instant.
func dueMicros(t time.Time) int64 {
	us := t.UnixMicro()
	if t.Nanosecond()%1000 != 0 {
		us++
	}
	return us
}

// nowMicros returns t in unix microseconds rounded down (UnixMicro floors).
func nowMicros(t time.Time) int64 { return t.UnixMicro() }

// leaseMicros returns d in microseconds rounded up.
func leaseMicros(d time.Duration) int64 {
	us := d.Microseconds()
	if d%time.Microsecond != 0 {
		us++
	}
	return us
}

// checkInstant rejects the zero time and instants too far from 1970 to be
// scored exactly.
func checkInstant(what string, t time.Time) error {
	if t.IsZero() {
		return fmt.Errorf("memtimer: %s is the zero time", what)
	}
	if us := t.UnixMicro(); us <= -maxMicros || us >= maxMicros {
		return fmt.Errorf("memtimer: %s %s is out of range", what, t.Format(time.RFC3339Nano))
	}
	return nil
}
