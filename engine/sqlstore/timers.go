package sqlstore

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parkfin/parkfin/engine"
)

// LockCaseTimers returns the case's timer rows for update (a row lock on
// PostgreSQL; SQLite has one writer at a time), oldest first.
func (t *tx) LockCaseTimers(ctx context.Context, caseID string) ([]engine.Timer, error) {
	if rows, ok := t.heldTimers(caseID); ok {
		return rows, nil
	}
	db := t.db.WithContext(ctx)
	if t.dialect == Postgres {
		db = db.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var rows []timerRow
	if err := db.Where("case_id = ?", caseID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]engine.Timer, len(rows))
	for i, r := range rows {
		out[i] = timerFromRow(r)
	}
	return out, nil
}

// CaseTimers returns the case's timer rows, oldest first.
func (q queries) CaseTimers(ctx context.Context, caseID string) ([]engine.Timer, error) {
	var rows []timerRow
	if err := q.db.WithContext(ctx).Where("case_id = ?", caseID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]engine.Timer, len(rows))
	for i, r := range rows {
		out[i] = timerFromRow(r)
	}
	return out, nil
}

// CaseTimers returns the case's timer rows, oldest first; a held case's
// from memory.
func (t *tx) CaseTimers(ctx context.Context, caseID string) ([]engine.Timer, error) {
	if rows, ok := t.heldTimers(caseID); ok {
		return rows, nil
	}
	return t.queries.CaseTimers(ctx, caseID)
}

// InsertTimer writes a new timer row; a held case's when the transaction
// commits.
func (t *tx) InsertTimer(ctx context.Context, tm *engine.Timer) error {
	if _, isHeld := t.holdTimer(tm, "", true); isHeld {
		return nil
	}
	r := timerToRow(tm)
	return translate(t.insertLater(ctx, &r))
}

// UpdateTimer writes tm if its stored status is still from; a held case's
// row is changed in memory and written when the transaction commits.
func (t *tx) UpdateTimer(ctx context.Context, tm *engine.Timer, from engine.TimerStatus) (bool, error) {
	if ok, isHeld := t.holdTimer(tm, from, false); isHeld {
		return ok, nil
	}
	r := timerToRow(tm)
	res := t.db.WithContext(ctx).Model(&timerRow{}).Where("id = ? AND status = ?", tm.ID, string(from)).Updates(timerChanges(&r))
	if res.Error != nil {
		return false, translate(res.Error)
	}
	return res.RowsAffected == 1, nil
}

// writeTimer writes a timer row known to be there (its case is locked).
func (t *tx) writeTimer(db *gorm.DB, r *timerRow) error {
	res := db.Model(&timerRow{}).Where("id = ?", r.ID).Updates(timerChanges(r))
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("sqlstore: held timer %s not written", r.ID)
	}
	return nil
}

// timerChanges are the columns a timer's update writes.
func timerChanges(r *timerRow) map[string]any {
	return map[string]any{"status": r.Status, "due_at": r.DueAt, "remaining": r.Remaining, "updated_at": r.UpdatedAt,
		"base_at": r.BaseAt, "workdays": r.Workdays, "provisional": r.Provisional, "paused_at": r.PausedAt}
}

// PendingTimers returns every pending timer, by due time.
func (q queries) PendingTimers(ctx context.Context) ([]engine.TimerRef, error) {
	var rows []timerRow
	err := q.db.WithContext(ctx).Select("id", "due_at").Where("status = ?", string(engine.TimerPending)).
		Order("due_at").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]engine.TimerRef, len(rows))
	for i, r := range rows {
		out[i] = engine.TimerRef{ID: r.ID, DueAt: utc(r.DueAt)}
	}
	return out, nil
}

// PendingAmong returns which of ids name pending timers.
func (q queries) PendingAmong(ctx context.Context, ids []string) (map[string]bool, error) {
	out := make(map[string]bool)
	for len(ids) > 0 {
		n := min(len(ids), 500)
		var found []string
		err := q.db.WithContext(ctx).Model(&timerRow{}).Where("id IN ? AND status = ?", ids[:n], string(engine.TimerPending)).
			Pluck("id", &found).Error
		if err != nil {
			return nil, err
		}
		for _, id := range found {
			out[id] = true
		}
		ids = ids[n:]
	}
	return out, nil
}

// ProvisionalCases returns the IDs of the cases with a provisional pending
// or paused timer.
func (q queries) ProvisionalCases(ctx context.Context) ([]string, error) {
	var ids []string
	err := q.db.WithContext(ctx).Model(&timerRow{}).Distinct("case_id").
		Where("provisional AND status IN ?", []string{string(engine.TimerPending), string(engine.TimerPaused)}).
		Order("case_id").Pluck("case_id", &ids).Error
	return ids, err
}

// PendingSince returns the pending timers armed or changed at or after
// since, by update time.
func (q queries) PendingSince(ctx context.Context, since time.Time) ([]engine.TimerRef, error) {
	var rows []timerRow
	err := q.db.WithContext(ctx).Select("id", "due_at").
		Where("status = ? AND updated_at >= ?", string(engine.TimerPending), since.UTC()).
		Order("updated_at").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]engine.TimerRef, len(rows))
	for i, r := range rows {
		out[i] = engine.TimerRef{ID: r.ID, DueAt: utc(r.DueAt)}
	}
	return out, nil
}
