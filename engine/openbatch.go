package engine

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Openings that arrive together share a transaction (group commit). Each
// Open queues its request and then either finds it answered or takes one
// of a few committer slots (Config.OpenCommitters); a caller holding a slot
// takes the requests waiting, at most Config.OpenBatch, and opens them all
// in one transaction (openBatch). Alone, a request takes a slot at once
// and runs by itself: nothing waits for company. Under load, while the
// slots' transactions run, the requests arriving queue and go together in
// the next one: one commit, one flush of the rows and, on PostgreSQL, a
// few round trips for the whole batch instead of several a case.
//
// Each request still gets its own case or its own error. An opening its
// workflow refuses (a bad payload, a forbidden actor) is refused before
// anything of it is written (prepareMove), so it fails alone and the
// others commit. When the batch's transaction fails for any other reason,
// it is rolled back and its requests are opened again one by one, each in
// a transaction of its own, as without batching: a request that cannot
// commit fails only itself.

// openQueue holds the openings waiting for a committer.
type openQueue struct {
	slots chan struct{}
	max   int
	mu    sync.Mutex
	wait  []*openCall
}

// openCall is one queued opening and, once done is closed, its outcome.
type openCall struct {
	ctx context.Context
	req OpenRequest
	w   *workflow
	// blank is the case before its open event; each attempt opens a
	// copy.
	blank Case
	now   time.Time
	done  chan struct{}
	out   *Case
	err   error
	// answered is set when done is closed (by the committer).
	answered bool
	// Within a batch: the case being opened, its prepared move and its
	// effects.
	c  *Case
	m  *moving
	fx effects
	// pre is the opening prepared ahead of the batch (openahead.go), until
	// a batch's transaction takes it or passes it over.
	pre *preparedOpening
}

func newOpenQueue(committers, max int) *openQueue {
	return &openQueue{slots: make(chan struct{}, committers), max: max}
}

// withdraw removes a call no committer took yet; it reports whether it
// was still waiting.
func (q *openQueue) withdraw(call *openCall) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, c := range q.wait {
		if c == call {
			q.wait = append(q.wait[:i], q.wait[i+1:]...)
			return true
		}
	}
	return false
}

// take removes and returns the oldest waiting calls, at most q.max, and
// reports whether call was still waiting (in the batch or after it).
func (q *openQueue) take(call *openCall) (batch []*openCall, waiting bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, c := range q.wait {
		if c == call {
			waiting = true
			break
		}
	}
	n := min(len(q.wait), q.max)
	batch = append([]*openCall(nil), q.wait[:n]...)
	q.wait = append(q.wait[:0], q.wait[n:]...)
	return batch, waiting
}

// openQueued queues the opening and returns its outcome: opened by this
// caller, in a batch it committed, or by another caller's batch.
func (e *Engine) openQueued(call *openCall) (*Case, error) {
	q := e.opens
	call.done = make(chan struct{})
	q.mu.Lock()
	q.wait = append(q.wait, call)
	q.mu.Unlock()
	for {
		select {
		case <-call.done:
			return call.out, call.err
		case <-call.ctx.Done():
			if q.withdraw(call) {
				return nil, call.ctx.Err()
			}
			// A committer has it: its transaction decides.
			<-call.done
			return call.out, call.err
		case q.slots <- struct{}{}:
			waiting := e.commitTaken(call)
			if !waiting {
				// Another committer took it.
				<-call.done
				return call.out, call.err
			}
		}
	}
}

// commitTaken takes the waiting calls and opens them, holding a committer
// slot; it reports whether call was still waiting. Should an opening
// panic, every call of the batch not answered yet gets an error, the slot
// is released, and the panic goes on up the caller's stack.
func (e *Engine) commitTaken(call *openCall) (waiting bool) {
	q := e.opens
	batch, waiting := q.take(call)
	taken := time.Now()
	held := true
	// opened counts the calls of the batch still wanted when it ran
	// (wanted): a call whose caller gave up before is answered at once,
	// not an opening the committer held its slot for.
	opened := 0
	release := func() {
		if held {
			held = false
			heldFor := time.Since(taken)
			<-q.slots
			if fn := e.onOpenBatch.Load(); fn != nil && opened > 0 {
				(*fn)(opened, heldFor)
			}
		}
	}
	defer func() {
		release()
		if p := recover(); p != nil {
			for _, c := range batch {
				if !c.answered {
					c.out, c.err = nil, fmt.Errorf("engine: a batch of openings failed: %v", p)
					c.answer()
				}
			}
			panic(p)
		}
	}()
	if live := wanted(batch); len(live) > 0 {
		opened = len(live)
		if finish := e.commitOpenings(live); finish != nil {
			// The batch committed: the next may start while this one's
			// timers go to the index and its callers get their cases.
			release()
			finish()
		}
	}
	return waiting
}

// OnOpenBatch registers fn to be told of each batch of openings a
// committer took (Config.OpenBatch): how many openings it held and how
// long it held its committer slot for them — taking the batch, its moves
// and its transaction until the commit, or, when the batch's transaction
// failed, until its openings were opened one by one. fn is called once the
// slot is let go, before the callers of a committed batch are answered.
// The slots' time over the time passed (for Config.OpenCommitters slots)
// stays near one under any steady stream, since a free committer takes
// whatever waits at once; the openings a batch tell how near case creation
// is to what the committers can do: growing with the share near one,
// openings queue. Not called when each opening runs alone (OpenBatch 1),
// nor for a batch whose callers had all given up before it ran; the calls
// of a batch whose callers gave up are not counted in its openings.
func (e *Engine) OnOpenBatch(fn func(openings int, held time.Duration)) { e.onOpenBatch.Store(&fn) }

// answer hands the call its outcome.
func (call *openCall) answer() {
	call.answered = true
	close(call.done)
}

// wanted answers the calls whose callers gave up (their context is done)
// with their context's error, and returns the others.
func wanted(batch []*openCall) []*openCall {
	live := make([]*openCall, 0, len(batch))
	for _, call := range batch {
		if err := call.ctx.Err(); err != nil {
			call.err = err
			call.answer()
			continue
		}
		live = append(live, call)
	}
	return live
}

// commitOpenings opens the calls, in one transaction when there are
// several, and answers each; or, once that transaction committed, returns
// what remains to be done — its timers told to the index, then each call
// answered — for the caller to run after giving up its committer slot.
func (e *Engine) commitOpenings(live []*openCall) (finish func()) {
	// One opening alone runs as a batch of one when it was prepared ahead,
	// so that its preparation is not done twice.
	if len(live) > 1 || live[0].pre != nil {
		fx, err := e.openBatch(live)
		if err == nil {
			return func() {
				e.afterCommit(context.WithoutCancel(live[0].ctx), fx)
				for _, call := range live {
					if call.err == nil {
						call.out = call.c
					}
					call.answer()
				}
			}
		}
		if len(live) == 1 {
			// Alone, its transaction's error is its own, as openOne's
			// would have been.
			live[0].out, live[0].err = nil, err
			live[0].answer()
			return nil
		}
		e.log.Warn("a batch of openings failed; opening them one by one", "openings", len(live), "err", err)
	}
	for _, call := range live {
		blank := call.blank
		call.out, call.err = e.openOne(call.ctx, call.req, call.w, &blank, call.now)
		call.answer()
	}
	return nil
}

// openBatch opens the calls in one transaction: each one's open event runs
// (prepareMove; one the workflow refuses gets its error and is left out),
// unless it ran ahead at the directory version the transaction works at
// (openahead.go),
// then the cases are numbered, the numbers of all their prefixes taken in
// one statement (Tx.NextNumbers, which locks the counters in prefix order,
// so that concurrent transactions cannot deadlock on them), and written,
// each in the order the calls arrived. It returns the effects of all; an
// error means the transaction was rolled back. A statement that fails on
// PostgreSQL fails the transaction, and so the batch, even when the
// workflow turned it into a refusal of one opening.
func (e *Engine) openBatch(batch []*openCall) (effects, error) {
	var all effects
	ctx := context.WithoutCancel(batch[0].ctx)
	err := e.store.InTx(Rerunnable(ctx), func(tx Tx) error {
		all = effects{}
		byPrefix := map[string][]*openCall{}
		for _, call := range batch {
			if call.takePrepared(tx) {
				byPrefix[call.c.Number] = append(byPrefix[call.c.Number], call)
				continue
			}
			c := call.blank
			call.c, call.m, call.fx, call.err = &c, nil, effects{}, nil
			w := call.w
			m, err := e.prepareMove(call.ctx, tx, tx, w, call.c, w.def.OpenEvent, call.req.Actor, call.req.Payload, call.req.Decoded, call.req.Files, call.now, true, nil, &call.fx)
			if err != nil {
				call.err = err
				continue
			}
			call.m = m
			byPrefix[call.c.Number] = append(byPrefix[call.c.Number], call)
		}
		if len(byPrefix) > 0 {
			counts := make(map[string]int, len(byPrefix))
			for p, calls := range byPrefix {
				counts[p] = len(calls)
			}
			last, err := tx.NextNumbers(ctx, counts)
			if err != nil {
				return err
			}
			for p, calls := range byPrefix {
				for i, call := range calls {
					call.m.number(last[p] - len(calls) + 1 + i)
				}
			}
		}
		for _, call := range batch {
			if call.m == nil {
				continue
			}
			if err := e.finishMove(call.ctx, tx, call.m, &call.fx); err != nil {
				return err
			}
			if call.req.InTx != nil {
				if err := call.req.InTx(call.ctx, tx, call.c); err != nil {
					return err
				}
			}
		}
		for _, call := range batch {
			all.merge(call.fx)
		}
		return nil
	})
	return all, err
}

// merge adds the effects of another transition of the same transaction.
func (fx *effects) merge(o effects) {
	fx.schedule = append(fx.schedule, o.schedule...)
	fx.remove = append(fx.remove, o.remove...)
	fx.notices += o.notices
	fx.moves = append(fx.moves, o.moves...)
	fx.after = append(fx.after, o.after...)
}
