package sqlstore

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Writes held back. On PostgreSQL a transaction's plain inserts whose
// outcome the engine does not read (a case row, its parties, its timers)
// are not sent one by one: they wait in the transaction and go with its
// next statement, as data-modifying WITH clauses of one statement, or on
// their own just before any other statement runs. A case's opening is then
// three round trips from its number to its commit (the number, the
// inserts with the outbox row, the ledger entry) instead of eight: the
// number's row lock, which makes the openings of one park's year wait for
// one another, is held that much shorter, and both PostgreSQL and the
// server spend less on each opening. Nothing changes for what the
// transaction reads: any statement other than these inserts first sends
// what waits (flushBefore, a gorm callback), so every read sees every
// write before it; the commit sends the rest. A failing insert fails the
// statement it travels with, and the transaction with it, as before.

// deferredWrite is one insert waiting: its SQL with $n placeholders and
// their values.
type deferredWrite struct {
	sql  string
	vars []any
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
	stmt := t.db.Session(&gorm.Session{DryRun: true}).WithContext(ctx).Clauses(clauses...).Create(value).Statement
	if stmt.Error != nil {
		return stmt.Error
	}
	t.writes = append(t.writes, deferredWrite{sql: stmt.SQL.String(), vars: stmt.Vars})
	return nil
}

// flushWrites runs the waiting inserts, with last (if set) as the
// statement they travel with, and returns last's result. Inserts into a
// table of the same shape are sent as one multi-row insert, in the order
// they were queued: a transaction opening a batch of cases writes them,
// their parties, timers and notices with one insert a table. The text
// varies with the rows it carries, so it is sent unprepared (pgx's
// QueryExecModeExec, one round trip): preparing each text, as the driver
// does by default, would cost a round trip more and fill its statement
// cache with texts seen once.
func (t *tx) flushWrites(ctx context.Context, last *deferredWrite) (rowsAffected int64, err error) {
	ws := t.writes
	t.writes = nil
	pieces := mergeWrites(ws)
	if last != nil {
		pieces = append(pieces, piece{sql: last.sql, vars: last.vars})
	}
	if len(pieces) == 0 {
		return 0, nil
	}
	t.flushing = true
	defer func() { t.flushing = false }()
	var b strings.Builder
	for len(pieces) > 0 {
		// A statement carries as many pieces as PostgreSQL takes
		// parameters; the rest go in the next.
		n, params := 1, len(pieces[0].vars)
		for n < len(pieces) && params+len(pieces[n].vars) <= maxParams {
			params += len(pieces[n].vars)
			n++
		}
		b.Reset()
		vars := make([]any, 1, params+1)
		vars[0] = pgx.QueryExecModeExec
		for i, p := range pieces[:n] {
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
			offset := len(vars) - 1
			b.WriteString(placeholder.ReplaceAllStringFunc(p.sql, func(ph string) string {
				k, _ := strconv.Atoi(ph[1:])
				return "$" + strconv.Itoa(k+offset)
			}))
			if i < n-1 {
				b.WriteString(")")
			}
			vars = append(vars, p.vars...)
		}
		pieces = pieces[n:]
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

// piece is one statement of a flush: its SQL with $n placeholders
// counted from $1, and their values.
type piece struct {
	sql  string
	vars []any
}

// mergeWrites turns the queued inserts into pieces: the inserts with the
// same text before and after their VALUES rows become one insert of all
// their rows (several, if they take too many parameters), at the place of
// the first; any other write stays as it is.
func mergeWrites(ws []deferredWrite) []piece {
	type group struct {
		head, tail string
		rows       []string // each row with $n counted from $1
		vars       [][]any
	}
	var (
		order  []any // *group or piece, in first-queued order
		groups = map[string]*group{}
	)
	for _, w := range ws {
		head, rows, tail, ok := splitInsert(w.sql)
		if !ok {
			order = append(order, piece{sql: w.sql, vars: w.vars})
			continue
		}
		key := head + "\x00" + tail
		g := groups[key]
		if g == nil {
			g = &group{head: head, tail: tail}
			groups[key] = g
			order = append(order, g)
		}
		for _, r := range rows {
			// Each row's placeholders, renumbered from $1 with the values
			// they name.
			var vars []any
			text := placeholder.ReplaceAllStringFunc(r, func(ph string) string {
				k, _ := strconv.Atoi(ph[1:])
				vars = append(vars, w.vars[k-1])
				return "$" + strconv.Itoa(len(vars))
			})
			g.rows = append(g.rows, text)
			g.vars = append(g.vars, vars)
		}
	}
	out := make([]piece, 0, len(order))
	var b strings.Builder
	for _, o := range order {
		g, ok := o.(*group)
		if !ok {
			out = append(out, o.(piece))
			continue
		}
		for i := 0; i < len(g.rows); {
			b.Reset()
			b.WriteString(g.head)
			var vars []any
			for first := i; i < len(g.rows) && (i == first || len(vars)+len(g.vars[i]) <= maxParams); i++ {
				if i > first {
					b.WriteString(",")
				}
				offset := len(vars)
				b.WriteString(placeholder.ReplaceAllStringFunc(g.rows[i], func(ph string) string {
					k, _ := strconv.Atoi(ph[1:])
					return "$" + strconv.Itoa(k+offset)
				}))
				vars = append(vars, g.vars[i]...)
			}
			b.WriteString(g.tail)
			out = append(out, piece{sql: b.String(), vars: vars})
		}
	}
	return out
}

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

// placeholder matches a PostgreSQL parameter in gorm's generated inserts,
// which hold no literals.
var placeholder = regexp.MustCompile(`\$[0-9]+`)

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
