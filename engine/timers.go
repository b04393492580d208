package engine

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// moveTimers brings c's timer rows in line with the state it just entered:
// a running timer keeps running, pauses (keeping the working days left) or
// is cancelled; a paused one resumes with the days it had left; a timer whose
// start state was entered for the first time is armed. Timers armed by the
// open event count from the case's ReceivedAt, the others from now.
func (e *Engine) moveTimers(ctx context.Context, tx Tx, w *workflow, c *Case, from State, now time.Time, opening bool, fx *effects) error {
	if len(w.def.Timers) == 0 {
		return nil
	}
	var rows []Timer
	if !opening {
		var err error
		if rows, err = tx.CaseTimers(ctx, c.ID); err != nil {
			return err
		}
	}
	to := c.State
	for i := range w.def.Timers {
		td := &w.def.Timers[i]
		row := latestTimer(rows, td.Name)
		var due *time.Time
		switch {
		case row == nil:
			if to != td.Start || from == to {
				continue
			}
			base := now
			if opening {
				base = c.ReceivedAt
			}
			at, err := e.cal.Deadline(base, td.Workdays)
			if err != nil {
				return err
			}
			id, err := uuid.NewV7()
			if err != nil {
				return err
			}
			t := &Timer{ID: id.String(), CaseID: c.ID, Name: td.Name, Event: td.Event, Kind: td.Kind,
				DueAt: at, Status: TimerPending, CreatedAt: now, UpdatedAt: now}
			if err := tx.InsertTimer(ctx, t); err != nil {
				return err
			}
			fx.schedule = append(fx.schedule, TimerRef{ID: t.ID, DueAt: at})
			due = &at
		case row.Status == TimerPending && contains(td.Runs, to):
			due = &row.DueAt
		case row.Status == TimerPending && contains(td.Pauses, to):
			left, err := e.cal.Remaining(now, row.DueAt)
			if err != nil {
				return err
			}
			row.Status, row.Remaining = TimerPaused, left
			if err := e.updateTimer(ctx, tx, row, TimerPending, now); err != nil {
				return err
			}
			fx.remove = append(fx.remove, row.ID)
		case row.Status == TimerPaused && contains(td.Runs, to):
			at, err := e.cal.Deadline(now, row.Remaining)
			if err != nil {
				return err
			}
			row.Status, row.DueAt, row.Remaining = TimerPending, at, 0
			if err := e.updateTimer(ctx, tx, row, TimerPaused, now); err != nil {
				return err
			}
			fx.schedule = append(fx.schedule, TimerRef{ID: row.ID, DueAt: at})
			due = &at
		case row.Status == TimerPaused && contains(td.Pauses, to):
			// Still paused.
		case row.Status == TimerPending || row.Status == TimerPaused:
			old := row.Status
			row.Status = TimerCancelled
			if err := e.updateTimer(ctx, tx, row, old, now); err != nil {
				return err
			}
			if old == TimerPending {
				fx.remove = append(fx.remove, row.ID)
			}
			// Keep WarnAt/DueAt: they say when the limit was.
			continue
		default:
			// Fired or cancelled before: the timer has done its work.
			continue
		}
		switch td.Kind {
		case TimerWarning:
			c.WarnAt = due
		case TimerDeadline:
			c.DueAt = due
		}
	}
	return nil
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
