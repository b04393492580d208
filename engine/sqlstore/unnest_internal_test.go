package sqlstore

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/parkfin/parkfin/internal/testsvc"
)

// label is a named string type with a driver.Valuer, as the models hold.
type label string

func (l label) Value() (driver.Value, error) { return "L:" + string(l), nil }

// valuerPtr is a pointer type with a driver.Valuer: nil is NULL.
type valuerPtr struct{ s string }

func (v *valuerPtr) Value() (driver.Value, error) { return v.s, nil }

// A flush sends the held-back rows of a table as arrays, in one statement
// whose text is the same whatever the number of rows; every kind of value
// arrives as it would have row by row (NULLs, times, JSON, bytes,
// numbers, valuers, named types), in the order queued; a row holding
// anything but placeholders goes as VALUES, as before.
func TestFlushSendsRowsAsArrays(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, testsvc.PostgresURL(t), false)
	if err := s.db.Exec(`CREATE TABLE flushed (n bigserial PRIMARY KEY, name text NOT NULL, k integer, ok boolean,
		at timestamptz, doc jsonb, raw bytea, amount numeric(14,2), tag varchar(16))`).Error; err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 5, 6, 7, 8, 9, 123456000, time.UTC)
	var noTime *time.Time
	rows := [][]any{
		{"甲", 1, true, at, json.RawMessage(`{"a":[1,2]}`), []byte{0, 1, 2}, "12.50", label("x")},
		{"乙", nil, false, noTime, nil, nil, nil, (*valuerPtr)(nil)},
		{"丙", int64(3), nil, &at, `{"b":"中"}`, []byte{}, "0", &valuerPtr{"v"}},
	}
	const head = `INSERT INTO "flushed" ("name","k","ok","at","doc","raw","amount","tag") VALUES `
	flush := func(rows [][]any, extra *deferredWrite, arrays bool) {
		t.Helper()
		err := s.db.Transaction(func(db *gorm.DB) error {
			tx := &tx{queries: queries{db: db, dialect: s.dialect}, deferred: true, types: s.types}
			for _, r := range rows {
				tx.writes = append(tx.writes, deferredWrite{head: head, row: "($1,$2,$3,$4,$5,$6,$7,$8)", width: 8, vars: r})
			}
			if extra != nil {
				tx.writes = append(tx.writes, *extra)
			}
			if _, err := tx.flushWrites(ctx, nil); err != nil {
				return err
			}
			// The connection holds the statement, prepared.
			var prepared int64
			if err := db.Raw(`SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO "flushed"%unnest($1::text[], $2::integer[], $3::boolean[], $4::timestamp with time zone[], $5::jsonb[], $6::bytea[], $7::numeric(14,2)[], $8::character varying(16)[])%'`).Scan(&prepared).Error; err != nil {
				return err
			}
			if arrays && prepared == 0 {
				t.Error("the rows did not go as arrays in a prepared statement")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	flush(rows, nil, true)
	// The first row again, with a row of VALUES that are not all
	// placeholders: that insert goes as VALUES, in the same statement
	// (whose parts PostgreSQL runs in an order of its own).
	flush(rows[:1], &deferredWrite{sql: `INSERT INTO "flushed" ("name","k") VALUES ($1, $2 + 1)`, vars: []any{"丁", 4}}, false)

	type got struct {
		N      int64
		Name   string
		K      *int64
		OK     *bool
		At     *time.Time
		Doc    *string
		Raw    []byte
		Amount *string
		Tag    *string
	}
	var out []got
	if err := s.db.Raw(`SELECT n, name, k, ok, at, doc::text AS doc, raw, amount::text AS amount, tag FROM flushed ORDER BY n`).Scan(&out).Error; err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range out {
		names = append(names, g.Name)
	}
	if got := strings.Join(names, ""); got[:len("甲乙丙")] != "甲乙丙" || len(names) != 5 || !strings.Contains(got[len("甲乙丙"):], "丁") {
		t.Fatalf("rows %q, want 甲乙丙 in that order, then 甲 and 丁", got)
	}
	first, second, third := out[0], out[1], out[2]
	if first.K == nil || *first.K != 1 || first.OK == nil || !*first.OK || first.At == nil || !first.At.Equal(at) ||
		first.Doc == nil || *first.Doc != `{"a": [1, 2]}` || !reflect.DeepEqual(first.Raw, []byte{0, 1, 2}) ||
		first.Amount == nil || *first.Amount != "12.50" || first.Tag == nil || *first.Tag != "L:x" {
		t.Errorf("first row %+v", first)
	}
	if second.K != nil || second.OK == nil || *second.OK || second.At != nil || second.Doc != nil || second.Raw != nil ||
		second.Amount != nil || second.Tag != nil {
		t.Errorf("second row %+v: want NULL but for ok=false", second)
	}
	if third.K == nil || *third.K != 3 || third.OK != nil || third.At == nil || !third.At.Equal(at) ||
		third.Doc == nil || *third.Doc != `{"b": "中"}` || third.Raw == nil || len(third.Raw) != 0 ||
		third.Amount == nil || *third.Amount != "0.00" || third.Tag == nil || *third.Tag != "v" {
		t.Errorf("third row %+v", third)
	}
	for _, g := range out[3:] {
		if g.Name == "丁" && (g.K == nil || *g.K != 5) {
			t.Errorf("the VALUES row %+v, want k = 5", g)
		}
	}
}

// A piece becomes an insert of arrays only when every row is bare
// placeholders and every column's type is known and not an array; its
// text then does not depend on how many rows it carries.
func TestUnnestText(t *testing.T) {
	types := &columnTypes{}
	types.m.Store(`"t"`, map[string]string{"a": "text", "b": "bigint", "c": "text[]"})
	tx := &tx{types: types}
	ctx := context.Background()
	mk := func(head, row string, n int) piece {
		p := piece{head: head, tail: " ON CONFLICT DO NOTHING"}
		for i := range n {
			p.rows = append(p.rows, pieceRow{sql: row, vars: []any{"x" + string(rune('0'+i)), i}, params: 2})
			p.nparams += 2
		}
		return p
	}
	var texts []string
	for _, n := range []int{1, 7} {
		p := mk(`INSERT INTO "t" ("a","b") VALUES `, "($1,$2)", n)
		ok, err := tx.unnest(ctx, &p)
		if err != nil || !ok || !p.stable {
			t.Fatalf("%d rows: unnest %v %v", n, ok, err)
		}
		var b strings.Builder
		vars := p.render(&b, []any{nil})
		texts = append(texts, b.String())
		if len(vars) != 3 || len(vars[1].([]any)) != n || vars[2].([]any)[n-1] != n-1 {
			t.Fatalf("%d rows: values %v", n, vars)
		}
	}
	want := `INSERT INTO "t" ("a","b") SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING`
	if texts[0] != want || texts[1] != want {
		t.Fatalf("texts %q, want %q", texts, want)
	}
	for _, c := range []struct{ head, row string }{
		{`INSERT INTO "t" ("a","c") VALUES `, "($1,$2)"},     // an array column
		{`INSERT INTO "t" ("a","z") VALUES `, "($1,$2)"},     // an unknown column
		{`INSERT INTO "u" ("a","b") VALUES `, "($1,$2)"},     // an unknown table
		{`INSERT INTO "t" ("a","b") VALUES `, "($1,now())"},  // an expression
		{`INSERT INTO "t" ("a","b") VALUES `, "($1,$2 + 1)"}, // another
		{`INSERT INTO "t" ("a","b") RETURNING `, "($1,$2)"},  // not VALUES
		{`INSERT INTO "t" ("a","b") VALUES `, "($1,$2,$3)"},  // a column short
		{`INSERT INTO "t" ("a","b") VALUES `, "($1,$9)"},     // no such value
	} {
		types.m.Store(`"u"`, map[string]string(nil))
		p := mk(c.head, c.row, 2)
		ok, err := tx.unnest(ctx, &p)
		if err != nil || ok || p.stable || len(p.rows) != 2 {
			t.Errorf("%s %s: unnest %v %v", c.head, c.row, ok, err)
		}
	}
}

// kept is a model for TestInsertRows.
type kept struct {
	ID   string `gorm:"primaryKey"`
	Body string
	At   time.Time
}

func (kept) TableName() string { return "kept" }

// InsertRows inserts a slice of models within a transaction, as arrays on
// PostgreSQL, and with skipConflicts leaves out the rows already there;
// SQLite takes the same rows.
func TestInsertRows(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			s := mustOpen(t, db.URL(t), false)
			timeType := "timestamp with time zone"
			if s.dialect != Postgres {
				timeType = "datetime"
			}
			if err := s.db.Exec(`CREATE TABLE kept (id text PRIMARY KEY, body text NOT NULL, at ` + timeType + ` NOT NULL)`).Error; err != nil {
				t.Fatal(err)
			}
			insert := func(rows []kept) {
				t.Helper()
				err := s.db.Transaction(func(tx *gorm.DB) error {
					if err := s.InsertRows(ctx, tx, &rows, true); err != nil {
						return err
					}
					if s.dialect != Postgres {
						return nil
					}
					// On the transaction's connection: the rows went as arrays.
					var prepared int64
					if err := tx.Raw(`SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO "kept"%SELECT * FROM unnest(%ON CONFLICT DO NOTHING'`).Scan(&prepared).Error; err != nil {
						return err
					}
					if prepared == 0 {
						t.Error("the rows did not go as arrays in a prepared statement")
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			insert([]kept{{"a", "甲", at}, {"b", "乙", at}})
			insert([]kept{{"b", "changed", at}, {"c", "丙", at.Add(time.Hour)}})
			var got []kept
			if err := s.db.Order("id").Find(&got).Error; err != nil {
				t.Fatal(err)
			}
			if len(got) != 3 || got[0].Body != "甲" || got[1].Body != "乙" || got[2].Body != "丙" || !got[2].At.Equal(at.Add(time.Hour)) {
				t.Fatalf("rows %+v", got)
			}
		})
	}
}
