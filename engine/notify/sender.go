package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine/sqlstore"
)

// Sender sends deliveries of one channel. Send returns nil when the
// destination took the message; an error wrapped with Permanent when
// retrying cannot help (the address is refused, the robot's key is
// invalid); any other error is retried.
type Sender interface {
	Send(ctx context.Context, d *Delivery) error
}

// Delivery is one message to one destination, as a Sender sees it.
type Delivery struct {
	// ID is the delivery's idempotency key: the same on every attempt, so
	// that a receiver de-duplicates.
	ID        string
	NoticeID  string
	Channel   string
	Recipient string
	Kind      string
	// Attempt counts the attempts, this one included.
	Attempt int
	Message Message
	// URL and Secret are the robot's or webhook's.
	URL    string
	Secret string
}

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks an error retrying cannot mend: the delivery goes to the
// dead-letter list at once.
func Permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// backoff returns the delay before retry number attempt (1 after the first
// failure): BackoffBase doubled per attempt up to BackoffMax, with jitter
// drawing it from its upper half, so that deliveries that failed together
// do not retry together.
func (s *Service) backoff(attempt int) time.Duration {
	d := s.cfg.BackoffBase
	for i := 1; i < attempt && d < s.cfg.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, s.cfg.BackoffMax)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

type outcome struct {
	row   *deliveryRow
	claim string
	err   error
	later time.Time
}

// job is a claimed delivery ready to send.
type job struct {
	row   *deliveryRow
	claim string
	d     *Delivery
	// claimed is when its claim was taken (the process's own clock): a
	// job not started within three quarters of the lease is put back
	// rather than sent after another sender may have claimed it.
	claimed time.Time
}

// SendDue claims due deliveries of the channel, up to a batch, sends them
// and records the outcome; it returns how many it claimed. A delivery over
// its destination's rate limit is put back to when the limit allows it,
// without counting an attempt. Drain uses it; Run sends through a pipeline
// (runChannel) that overlaps claims, sends and records.
func (s *Service) SendDue(ctx context.Context, ch string) (int, error) {
	sender := s.cfg.Senders[ch]
	if sender == nil {
		return 0, fmt.Errorf("notify: no sender for channel %q", ch)
	}
	rows, claim, err := s.claimDeliveries(ctx, ch)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	jobs, direct, err := s.prepare(ctx, ch, rows, claim)
	if err != nil {
		// Nothing was sent: the claims run out with their lease.
		return len(rows), err
	}
	var (
		mu       sync.Mutex
		outcomes = direct
		wg       sync.WaitGroup
		sem      = make(chan struct{}, s.cfg.Concurrency)
	)
	for _, j := range jobs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			o := s.sendOne(ctx, sender, j)
			mu.Lock()
			outcomes = append(outcomes, o)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return len(rows), s.record(context.WithoutCancel(ctx), outcomes)
}

// prepare turns a claimed batch into jobs, and into outcomes at once the
// deliveries that cannot go now: over their destination's rate limit (put
// back to when it allows them), unreadable, or to a robot that was removed.
func (s *Service) prepare(ctx context.Context, ch string, rows []deliveryRow, claim string) ([]job, []outcome, error) {
	claimed := time.Now()
	robots := map[string]robotRow{}
	if isRobot(ch) {
		var rs []robotRow
		if err := s.db.WithContext(ctx).Where("channel = ?", ch).Find(&rs).Error; err != nil {
			return nil, nil, err
		}
		for _, r := range rs {
			robots[r.ID] = r
		}
	}
	dests := make([]string, len(rows))
	for i := range rows {
		dests[i] = rows[i].Destination
	}
	later, err := s.takeRate(ctx, ch, dests)
	if err != nil {
		return nil, nil, err
	}
	var (
		jobs   []job
		direct []outcome
	)
	for i := range rows {
		r := &rows[i]
		if !later[i].IsZero() {
			direct = append(direct, outcome{row: r, claim: claim, later: later[i]})
			continue
		}
		d := &Delivery{ID: r.ID, NoticeID: r.NoticeID, Channel: ch, Recipient: r.Recipient, Kind: r.Kind, Attempt: r.Attempts}
		if err := json.Unmarshal([]byte(r.Message), &d.Message); err != nil {
			direct = append(direct, outcome{row: r, claim: claim, err: Permanent(err)})
			continue
		}
		if isRobot(ch) {
			rb, ok := robots[r.Destination]
			if !ok {
				direct = append(direct, outcome{row: r, claim: claim, err: Permanent(errors.New("the robot or webhook was removed"))})
				continue
			}
			d.URL, d.Secret = rb.URL, rb.Secret
		}
		jobs = append(jobs, job{row: r, claim: claim, d: d, claimed: claimed})
	}
	return jobs, direct, nil
}

// sendOne sends a job, or puts it back when its lease is mostly spent or
// the service is stopping.
func (s *Service) sendOne(ctx context.Context, sender Sender, j job) outcome {
	if ctx.Err() != nil || time.Since(j.claimed) > s.cfg.Lease*3/4 {
		return outcome{row: j.row, claim: j.claim, later: s.now()}
	}
	return outcome{row: j.row, claim: j.claim, err: sender.Send(ctx, j.d)}
}

// claimDeliveries leases up to a batch of due deliveries of the channel in
// one statement: their next_at moves to the end of the lease, so that a
// sender that dies holding them leaves them to the next claim after it.
func (s *Service) claimDeliveries(ctx context.Context, ch string) ([]deliveryRow, string, error) {
	now := s.now()
	claim := token()
	update := `UPDATE deliveries SET next_at = ?, claim = ?, attempts = attempts + 1, updated_at = ?
WHERE id IN (SELECT id FROM deliveries WHERE status = 'pending' AND channel = ? AND next_at <= ? ORDER BY next_at, id LIMIT ?` + s.forUpdate() + `)`
	args := []any{now.Add(s.cfg.Lease), claim, now, ch, now, s.cfg.Batch}
	var rows []deliveryRow
	if s.dialect == sqlstore.Postgres {
		if err := s.db.WithContext(ctx).Raw(update+" RETURNING *", args...).Scan(&rows).Error; err != nil {
			return nil, "", err
		}
	} else {
		// SQLite's RETURNING does not carry the columns' declared types
		// (the driver reads times by them): the IDs, then the rows.
		var ids []string
		if err := s.db.WithContext(ctx).Raw(update+" RETURNING id", args...).Scan(&ids).Error; err != nil || len(ids) == 0 {
			return nil, "", err
		}
		if err := s.db.WithContext(ctx).Where("id IN ? AND claim = ?", ids, claim).Find(&rows).Error; err != nil {
			return nil, "", err
		}
	}
	// RETURNING keeps no order: oldest first.
	sort.Slice(rows, func(i, j int) bool {
		if !rows[i].CreatedAt.Equal(rows[j].CreatedAt) {
			return rows[i].CreatedAt.Before(rows[j].CreatedAt)
		}
		return rows[i].ID < rows[j].ID
	})
	return rows, claim, nil
}

// record writes outcomes, each guarded by its claim: a sender whose lease
// ran out and whose deliveries were claimed again does not overwrite the
// newer claim's outcome. The sent are written in one statement per claim.
func (s *Service) record(ctx context.Context, outs []outcome) error {
	now := s.now()
	sent := map[string][]string{}
	var errs []error
	for _, o := range outs {
		r := o.row
		q := s.db.WithContext(ctx).Model(&deliveryRow{}).Where("id = ? AND claim = ?", r.ID, o.claim)
		var upd map[string]any
		switch {
		case !o.later.IsZero():
			upd = map[string]any{"next_at": o.later, "claim": "", "attempts": gorm.Expr("attempts - 1"), "updated_at": now}
		case o.err == nil:
			sent[o.claim] = append(sent[o.claim], r.ID)
			continue
		case IsPermanent(o.err):
			upd = map[string]any{"status": statusDead, "claim": "", "last_error": trim(o.err.Error()), "updated_at": now}
			s.log.Warn("notify: delivery refused for good; in the dead-letter list", "delivery", r.ID, "err", o.err)
		default:
			next := now.Add(s.backoff(r.Attempts))
			upd = map[string]any{"next_at": next, "claim": "", "last_error": trim(o.err.Error()), "updated_at": now}
			if next.After(r.CreatedAt.Add(s.cfg.MaxAge)) {
				upd["status"] = statusDead
				s.log.Warn("notify: delivery failed for a day; in the dead-letter list", "delivery", r.ID, "attempts", r.Attempts, "err", o.err)
			}
		}
		if err := q.Updates(upd).Error; err != nil {
			errs = append(errs, err)
		}
	}
	for claim, ids := range sent {
		for len(ids) > 0 {
			n := min(len(ids), 1000)
			err := s.db.WithContext(ctx).Model(&deliveryRow{}).Where("id IN ? AND claim = ?", ids[:n], claim).
				Updates(map[string]any{"status": statusSent, "sent_at": now, "claim": "", "last_error": "", "updated_at": now}).Error
			if err != nil {
				errs = append(errs, err)
			}
			ids = ids[n:]
		}
	}
	return errors.Join(errs...)
}

func trim(s string) string {
	if len(s) > 1000 {
		return s[:1000]
	}
	return s
}
