package engine

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// WorkerConfig holds what a Worker is built from. Zero fields take the
// defaults.
type WorkerConfig struct {
	// Poll is the longest the worker sleeps between looks at the index;
	// it wakes earlier when the next timer falls due sooner. Default 100ms.
	Poll time.Duration
	// Lease is how long a claimed timer stays with this worker before
	// another may claim it (the worker died). Default 30s.
	Lease time.Duration
	// Batch is how many timers one claim takes. Default 256.
	Batch int
	// Concurrency is how many timers fire at once. Default 8.
	Concurrency int
	// ReconcileEvery is how often the index is repaired from the rows.
	// Default 1 minute.
	ReconcileEvery time.Duration
	// ScheduleEvery is how often the scheduled cases that fell due are
	// opened (Engine.OpenScheduled). Default 1 minute.
	ScheduleEvery time.Duration
	// ShutdownGrace bounds how long in-flight timers may take to finish
	// once the worker is told to stop. Default 5s.
	ShutdownGrace time.Duration
	// Follow, when positive and the store is a TimerFeed, is how often the
	// worker looks for timers armed by other processes in the database
	// (the in-process index hears nothing of them). Zero: it does not
	// look; the reconciler finds them every ReconcileEvery.
	Follow time.Duration
	// Observer, when set, is told of every timer fired (metrics).
	Observer TimerObserver
	Logger   *slog.Logger
	// Handler fires one claimed timer and reports whether it had an
	// effect. Nil means the engine's own: the claimed timers fired in
	// batches of at most FireBatch, a transaction each
	// (Engine.FireTimers), and one by one (Engine.FireTimer) when a
	// batch fails. Benchmarks of the claim path pass a no-op.
	Handler func(ctx context.Context, timerID string) (bool, error)
	// FireBatch is how many claimed timers one transaction fires at
	// most; the claimed timers are spread over Concurrency transactions
	// before a transaction takes more than one. Default 32.
	FireBatch int
}

// TimerObserver is told when timers start and stop firing, and how late
// each one that had an effect fired after its due instant.
type TimerObserver interface {
	Firing(delta int)
	Fired(late time.Duration)
}

// Worker claims due timers from a TimerIndex and fires them through the
// engine. Any number of workers may share one database and one index: the
// index hands each timer to one of them at a time, and the timer row makes a
// second delivery a no-op.
type Worker struct {
	engine *Engine
	index  TimerIndex
	cfg    WorkerConfig
	// batch: the engine's own handler, firing timers in batches.
	batch bool
	log   *slog.Logger

	mu          sync.Mutex
	indexDown   bool
	storeDown   bool
	firingFails bool
	wake        chan struct{}
	// sleepUntil is when, by the engine's clock (unix nanoseconds), the
	// worker's sleep ends; math.MaxInt64 while it is awake (WakeFor).
	sleepUntil atomic.Int64
	// reconcileSoon asks Run to reconcile at its next turn (the index came
	// back): Run owns every reconcile, and none outlives it.
	reconcileSoon atomic.Bool
}

// NewWorker returns a worker firing the timers of e from index.
func NewWorker(e *Engine, index TimerIndex, cfg WorkerConfig) *Worker {
	if cfg.Poll <= 0 {
		cfg.Poll = 100 * time.Millisecond
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 30 * time.Second
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 256
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 8
	}
	if cfg.ReconcileEvery <= 0 {
		cfg.ReconcileEvery = time.Minute
	}
	if cfg.ScheduleEvery <= 0 {
		cfg.ScheduleEvery = time.Minute
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = e.log
	}
	if cfg.FireBatch <= 0 {
		cfg.FireBatch = 32
	}
	batch := cfg.Handler == nil
	if batch {
		cfg.Handler = e.FireTimer
	}
	w := &Worker{engine: e, index: index, cfg: cfg, batch: batch, log: cfg.Logger, wake: make(chan struct{}, 1)}
	w.sleepUntil.Store(math.MaxInt64) // not asleep yet
	return w
}

// Wake makes a sleeping worker look at the index now (a timer was armed
// that may fall due before its next look).
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// WakeFor wakes the worker for a timer armed due at due (zero: unknown)
// if it would otherwise sleep past it: a timer due after the worker's next
// look is found by that look, with no wake-up. A burst of openings, each
// arming limits days away, no longer wakes the worker once a commit.
func (w *Worker) WakeFor(due time.Time) {
	if due.IsZero() || due.UnixNano() < w.sleepUntil.Load() {
		w.Wake()
	}
}

// Run reconciles the index, then fires due timers until ctx is done. On
// return, timers it had claimed but not fired are released to other workers.
func (w *Worker) Run(ctx context.Context) error {
	if wk, ok := w.index.(Waker); ok {
		// Hear other processes arm timers; the listener stops with Run.
		ctx, stop := context.WithCancel(ctx)
		ch, err := wk.Wakeups(ctx)
		if err != nil {
			w.log.Warn("timer index: no wake-ups from other processes; timers they arm wait for the next poll", "err", err)
		} else {
			done := make(chan struct{})
			go func() {
				defer close(done)
				for due := range ch {
					w.WakeFor(due)
				}
			}()
			defer func() { stop(); <-done }()
		}
		defer stop()
	}
	if feed, ok := w.engine.store.(TimerFeed); ok && w.cfg.Follow > 0 {
		ctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); w.follow(ctx, feed) }()
		defer func() { stop(); <-done }()
	}
	w.reconcile(ctx)
	lastReconcile := time.Now()
	w.openScheduled(ctx)
	lastSchedule := time.Now()
	for {
		// Awake: any timer armed now may have been missed by the look
		// below, so every WakeFor wakes until the next sleep is set.
		w.sleepUntil.Store(math.MaxInt64)
		if ctx.Err() != nil {
			return nil
		}
		if w.reconcileSoon.Swap(false) || time.Since(lastReconcile) >= w.cfg.ReconcileEvery {
			w.reconcile(ctx)
			lastReconcile = time.Now()
		}
		if time.Since(lastSchedule) >= w.cfg.ScheduleEvery {
			w.openScheduled(ctx)
			lastSchedule = time.Now()
		}
		_, err := w.Drain(ctx)
		if ctx.Err() == nil {
			w.setFiringFails(err)
		}
		wait := w.cfg.Poll
		if at, ok, err := w.index.Next(ctx); err == nil && ok {
			if d := at.Sub(w.engine.clock.Now()); d < wait {
				wait = max(d, time.Millisecond)
			}
		}
		w.sleepUntil.Store(w.engine.clock.Now().Add(wait).UnixNano())
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-w.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// Drain claims and fires every timer due now, batch after batch, and returns
// how many fired. It stops claiming when ctx is done; what it claimed by then
// is finished (within ShutdownGrace) or released.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	total := 0
	for ctx.Err() == nil {
		refs, err := w.index.Claim(ctx, w.engine.clock.Now(), w.cfg.Batch, w.cfg.Lease)
		if err != nil {
			if ctx.Err() != nil {
				return total, nil
			}
			w.setIndexDown(err)
			return total, nil
		}
		w.setIndexDown(nil)
		if len(refs) == 0 {
			return total, nil
		}
		n, err := w.fire(ctx, refs)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// fire fires the claimed timers with bounded concurrency and acks those that
// are done. Work already claimed is finished even if ctx is cancelled, within
// the shutdown grace; the rest is released.
func (w *Worker) fire(ctx context.Context, refs []TimerRef) (int, error) {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(w.cfg.ShutdownGrace, cancel) })
	defer stop()

	var (
		mu         sync.Mutex
		fired      int
		done       []string
		release    []string
		reschedule []TimerRef
		firstErr   error
	)
	// settle records what firing one timer came to.
	settle := func(ref TimerRef, ok bool, err error) {
		if o := w.cfg.Observer; o != nil && err == nil && ok && !ref.DueAt.IsZero() {
			o.Fired(w.engine.clock.Now().Sub(ref.DueAt))
		}
		mu.Lock()
		defer mu.Unlock()
		var early notDueError
		switch {
		case errors.As(err, &early):
			// The index had it due earlier than its row: put it back
			// at the row's due time.
			reschedule = append(reschedule, TimerRef{ID: ref.ID, DueAt: early.dueAt})
		case err != nil && work.Err() != nil:
			// Cut short by shutdown: its transaction rolled back, so
			// give it to another worker now rather than at lease expiry.
			release = append(release, ref.ID)
		case err != nil:
			// Leave it claimed: its lease expires and it is retried.
			if firstErr == nil {
				firstErr = err
			}
		default:
			done = append(done, ref.ID)
			if ok {
				fired++
			}
		}
	}
	sem := make(chan struct{}, w.cfg.Concurrency)
	var wg sync.WaitGroup
	for _, part := range w.parts(refs) {
		if ctx.Err() != nil {
			mu.Lock()
			for _, ref := range part {
				release = append(release, ref.ID)
			}
			mu.Unlock()
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func(part []TimerRef) {
			defer func() { <-sem; wg.Done() }()
			if o := w.cfg.Observer; o != nil {
				o.Firing(len(part))
				defer o.Firing(-len(part))
			}
			if len(part) > 1 {
				if out, err := w.fireBatch(work, part); err == nil {
					for _, ref := range part {
						o := out[ref.ID]
						var err error
						if !o.NotDue.IsZero() {
							err = notDueError{o.NotDue}
						}
						settle(ref, o.Fired, err)
					}
					return
				}
				// The batch rolled back: fire its timers one by one,
				// so that one failing timer holds back only itself.
			}
			for _, ref := range part {
				ok, err := w.fireOne(work, ref)
				settle(ref, ok, err)
			}
		}(part)
	}
	wg.Wait()
	bg := context.WithoutCancel(ctx)
	if len(done) > 0 {
		if err := w.index.Ack(bg, done...); err != nil {
			w.setIndexDown(err)
		}
	}
	if len(release) > 0 {
		if err := w.index.Release(bg, release...); err != nil {
			w.setIndexDown(err)
		}
	}
	if len(reschedule) > 0 {
		if err := w.index.Schedule(bg, reschedule...); err != nil {
			w.setIndexDown(err)
		}
	}
	return fired, firstErr
}

// parts splits the claimed timers into the transactions that fire them:
// one timer each for a handler of single timers; for the engine's own, as
// many parts as transactions may run at once, each of at most FireBatch
// timers.
func (w *Worker) parts(refs []TimerRef) [][]TimerRef {
	size := 1
	if w.batch {
		size = min(w.cfg.FireBatch, (len(refs)+w.cfg.Concurrency-1)/w.cfg.Concurrency)
		size = max(size, 1)
	}
	var out [][]TimerRef
	for len(refs) > 0 {
		n := min(size, len(refs))
		out = append(out, refs[:n])
		refs = refs[n:]
	}
	return out
}

// fireBatch fires the timers in one transaction, retrying a few times when
// the database reports a transient conflict.
func (w *Worker) fireBatch(ctx context.Context, refs []TimerRef) (map[string]TimerOutcome, error) {
	ids := make([]string, len(refs))
	for i, r := range refs {
		ids[i] = r.ID
	}
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var out map[string]TimerOutcome
		out, err = w.engine.FireTimers(ctx, ids)
		if err == nil || ErrorCode(err) != ECONFLICT {
			return out, err
		}
	}
	return nil, err
}

// fireOne fires one timer, retrying a few times when the database reports a
// transient conflict (a case changed under it).
func (w *Worker) fireOne(ctx context.Context, ref TimerRef) (bool, error) {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		var ok bool
		ok, err = w.cfg.Handler(ctx, ref.ID)
		if err == nil || ErrorCode(err) != ECONFLICT {
			return ok, err
		}
	}
	return false, err
}

// setFiringFails logs failures to fire (the database unreachable, say) once
// when they start and once when firing works again, not once per poll.
func (w *Worker) setFiringFails(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case err != nil && !w.firingFails:
		w.firingFails = true
		w.log.Error("timer worker: firing fails; claimed timers are retried when their lease expires", "err", err)
	case err == nil && w.firingFails:
		w.firingFails = false
		w.log.Info("timer worker: firing works again")
	}
}

// setIndexDown logs an index outage once when it starts and once when it
// ends, not once per poll.
func (w *Worker) setIndexDown(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case err != nil && !w.indexDown:
		w.indexDown = true
		w.log.Error("timer index unreachable; timers wait in the database until it is back", "err", err)
	case err == nil && w.indexDown:
		w.indexDown = false
		w.log.Info("timer index reachable again; reconciling")
		w.reconcileSoon.Store(true)
		w.Wake()
	}
}

// setStoreDown logs once when the reconciler cannot read the timer rows
// (the database unreachable) and once when it can again.
func (w *Worker) setStoreDown(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case err != nil && !w.storeDown:
		w.storeDown = true
		w.log.Error("timer reconcile: the database is unreachable; the index is repaired once it is back", "err", err)
	case err == nil && w.storeDown:
		w.storeDown = false
		w.log.Info("timer reconcile: the database is reachable again")
	}
}

// reconcile repairs the index, telling an unreachable index from an
// unreachable database in its logs.
func (w *Worker) reconcile(ctx context.Context) {
	added, dropped, err := w.engine.Reconcile(ctx, w.index)
	if ctx.Err() != nil {
		return
	}
	var ie *IndexError
	switch {
	case errors.As(err, &ie):
		w.setIndexDown(err)
		return
	case err != nil:
		w.setStoreDown(err)
		return
	}
	w.setStoreDown(nil)
	w.setIndexDown(nil)
	if added > 0 || dropped > 0 {
		w.log.Info("timer index reconciled", "added", added, "dropped", dropped)
	}
}

// IndexError is a failure of the timer index (Redis unreachable, say), as
// opposed to one of the database.
type IndexError struct{ Err error }

func (e *IndexError) Error() string { return "timer index: " + e.Err.Error() }

// Unwrap returns the index's own error.
func (e *IndexError) Unwrap() error { return e.Err }

// Reconcile repairs the index from the timer rows: every pending row missing
// from the index is put back, and every index entry whose row is no longer
// pending is dropped. A failure of the index is an *IndexError; any other
// is the database's. It reads the index before the rows, so a timer armed
// meanwhile is never taken for stale.
func (e *Engine) Reconcile(ctx context.Context, index TimerIndex) (added, dropped int, err error) {
	ids, err := index.IDs(ctx)
	if err != nil {
		return 0, 0, &IndexError{err}
	}
	pending, err := e.store.PendingTimers(ctx)
	if err != nil {
		return 0, 0, err
	}
	inIndex := make(map[string]bool, len(ids))
	for _, id := range ids {
		inIndex[id] = true
	}
	isPending := make(map[string]bool, len(pending))
	var missing []TimerRef
	for _, ref := range pending {
		isPending[ref.ID] = true
		if !inIndex[ref.ID] {
			missing = append(missing, ref)
		}
	}
	var stale []string
	for _, id := range ids {
		if !isPending[id] {
			stale = append(stale, id)
		}
	}
	for len(missing) > 0 {
		n := min(len(missing), 1000)
		if err := index.Schedule(ctx, missing[:n]...); err != nil {
			return added, dropped, &IndexError{err}
		}
		added += n
		missing = missing[n:]
	}
	if len(stale) > 0 {
		// Check again just before dropping: a row may have been resumed.
		still, err := e.store.PendingAmong(ctx, stale)
		if err != nil {
			return added, dropped, err
		}
		var drop []string
		for _, id := range stale {
			if !still[id] {
				drop = append(drop, id)
			}
		}
		for len(drop) > 0 {
			n := min(len(drop), 1000)
			if err := index.Remove(ctx, drop[:n]...); err != nil {
				return added, dropped, &IndexError{err}
			}
			dropped += n
			drop = drop[n:]
		}
	}
	return added, dropped, nil
}

// openScheduled opens the scheduled cases that fell due; a failure is
// logged and tried again at the next turn.
func (w *Worker) openScheduled(ctx context.Context) {
	n, err := w.engine.OpenScheduled(ctx)
	if err != nil && ctx.Err() == nil {
		w.log.Error("scheduled cases: could not open every case that fell due; trying again later", "opened", n, "err", err)
		return
	}
	if n > 0 {
		w.log.Info("scheduled cases opened", "opened", n)
	}
}
