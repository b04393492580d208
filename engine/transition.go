package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"
	"github.com/looplab/fsm"

	"github.com/parkfin/parkfin/engine/ledger"
)

// OpenRequest asks for a new case.
type OpenRequest struct {
	Workflow string
	Actor    Actor
	// Payload is the workflow's opening input.
	Payload json.RawMessage
	// Decoded, when set, is Payload as the caller already decoded and
	// checked it, in the workflow's own input type (Transition.Decoded):
	// the open event's Apply may take it instead of decoding Payload
	// again. Payload must be its encoding.
	Decoded any
	// ReceivedAt is when the need reached the window; zero means now. It
	// may lie in the past by at most the workflow's MaxBackdate, never in
	// the future.
	ReceivedAt time.Time
	// RoutedAt is when the case reached whoever acts on it first (the
	// paper form handed to the bank); zero means now. It lies between
	// ReceivedAt and now. The limits armed by the open event count from it.
	RoutedAt time.Time
	// Files are handed in with the open event (see EventDef.TakesFiles).
	Files []File
	// InTx, when set, runs inside the opening transaction once the case is
	// written, so that what it records commits with the case or not at
	// all (the API's Idempotency-Key record).
	InTx func(ctx context.Context, tx Tx, c *Case) error
}

// FireRequest asks to fire an event on a case.
type FireRequest struct {
	CaseID string
	Event  EventName
	Actor  Actor
	// Version is the case version the actor saw; if the case has moved on
	// since, the request fails with a version_conflict error. Zero skips
	// the check (operator commands acting on the current state).
	Version int
	Payload json.RawMessage
	// Files are handed in with the event (see EventDef.TakesFiles).
	Files []File
}

// effects are what a committed transaction asks of the timer index.
type effects struct {
	schedule []TimerRef
	remove   []string
	// notices counts the outbox rows the transaction wrote.
	notices int
	// moves lists the transitions the transaction made, for OnTransition.
	moves []Move
	// after is what the notices expanded in the transaction
	// (NoticeExpander) have done once it committed.
	after []func()
}

// Move is one committed transition: its workflow and event.
type Move struct {
	Workflow string
	Event    string
}

// Open creates a case and fires its workflow's open event in one
// transaction. Errors: validation_failed for a bad payload or received time,
// forbidden when the actor may not open it, not_found for an unknown
// workflow, and whatever the workflow's open event returns.
func (e *Engine) Open(ctx context.Context, req OpenRequest) (*Case, error) {
	w, err := e.workflowOf(req.Workflow)
	if err != nil {
		return nil, err
	}
	now := e.now()
	received := req.ReceivedAt.Truncate(time.Microsecond)
	if received.IsZero() {
		received = now
	}
	if received.After(now) {
		return nil, Invalid(FieldError{Field: "received_at", Code: "in_future",
			Message: "The received time cannot be in the future.", MessageZH: "受理时间不能晚于当前时间。"})
	}
	if now.Sub(received) > w.def.MaxBackdate {
		days := int(w.def.MaxBackdate / (24 * time.Hour))
		return nil, Invalid(FieldError{Field: "received_at", Code: "too_old",
			Message:   fmt.Sprintf("The received time may be at most %d days back.", days),
			MessageZH: fmt.Sprintf("受理时间最多只能补录 %d 天以内的纸质登记。", days)})
	}
	routed := req.RoutedAt.Truncate(time.Microsecond)
	if routed.IsZero() {
		routed = now
	}
	switch {
	case routed.After(now):
		return nil, Invalid(FieldError{Field: "routed_at", Code: "in_future",
			Message: "The routed time cannot be in the future.", MessageZH: "转办时间不能晚于当前时间。"})
	case routed.Before(received):
		return nil, Invalid(FieldError{Field: "routed_at", Code: "before_received",
			Message: "The case cannot reach the bank before the window received it.", MessageZH: "转办时间不能早于受理时间。"})
	}
	c, err := newCase(w, received, routed, now)
	if err != nil {
		return nil, err
	}
	if e.opens != nil {
		call := &openCall{ctx: ctx, req: req, w: w, blank: *c, now: now}
		e.prepareAhead(call)
		return e.openQueued(call)
	}
	return e.openOne(ctx, req, w, c, now)
}

// openOne opens the case c of w in a transaction of its own.
func (e *Engine) openOne(ctx context.Context, req OpenRequest, w *workflow, c *Case, now time.Time) (*Case, error) {
	var fx effects
	// Each attempt opens the case as it was before its open event: the
	// store may run the transaction again (Rerunnable).
	blank := *c
	err := e.store.InTx(Rerunnable(ctx), func(tx Tx) error {
		fx = effects{}
		*c = blank
		if err := e.move(ctx, tx, w, c, w.def.OpenEvent, req.Actor, req.Payload, req.Decoded, req.Files, now, true, nil, &fx); err != nil {
			return err
		}
		if req.InTx != nil {
			return req.InTx(ctx, tx, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.afterCommit(ctx, fx)
	return c, nil
}

// newCase is a case of w before its open event.
func newCase(w *workflow, received, routed, now time.Time) (*Case, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	return &Case{
		ID:         id.String(),
		Workflow:   w.def.Name,
		State:      w.def.Initial,
		ReceivedAt: received,
		RoutedAt:   routed,
		CreatedAt:  now,
		UpdatedAt:  now,
	}, nil
}

// openWithin opens a case of another workflow in the transaction of a
// transition of by (Transition.Open): received and routed now, as actor.
func (e *Engine) openWithin(ctx context.Context, tx Tx, by *Case, ev EventName, workflow string, actor Actor, payload json.RawMessage, ref string, now time.Time, fx *effects) (*Case, error) {
	w, err := e.workflowOf(workflow)
	if err != nil {
		return nil, err
	}
	c, err := newCase(w, now, now, now)
	if err != nil {
		return nil, err
	}
	origin := &Origin{CaseID: by.ID, Number: by.Number, Workflow: by.Workflow, Event: ev, Ref: ref}
	if err := e.move(ctx, tx, w, c, w.def.OpenEvent, actor, payload, nil, nil, now, true, origin, fx); err != nil {
		return nil, err
	}
	return c, nil
}

// Fire fires an event on a case. Errors: not_found when the case does not
// exist or the actor may not see it, forbidden when the actor may see it but
// not fire this event, transition_not_allowed when the event cannot fire in
// the case's state, version_conflict when the case moved on since the
// version the actor saw, validation_failed for a bad payload.
func (e *Engine) Fire(ctx context.Context, req FireRequest) (*Case, error) {
	now := e.now()
	var (
		c  *Case
		fx effects
	)
	err := e.store.InTx(ctx, func(tx Tx) error {
		fx = effects{}
		var err error
		c, err = tx.LockCase(ctx, req.CaseID)
		if err != nil {
			return err
		}
		w, err := e.workflowOf(c.Workflow)
		if err != nil {
			return err
		}
		if !w.canSee(req.Actor, c) {
			return caseNotFound(req.CaseID)
		}
		if req.Version != 0 && req.Version != c.Version {
			return Errorf(ECONFLICT, "该案件已被他人更新（您看到的是第 %d 版，当前为第 %d 版），请刷新后重试。",
				"The case was changed by someone else (you saw version %d, it is now %d); reload and try again.", req.Version, c.Version)
		}
		// A limit that ended before this instant has its say first, even if
		// no worker fired it yet: an answer a minute late is late.
		if err := e.fireDue(ctx, tx, w, c, now, &fx); err != nil {
			return err
		}
		return e.move(ctx, tx, w, c, req.Event, req.Actor, req.Payload, nil, req.Files, now, false, nil, &fx)
	})
	if err != nil {
		return nil, err
	}
	e.afterCommit(ctx, fx)
	return c, nil
}

// notDueError says a timer was claimed before the due instant its row holds
// (the index had a stale due time, or a clock ran ahead); the worker puts it
// back at the row's due time.
type notDueError struct{ dueAt time.Time }

func (e notDueError) Error() string {
	return "engine: timer not due until " + e.dueAt.Format(time.RFC3339Nano)
}

// FireTimer fires a due timer's event as the system, in one transaction. It
// reports whether the timer fired; a timer that is no longer pending (fired
// already, cancelled, paused) or whose case moved to a state where its event
// cannot fire is a no-op, so a timer delivered twice has one effect.
func (e *Engine) FireTimer(ctx context.Context, timerID string) (bool, error) {
	now := e.now()
	var (
		fired bool
		fx    effects
	)
	err := e.store.InTx(ctx, func(tx Tx) error {
		fired, fx = false, effects{}
		// Lock the case, then its timer rows, in the same order as Fire
		// does, so that a bank's answer racing the breach cannot deadlock.
		c, err := tx.LockCaseOfTimer(ctx, timerID)
		if ErrorCode(err) == ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		rows, err := tx.LockCaseTimers(ctx, c.ID)
		if err != nil {
			return err
		}
		w, err := e.workflowOf(c.Workflow)
		if err != nil {
			return err
		}
		fired, err = e.fireClaimed(ctx, tx, w, c, rows, timerID, now, &fx)
		return err
	})
	if err != nil {
		return false, err
	}
	e.afterCommit(ctx, fx)
	return fired, nil
}

// TimerOutcome is what FireTimers did with one timer: it fired, or it had
// no effect (gone, no longer pending, or its event not possible in the
// case's state), or NotDue is set: its row falls due later than the index
// said.
type TimerOutcome struct {
	Fired  bool
	NotDue time.Time
}

// FireTimers fires due timers as the system, all in one transaction: the
// same as FireTimer for each, in the order of their cases and, within a
// case, of their due instants, but with one commit and, on PostgreSQL, a
// few statements for the whole batch where FireTimer takes several a
// timer. An error rolls the whole batch back; the caller may then fire the
// timers one by one.
func (e *Engine) FireTimers(ctx context.Context, ids []string) (map[string]TimerOutcome, error) {
	now := e.now()
	var (
		out map[string]TimerOutcome
		fx  effects
	)
	err := e.store.InTx(ctx, func(tx Tx) error {
		out, fx = make(map[string]TimerOutcome, len(ids)), effects{}
		cases, timers, err := tx.HoldTimerCases(ctx, ids)
		if err != nil {
			return err
		}
		dueOf := map[string]time.Time{}
		for _, rows := range timers {
			for _, r := range rows {
				dueOf[r.ID] = r.DueAt
			}
		}
		claimed := map[string][]string{} // by case ID
		var order []string
		for _, id := range ids {
			c := cases[id]
			if c == nil {
				out[id] = TimerOutcome{} // no such timer: nothing to do
				continue
			}
			if _, ok := claimed[c.ID]; !ok {
				order = append(order, c.ID)
			}
			claimed[c.ID] = append(claimed[c.ID], id)
		}
		sort.Strings(order)
		for _, caseID := range order {
			ids := claimed[caseID]
			sort.SliceStable(ids, func(i, j int) bool { return dueOf[ids[i]].Before(dueOf[ids[j]]) })
			c := cases[ids[0]]
			w, err := e.workflowOf(c.Workflow)
			if err != nil {
				return err
			}
			for _, id := range ids {
				// The rows as this transaction left them: an earlier
				// timer's transition may have cancelled or armed some.
				rows, err := tx.LockCaseTimers(ctx, caseID)
				if err != nil {
					return err
				}
				fired, err := e.fireClaimed(ctx, tx, w, c, rows, id, now, &fx)
				var early notDueError
				switch {
				case errors.As(err, &early):
					out[id] = TimerOutcome{NotDue: early.dueAt}
				case err != nil:
					return err
				default:
					out[id] = TimerOutcome{Fired: fired}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.afterCommit(ctx, fx)
	return out, nil
}

// fireClaimed fires the claimed timer id of the locked case c, whose timer
// rows are rows: the case's timers that fell due before it first, in due
// order, so that its ledger keeps their order however the workers
// interleave (a reminder before a breach, when a worker catches up on
// both). A timer no longer pending is a no-op; one not due yet is a
// notDueError.
func (e *Engine) fireClaimed(ctx context.Context, tx Tx, w *workflow, c *Case, rows []Timer, id string, now time.Time, fx *effects) (bool, error) {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].DueAt.Before(rows[j].DueAt) })
	var tm *Timer
	for i := range rows {
		if rows[i].ID == id {
			tm = &rows[i]
		}
	}
	if tm == nil || tm.Status != TimerPending {
		return false, nil
	}
	if now.Before(tm.DueAt) {
		return false, notDueError{tm.DueAt}
	}
	if err := e.fireRows(ctx, tx, w, c, rows, now, tm.DueAt, tm.ID, fx); err != nil {
		return false, err
	}
	return e.fireRow(ctx, tx, w, c, tm, now, fx)
}

// fireDue fires, in due order, the pending timers of the locked case c that
// fell due at or before now.
func (e *Engine) fireDue(ctx context.Context, tx Tx, w *workflow, c *Case, now time.Time, fx *effects) error {
	if len(w.def.Timers) == 0 {
		return nil
	}
	rows, err := tx.LockCaseTimers(ctx, c.ID)
	if err != nil {
		return err
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].DueAt.Before(rows[j].DueAt) })
	return e.fireRows(ctx, tx, w, c, rows, now, now, "", fx)
}

// fireRows fires at now the pending rows (sorted by due time) due at or
// before until, but the one named except, and drops them from the index. A row a
// previous one's transition cancelled is skipped.
func (e *Engine) fireRows(ctx context.Context, tx Tx, w *workflow, c *Case, rows []Timer, now, until time.Time, except string, fx *effects) error {
	for i := range rows {
		r := &rows[i]
		if r.ID == except || r.Status != TimerPending || r.DueAt.After(until) {
			continue
		}
		if _, err := e.fireRow(ctx, tx, w, c, r, now, fx); err != nil {
			return err
		}
		fx.remove = append(fx.remove, r.ID)
	}
	return nil
}

// fireRow fires one pending timer row of the locked case c: it marks the row
// fired, guarded by its status, so that a second delivery has no effect, and
// moves the case with the timer's event unless the case has moved on to a
// state where the event cannot fire.
func (e *Engine) fireRow(ctx context.Context, tx Tx, w *workflow, c *Case, tm *Timer, now time.Time, fx *effects) (bool, error) {
	// Mark the row fired first, so that the transition below does not
	// see it as a running timer to cancel.
	tm.Status = TimerFired
	tm.UpdatedAt = now
	ok, err := tx.UpdateTimer(ctx, tm, TimerPending)
	if err != nil || !ok {
		return false, err
	}
	ev := w.events[tm.Event]
	if ev == nil || !contains(ev.From, c.State) {
		return false, nil
	}
	payload, err := json.Marshal(map[string]string{"timer": tm.Name, "due_at": tm.DueAt.UTC().Format(time.RFC3339Nano)})
	if err != nil {
		return false, err
	}
	if err := e.move(ctx, tx, w, c, tm.Event, System, payload, nil, nil, now, false, nil, fx); err != nil {
		return false, err
	}
	return true, nil
}

// move runs one transition of c inside tx: authorisation, the state machine
// with the event's Apply, timers, the ledger entry and the case write.
// opening is the open event of a new case; origin, when set, is the case
// whose event opens it (Transition.Open).
func (e *Engine) move(ctx context.Context, tx Tx, w *workflow, c *Case, name EventName, actor Actor, payload json.RawMessage, decoded any, files []File, now time.Time, opening bool, origin *Origin, fx *effects) error {
	m, err := e.prepareMove(ctx, tx, tx, w, c, name, actor, payload, decoded, files, now, opening, origin, fx)
	if err != nil {
		return err
	}
	if opening {
		seq, err := tx.NextNumber(ctx, c.Number)
		if err != nil {
			return err
		}
		m.number(seq)
	}
	return e.finishMove(ctx, tx, m, fx)
}

// moving is a transition between its state machine and its writes: what
// prepareMove worked out and finishMove writes.
type moving struct {
	w             *workflow
	c             *Case
	name          EventName
	actor         Actor
	files         []File
	refs          []FileRef
	now           time.Time
	opening       bool
	t             *Transition
	from          State
	partiesBefore []Party
	marksBefore   []string
}

// number gives an opened case its number: the prefix its open event set,
// then the sequence number seq.
func (m *moving) number(seq int) {
	m.c.Number = fmt.Sprintf("%s%05d", m.c.Number, seq)
}

// prepareMove checks the actor and runs the state machine with the event's
// Apply, changing c in memory. For an opening it writes nothing to the
// database (an open event's Apply only reads the directory; only later
// events open other cases, Transition.Open), so that an opening it refuses
// in a batch (Engine.Open) fails alone; it leaves c.Number at the prefix
// the open event set. The event's Apply reads dir (Transition.Directory):
// tx for a move in a transaction; for an opening prepared ahead of its
// transaction (openahead.go), the directory the store keeps, with tx nil.
func (e *Engine) prepareMove(ctx context.Context, tx Tx, dir Directory, w *workflow, c *Case, name EventName, actor Actor, payload json.RawMessage, decoded any, files []File, now time.Time, opening bool, origin *Origin, fx *effects) (*moving, error) {
	ev := w.events[name]
	if ev == nil {
		return nil, Errorf(ETRANSITION, "业务流程中没有“%s”这一操作。", "The workflow has no event %q.", name)
	}
	refs, err := fileRefs(ev, files)
	if err != nil {
		return nil, err
	}
	if !opening && !w.mayFire(actor, ev, c) {
		return nil, Errorf(EFORBIDDEN, "您无权对该案件执行“%[1]s”操作。", "You may not %[2]s this case.", w.eventLabel(name), name)
	}
	if ev.While != "" && !clockOpen(c, ev.While) && contains(ev.From, c.State) {
		return nil, Errorf(ETRANSITION, "该案件当前没有进行中的“%[1]s”，不能执行“%[2]s”操作。",
			"The case has no open %[3]s limit; %[4]s is not possible now.", w.clockLabel(ev.While), w.eventLabel(name), ev.While, name)
	}
	from := c.State
	m := &moving{w: w, c: c, name: name, actor: actor, files: files, refs: refs, now: now, opening: opening, from: from,
		partiesBefore: append([]Party{}, c.Parties...), marksBefore: append([]string{}, c.Marks...)}
	t := &Transition{Case: c, Event: name, From: from, Actor: actor, Now: now, Payload: payload, Decoded: decoded, Directory: dir, Calendar: e.cal, Files: refs, OpenedBy: origin}
	m.t = t
	if !opening {
		t.opener = func(ctx context.Context, workflow string, payload json.RawMessage, ref string) (*Case, error) {
			return e.openWithin(ctx, tx, c, name, workflow, actor, payload, ref, now, fx)
		}
	}
	machine := w.machine()
	machine.SetState(string(from))
	err = machine.Event(ctx, string(name), &fsmCall{t: t, ev: ev})
	to := State(machine.Current())
	// Back for reuse only after a move that returned: one whose Apply
	// panicked leaves its machine to the collector.
	w.machines.Put(machine)
	if err != nil {
		var (
			canceled fsm.CanceledError
			noTrans  fsm.NoTransitionError
			invalid  fsm.InvalidEventError
		)
		switch {
		case errors.As(err, &canceled):
			return nil, canceled.Err
		case errors.As(err, &noTrans):
			// A self-transition: looplab/fsm reports it, the case stays.
			if noTrans.Err != nil {
				return nil, noTrans.Err
			}
		case errors.As(err, &invalid):
			return nil, Errorf(ETRANSITION, "案件当前状态为“%[1]s”，不能执行“%[2]s”操作。",
				"The case is %[3]s; %[4]s is not possible now.", w.stateLabel(from), w.eventLabel(name), from, name)
		default:
			return nil, err
		}
	}
	if opening && !w.mayFire(actor, ev, c) {
		return nil, Errorf(EFORBIDDEN, "您无权登记该案件。", "You may not open this case.")
	}
	c.State = to
	return m, nil
}

// fsmCall is what a state machine's event callback needs of the move.
type fsmCall struct {
	t  *Transition
	ev *EventDef
}

// machine returns a state machine of the workflow's graph, built once and
// reused: building one per move (maps of every event and callback) cost
// more than the move's own checks. Each is used by one move at a time; the
// move sets its state and passes itself as the event's argument.
func (w *workflow) machine() *fsm.FSM {
	if m, ok := w.machines.Get().(*fsm.FSM); ok {
		return m
	}
	return fsm.NewFSM("", w.fsmEvents, fsm.Callbacks{"before_event": beforeEvent})
}

// beforeEvent runs the event's Apply (or refuses details for an event that
// takes none) before the state machine moves; an error cancels the move.
func beforeEvent(ctx context.Context, fe *fsm.Event) {
	call := fe.Args[0].(*fsmCall)
	t, ev := call.t, call.ev
	t.To = State(fe.Dst)
	if ev.Apply == nil {
		if t.Actor.Role == RoleSystem {
			return // the engine's own record (which timer fired)
		}
		if p := t.Payload; len(p) != 0 && string(p) != "null" && string(p) != "{}" {
			fe.Cancel(Invalid(FieldError{Field: "payload", Code: "unexpected",
				Message: "This action takes no details.", MessageZH: "该操作不需要填写内容。"}))
		}
		t.Payload = nil
		return
	}
	if err := ev.Apply(ctx, t); err != nil {
		fe.Cancel(err)
	}
}

// finishMove writes the transition prepareMove made (an opened case
// numbered): timers, the ledger entry, the case, its files and notice.
func (e *Engine) finishMove(ctx context.Context, tx Tx, m *moving, fx *effects) error {
	w, c, t, name, actor, now, opening := m.w, m.c, m.t, m.name, m.actor, m.now, m.opening
	oldVersion := c.Version
	c.Version++
	c.UpdatedAt = now
	if err := e.moveTimers(ctx, tx, w, c, t, opening, fx); err != nil {
		return err
	}
	gained, lost := partyDiff(m.partiesBefore, c.Parties)
	if !opening && (len(gained) > 0 || len(lost) > 0) {
		// The ledger says who gained and who lost sight of the case.
		annotated, err := withParties(t.Payload, gained, lost)
		if err != nil {
			return err
		}
		t.Payload = annotated
	}
	if len(m.refs) > 0 {
		// The ledger names what was handed in, by its SHA-256.
		annotated, err := withFiles(t.Payload, m.refs)
		if err != nil {
			return err
		}
		t.Payload = annotated
	}
	entry, err := e.appendLedger(ctx, tx, c, name, actor, m.from, t.Payload, now)
	if err != nil {
		return err
	}
	fx.moves = append(fx.moves, Move{Workflow: c.Workflow, Event: string(name)})
	c.LedgerHead = entry.Hash
	c.LedgerLen++
	if opening {
		if err := tx.InsertCase(ctx, c); err != nil {
			return err
		}
		if err := e.keepFiles(ctx, tx, c, name, actor, m.files, m.refs, now); err != nil {
			return err
		}
		return e.writeNotice(ctx, tx, w, c, name, actor, t.Payload, now, fx)
	}
	if err := e.keepFiles(ctx, tx, c, name, actor, m.files, m.refs, now); err != nil {
		return err
	}
	if err := tx.UpdateCase(ctx, c, oldVersion); err != nil {
		return err
	}
	if err := e.writeNotice(ctx, tx, w, c, name, actor, t.Payload, now, fx); err != nil {
		return err
	}
	if err := tx.AddParties(ctx, c.ID, gained); err != nil {
		return err
	}
	if err := tx.RemoveParties(ctx, c.ID, lost); err != nil {
		return err
	}
	add, remove := markDiff(m.marksBefore, c.Marks)
	if len(add) > 0 || len(remove) > 0 {
		return tx.SetMarks(ctx, c.ID, add, remove)
	}
	return nil
}

// partyDiff returns the parties in after but not before, and those in
// before but not after.
func partyDiff(before, after []Party) (gained, lost []Party) {
	for _, p := range after {
		if !contains(before, p) {
			gained = append(gained, p)
		}
	}
	for _, p := range before {
		if !contains(after, p) {
			lost = append(lost, p)
		}
	}
	return gained, lost
}

func markDiff(before, after []string) (add, remove []string) {
	for _, m := range after {
		if !contains(before, m) {
			add = append(add, m)
		}
	}
	for _, m := range before {
		if !contains(after, m) {
			remove = append(remove, m)
		}
	}
	return add, remove
}

// partyJSON is a party as the ledger records it.
type partyJSON struct {
	Org      string   `json:"org"`
	Relation Relation `json:"relation"`
}

// withParties adds to a payload object the parties an event gave and took
// sight of the case.
func withParties(payload json.RawMessage, gained, lost []Party) (json.RawMessage, error) {
	obj := map[string]json.RawMessage{}
	if len(payload) > 0 && string(payload) != "null" {
		if err := json.Unmarshal(payload, &obj); err != nil {
			return nil, err
		}
	}
	conv := func(ps []Party) []partyJSON {
		out := []partyJSON{}
		for _, p := range ps {
			out = append(out, partyJSON{p.Org, p.Relation})
		}
		return out
	}
	raw, err := json.Marshal(map[string][]partyJSON{"gained": conv(gained), "lost": conv(lost)})
	if err != nil {
		return nil, err
	}
	obj["parties"] = raw
	return json.Marshal(obj)
}

func (e *Engine) appendLedger(ctx context.Context, tx Tx, c *Case, name EventName, actor Actor, from State, payload json.RawMessage, now time.Time) (*ledger.Entry, error) {
	canon, err := ledger.CanonicalJSON(payload)
	if err != nil {
		return nil, Invalid(FieldError{Field: "payload", Code: "malformed",
			Message: "The details are not valid JSON.", MessageZH: "提交的内容格式有误。"})
	}
	entry := &ledger.Entry{
		CaseID: c.ID, Workflow: c.Workflow, Number: c.Number, Version: c.Version, At: now,
		ActorUser: actor.User, ActorRole: string(actor.Role), ActorOrg: actor.Org,
		Event: string(name), From: string(from), To: string(c.State),
		Payload: canon, PrevHash: c.LedgerHead,
	}
	if err := entry.Seal(); err != nil {
		return nil, err
	}
	if err := tx.AppendLedger(ctx, entry); err != nil {
		return nil, err
	}
	return entry, nil
}

// writeNotice writes the outbox row of the transition, if its workflow
// declares one, in the transition's transaction.
func (e *Engine) writeNotice(ctx context.Context, tx Tx, w *workflow, c *Case, name EventName, actor Actor, payload json.RawMessage, now time.Time, fx *effects) error {
	n, err := w.notice(c, name, actor, payload, now)
	if err != nil || n == nil {
		return err
	}
	if x := e.expander.Load(); x != nil && n.DedupeKey == "" {
		after, done, err := (*x).ExpandInTx(ctx, tx, n)
		if err != nil {
			return err
		}
		if done {
			if after != nil {
				fx.after = append(fx.after, after)
			}
			return nil
		}
	}
	if _, err := tx.InsertNotice(ctx, n); err != nil {
		return err
	}
	fx.notices++
	return nil
}

// afterCommit tells the timer index what the committed transaction armed and
// disarmed. A failure is logged, not returned: the rows are the truth and the
// reconciler repairs the index.
func (e *Engine) afterCommit(ctx context.Context, fx effects) {
	if fn := e.onTransition.Load(); fn != nil && len(fx.moves) > 0 {
		(*fn)(fx.moves)
	}
	if fx.notices > 0 {
		e.noticesWritten()
	}
	for _, fn := range fx.after {
		fn()
	}
	if e.index == nil {
		return
	}
	if len(fx.remove) > 0 {
		if err := e.index.Remove(ctx, fx.remove...); err != nil {
			e.log.Warn("timer index: remove failed; the reconciler will repair it", "err", err, "timers", len(fx.remove))
		}
	}
	if len(fx.schedule) > 0 {
		if err := e.index.Schedule(ctx, fx.schedule...); err != nil {
			e.log.Warn("timer index: schedule failed; the reconciler will repair it", "err", err, "timers", len(fx.schedule))
		}
		if fn := e.onSchedule.Load(); fn != nil {
			earliest := fx.schedule[0].DueAt
			for _, r := range fx.schedule[1:] {
				if r.DueAt.Before(earliest) {
					earliest = r.DueAt
				}
			}
			(*fn)(earliest)
		}
	}
}

// OnSchedule registers fn to be called, with the earliest due time, after
// timers were put in the index: a worker in the same process wakes to look
// at them rather than at its next poll, when they fall due before it
// (Worker.WakeFor).
func (e *Engine) OnSchedule(fn func(earliest time.Time)) { e.onSchedule.Store(&fn) }

// OnTransition registers fn to be told of the transitions each commit made
// (metrics count them by workflow and event).
func (e *Engine) OnTransition(fn func([]Move)) { e.onTransition.Store(&fn) }

func caseNotFound(id string) error {
	return Errorf(ENOTFOUND, "找不到案件 %s。", "Case %s was not found.", id)
}
