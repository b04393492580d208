package notify

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parkfin/parkfin/engine/sqlstore"
)

// rateRow is a destination's sliding minute: the instants (Unix
// microseconds, comma-separated, oldest first) of the messages sent to it
// in the last minute. It lives in the database so that every sending
// process counts against the same limit.
type rateRow struct {
	Channel     string `gorm:"primaryKey"`
	Destination string `gorm:"primaryKey"`
	Sends       string
}

func (rateRow) TableName() string { return "notify_rate" }

// takeRate decides, for a batch of messages to the channel's destinations
// (dests[i] is message i's), which may go now under the channel's limit
// per destination and minute, and records them as sent; for the others it
// returns when the limit will allow them (zero: it may go now). The
// destinations' rows are locked for the decision (SQLite has one writer),
// so senders in several processes never exceed the limit together.
func (s *Service) takeRate(ctx context.Context, ch string, dests []string) ([]time.Time, error) {
	later := make([]time.Time, len(dests))
	limit := s.cfg.RateLimits[ch]
	if limit <= 0 || len(dests) == 0 {
		return later, nil
	}
	var uniq []string
	seen := map[string]bool{}
	for _, d := range dests {
		if !seen[d] {
			seen[d] = true
			uniq = append(uniq, d)
		}
	}
	// One order for every process: the locks are taken without deadlock.
	sort.Strings(uniq)
	now := s.now()
	err := s.db.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		fresh := make([]rateRow, len(uniq))
		for i, d := range uniq {
			fresh[i] = rateRow{Channel: ch, Destination: d}
		}
		if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&fresh).Error; err != nil {
			return err
		}
		lock := ""
		if s.dialect == sqlstore.Postgres {
			lock = " FOR UPDATE"
		}
		var rows []rateRow
		if err := db.Raw("SELECT * FROM notify_rate WHERE channel = ? AND destination IN ? ORDER BY destination"+lock, ch, uniq).
			Scan(&rows).Error; err != nil {
			return err
		}
		window := map[string][]time.Time{}
		for _, r := range rows {
			window[r.Destination] = parseSends(r.Sends, now)
		}
		extra := map[string]int{}
		for i, d := range dests {
			w := window[d]
			if len(w) < limit {
				window[d] = append(w, now)
				continue
			}
			// The k-th message over the limit goes when the k-th send of
			// the window is a minute old (a minute more per lap).
			k := extra[d]
			extra[d]++
			later[i] = w[len(w)-limit+k%limit].Add(time.Duration(k/limit+1) * time.Minute)
		}
		for _, d := range uniq {
			if err := db.Model(&rateRow{}).Where("channel = ? AND destination = ?", ch, d).
				Update("sends", formatSends(window[d])).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return later, err
}

// parseSends reads a window, dropping the instants a minute old or more.
func parseSends(s string, now time.Time) []time.Time {
	var out []time.Time
	for _, f := range strings.Split(s, ",") {
		us, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			continue
		}
		if t := time.UnixMicro(us).UTC(); t.After(now.Add(-time.Minute)) {
			out = append(out, t)
		}
	}
	return out
}

func formatSends(ts []time.Time) string {
	fs := make([]string, len(ts))
	for i, t := range ts {
		fs[i] = strconv.FormatInt(t.UnixMicro(), 10)
	}
	return strings.Join(fs, ",")
}
