package audit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/parkfin/parkfin/engine"
)

// MinRetention is the shortest time entries are kept: 180 days (等保 2.0
// asks for six months). A purge of younger entries is refused.
const MinRetention = 180 * 24 * time.Hour

// Report is the result of verifying the log.
type Report struct {
	// Entries is how many entries were checked.
	Entries int64
	// First and Last are the sequence numbers of the oldest and newest
	// entries kept; First > 1 after a purge.
	First, Last int64
	// Broken describes each break of the chain, at most ten; empty when
	// the log is intact.
	Broken []string
}

// OK reports whether the chain is intact.
func (r Report) OK() bool { return len(r.Broken) == 0 }

// Verify walks the log oldest first and checks that each entry's hash is
// its own, that it names the previous entry's hash, and that sequence
// numbers follow without gaps. After a purge the oldest entry kept names a
// hash no longer there: it must be the one the newest purge record names.
func Verify(ctx context.Context, s Store) (Report, error) {
	var (
		r      Report
		prev   *Entry
		anchor string
		purges = map[string]bool{}
	)
	broken := func(format string, args ...any) {
		if len(r.Broken) < 10 {
			r.Broken = append(r.Broken, fmt.Sprintf(format, args...))
		}
	}
	err := s.ScanAudit(ctx, func(e *Entry) error {
		r.Entries++
		if e.ComputeHash() != e.Hash {
			broken("entry %d: its hash does not match its content", e.Seq)
		}
		switch {
		case prev == nil:
			r.First = e.Seq
			if e.Seq != 1 || e.PrevHash != "" {
				anchor = strconv.FormatInt(e.Seq-1, 10) + " " + e.PrevHash
			}
		case e.Seq != prev.Seq+1:
			broken("entry %d follows entry %d: entries are missing", e.Seq, prev.Seq)
		case e.PrevHash != prev.Hash:
			broken("entry %d does not name the hash of entry %d", e.Seq, prev.Seq)
		}
		if e.Action == AuditPurge && e.Result == OK {
			purges[e.Detail] = true
		}
		r.Last = e.Seq
		c := *e
		prev = &c
		return nil
	})
	if err != nil {
		return r, err
	}
	if anchor != "" && !purges[purgeDetail(anchor)] {
		broken("entry %d is the oldest but no purge record names entry %s", r.First, strings.Fields(anchor)[0])
	}
	return r, nil
}

// purgeDetail is the Detail of a purge record whose last purged entry had
// the sequence number and hash in anchor ("seq hash").
func purgeDetail(anchor string) string { return "purged through " + anchor }

// PurgeDetail is the Detail of a purge record whose last purged entry is
// seq with hash.
func PurgeDetail(seq int64, hash string) string {
	return purgeDetail(strconv.FormatInt(seq, 10) + " " + hash)
}

// CheckRetention refuses a purge that would delete entries younger than
// the configured retention, or than MinRetention when the configuration
// asks for less.
func CheckRetention(olderThan, configured time.Duration) error {
	min := max(configured, MinRetention)
	if olderThan < min {
		days := int(min.Hours() / 24)
		return engine.Errorf(engine.EINVALID, "审计日志至少保留 %d 天，不能清除更近的记录。",
			"The audit log is kept at least %d days; younger entries cannot be purged.", days)
	}
	return nil
}
