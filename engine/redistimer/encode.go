package redistimer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// maxMicros bounds the instants the index accepts: float64 scores hold
// integers exactly up to 2^53.
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
		return fmt.Errorf("redistimer: %s is the zero time", what)
	}
	if us := t.UnixMicro(); us <= -maxMicros || us >= maxMicros {
		return fmt.Errorf("redistimer: %s %s is out of range", what, t.Format(time.RFC3339Nano))
	}
	return nil
}

// encodeDue returns the due hash value of t: its score, then its exact unix
// nanoseconds, as "<µs>:<ns>". The scripts read the score from the front
// (Lua numbers cannot do the nanoseconds' arithmetic exactly); Go reads the
// nanoseconds.
func encodeDue(t time.Time) string {
	return strconv.FormatInt(dueMicros(t), 10) + ":" + strconv.FormatInt(t.UnixNano(), 10)
}

// decodeDue parses a due hash value. A value without nanoseconds ("<µs>:",
// written by a script that found no due time) stands for its microsecond.
func decodeDue(v string) (time.Time, error) {
	us, ns, ok := strings.Cut(v, ":")
	if ok && ns != "" {
		n, err := strconv.ParseInt(ns, 10, 64)
		if err == nil {
			return time.Unix(0, n).UTC(), nil
		}
	}
	n, err := strconv.ParseInt(us, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("redistimer: bad due value %q", v)
	}
	return time.UnixMicro(n).UTC(), nil
}
