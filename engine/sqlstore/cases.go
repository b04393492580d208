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

func (q queries) loadCase(ctx context.Context, where string, arg any, lock bool) (*engine.Case, error) {
	db := q.db.WithContext(ctx)
	if lock && q.dialect == Postgres {
		db = db.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var r caseRow
	if err := db.Where(where, arg).Take(&r).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, engine.Errorf(engine.ENOTFOUND, "找不到案件 %v。", "Case %v was not found.", arg)
		}
		return nil, err
	}
	var parties []partyRow
	if err := q.db.WithContext(ctx).Where("case_id = ?", r.ID).Order("relation, org_code").Find(&parties).Error; err != nil {
		return nil, err
	}
	var marks []markRow
	if err := q.db.WithContext(ctx).Where("case_id = ?", r.ID).Order("mark").Find(&marks).Error; err != nil {
		return nil, err
	}
	return caseFromRow(r, parties, marks), nil
}

// Case returns the case, or not_found.
func (q queries) Case(ctx context.Context, id string) (*engine.Case, error) {
	return q.loadCase(ctx, "id = ?", id, false)
}

// CaseByNumber returns the case with the number, or not_found.
func (q queries) CaseByNumber(ctx context.Context, number string) (*engine.Case, error) {
	return q.loadCase(ctx, "number = ?", number, false)
}

// LockCase returns the case for update (a row lock on PostgreSQL; SQLite
// has one writer at a time).
func (t *tx) LockCase(ctx context.Context, id string) (*engine.Case, error) {
	return t.loadCase(ctx, "id = ?", id, true)
}

// LockCaseOfTimer returns the timer's case for update, in one statement.
func (t *tx) LockCaseOfTimer(ctx context.Context, timerID string) (*engine.Case, error) {
	c, err := t.loadCase(ctx, "id = (SELECT case_id FROM timers WHERE id = ?)", timerID, true)
	if engine.ErrorCode(err) == engine.ENOTFOUND {
		return nil, notFound("计时器", timerID)
	}
	return c, err
}

// InsertCase writes a new case and its parties.
func (t *tx) InsertCase(ctx context.Context, c *engine.Case) error {
	r := caseToRow(c)
	if err := t.insertLater(ctx, &r); err != nil {
		return translate(err)
	}
	return t.insertParties(ctx, c)
}

// insertParties writes a new case's parties and marks. The case has no
// rows of either yet, so they can clash only with one another: they are
// made distinct here and inserted plainly. An insert that skips clashes
// (ON CONFLICT DO NOTHING) costs PostgreSQL a speculative insertion a row,
// which made the parties the dearest rows of an opening.
func (t *tx) insertParties(ctx context.Context, c *engine.Case) error {
	seen := make(map[engine.Party]bool, len(c.Parties))
	parties := make([]partyRow, 0, len(c.Parties))
	for _, p := range c.Parties {
		if !seen[p] {
			seen[p] = true
			parties = append(parties, partyRow{CaseID: c.ID, OrgCode: p.Org, Relation: string(p.Relation)})
		}
	}
	if len(parties) > 0 {
		if err := t.insertLater(ctx, &parties); err != nil {
			return err
		}
	}
	marked := make(map[string]bool, len(c.Marks))
	marks := make([]markRow, 0, len(c.Marks))
	for _, m := range c.Marks {
		if !marked[m] {
			marked[m] = true
			marks = append(marks, markRow{CaseID: c.ID, Mark: m})
		}
	}
	if len(marks) == 0 {
		return nil
	}
	return t.insertLater(ctx, &marks)
}

// RemoveParties removes parties from the case.
func (t *tx) RemoveParties(ctx context.Context, caseID string, parties []engine.Party) error {
	for _, p := range parties {
		err := t.db.WithContext(ctx).Where("case_id = ? AND org_code = ? AND relation = ?", caseID, p.Org, string(p.Relation)).
			Delete(&partyRow{}).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// SetMarks adds and removes marks of the case.
func (t *tx) SetMarks(ctx context.Context, caseID string, add, remove []string) error {
	if len(add) > 0 {
		rows := make([]markRow, len(add))
		for i, m := range add {
			rows[i] = markRow{CaseID: caseID, Mark: m}
		}
		if err := t.insertLater(ctx, &rows, clause.OnConflict{DoNothing: true}); err != nil {
			return err
		}
	}
	if len(remove) > 0 {
		return t.db.WithContext(ctx).Where("case_id = ? AND mark IN ?", caseID, remove).Delete(&markRow{}).Error
	}
	return nil
}

// AddParties adds parties to the case, skipping those it has.
func (t *tx) AddParties(ctx context.Context, caseID string, parties []engine.Party) error {
	if len(parties) == 0 {
		return nil
	}
	rows := make([]partyRow, len(parties))
	for i, p := range parties {
		rows[i] = partyRow{CaseID: caseID, OrgCode: p.Org, Relation: string(p.Relation)}
	}
	return t.insertLater(ctx, &rows, clause.OnConflict{DoNothing: true})
}

// UpdateCase writes c, not its parties, if its stored version is still
// oldVersion. A case the transaction holds (HoldTimerCases) is written when
// it commits.
func (t *tx) UpdateCase(ctx context.Context, c *engine.Case, oldVersion int) error {
	if isHeld, err := t.holdCase(c, oldVersion); isHeld || err != nil {
		return err
	}
	r := caseToRow(c)
	return t.writeCase(t.db.WithContext(ctx), &r, oldVersion)
}

// writeCase writes a case row if its stored version is still oldVersion.
func (t *tx) writeCase(db *gorm.DB, r *caseRow, oldVersion int) error {
	res := db.Model(&caseRow{}).
		Where("id = ? AND version = ?", r.ID, oldVersion).
		Updates(map[string]any{
			"state": r.State, "version": r.Version, "title": r.Title, "ref": r.Ref, "data": r.Data,
			"updated_at": r.UpdatedAt, "warn_at": r.WarnAt, "due_at": r.DueAt,
			"due_soon": r.DueSoon, "overdue": r.Overdue, "past_due": r.PastDue,
			"provisional": r.Provisional, "limits": r.Limits,
			"ledger_head": r.LedgerHead, "ledger_len": r.LedgerLen,
		})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return engine.Errorf(engine.ECONFLICT, "该案件已被他人更新，请刷新后重试。",
			"The case was changed by someone else; reload and try again.")
	}
	return nil
}

// NextNumber returns the next number for the prefix, starting at 1.
func (t *tx) NextNumber(ctx context.Context, prefix string) (int, error) {
	last, err := t.NextNumbers(ctx, map[string]int{prefix: 1})
	return last[prefix], err
}

// NextNumbers takes the next numbers of several prefixes in one statement
// and returns the last of each prefix's. The counters' rows are written in
// prefix order and stay locked until the transaction ends: the numbers of
// a prefix are gap-free (a transaction that rolls back gives its numbers
// back), and two transactions taking numbers of the same prefixes wait
// for one another rather than deadlock. A transaction that may be run
// again takes them from the counters the store kept when it can, moved on
// with its first statement (kept.go).
func (t *tx) NextNumbers(ctx context.Context, counts map[string]int) (map[string]int, error) {
	for p, n := range counts {
		if n < 1 {
			return nil, fmt.Errorf("sqlstore: %d numbers asked for prefix %q", n, p)
		}
	}
	if last, ok := t.keptNumbers(counts); ok {
		return last, nil
	}
	prefixes := make([]string, 0, len(counts))
	for p := range counts {
		prefixes = append(prefixes, p)
	}
	sort.Strings(prefixes)
	var (
		b    strings.Builder
		args = make([]any, 0, 2*len(prefixes))
	)
	b.WriteString("INSERT INTO case_numbers (prefix, last) VALUES ")
	for i, p := range prefixes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?)")
		args = append(args, p, counts[p])
	}
	b.WriteString(" ON CONFLICT (prefix) DO UPDATE SET last = case_numbers.last + excluded.last RETURNING prefix, last")
	var rows []struct {
		Prefix string
		Last   int
	}
	if err := t.db.WithContext(ctx).Raw(b.String(), args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Prefix] = r.Last
	}
	if len(out) != len(counts) {
		return nil, fmt.Errorf("sqlstore: %d of %d counters taken", len(out), len(counts))
	}
	t.tookNumbers(out)
	return out, nil
}

// Cases lists cases newest received first, narrowed by f.
func (q queries) Cases(ctx context.Context, f engine.CaseFilter) ([]*engine.Case, error) {
	db := q.filtered(ctx, f)
	if f.After != nil {
		// The cursor's own key, never looked up: no probing of cases the
		// caller may not see.
		cond, args := KeysetBefore(q.dialect, "received_at", f.After.ReceivedAt.UTC(), f.After.ID)
		db = db.Where(cond, args...)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	var rows []caseRow
	if err := db.Order("received_at DESC, id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, err
	}
	return q.withParties(ctx, rows)
}

// CaseCounts counts the cases f selects, by state.
func (q queries) CaseCounts(ctx context.Context, f engine.CaseFilter) (engine.CaseCounts, error) {
	var rows []struct {
		State   string
		N       int
		Overdue int
		DueSoon int
		PastDue int
	}
	err := q.filtered(ctx, f).
		Select("state, COUNT(*) AS n, SUM(CASE WHEN overdue THEN 1 ELSE 0 END) AS overdue, " +
			"SUM(CASE WHEN due_soon THEN 1 ELSE 0 END) AS due_soon, SUM(CASE WHEN past_due THEN 1 ELSE 0 END) AS past_due").
		Group("state").Scan(&rows).Error
	out := engine.CaseCounts{ByState: map[engine.State]int{}}
	if err != nil {
		return out, err
	}
	for _, r := range rows {
		out.ByState[engine.State(r.State)] = r.N
		out.Total += r.N
		out.Overdue += r.Overdue
		out.DueSoon += r.DueSoon
		out.PastDue += r.PastDue
	}
	return out, nil
}

// filtered applies f's conditions, all but its cursor and limit.
func (q queries) filtered(ctx context.Context, f engine.CaseFilter) *gorm.DB {
	db := q.db.WithContext(ctx).Model(&caseRow{})
	if f.Workflow != "" {
		db = db.Where("workflow = ?", f.Workflow)
	}
	if f.Scope != nil {
		rels := make([]string, len(f.Scope.Relations))
		for i, r := range f.Scope.Relations {
			rels[i] = string(r)
		}
		db = db.Where("EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = cases.id AND p.org_code = ? AND p.relation IN ?)", f.Scope.Org, rels)
	}
	if f.Party != nil {
		if f.Party.Relation != "" {
			db = db.Where("EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = cases.id AND p.org_code = ? AND p.relation = ?)", f.Party.Org, string(f.Party.Relation))
		} else {
			db = db.Where("EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = cases.id AND p.org_code = ?)", f.Party.Org)
		}
	}
	if len(f.States) > 0 {
		states := make([]string, len(f.States))
		for i, s := range f.States {
			states[i] = string(s)
		}
		db = db.Where("state IN ?", states)
	}
	// The flags go as literals, not bound values: the partial indexes of
	// the cases whose flag is set serve only plans that see "overdue"
	// itself (migration 00021).
	for _, flag := range []struct {
		column string
		want   *bool
	}{{"due_soon", f.DueSoon}, {"overdue", f.Overdue}, {"past_due", f.PastDue}} {
		switch {
		case flag.want == nil:
		case *flag.want:
			db = db.Where(flag.column)
		default:
			db = db.Where("NOT " + flag.column)
		}
	}
	if f.Mark != "" {
		db = db.Where("EXISTS (SELECT 1 FROM case_marks m WHERE m.case_id = cases.id AND m.mark = ?)", f.Mark)
	}
	if f.Text != "" {
		pattern := "%" + escapeLike(strings.ToLower(f.Text)) + "%"
		db = db.Where(`(LOWER(number) LIKE ? ESCAPE '\' OR LOWER(title) LIKE ? ESCAPE '\' OR LOWER(ref) LIKE ? ESCAPE '\')`, pattern, pattern, pattern)
	}
	if f.Ref != "" {
		db = db.Where("ref = ?", f.Ref)
	}
	if f.Period != "" {
		db = db.Where("period = ?", f.Period)
	}
	if !f.ReceivedFrom.IsZero() {
		db = db.Where("received_at >= ?", f.ReceivedFrom.UTC())
	}
	if !f.ReceivedTo.IsZero() {
		db = db.Where("received_at < ?", f.ReceivedTo.UTC())
	}
	return db
}

func (q queries) withParties(ctx context.Context, rows []caseRow) ([]*engine.Case, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var parties []partyRow
	if err := q.db.WithContext(ctx).Where("case_id IN ?", ids).Order("relation, org_code").Find(&parties).Error; err != nil {
		return nil, err
	}
	byCase := make(map[string][]partyRow, len(rows))
	for _, p := range parties {
		byCase[p.CaseID] = append(byCase[p.CaseID], p)
	}
	var marks []markRow
	if err := q.db.WithContext(ctx).Where("case_id IN ?", ids).Order("mark").Find(&marks).Error; err != nil {
		return nil, err
	}
	marksOf := make(map[string][]markRow)
	for _, m := range marks {
		marksOf[m.CaseID] = append(marksOf[m.CaseID], m)
	}
	out := make([]*engine.Case, len(rows))
	for i, r := range rows {
		out[i] = caseFromRow(r, byCase[r.ID], marksOf[r.ID])
	}
	return out, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
