package notify

import (
	"context"
	"sync"
	"time"
)

// runChannel sends the channel's deliveries until ctx is done, as a
// pipeline: a claimer keeps a batch queued ahead of the senders,
// Concurrency senders take from the queue, and a recorder writes the
// outcomes in batches of whatever has finished meanwhile. Claims, sends
// and records overlap instead of taking turns, so the senders do not wait
// for the database between batches.
func (s *Service) runChannel(ctx context.Context, ch string) {
	sender := s.cfg.Senders[ch]
	jobs := make(chan job, s.cfg.Batch)
	outs := make(chan outcome, s.cfg.Batch)
	var senders sync.WaitGroup
	for i := 0; i < s.cfg.Concurrency; i++ {
		senders.Add(1)
		go func() {
			defer senders.Done()
			for j := range jobs {
				outs <- s.sendOne(ctx, sender, j)
			}
		}()
	}
	recorded := make(chan struct{})
	go func() { defer close(recorded); s.recordLoop(context.WithoutCancel(ctx), ch, outs) }()
	s.claimLoop(ctx, ch, jobs, outs)
	// Queued jobs are put back (sendOne sees ctx done), in-flight sends
	// finish, and every outcome is recorded before Run returns.
	close(jobs)
	senders.Wait()
	close(outs)
	<-recorded
}

// claimLoop claims batches of due deliveries and queues them, until ctx is
// done. It claims again at once after a batch, blocking while the queue is
// full, and otherwise sleeps until the dispatcher wakes it or Poll passes.
func (s *Service) claimLoop(ctx context.Context, ch string, jobs chan<- job, outs chan<- outcome) {
	for ctx.Err() == nil {
		n, err := s.claimInto(ctx, ch, jobs, outs)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("notify: claiming deliveries failed", "channel", ch, "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		t := time.NewTimer(s.cfg.Poll)
		select {
		case <-ctx.Done():
		case <-s.sendWake[ch]:
		case <-t.C:
		}
		t.Stop()
	}
}

func (s *Service) claimInto(ctx context.Context, ch string, jobs chan<- job, outs chan<- outcome) (int, error) {
	// A claim once made is seen through even if ctx ends meanwhile: its
	// rows are queued (and put back by the senders) or put back here,
	// never left leased until the lease runs out.
	bg := context.WithoutCancel(ctx)
	rows, claim, err := s.claimDeliveries(bg, ch)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	ready, direct, err := s.prepare(bg, ch, rows, claim)
	if err != nil {
		for i := range rows {
			outs <- outcome{row: &rows[i], claim: claim, later: s.now()}
		}
		return len(rows), err
	}
	for _, o := range direct {
		outs <- o
	}
	for _, j := range ready {
		select {
		case jobs <- j:
		case <-ctx.Done():
			outs <- outcome{row: j.row, claim: j.claim, later: s.now()}
		}
	}
	return len(rows), nil
}

// recordLoop records outcomes as they come, each time all those that
// arrived while the previous were written, until outs is closed.
func (s *Service) recordLoop(ctx context.Context, ch string, outs <-chan outcome) {
	for o := range outs {
		batch := []outcome{o}
	gather:
		for len(batch) < 4*s.cfg.Batch {
			select {
			case o, ok := <-outs:
				if !ok {
					break gather
				}
				batch = append(batch, o)
			default:
				break gather
			}
		}
		if err := s.record(ctx, batch); err != nil {
			// The deliveries stay claimed; their lease runs out and they
			// are sent again (at least once, idempotency key unchanged).
			s.log.Warn("notify: recording outcomes failed", "channel", ch, "err", err)
		}
	}
}
