package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"gorm.io/gorm"
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
	err   error
	later time.Time
}

// SendDue claims due deliveries of the channel, up to a batch, sends them
// and records the outcome; it returns how many it claimed. A delivery over
// its destination's rate limit is put back to when the limit allows it,
// without counting an attempt.
func (s *Service) SendDue(ctx context.Context, ch string) (int, error) {
	sender := s.cfg.Senders[ch]
	if sender == nil {
		return 0, fmt.Errorf("notify: no sender for channel %q", ch)
	}
	rows, claim, err := s.claimDeliveries(ctx, ch)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	robots := map[string]robotRow{}
	if isRobot(ch) {
		var rs []robotRow
		if err := s.db.WithContext(ctx).Where("channel = ?", ch).Find(&rs).Error; err != nil {
			return len(rows), err
		}
		for _, r := range rs {
			robots[r.ID] = r
		}
	}
	var (
		mu       sync.Mutex
		outcomes []outcome
		wg       sync.WaitGroup
		sem      = make(chan struct{}, s.cfg.Concurrency)
		// A delivery not started within three quarters of the lease (a
		// slow server ahead of it in the batch) is put back rather than
		// sent after another sender may have claimed it.
		started = time.Now()
	)
	add := func(o outcome) {
		mu.Lock()
		outcomes = append(outcomes, o)
		mu.Unlock()
	}
	for i := range rows {
		r := &rows[i]
		if ok, at := s.limits.take(ch, r.Destination, s.now()); !ok {
			add(outcome{row: r, later: at})
			continue
		}
		d := &Delivery{ID: r.ID, NoticeID: r.NoticeID, Channel: ch, Recipient: r.Recipient, Kind: r.Kind, Attempt: r.Attempts}
		if err := json.Unmarshal([]byte(r.Message), &d.Message); err != nil {
			add(outcome{row: r, err: Permanent(err)})
			continue
		}
		if isRobot(ch) {
			rb, ok := robots[r.Destination]
			if !ok {
				add(outcome{row: r, err: Permanent(errors.New("the robot or webhook was removed"))})
				continue
			}
			d.URL, d.Secret = rb.URL, rb.Secret
		}
		sem <- struct{}{}
		if time.Since(started) > s.cfg.Lease*3/4 || ctx.Err() != nil {
			<-sem
			add(outcome{row: r, later: s.now()})
			continue
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			add(outcome{row: r, err: sender.Send(ctx, d)})
		}()
	}
	wg.Wait()
	return len(rows), s.record(context.WithoutCancel(ctx), claim, outcomes)
}

// claimDeliveries leases up to a batch of due deliveries of the channel:
// their next_at moves to the end of the lease, so that a sender that dies
// holding them leaves them to the next claim after it.
func (s *Service) claimDeliveries(ctx context.Context, ch string) ([]deliveryRow, string, error) {
	now := s.now()
	claim := token()
	var rows []deliveryRow
	err := s.db.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		var ids []string
		err := db.Raw("SELECT id FROM deliveries WHERE status = 'pending' AND channel = ? AND next_at <= ? ORDER BY next_at, id LIMIT ?"+s.forUpdate(),
			ch, now, s.cfg.Batch).Scan(&ids).Error
		if err != nil || len(ids) == 0 {
			return err
		}
		err = db.Model(&deliveryRow{}).Where("id IN ?", ids).Updates(map[string]any{
			"next_at": now.Add(s.cfg.Lease), "claim": claim, "attempts": gorm.Expr("attempts + 1"), "updated_at": now}).Error
		if err != nil {
			return err
		}
		return db.Where("id IN ?", ids).Order("next_at, id").Find(&rows).Error
	})
	return rows, claim, err
}

// record writes the outcomes of a batch, each guarded by the claim: a
// sender whose lease ran out and whose deliveries were claimed again does
// not overwrite the newer claim's outcome.
func (s *Service) record(ctx context.Context, claim string, outs []outcome) error {
	now := s.now()
	var sent []string
	var errs []error
	for _, o := range outs {
		r := o.row
		q := s.db.WithContext(ctx).Model(&deliveryRow{}).Where("id = ? AND claim = ?", r.ID, claim)
		var upd map[string]any
		switch {
		case !o.later.IsZero():
			upd = map[string]any{"next_at": o.later, "claim": "", "attempts": gorm.Expr("attempts - 1"), "updated_at": now}
		case o.err == nil:
			sent = append(sent, r.ID)
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
	for len(sent) > 0 {
		n := min(len(sent), 500)
		err := s.db.WithContext(ctx).Model(&deliveryRow{}).Where("id IN ? AND claim = ?", sent[:n], claim).
			Updates(map[string]any{"status": statusSent, "sent_at": now, "claim": "", "last_error": "", "updated_at": now}).Error
		if err != nil {
			errs = append(errs, err)
		}
		sent = sent[n:]
	}
	return errors.Join(errs...)
}

func trim(s string) string {
	if len(s) > 1000 {
		return s[:1000]
	}
	return s
}

// limiter caps messages per destination in a sliding minute. It is the
// process's own: with several senders, each keeps its own count (see
// docs/notifications.md).
type limiter struct {
	perMinute map[string]int
	mu        sync.Mutex
	sent      map[string][]time.Time
}

func newLimiter(perMinute map[string]int) *limiter {
	return &limiter{perMinute: perMinute, sent: map[string][]time.Time{}}
}

// take reports whether a message to the destination may go now, and
// records it; if not, when the next may.
func (l *limiter) take(ch, dest string, now time.Time) (bool, time.Time) {
	n := l.perMinute[ch]
	if n <= 0 {
		return true, time.Time{}
	}
	key := ch + "/" + dest
	l.mu.Lock()
	defer l.mu.Unlock()
	times := l.sent[key]
	for len(times) > 0 && !times[0].After(now.Add(-time.Minute)) {
		times = times[1:]
	}
	if len(times) >= n {
		l.sent[key] = times
		return false, times[0].Add(time.Minute)
	}
	l.sent[key] = append(times, now)
	return true, time.Time{}
}
