package redistimer

import (
	"context"
	"time"
)

// Wakeups subscribes to the index's wake channel, on which every Schedule
// publishes the earliest due time it armed, and returns a channel that
// receives, when timers were scheduled by any process, the earliest due
// time among them (zero for a message that names none). Messages that
// arrive while one waits are folded into it, keeping the earlier time, so
// none is lost by coalescing. The subscription is in place when it
// returns; it ends, and the channel closes, when ctx is done.
func (x *Index) Wakeups(ctx context.Context) (<-chan time.Time, error) {
	sub := x.client.Subscribe(ctx, x.keys.wake)
	// The first reply confirms the subscription: from here on no Schedule
	// is missed.
	if _, err := sub.Receive(ctx); err != nil {
		sub.Close()
		return nil, wrap("subscribe", err)
	}
	out := make(chan time.Time, 1)
	msgs := sub.Channel()
	go func() {
		defer close(out)
		defer sub.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-msgs:
				if !ok {
					return
				}
				due, err := time.Parse(time.RFC3339Nano, m.Payload)
				if err != nil {
					due = time.Time{}
				}
				for {
					select {
					case out <- due:
					case pending := <-out:
						// One waits already: send the earlier.
						due = earlier(due, pending)
						continue
					}
					break
				}
			}
		}
	}()
	return out, nil
}

// earlier is the earlier of two due times, where zero (not told) comes
// before any.
func earlier(a, b time.Time) time.Time {
	if a.IsZero() || b.IsZero() {
		return time.Time{}
	}
	if b.Before(a) {
		return b
	}
	return a
}
