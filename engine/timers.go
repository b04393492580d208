package engine

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// EventRecompute is the engine's own ledger event: a provisional time limit
// recomputed once the year's holiday arrangement arrived. No workflow may
// declare it.
const EventRecompute EventName = "deadline_recomputed"

// EventRecomputeDoc describes EventRecompute for people.
const EventRecomputeDoc = "按新发布的节假日安排重算期限"

// timerMove is what one transition does to a case's timers: the rows it
// read and changed, in memory, so that the limits are computed from what
// will be committed.
type timerMove struct {
	e    *Engine
	tx   Tx
	w    *workflow
	c    *Case
	now  time.Time
	fx   *effects
	rows []Timer
}

// moveTimers brings c's timer rows in line with the transition t that just
// moved it from the state from: a timer whose start state was entered, or
// whose start event fired, is armed afresh (cancelling its predecessor); a
// stop event cancels it; a running timer keeps running, pauses (keeping the
// working days left) or is cancelled; a paused one resumes with the days it
// had left. An event that extends a clock moves its limit. Then the case's
// limits are recomputed from the rows.
func (e *Engine) moveTimers(ctx context.Context, tx Tx, w *workflow, c *Case, t *Transition, opening bool, fx *effects) error {
	if len(w.def.Timers) == 0 {
		return nil
	}
	m := &timerMove{e: e, tx: tx, w: w, c: c, now: t.Now, fx: fx}
	if !opening {
		var err error
		if m.rows, err = tx.CaseTimers(ctx, c.ID); err != nil {
			return err
		}
	}
	from, to := t.From, c.State
	for i := range w.def.Timers {
		td := &w.def.Timers[i]
		row := m.latest(td.Name)
		live := row != nil && (row.Status == TimerPending || row.Status == TimerPaused)
		arm := (td.Start != "" && to == td.Start && from != to) ||
			(contains(td.StartOn, t.Event) && contains(td.Runs, to))
		switch {
		case arm:
			if live {
				if err := m.cancel(ctx, row); err != nil {
					return err
				}
			}
			if err := m.arm(ctx, td, t, opening); err != nil {
				return err
			}
		case contains(td.StopOn, t.Event) && (live || (row != nil && row.Status == TimerFired)):
			// A stop event closes the limit, even one already past due.
			if err := m.cancel(ctx, row); err != nil {
				return err
			}
		case !live && row != nil && row.Status == TimerFired && contains(td.Pauses, to) && !contains(td.Pauses, from):
			// A limit already past due pauses too: remember when, so that
			// an extension granted during the pause can give back the
			// working days left at that instant.
			now := m.now
			row.PausedAt = &now
			if err := m.e.updateTimer(ctx, m.tx, row, TimerFired, m.now); err != nil {
				return err
			}
		case !live:
			// Fired or cancelled before, or never armed.
		case row.Status == TimerPending && contains(td.Runs, to):
			// Still running.
		case row.Status == TimerPending && contains(td.Pauses, to):
			if err := m.pause(ctx, row); err != nil {
				return err
			}
		case row.Status == TimerPaused && contains(td.Runs, to):
			if err := m.resume(ctx, row); err != nil {
				return err
			}
		case row.Status == TimerPaused && contains(td.Pauses, to):
			// Still paused.
		default:
			if err := m.cancel(ctx, row); err != nil {
				return err
			}
		}
	}
	if clock := w.events[t.Event].Extends; clock != "" && t.ExtendBy > 0 {
		if err := m.extend(ctx, clock, t.ExtendBy); err != nil {
			return err
		}
	}
	m.limits()
	return nil
}

// latest returns the newest row of the timer, or nil.
func (m *timerMove) latest(name string) *Timer {
	return latestTimer(m.rows, name)
}

// pendingDeadline returns the clock's deadline row while it runs, or nil.
func (m *timerMove) pendingDeadline(clock string) *Timer {
	for i := range m.w.def.Timers {
		td := &m.w.def.Timers[i]
		if td.Clock == clock && td.Kind == TimerDeadline {
			if row := m.latest(td.Name); row != nil && row.Status == TimerPending {
				return row
			}
		}
	}
	return nil
}

// arm writes a fresh pending row for the timer.
func (m *timerMove) arm(ctx context.Context, td *TimerDef, t *Transition, opening bool) error {
	tm := Timer{CaseID: m.c.ID, Name: td.Name, Event: td.Event, Kind: td.Kind, Status: TimerPending, CreatedAt: m.now, UpdatedAt: m.now}
	if td.FromInput {
		at, ok := t.DueAt[td.Name]
		if !ok {
			return Errorf(EINTERNAL, "计时器“%s”缺少到期时间。", "timer %q armed without its due instant", td.Name)
		}
		tm.DueAt = at.Truncate(time.Microsecond)
	} else if td.Due.Kind == DueBeforeDeadline {
		dl := m.pendingDeadline(td.Clock)
		if dl == nil {
			return nil
		}
		at, prov, err := m.e.cal.ProvisionalBefore(dl.DueAt, td.Workdays)
		if err != nil {
			return err
		}
		if !at.After(m.now) {
			return nil
		}
		tm.DueAt, tm.Provisional = at, prov || dl.Provisional
	} else {
		base := m.now
		if opening {
			base = m.c.RoutedAt
		}
		byEvent := !(td.Start != "" && m.c.State == td.Start && t.From != m.c.State)
		at, prov, from, n, err := m.e.dueOf(td, m.c, base, byEvent)
		if err != nil {
			return err
		}
		tm.DueAt, tm.Provisional, tm.BaseAt, tm.Workdays = at, prov, from, n
	}
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	tm.ID = id.String()
	if err := m.tx.InsertTimer(ctx, &tm); err != nil {
		return err
	}
	m.rows = append(m.rows, tm)
	m.fx.schedule = append(m.fx.schedule, TimerRef{ID: tm.ID, DueAt: tm.DueAt})
	return nil
}

// cancel disarms a pending or paused row; its due time stays, saying when
// the limit was.
func (m *timerMove) cancel(ctx context.Context, row *Timer) error {
	old := row.Status
	row.Status = TimerCancelled
	if err := m.e.updateTimer(ctx, m.tx, row, old, m.now); err != nil {
		return err
	}
	if old == TimerPending {
		m.fx.remove = append(m.fx.remove, row.ID)
	}
	return nil
}

// pause stops a running row, keeping the working days it has left.
func (m *timerMove) pause(ctx context.Context, row *Timer) error {
	left, prov, err := m.e.cal.ProvisionalRemaining(m.now, row.DueAt)
	if err != nil {
		return err
	}
	now := m.now
	row.Status, row.Remaining, row.Provisional, row.PausedAt = TimerPaused, left, prov, &now
	if err := m.e.updateTimer(ctx, m.tx, row, TimerPending, m.now); err != nil {
		return err
	}
	m.fx.remove = append(m.fx.remove, row.ID)
	return nil
}

// resume restarts a paused row with the working days it had left, counted
// from now.
func (m *timerMove) resume(ctx context.Context, row *Timer) error {
	at, prov, err := m.e.cal.ProvisionalDeadline(m.now, row.Remaining)
	if err != nil {
		return err
	}
	base := m.now
	row.Status, row.DueAt, row.BaseAt, row.Workdays = TimerPending, at, &base, row.Remaining
	row.Remaining, row.Provisional, row.PausedAt = 0, prov, nil
	if err := m.e.updateTimer(ctx, m.tx, row, TimerPaused, m.now); err != nil {
		return err
	}
	m.fx.schedule = append(m.fx.schedule, TimerRef{ID: row.ID, DueAt: at})
	return nil
}

// extend moves the clock's limit by n working days: a running timer falls
// due n working days later, a paused one has n more left, and a timer that
// already fired is armed again at its new instant if that is still ahead
// (paused, with the days left from when the pause began, if the case is
// paused), so that the case is no longer due soon or past due.
func (m *timerMove) extend(ctx context.Context, clock string, n int) error {
	for i := range m.w.def.Timers {
		td := &m.w.def.Timers[i]
		row := m.latest(td.Name)
		if td.Clock != clock || td.FromInput || row == nil || row.BaseAt == nil {
			continue
		}
		switch row.Status {
		case TimerPaused:
			// Workdays grows too, so that BaseAt+Workdays stays the
			// limit's end had it run on: RecomputeProvisional derives
			// Remaining from it and must not drop the extension.
			row.Remaining += n
			row.Workdays += n
			if err := m.e.updateTimer(ctx, m.tx, row, TimerPaused, m.now); err != nil {
				return err
			}
		case TimerPending:
			at, prov, err := m.e.cal.ProvisionalDeadline(*row.BaseAt, row.Workdays+n)
			if err != nil {
				return err
			}
			row.DueAt, row.Provisional, row.Workdays = at, prov, row.Workdays+n
			if err := m.e.updateTimer(ctx, m.tx, row, TimerPending, m.now); err != nil {
				return err
			}
			m.fx.schedule = append(m.fx.schedule, TimerRef{ID: row.ID, DueAt: at})
		case TimerFired:
			at, prov, err := m.e.cal.ProvisionalDeadline(*row.BaseAt, row.Workdays+n)
			if err != nil {
				return err
			}
			base := *row.BaseAt
			tm := Timer{CaseID: m.c.ID, Name: td.Name, Event: td.Event, Kind: td.Kind, BaseAt: &base,
				Workdays: row.Workdays + n, Provisional: prov, CreatedAt: m.now, UpdatedAt: m.now}
			switch {
			case contains(td.Runs, m.c.State) && at.After(m.now):
				// Armed again at its new instant.
				tm.Status, tm.DueAt = TimerPending, at
			case contains(td.Pauses, m.c.State) && row.PausedAt != nil:
				// Paused with what the extension leaves of it from the
				// instant the pause began.
				left, lprov, err := m.e.cal.ProvisionalRemaining(*row.PausedAt, at)
				if err != nil {
					return err
				}
				if left == 0 {
					continue
				}
				paused := *row.PausedAt
				tm.Status, tm.DueAt, tm.Remaining, tm.Provisional, tm.PausedAt = TimerPaused, at, left, prov || lprov, &paused
			default:
				continue
			}
			id, err := uuid.NewV7()
			if err != nil {
				return err
			}
			tm.ID = id.String()
			if err := m.tx.InsertTimer(ctx, &tm); err != nil {
				return err
			}
			m.rows = append(m.rows, tm)
			if tm.Status == TimerPending {
				m.fx.schedule = append(m.fx.schedule, TimerRef{ID: tm.ID, DueAt: at})
			}
		}
	}
	return nil
}

// limits recomputes the case's limits from its timer rows, and mirrors the
// main one into the case's own fields.
func (m *timerMove) limits() {
	m.c.Limits = computeLimits(m.w, m.rows, m.c.State, m.c.Limits)
	m.c.mirrorMain(m.w.def.MainClock)
	// Every other open limit marks the case, so that boards can list the
	// cases waiting on it (an unanswered supervision notice).
	for _, l := range m.c.Limits {
		if l.Clock == m.w.def.MainClock {
			continue
		}
		if l.Running || l.Paused || l.PastDue {
			m.c.Mark(l.Clock)
		} else {
			m.c.Unmark(l.Clock)
		}
	}
}

// computeLimits derives each clock's limit from the newest rows of its
// warning and deadline timers with the case in state s; prev carries the
// overdue history.
func computeLimits(w *workflow, rows []Timer, s State, prev []Limit) []Limit {
	out := make([]Limit, 0, len(w.def.Clocks))
	for _, cd := range w.def.Clocks {
		l := Limit{Clock: cd.Name}
		for _, p := range prev {
			if p.Clock == cd.Name {
				l.Overdue = p.Overdue
			}
		}
		for i := range w.def.Timers {
			td := &w.def.Timers[i]
			row := latestTimer(rows, td.Name)
			if td.Clock != cd.Name || row == nil {
				continue
			}
			var at *time.Time
			if row.Status != TimerPaused {
				due := row.DueAt
				at = &due
			}
			switch td.Kind {
			case TimerWarning:
				l.WarnAt = at
				l.DueSoon = row.Status == TimerFired && contains(td.Runs, s)
			case TimerDeadline:
				l.DueAt = at
				l.Running = row.Status == TimerPending
				l.Paused = row.Status == TimerPaused
				l.PastDue = row.Status == TimerFired && (contains(td.Runs, s) || contains(td.Pauses, s))
				l.Overdue = l.Overdue || l.PastDue
				l.Provisional = (l.Running || l.Paused) && row.Provisional
				if l.Paused {
					l.Remaining = row.Remaining
				}
			}
		}
		if l.PastDue {
			l.DueSoon = false
		}
		out = append(out, l)
	}
	return out
}

// mirrorMain copies the main limit into the case's own fields.
func (c *Case) mirrorMain(clock string) {
	l := c.Limit(clock)
	if l == nil {
		return
	}
	c.WarnAt, c.DueAt = l.WarnAt, l.DueAt
	c.DueSoon, c.PastDue, c.Overdue, c.Provisional = l.DueSoon, l.PastDue, l.Overdue, l.Provisional
}

func (e *Engine) updateTimer(ctx context.Context, tx Tx, t *Timer, from TimerStatus, now time.Time) error {
	t.UpdatedAt = now
	ok, err := tx.UpdateTimer(ctx, t, from)
	if err != nil {
		return err
	}
	if !ok {
		return Errorf(ECONFLICT, "案件的计时器已被并发修改，请重试。", "A timer of the case changed concurrently; try again.")
	}
	return nil
}

// latestTimer returns the newest row for the timer name, or nil.
func latestTimer(rows []Timer, name string) *Timer {
	var found *Timer
	for i := range rows {
		if rows[i].Name == name && (found == nil || !rows[i].CreatedAt.Before(found.CreatedAt)) {
			found = &rows[i]
		}
	}
	return found
}
