package notify

import (
	"context"
	"sync"
)

// background runs the service's short tasks that no Run owns — a wake-up
// published to the other processes, the directory read anew for notices
// expanded in their transactions — so that Close can end them before the
// process closes the database and Redis under them. Its zero value is
// ready; once closed it starts nothing.
type background struct {
	mu     sync.Mutex
	closed bool
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// start runs fn in a goroutine with a context that Close cancels, and
// reports whether it did: after Close it does not.
func (b *background) start(fn func(ctx context.Context)) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	if b.ctx == nil {
		b.ctx, b.cancel = context.WithCancel(context.Background())
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		fn(b.ctx)
	}()
	return true
}

// close cancels the tasks under way, waits for them to end and refuses
// any later.
func (b *background) close() {
	b.mu.Lock()
	b.closed = true
	if b.cancel != nil {
		b.cancel()
	}
	b.mu.Unlock()
	b.wg.Wait()
}

// Close ends the service's background tasks and waits for them: a read of
// the directory is cancelled, a wake-up being published is sent (within
// its two seconds) and not followed by another. It does not stop Run, which
// its context stops. After Close, the service starts no such task: notices
// a transaction cannot expand go to the outbox, and the other processes'
// dispatchers find them at their next poll. Call it before closing the
// store and the Redis client the service was given.
func (s *Service) Close() error {
	s.bg.close()
	return nil
}
