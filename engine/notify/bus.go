package notify

import (
	"context"
	"time"
)

// wakeChannel is the Redis channel on which Wake is published.
func (s *Service) wakeChannel() string { return s.cfg.RedisPrefix + "notify:wake" }

// wakeGap is the least time between two wake-ups one process publishes.
// Under a stream of openings a commit writes notices every few
// milliseconds; a wake-up for each would cost a round trip to Redis and a
// message to every subscriber, serve's own included, while a dispatcher
// woken once looks at the whole outbox anyway.
const wakeGap = 10 * time.Millisecond

// publishWakes tells the other processes' dispatchers that notices were
// written, off the transition's path (Wake starts it). After each
// wake-up it waits wakeGap and publishes once more if Wake was called
// meanwhile, so that no commit goes unannounced, then ends; once ctx is
// done (Close) it ends after the wake-up it is sending.
func (s *Service) publishWakes(ctx context.Context) {
	for {
		// A wake-up under way when Close is called still goes out, within
		// its two seconds: the commits it announces are made.
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		if err := s.cfg.Redis.Publish(pctx, s.wakeChannel(), s.id).Err(); err != nil {
			s.log.Debug("notify: wake-up not published; the other processes find the notices at their next poll", "err", err)
		}
		cancel()
		gap := time.NewTimer(wakeGap)
		select {
		case <-gap.C:
		case <-ctx.Done():
			gap.Stop()
		}
		s.pubMu.Lock()
		if !s.again || ctx.Err() != nil {
			s.publishing, s.again = false, false
			s.pubMu.Unlock()
			return
		}
		s.again = false
		s.pubMu.Unlock()
	}
}

// runBus wakes the dispatcher whenever any process published that it wrote
// notices (Redis pub/sub), until ctx is done. Without Redis, or while it is
// down, the dispatchers find the notices at their next poll.
func (s *Service) runBus(ctx context.Context) {
	for ctx.Err() == nil {
		sub := s.cfg.Redis.Subscribe(ctx, s.wakeChannel())
		if _, err := sub.Receive(ctx); err != nil {
			sub.Close()
			if ctx.Err() == nil {
				s.log.Warn("notify: no wake-ups from other processes; their notices wait for the next poll", "err", err)
			}
			t := time.NewTimer(10 * s.cfg.Poll)
			select {
			case <-ctx.Done():
			case <-t.C:
			}
			t.Stop()
			continue
		}
		// Subscribed: a notice written before this went unheard; look.
		signal(s.wake)
		msgs := sub.Channel()
	listen:
		for {
			select {
			case <-ctx.Done():
				break listen
			case m, ok := <-msgs:
				if !ok {
					break listen
				}
				if m.Payload == s.id {
					// Our own: Wake signalled already.
					continue
				}
				signal(s.wake)
			}
		}
		sub.Close()
	}
}
