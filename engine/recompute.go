package engine

import (
	"context"
	"encoding/json"
	"time"
)

// recomputed is one timer's change in a deadline_recomputed ledger entry.
type recomputed struct {
	Timer       string     `json:"timer"`
	From        *time.Time `json:"from,omitempty"`
	To          *time.Time `json:"to,omitempty"`
	Remaining   int        `json:"remaining,omitempty"`
	Provisional bool       `json:"provisional"`
}

// RecomputeProvisional recomputes every provisional time limit with the
// calendar now in force (the year's arrangement arrived, by override or
// file): each case in one transaction that moves its timers, re-arms them in
// the index and writes a deadline_recomputed ledger entry. A limit still
// reaching into a year without data stays provisional. It returns the
// number of cases changed.
func (e *Engine) RecomputeProvisional(ctx context.Context) (int, error) {
	ids, err := e.store.ProvisionalCases(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		changed, err := e.recomputeCase(ctx, id)
		if err != nil {
			return n, err
		}
		if changed {
			n++
		}
	}
	return n, nil
}

func (e *Engine) recomputeCase(ctx context.Context, id string) (bool, error) {
	now := e.now()
	var (
		fx      effects
		changed bool
	)
	err := e.store.InTx(ctx, func(tx Tx) error {
		fx, changed = effects{}, false
		c, err := tx.LockCase(ctx, id)
		if err != nil {
			return err
		}
		w, err := e.workflowOf(c.Workflow)
		if err != nil {
			return err
		}
		rows, err := tx.LockCaseTimers(ctx, c.ID)
		if err != nil {
			return err
		}
		var record []recomputed
		for i := range rows {
			r := &rows[i]
			if !r.Provisional || r.BaseAt == nil || (r.Status != TimerPending && r.Status != TimerPaused) {
				continue
			}
			due, prov, err := e.cal.ProvisionalDeadline(*r.BaseAt, r.Workdays)
			if err != nil {
				return err
			}
			rec := recomputed{Timer: r.Name, Provisional: prov}
			switch r.Status {
			case TimerPending:
				if due.Equal(r.DueAt) && prov == r.Provisional {
					continue
				}
				old := r.DueAt
				rec.From, rec.To = &old, &due
				r.DueAt, r.Provisional = due, prov
				fx.schedule = append(fx.schedule, TimerRef{ID: r.ID, DueAt: due})
			case TimerPaused:
				pausedAt := r.UpdatedAt
				if r.PausedAt != nil {
					pausedAt = *r.PausedAt
				}
				left, lprov, err := e.cal.ProvisionalRemaining(pausedAt, due)
				if err != nil {
					return err
				}
				if left == r.Remaining && lprov == r.Provisional {
					continue
				}
				rec.Remaining, rec.Provisional = left, lprov
				r.Remaining, r.Provisional = left, lprov
			}
			if err := e.updateTimer(ctx, tx, r, r.Status, now); err != nil {
				return err
			}
			record = append(record, rec)
		}
		if len(record) == 0 {
			return nil
		}
		changed = true
		c.Limits = computeLimits(w, rows, c.State, c.Limits)
		c.mirrorMain(w.def.MainClock)
		payload, err := json.Marshal(map[string]any{"timers": record})
		if err != nil {
			return err
		}
		oldVersion := c.Version
		c.Version++
		c.UpdatedAt = now
		entry, err := e.appendLedger(ctx, tx, c, EventRecompute, System, c.State, payload, now)
		if err != nil {
			return err
		}
		c.LedgerHead = entry.Hash
		c.LedgerLen++
		return tx.UpdateCase(ctx, c, oldVersion)
	})
	if err != nil {
		return false, err
	}
	e.afterCommit(ctx, fx)
	return changed, nil
}
