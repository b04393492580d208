package redistimer

import (
	"context"
)

// Wakeups subscribes to the index's wake channel, on which every Schedule
// publishes, and returns a channel that receives (coalesced) when timers
// were scheduled by any process. The subscription is in place when it
// returns; it ends, and the channel closes, when ctx is done.
func (x *Index) Wakeups(ctx context.Context) (<-chan struct{}, error) {
	sub := x.client.Subscribe(ctx, x.keys.wake)
	// The first reply confirms the subscription: from here on no Schedule
	// is missed.
	if _, err := sub.Receive(ctx); err != nil {
		sub.Close()
		return nil, wrap("subscribe", err)
	}
	out := make(chan struct{}, 1)
	msgs := sub.Channel()
	go func() {
		defer close(out)
		defer sub.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-msgs:
				if !ok {
					return
				}
				select {
				case out <- struct{}{}:
				default: // a wake-up is pending already
				}
			}
		}
	}()
	return out, nil
}
