package sqlstore

import (
	"context"
	"database/sql/driver"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Multi-row inserts as arrays. A flush (deferred.go) that wrote its rows as
// VALUES (…), (…) sent a text that varied with the number of rows and
// carried one parameter per value — a batch of openings some three
// thousand — which PostgreSQL parsed, analysed and planned afresh every
// time, for longer than it took to insert the rows. Sent as
//
//	INSERT INTO t (a, b) SELECT * FROM unnest($1::text[], $2::bigint[])
//
// the same rows take one parameter a column, whatever their number, and
// the text is the same from one flush to the next: the driver prepares it
// once per connection and PostgreSQL plans it once. Rows come out of
// unnest in the order of the arrays, so serial columns count them in the
// order they were queued, as before.

// columnTypes caches, per table as a statement names it, the SQL type of
// each of its columns (PostgreSQL's format_type), read once per Store.
type columnTypes struct {
	m sync.Map // table → map[column]type; nil where the table is unknown
}

// of returns the table's column types, reading them on first use through
// db's connection (within its transaction, if any).
func (c *columnTypes) of(ctx context.Context, db *gorm.DB, table string) (map[string]string, error) {
	if v, ok := c.m.Load(table); ok {
		return v.(map[string]string), nil
	}
	rows, err := db.Statement.ConnPool.QueryContext(ctx,
		`SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
		 WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, err
		}
		types[name] = typ
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(types) == 0 {
		types = nil
	}
	c.m.Store(table, types)
	return types, nil
}

// insertTarget splits the head of a multi-row insert, `INSERT INTO t (a,
// b) VALUES `, into its table as written, its columns (unquoted) and the
// text up to VALUES.
func insertTarget(head string) (table string, cols []string, prefix string, ok bool) {
	rest, found := strings.CutPrefix(head, "INSERT INTO ")
	if !found {
		return "", nil, "", false
	}
	open := strings.IndexByte(rest, '(')
	closing := strings.IndexByte(rest, ')')
	if open < 1 || closing < open {
		return "", nil, "", false
	}
	table = strings.TrimSpace(rest[:open])
	after := strings.TrimSpace(rest[closing+1:])
	if after != "VALUES" {
		return "", nil, "", false
	}
	for _, c := range strings.Split(rest[open+1:closing], ",") {
		c = strings.TrimSpace(c)
		c = strings.TrimSuffix(strings.TrimPrefix(c, `"`), `"`)
		if c == "" || strings.ContainsAny(c, `" `) {
			return "", nil, "", false
		}
		cols = append(cols, c)
	}
	return table, cols, "INSERT INTO " + rest[:closing+1], true
}

// rowPlaceholders returns the parameter numbers of a row of bare
// placeholders, `($1, $2, $3)`; ok is false for a row holding anything
// else (an expression, a literal).
func rowPlaceholders(row string) (ks []int, ok bool) {
	s, found := strings.CutPrefix(strings.TrimSpace(row), "(")
	if !found {
		return nil, false
	}
	s, found = strings.CutSuffix(s, ")")
	if !found {
		return nil, false
	}
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		n, err := strconv.Atoi(strings.TrimPrefix(p, "$"))
		if !strings.HasPrefix(p, "$") || err != nil || n < 1 {
			return nil, false
		}
		ks = append(ks, n)
	}
	return ks, true
}

// unnest rewrites p, a multi-row insert, as an insert of the rows of
// arrays, one parameter a column; it reports false, leaving p as it is,
// when it cannot: a table whose columns it does not know, a column that
// is an array itself, a row that is not all bare placeholders.
func (t *tx) unnest(ctx context.Context, p *piece) (bool, error) {
	if len(p.rows) == 0 || t.types == nil {
		return false, nil
	}
	table, cols, prefix, ok := insertTarget(p.head)
	if !ok {
		return false, nil
	}
	types, err := t.types.of(ctx, t.db, table)
	if err != nil || types == nil {
		return false, err
	}
	var (
		b      strings.Builder
		arrays = make([][]any, len(cols))
		parsed = map[string][]int{}
	)
	b.WriteString(prefix + " SELECT * FROM unnest(")
	for i, c := range cols {
		typ := types[c]
		if typ == "" || strings.HasSuffix(typ, "]") {
			return false, nil
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i+1) + "::" + typ + "[]")
		arrays[i] = make([]any, 0, len(p.rows))
	}
	b.WriteString(")")
	for _, r := range p.rows {
		ks, seen := parsed[r.sql]
		if !seen {
			ks, ok = rowPlaceholders(r.sql)
			if !ok {
				ks = nil
			}
			parsed[r.sql] = ks
		}
		if len(ks) != len(cols) {
			return false, nil
		}
		for i, k := range ks {
			if k > len(r.vars) {
				return false, nil
			}
			v, err := valueOf(r.vars[k-1])
			if err != nil {
				return false, err
			}
			arrays[i] = append(arrays[i], v)
		}
	}
	vars := make([]any, len(arrays))
	for i := range arrays {
		vars[i] = arrays[i]
	}
	p.head = ""
	p.rows = []pieceRow{{sql: b.String(), vars: vars, params: len(vars)}}
	p.nparams = len(vars)
	p.stable = true
	return true, nil
}

// valueOf is v as an array element: a driver.Valuer's value (nil for a nil
// pointer), as database/sql would pass it for a parameter of its own.
func valueOf(v any) (any, error) {
	dv, ok := v.(driver.Valuer)
	if !ok {
		return v, nil
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return nil, nil
	}
	return dv.Value()
}

// insertArrays runs q, a multi-row INSERT … VALUES whose ? placeholders
// take args, on PostgreSQL as an insert of arrays (one prepared text
// whatever the number of rows) where it can.
func (s *Store) insertArrays(ctx context.Context, db *gorm.DB, q string, args []any) error {
	t := &tx{queries: queries{db: db, dialect: s.dialect}, deferred: true, types: s.types}
	t.writes = []deferredWrite{{sql: numbered(q), vars: args}}
	_, err := t.flushWrites(ctx, nil)
	return err
}

// execPrepared runs q, whose ? placeholders take args as they are (a
// slice stays one array parameter), through the driver's statement cache:
// for a text that does not vary.
func execPrepared(ctx context.Context, db *gorm.DB, q string, args ...any) error {
	_, err := db.Statement.ConnPool.ExecContext(ctx, numbered(q), args...)
	if err != nil {
		if tr, ok := db.Dialector.(gorm.ErrorTranslator); ok {
			err = tr.Translate(err)
		}
	}
	return err
}

// execByIDs runs q, a statement that ends in "WHERE id", for the rows of
// the ids (a slice): on PostgreSQL by an array, one text prepared once
// whatever their number (= ANY), elsewhere as a list (IN).
func execByIDs(ctx context.Context, db *gorm.DB, dialect Dialect, q string, ids any) error {
	if dialect == Postgres {
		return execPrepared(ctx, db, q+" = ANY(?)", ids)
	}
	return db.WithContext(ctx).Exec(q+" IN ?", ids).Error
}

// InsertRows inserts value, a pointer to a model or to a slice of models,
// within db's transaction, as Create would; with skipConflicts, rows that
// conflict are left out (ON CONFLICT DO NOTHING). Without, a row whose key
// is taken fails the statement with a conflict (engine.EDUPLICATE). On
// PostgreSQL the rows go as arrays in one prepared statement, whatever
// their number, instead of gorm's VALUES list of one parameter a value.
func (s *Store) InsertRows(ctx context.Context, db *gorm.DB, value any, skipConflicts bool) error {
	var clauses []clause.Expression
	if skipConflicts {
		clauses = append(clauses, clause.OnConflict{DoNothing: true})
	}
	if s.dialect != Postgres {
		return translate(db.WithContext(ctx).Clauses(clauses...).CreateInBatches(value, 1000).Error)
	}
	t := &tx{queries: queries{db: db, dialect: s.dialect}, deferred: true, types: s.types}
	if err := t.insertLater(ctx, value, clauses...); err != nil {
		return translate(err)
	}
	_, err := t.flushWrites(ctx, nil)
	return translate(err)
}
