package notify

import (
	"context"
	"time"
)

// wakeChannel is the Redis channel on which Wake is published.
func (s *Service) wakeChannel() string { return s.cfg.RedisPrefix + "notify:wake" }

// runBus carries wake-ups between processes over Redis pub/sub until ctx is
// done: it publishes when this process's engine wrote notices (one message
// for a burst of Wake calls, off the transition's path) and wakes the
// dispatcher when any process did. Without Redis, or while it is down, the
// dispatchers find the notices at their next poll.
func (s *Service) runBus(ctx context.Context) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.published:
				if err := s.cfg.Redis.Publish(ctx, s.wakeChannel(), "").Err(); err != nil && ctx.Err() == nil {
					s.log.Debug("notify: wake-up not published", "err", err)
				}
			}
		}
	}()
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
			case _, ok := <-msgs:
				if !ok {
					break listen
				}
				signal(s.wake)
			}
		}
		sub.Close()
	}
}
