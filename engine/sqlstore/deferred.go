package sqlstore

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"
)

// Writes held back. On PostgreSQL a transaction's plain inserts whose
// outcome the engine does not read (a case row, its parties, its timers)
// are not sent one by one: they wait in the transaction and go with its
// next statement, as data-modifying WITH clauses of one statement, or on
// their own just before any other statement runs. A case's opening is then
// two round trips from its number to its commit (the number; the inserts
// with the outbox row and the ledger entry, and COMMIT: pgtx.go) instead
// of eight: the number's row lock, which makes the openings of one park's
// year wait for one another, is held that much shorter, and both
// PostgreSQL and the server spend less on each opening. Nothing changes
// for what the transaction reads: any statement other than these inserts
// first sends what waits (flushBefore, a gorm callback), so every read
// sees every write before it; the commit sends the rest. A failing insert
// fails the statement it travels with, and the transaction with it, as
// before.

// deferredWrite is one insert waiting: its SQL with $n placeholders and
// their values; or, built from a model's schema (insertRows), the text
// before and after its rows, a row's placeholders and the values of its
// rows, width a row.
type deferredWrite struct {
	sql             string
	vars            []any
	head, tail, row string
	width           int
}

// deferWrites registers the callback that sends a transaction's waiting
// inserts before any other statement of it.
func (s *Store) deferWrites() error {
	cb := s.db.Callback()
	for _, reg := range []func() error{
		func() error { return cb.Create().Before("*").Register("parkfin:flush_writes", s.flushBefore) },
		func() error { return cb.Query().Before("*").Register("parkfin:flush_writes", s.flushBefore) },
		func() error { return cb.Update().Before("*").Register("parkfin:flush_writes", s.flushBefore) },
		func() error { return cb.Delete().Before("*").Register("parkfin:flush_writes", s.flushBefore) },
		func() error { return cb.Row().Before("*").Register("parkfin:flush_writes", s.flushBefore) },
		func() error { return cb.Raw().Before("*").Register("parkfin:flush_writes", s.flushBefore) },
	} {
		if err := reg(); err != nil {
			return err
		}
	}
	return nil
}

// flushBefore sends the waiting inserts of the transaction db runs in, if
// any, before db's statement.
func (s *Store) flushBefore(db *gorm.DB) {
	if db.DryRun || db.Error != nil {
		return
	}
	v, ok := s.open.Load(db.Statement.ConnPool)
	if !ok {
		return
	}
	t := v.(*tx)
	if t.flushing || len(t.writes) == 0 {
		return
	}
	if _, err := t.flushWrites(db.Statement.Context, nil); err != nil {
		_ = db.AddError(err)
	}
}

// insertLater queues the insert gorm would run for value (with clauses),
// or runs it at once where nothing is held back (SQLite).
func (t *tx) insertLater(ctx context.Context, value any, clauses ...clause.Expression) error {
	if !t.deferred {
		return t.db.WithContext(ctx).Clauses(clauses...).Create(value).Error
	}
	if w, ok := t.insertRows(value, clauses); ok {
		t.writes = append(t.writes, w)
		return nil
	}
	stmt := t.db.Session(&gorm.Session{DryRun: true}).WithContext(ctx).Clauses(clauses...).Create(value).Statement
	if stmt.Error != nil {
		return stmt.Error
	}
	t.writes = append(t.writes, deferredWrite{sql: stmt.SQL.String(), vars: stmt.Vars})
	return nil
}

// insertShape is how rows of a model are inserted: the statement's text
// before its rows (the columns gorm would name, in its order) and after
// them, and the fields giving a row's values.
type insertShape struct {
	head, tail string
	fields     []*schema.Field
	// row is a row's placeholders: ($1, $2, …).
	row string
}

// shapeKey names an insertShape: the model's Go type, whose schema gorm
// parses once for the process, and whether the insert skips conflicting
// rows.
type shapeKey struct {
	model     reflect.Type
	doNothing bool
}

var insertShapes sync.Map // shapeKey → *insertShape, nil where gorm must build the insert

// modelType is the struct type of the rows value holds, or nil: value is
// a pointer to a model or to a slice of models (or of pointers to them).
func modelType(value any) reflect.Type {
	typ := reflect.TypeOf(value)
	if typ == nil || typ.Kind() != reflect.Pointer {
		return nil
	}
	typ = typ.Elem()
	if typ.Kind() == reflect.Slice {
		typ = typ.Elem()
		if typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
	}
	if typ.Kind() != reflect.Struct {
		return nil
	}
	return typ
}

// insertRows is the write gorm's Create would queue for value (a pointer
// to a model or to a slice of models) with clauses, built from the
// model's parsed schema without running gorm's statement machinery, which
// costs more than the write's values themselves. ok is false for what it
// does not handle the way gorm would (defaults, automatic times, clauses
// other than ON CONFLICT DO NOTHING): gorm builds those.
func (t *tx) insertRows(value any, clauses []clause.Expression) (w deferredWrite, ok bool) {
	doNothing := false
	switch {
	case len(clauses) == 0:
	case len(clauses) == 1:
		oc, isOC := clauses[0].(clause.OnConflict)
		if !isOC || !oc.DoNothing || len(oc.Columns) > 0 || oc.Where.Exprs != nil || oc.TargetWhere.Exprs != nil || oc.OnConstraint != "" {
			return w, false
		}
		doNothing = true
	default:
		return w, false
	}
	typ := modelType(value)
	if typ == nil {
		return w, false
	}
	key := shapeKey{typ, doNothing}
	var shape *insertShape
	if v, known := insertShapes.Load(key); known {
		shape = v.(*insertShape)
	} else {
		stmt := &gorm.Statement{DB: t.db}
		if err := stmt.Parse(value); err != nil {
			return w, false
		}
		shape = newInsertShape(stmt.Schema, doNothing)
		insertShapes.Store(key, shape)
	}
	if shape == nil {
		return w, false
	}
	rv := reflect.Indirect(reflect.ValueOf(value))
	ctx := context.Background()
	row := func(v reflect.Value) {
		for _, f := range shape.fields {
			x, _ := f.ValueOf(ctx, v)
			w.vars = append(w.vars, x)
		}
	}
	switch rv.Kind() {
	case reflect.Struct:
		w.vars = make([]any, 0, len(shape.fields))
		row(rv)
	case reflect.Slice:
		if rv.Len() == 0 {
			return w, false
		}
		w.vars = make([]any, 0, rv.Len()*len(shape.fields))
		for i := range rv.Len() {
			e := reflect.Indirect(rv.Index(i))
			if e.Kind() != reflect.Struct {
				return deferredWrite{}, false
			}
			row(e)
		}
	default:
		return w, false
	}
	w.head, w.tail, w.row, w.width = shape.head, shape.tail, shape.row, len(shape.fields)
	return w, true
}

// newInsertShape returns how rows of the schema are inserted, or nil when
// gorm would insert them otherwise than with every column's value as it
// stands (a default, an automatic time, a field it may not write, hooks).
func newInsertShape(s *schema.Schema, doNothing bool) *insertShape {
	if s.BeforeCreate || s.AfterCreate || s.BeforeSave || s.AfterSave {
		return nil
	}
	shape := &insertShape{}
	var cols, row strings.Builder
	for _, name := range s.DBNames {
		f := s.FieldsByDBName[name]
		if f.HasDefaultValue || f.AutoCreateTime > 0 || f.AutoUpdateTime > 0 || !f.Creatable {
			return nil
		}
		if len(shape.fields) > 0 {
			cols.WriteString(",")
			row.WriteString(",")
		}
		cols.WriteString(`"` + name + `"`)
		row.WriteString("$" + strconv.Itoa(len(shape.fields)+1))
		shape.fields = append(shape.fields, f)
	}
	if len(shape.fields) == 0 {
		return nil
	}
	shape.head = `INSERT INTO "` + s.Table + `" (` + cols.String() + ") VALUES "
	if doNothing {
		shape.tail = skipClashes
	}
	shape.row = "(" + row.String() + ")"
	return shape
}

// flushWrites runs the waiting inserts, with last (if set) as the
// statement they travel with, and returns last's result. Inserts into a
// table of the same shape are sent as one multi-row insert, in the order
// they were queued: a transaction opening a batch of cases writes them,
// their parties, timers and notices with one insert a table. Each such
// insert goes as arrays, one a column (unnest.go), so that the text is the
// same whatever the rows and is prepared once per connection. An insert
// that cannot go so keeps its VALUES list, whose text varies with its
// rows: a statement holding one is sent unprepared (pgx's
// QueryExecModeExec, one round trip, or QueryExecModeDescribeExec when it
// also holds arrays, whose types the driver must learn), since preparing
// each text would cost a round trip more and fill the driver's statement
// cache with texts seen once.
func (t *tx) flushWrites(ctx context.Context, last *deferredWrite) (rowsAffected int64, err error) {
	return t.flush(ctx, last, false)
}

// flush is flushWrites; with commit set, the transaction's last
// statement, which on its own connection (pgTxConn) takes COMMIT with it
// in one round trip when its text is prepared. The caller commits
// (pgTxConn.commit) in any case: that does nothing once COMMIT went.
func (t *tx) flush(ctx context.Context, last *deferredWrite, commit bool) (rowsAffected int64, err error) {
	ws := t.writes
	t.writes = nil
	pieces := mergeWrites(ws)
	if last != nil {
		// An insert of rows goes as one like the others (as arrays, when
		// it can); anything else as it is.
		if ps := mergeWrites([]deferredWrite{*last}); len(ps) == 1 {
			pieces = append(pieces, ps[0])
		} else {
			pieces = append(pieces, whole(last))
		}
	}
	if len(pieces) == 0 {
		return 0, nil
	}
	t.flushing = true
	defer func() { t.flushing = false }()
	for i := range pieces {
		if _, err := t.unnest(ctx, &pieces[i]); err != nil {
			return 0, err
		}
	}
	var b strings.Builder
	for len(pieces) > 0 {
		// A statement carries as many pieces as PostgreSQL takes
		// parameters; the rest go in the next.
		n, params := 1, pieces[0].params()
		for n < len(pieces) && params+pieces[n].params() <= maxParams {
			params += pieces[n].params()
			n++
		}
		b.Reset()
		vars := make([]any, 1, params+1)
		// A text that varies with its rows goes unprepared; one that does
		// not is prepared once per connection. Arrays need their types
		// from PostgreSQL: a varying text holding some is described
		// first, unnamed.
		stable, arrays := true, false
		for i := range pieces[:n] {
			stable = stable && pieces[i].stable
			arrays = arrays || pieces[i].stable
		}
		switch {
		case arrays && !stable:
			vars[0] = pgx.QueryExecModeDescribeExec
		case !arrays:
			vars[0] = pgx.QueryExecModeExec
		}
		for i := range pieces[:n] {
			switch {
			case n == 1:
			case i == 0:
				b.WriteString("WITH ")
			case i < n-1:
				b.WriteString(", ")
			default:
				b.WriteString(" ")
			}
			if i < n-1 {
				b.WriteString("w" + strconv.Itoa(i) + " AS (")
			}
			vars = pieces[i].render(&b, vars)
			if i < n-1 {
				b.WriteString(")")
			}
		}
		pieces = pieces[n:]
		if stable {
			vars = vars[1:] // no mode: the driver's own, prepared
		}
		if arrays {
			vars = presized(vars)
		}
		if commit && stable && len(pieces) == 0 && t.conn != nil {
			n, err := t.conn.execCommit(ctx, b.String(), vars...)
			if err != nil {
				if tr, ok := t.db.Dialector.(gorm.ErrorTranslator); ok {
					err = tr.Translate(err)
				}
			}
			return n, err
		}
		res, err := t.db.Statement.ConnPool.ExecContext(ctx, b.String(), vars...)
		if err != nil {
			if tr, ok := t.db.Dialector.(gorm.ErrorTranslator); ok {
				err = tr.Translate(err)
			}
			return 0, err
		}
		if len(pieces) == 0 {
			return res.RowsAffected()
		}
	}
	return 0, nil
}

// maxParams bounds the parameters of one statement (PostgreSQL takes at
// most 65,535).
const maxParams = 60000

// piece is one statement of a flush: head, its rows joined by commas, and
// tail. A statement that is not a multi-row insert is all head, with one
// row of no text giving the values of its placeholders.
type piece struct {
	head, tail string
	rows       []pieceRow
	// nparams counts the placeholders of all rows.
	nparams int
	// stable: the piece's text does not vary with its rows (unnest.go).
	stable bool
}

// whole is the piece of a statement sent as it is.
func whole(w *deferredWrite) piece {
	return piece{head: w.sql, rows: []pieceRow{{vars: w.vars, params: len(w.vars)}}, nparams: len(w.vars)}
}

// pieceRow is one row of values: its text, whose placeholders $n name
// vars[n-1], and the number of its placeholders.
type pieceRow struct {
	sql    string
	vars   []any
	params int
}

func (p *piece) params() int { return p.nparams }

// render writes the piece with its placeholders numbered after those of
// vars, and returns vars with their values appended.
func (p *piece) render(b *strings.Builder, vars []any) []any {
	if len(p.rows) == 1 && p.rows[0].sql == "" {
		return renumber(b, p.head, p.rows[0].vars, vars)
	}
	b.WriteString(p.head)
	for i, r := range p.rows {
		if i > 0 {
			b.WriteString(",")
		}
		vars = renumber(b, r.sql, r.vars, vars)
	}
	b.WriteString(p.tail)
	return vars
}

// renumber writes q with each placeholder $n renumbered as the next
// parameter after out's (the first of out is the query mode), whose value
// vars[n-1] it appends to out.
func renumber(b *strings.Builder, q string, vars, out []any) []any {
	for {
		i := strings.IndexByte(q, '$')
		if i < 0 {
			b.WriteString(q)
			return out
		}
		b.WriteString(q[:i+1])
		j := i + 1
		k := 0
		for j < len(q) && q[j] >= '0' && q[j] <= '9' {
			k = k*10 + int(q[j]-'0')
			j++
		}
		out = append(out, vars[k-1])
		b.WriteString(strconv.Itoa(len(out) - 1))
		q = q[j:]
	}
}

// skipClashes is the tail of an insert that skips the rows clashing with
// a unique index (ON CONFLICT DO NOTHING).
const skipClashes = " ON CONFLICT DO NOTHING"

// mergeWrites turns the queued inserts into pieces: the inserts with the
// same text before and after their VALUES rows become one insert of all
// their rows (several, if they take too many parameters), at the place of
// the first; any other write stays as it is. A plain insert into a table
// that the same writes also insert into skipping clashes goes with those:
// the parts of one statement run in no defined order, so a row of the
// plain insert that the other repeats (a new case's party added again)
// could otherwise come second and fail the statement.
func mergeWrites(ws []deferredWrite) []piece {
	var (
		out    []piece
		groups map[pieceKey]int // index in out of the open piece of a shape
		skips  map[string]bool
	)
	split := make([]struct {
		head, tail string
		rows       []string
		ok         bool
	}, len(ws))
	for i, w := range ws {
		s := &split[i]
		s.head, s.tail, s.ok = w.head, w.tail, w.width > 0
		if s.ok {
			// One row of placeholders per row of values, each naming
			// its own values.
			for k := 0; k < len(w.vars); k += w.width {
				s.rows = append(s.rows, w.row)
			}
		} else {
			s.head, s.rows, s.tail, s.ok = splitInsert(w.sql)
		}
		if s.ok && s.tail == skipClashes {
			if skips == nil {
				skips = map[string]bool{}
			}
			skips[s.head] = true
		}
	}
	for i, w := range ws {
		head, rows, tail, ok := split[i].head, split[i].rows, split[i].tail, split[i].ok
		if !ok {
			out = append(out, whole(&w))
			continue
		}
		if tail == "" && skips[head] {
			tail = skipClashes
		}
		if groups == nil {
			groups = map[pieceKey]int{}
		}
		key := pieceKey{head, tail}
		for k, r := range rows {
			row := pieceRow{sql: r, vars: w.vars}
			if w.width > 0 {
				row.vars, row.params = w.vars[k*w.width:(k+1)*w.width], w.width
			} else {
				row.params = strings.Count(r, "$")
			}
			i, open := groups[key]
			if open && out[i].params()+row.params > maxParams {
				open = false
			}
			if !open {
				i = len(out)
				groups[key] = i
				out = append(out, piece{head: head, tail: tail})
			}
			out[i].rows = append(out[i].rows, row)
			out[i].nparams += row.params
		}
	}
	return out
}

// pieceKey is the text of inserts before and after their rows.
type pieceKey struct{ head, tail string }

// splitInsert splits an INSERT … VALUES (…), (…) … statement into what
// comes before its rows (up to VALUES and a space), the rows and what
// comes after them. ok is false for any other statement. The statements
// split are gorm's and this package's, which hold no literals.
func splitInsert(q string) (head string, rows []string, tail string, ok bool) {
	if !strings.HasPrefix(q, "INSERT INTO ") {
		return "", nil, "", false
	}
	i := strings.Index(q, " VALUES ")
	if i < 0 {
		return "", nil, "", false
	}
	head = q[:i+len(" VALUES ")]
	j := len(head)
	for {
		for j < len(q) && q[j] == ' ' {
			j++
		}
		if j >= len(q) || q[j] != '(' {
			return "", nil, "", false
		}
		depth, k := 0, j
		for ; k < len(q); k++ {
			if q[k] == '(' {
				depth++
			} else if q[k] == ')' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		if k == len(q) {
			return "", nil, "", false
		}
		rows = append(rows, q[j:k+1])
		j = k + 1
		rest := strings.TrimLeft(q[j:], " ")
		if !strings.HasPrefix(rest, ",") {
			return head, rows, q[j:], true
		}
		j = len(q) - len(rest) + 1
	}
}

// execUnprepared runs q, whose ? placeholders take args, without preparing
// it on PostgreSQL (pgx's QueryExecModeExec: one round trip): for
// statements whose text varies with their rows, which the driver would
// otherwise prepare at the cost of a round trip more, and keep in its
// statement cache, crowding out the statements that recur.
func execUnprepared(ctx context.Context, db *gorm.DB, dialect Dialect, q string, args ...any) error {
	if dialect != Postgres {
		return db.Exec(q, args...).Error
	}
	_, err := db.Statement.ConnPool.ExecContext(ctx, numbered(q), append([]any{pgx.QueryExecModeExec}, args...)...)
	if err != nil {
		if tr, ok := db.Dialector.(gorm.ErrorTranslator); ok {
			err = tr.Translate(err)
		}
	}
	return err
}

// numbered returns q with its ? placeholders numbered $1, $2, … (q holds
// no literals).
func numbered(q string) string {
	var (
		b strings.Builder
		n int
	)
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
