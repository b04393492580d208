package sqlstore

import (
	"context"
	"regexp"
	"strconv"
	"strings"

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
// statement they travel with, and returns last's result.
func (t *tx) flushWrites(ctx context.Context, last *deferredWrite) (rowsAffected int64, err error) {
	ws := t.writes
	t.writes = nil
	if last != nil {
		ws = append(ws, *last)
	}
	if len(ws) == 0 {
		return 0, nil
	}
	var (
		b    strings.Builder
		vars []any
	)
	for i, w := range ws {
		switch {
		case i == len(ws)-1 && i == 0:
		case i == 0:
			b.WriteString("WITH ")
		case i < len(ws)-1:
			b.WriteString(", ")
		}
		if i < len(ws)-1 {
			b.WriteString("w" + strconv.Itoa(i) + " AS (")
		} else if i > 0 {
			b.WriteString(" ")
		}
		offset := len(vars)
		b.WriteString(placeholder.ReplaceAllStringFunc(w.sql, func(p string) string {
			n, _ := strconv.Atoi(p[1:])
			return "$" + strconv.Itoa(n+offset)
		}))
		if i < len(ws)-1 {
			b.WriteString(")")
		}
		vars = append(vars, w.vars...)
	}
	t.flushing = true
	defer func() { t.flushing = false }()
	res, err := t.db.Statement.ConnPool.ExecContext(ctx, b.String(), vars...)
	if err != nil {
		if tr, ok := t.db.Dialector.(gorm.ErrorTranslator); ok {
			err = tr.Translate(err)
		}
		return 0, err
	}
	return res.RowsAffected()
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
