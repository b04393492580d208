package redistimer

import (
	"fmt"
	"github.com/parkfin/parkfin/engine/timerscore"
	"strconv"
	"strings"
	"time"
)

// encodeDue returns the due hash value of t: its score, then its exact unix
// nanoseconds, as "<µs>:<ns>". The scripts read the score from the front
// (Lua numbers cannot do the nanoseconds' arithmetic exactly); Go reads the
// nanoseconds.
func encodeDue(t time.Time) string {
	return strconv.FormatInt(timerscore.Due(t), 10) + ":" + strconv.FormatInt(t.UnixNano(), 10)
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
