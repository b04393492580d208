package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parkfin/parkfin/engine"
)

// held is what a transaction that fires a batch of timers holds of the
// cases it locked: their timer rows, read and changed in memory, and the
// writes to those rows, to the cases and to the outbox, made together by a
// few statements just before the commit (flushHeld) rather than one
// statement each. The rows are locked, so memory is the truth until then.
type held struct {
	// timers are each held case's timer rows, as they will be committed.
	timers map[string][]engine.Timer
	// version is each held case's version as this transaction last wrote
	// it; locked is its stored version, which the flush checks.
	version, locked map[string]int
	// timerWrites and caseWrites are the rows to write, in first-write
	// order; inserted marks the timer rows that are new.
	timerWrites []string
	timerRows   map[string]*timerRow
	inserted    map[string]bool
	caseWrites  []string
	caseRows    map[string]*caseRow
	notices     []NoticeRow
}

// HoldTimerCases locks the cases of the timers (in case order, so that
// concurrent batches cannot deadlock) and their timer rows, and holds them
// for the rest of the transaction: reads of those cases' timers come from
// memory, and writes to those timers, to those cases and to the outbox are
// made together when the transaction commits. It returns each existing
// timer's case and each case's timer rows, oldest first.
func (t *tx) HoldTimerCases(ctx context.Context, timerIDs []string) (map[string]*engine.Case, map[string][]engine.Timer, error) {
	if t.held != nil {
		return nil, nil, errors.New("sqlstore: a transaction holds one batch of cases")
	}
	byTimer := map[string]*engine.Case{}
	timers := map[string][]engine.Timer{}
	if len(timerIDs) == 0 {
		return byTimer, timers, nil
	}
	db := t.db.WithContext(ctx)
	var owners []struct {
		ID     string
		CaseID string
	}
	if err := db.Raw("SELECT id, case_id FROM timers WHERE id IN ?", timerIDs).Scan(&owners).Error; err != nil {
		return nil, nil, err
	}
	if len(owners) == 0 {
		return byTimer, timers, nil
	}
	seen := map[string]bool{}
	var caseIDs []string
	for _, o := range owners {
		if !seen[o.CaseID] {
			seen[o.CaseID] = true
			caseIDs = append(caseIDs, o.CaseID)
		}
	}
	sort.Strings(caseIDs)
	cases := db
	if t.dialect == Postgres {
		cases = cases.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var rows []caseRow
	if err := cases.Where("id IN ?", caseIDs).Order("id").Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	loaded, err := t.withParties(ctx, rows)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[string]*engine.Case, len(loaded))
	for _, c := range loaded {
		byID[c.ID] = c
	}
	locks := db
	if t.dialect == Postgres {
		locks = locks.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var trows []timerRow
	if err := locks.Where("case_id IN ?", caseIDs).Order("case_id, created_at, id").Find(&trows).Error; err != nil {
		return nil, nil, err
	}
	h := &held{timers: map[string][]engine.Timer{}, version: map[string]int{}, locked: map[string]int{},
		timerRows: map[string]*timerRow{}, inserted: map[string]bool{}, caseRows: map[string]*caseRow{}}
	for _, c := range loaded {
		h.timers[c.ID] = []engine.Timer{}
		h.version[c.ID], h.locked[c.ID] = c.Version, c.Version
	}
	for _, r := range trows {
		h.timers[r.CaseID] = append(h.timers[r.CaseID], timerFromRow(r))
	}
	t.held = h
	for _, o := range owners {
		if c := byID[o.CaseID]; c != nil {
			byTimer[o.ID] = c
		}
	}
	for id, rs := range h.timers {
		timers[id] = append([]engine.Timer(nil), rs...)
	}
	return byTimer, timers, nil
}

// heldTimers returns a copy of a held case's timer rows, oldest first, and
// whether the case is held.
func (t *tx) heldTimers(caseID string) ([]engine.Timer, bool) {
	if t.held == nil {
		return nil, false
	}
	rs, ok := t.held.timers[caseID]
	if !ok {
		return nil, false
	}
	out := append([]engine.Timer(nil), rs...)
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, true
}

// holdTimer records a held case's timer row as written; insert is set for
// a new row. It reports whether the case is held.
func (t *tx) holdTimer(tm *engine.Timer, from engine.TimerStatus, insert bool) (ok, isHeld bool) {
	if t.held == nil {
		return false, false
	}
	h := t.held
	rs, isHeld := h.timers[tm.CaseID]
	if !isHeld {
		return false, false
	}
	if insert {
		h.timers[tm.CaseID] = append(rs, *tm)
		h.inserted[tm.ID] = true
	} else {
		i := -1
		for k := range rs {
			if rs[k].ID == tm.ID {
				i = k
			}
		}
		if i < 0 || rs[i].Status != from {
			return false, true
		}
		rs[i] = *tm
	}
	r := timerToRow(tm)
	if _, written := h.timerRows[tm.ID]; !written {
		h.timerWrites = append(h.timerWrites, tm.ID)
	}
	h.timerRows[tm.ID] = &r
	return true, true
}

// holdCase records a held case as written if this transaction's last
// write of it left it at oldVersion; it reports whether the case is held.
func (t *tx) holdCase(c *engine.Case, oldVersion int) (isHeld bool, err error) {
	if t.held == nil {
		return false, nil
	}
	h := t.held
	v, isHeld := h.version[c.ID]
	if !isHeld {
		return false, nil
	}
	if v != oldVersion {
		return true, engine.Errorf(engine.ECONFLICT, "该案件已被他人更新，请刷新后重试。",
			"The case was changed by someone else; reload and try again.")
	}
	h.version[c.ID] = c.Version
	r := caseToRow(c)
	if _, written := h.caseRows[c.ID]; !written {
		h.caseWrites = append(h.caseWrites, c.ID)
	}
	h.caseRows[c.ID] = &r
	return true, nil
}

// holdNotice keeps a notice of a held case for the flush; a notice with a
// dedupe key is written at once, so that its caller learns whether it was.
func (t *tx) holdNotice(n *engine.Notice) (bool, error) {
	if t.held == nil || n.DedupeKey != "" {
		return false, nil
	}
	if _, isHeld := t.held.version[n.CaseID]; !isHeld {
		return false, nil
	}
	r, err := NoticeToRow(n)
	if err != nil {
		return false, err
	}
	t.held.notices = append(t.held.notices, r)
	return true, nil
}

// flushHeld writes what the transaction held: new timer rows, changed
// timer rows, changed cases (checking each one's stored version) and the
// notices, a few statements for the whole batch on PostgreSQL and one
// statement a row on SQLite, whose statements cost no round trip.
func (t *tx) flushHeld(ctx context.Context) error {
	h := t.held
	if h == nil {
		return nil
	}
	t.held = nil
	db := t.db.WithContext(ctx)
	var inserts, updates []timerRow
	for _, id := range h.timerWrites {
		if h.inserted[id] {
			inserts = append(inserts, *h.timerRows[id])
		} else {
			updates = append(updates, *h.timerRows[id])
		}
	}
	if len(inserts) > 0 {
		if err := translate(db.CreateInBatches(inserts, flushChunk).Error); err != nil {
			return err
		}
	}
	cases := make([]caseRow, 0, len(h.caseWrites))
	for _, id := range h.caseWrites {
		cases = append(cases, *h.caseRows[id])
	}
	if t.dialect == Postgres {
		if err := t.updateTimersPG(db, updates); err != nil {
			return err
		}
		if err := t.updateCasesPG(db, cases, h.locked); err != nil {
			return err
		}
	} else {
		for i := range updates {
			if err := t.writeTimer(db, &updates[i]); err != nil {
				return err
			}
		}
		for i := range cases {
			if err := t.writeCase(db, &cases[i], h.locked[cases[i].ID]); err != nil {
				return err
			}
		}
	}
	if len(h.notices) > 0 {
		if err := translate(db.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(h.notices, flushChunk).Error); err != nil {
			return err
		}
	}
	return nil
}

// flushChunk bounds the rows of one flushing statement (PostgreSQL takes
// at most 65,535 parameters).
const flushChunk = 500

// updateTimersPG writes changed timer rows, flushChunk to a statement.
func (t *tx) updateTimersPG(db *gorm.DB, rows []timerRow) error {
	for len(rows) > 0 {
		n := min(len(rows), flushChunk)
		var b strings.Builder
		args := make([]any, 0, 9*n)
		b.WriteString(`UPDATE timers AS t SET status = v.status, due_at = v.due_at, remaining = v.remaining,
			updated_at = v.updated_at, base_at = v.base_at, workdays = v.workdays, provisional = v.provisional,
			paused_at = v.paused_at FROM (VALUES `)
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?::text, ?::text, ?::timestamptz, ?::integer, ?::timestamptz, ?::timestamptz, ?::integer, ?::boolean, ?::timestamptz)")
			args = append(args, r.ID, r.Status, r.DueAt, r.Remaining, r.UpdatedAt, r.BaseAt, r.Workdays, r.Provisional, r.PausedAt)
		}
		b.WriteString(") AS v (id, status, due_at, remaining, updated_at, base_at, workdays, provisional, paused_at) WHERE t.id = v.id")
		res := db.Exec(b.String(), args...)
		if res.Error != nil {
			return translate(res.Error)
		}
		if res.RowsAffected != int64(n) {
			return fmt.Errorf("sqlstore: %d of %d held timer rows written", res.RowsAffected, n)
		}
		rows = rows[n:]
	}
	return nil
}

// updateCasesPG writes changed cases whose stored version is still the
// one they were locked at, flushChunk to a statement; a case changed
// meanwhile is a version conflict.
func (t *tx) updateCasesPG(db *gorm.DB, rows []caseRow, locked map[string]int) error {
	for len(rows) > 0 {
		n := min(len(rows), flushChunk)
		var b strings.Builder
		args := make([]any, 0, 17*n)
		b.WriteString(`UPDATE cases AS c SET state = v.state, version = v.version, title = v.title, ref = v.ref,
			data = v.data, updated_at = v.updated_at, warn_at = v.warn_at, due_at = v.due_at, due_soon = v.due_soon,
			overdue = v.overdue, past_due = v.past_due, provisional = v.provisional, limits = v.limits,
			ledger_head = v.ledger_head, ledger_len = v.ledger_len FROM (VALUES `)
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?::text, ?::integer, ?::text, ?::integer, ?::text, ?::text, ?::text, ?::timestamptz, ?::timestamptz, ?::timestamptz, " +
				"?::boolean, ?::boolean, ?::boolean, ?::boolean, ?::text, ?::text, ?::integer)")
			args = append(args, r.ID, locked[r.ID], r.State, r.Version, r.Title, r.Ref, r.Data, r.UpdatedAt, r.WarnAt, r.DueAt,
				r.DueSoon, r.Overdue, r.PastDue, r.Provisional, r.Limits, r.LedgerHead, r.LedgerLen)
		}
		b.WriteString(`) AS v (id, old_version, state, version, title, ref, data, updated_at, warn_at, due_at,
			due_soon, overdue, past_due, provisional, limits, ledger_head, ledger_len)
			WHERE c.id = v.id AND c.version = v.old_version`)
		res := db.Exec(b.String(), args...)
		if res.Error != nil {
			return translate(res.Error)
		}
		if res.RowsAffected != int64(n) {
			return engine.Errorf(engine.ECONFLICT, "该案件已被他人更新，请刷新后重试。",
				"The case was changed by someone else; reload and try again.")
		}
		rows = rows[n:]
	}
	return nil
}
