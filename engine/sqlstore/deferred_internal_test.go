package sqlstore

import (
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Held-back inserts of one shape merge into one multi-row insert at the
// place of the first, each row's placeholders renumbered to its own
// values; a statement of another kind stays as it is.
func TestMergeWrites(t *testing.T) {
	ws := []deferredWrite{
		{sql: `INSERT INTO "cases" ("id","n") VALUES ($1,$2)`, vars: []any{"c1", 1}},
		{sql: `INSERT INTO "case_parties" ("case_id","org") VALUES ($1,$2),($3,$4) ON CONFLICT DO NOTHING`, vars: []any{"c1", "P", "c1", "B"}},
		{sql: `UPDATE cases SET n = $1`, vars: []any{9}},
		{head: `INSERT INTO "cases" ("id","n") VALUES `, row: "($1,$2)", width: 2, vars: []any{"c2", 2, "c3", 3}},
		{sql: `INSERT INTO "case_parties" ("case_id","org") VALUES ($1,$2) ON CONFLICT DO NOTHING`, vars: []any{"c2", "P"}},
	}
	pieces := mergeWrites(ws)
	var got []string
	vars := []any{pgx.QueryExecModeExec} // as flushWrites sends them
	for _, p := range pieces {
		var b strings.Builder
		vars = p.render(&b, vars)
		got = append(got, b.String())
	}
	want := []string{
		`INSERT INTO "cases" ("id","n") VALUES ($1,$2),($3,$4),($5,$6)`,
		`INSERT INTO "case_parties" ("case_id","org") VALUES ($7,$8),($9,$10),($11,$12) ON CONFLICT DO NOTHING`,
		`UPDATE cases SET n = $13`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("merged\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantVars := []any{pgx.QueryExecModeExec, "c1", 1, "c2", 2, "c3", 3, "c1", "P", "c1", "B", "c2", "P", 9}
	if !reflect.DeepEqual(vars, wantVars) {
		t.Fatalf("values %v, want %v", vars, wantVars)
	}
}

// A plain insert into a table that the same flush also inserts into
// skipping clashes goes with those, since the parts of one statement run in
// no defined order; alone, it stays plain.
func TestMergeWritesPlainWithSkipping(t *testing.T) {
	plain := deferredWrite{head: `INSERT INTO "case_parties" ("case_id","org") VALUES `, row: "($1,$2)", width: 2, vars: []any{"c1", "P"}}
	skipping := plain
	skipping.tail, skipping.vars = skipClashes, []any{"c1", "P"}
	other := deferredWrite{head: `INSERT INTO "cases" ("id") VALUES `, row: "($1)", width: 1, vars: []any{"c1"}}
	render := func(ws ...deferredWrite) []string {
		var got []string
		vars := []any{pgx.QueryExecModeExec}
		for _, p := range mergeWrites(ws) {
			var b strings.Builder
			vars = p.render(&b, vars)
			got = append(got, b.String())
		}
		return got
	}
	got := render(other, plain, skipping)
	want := []string{`INSERT INTO "cases" ("id") VALUES ($1)`,
		`INSERT INTO "case_parties" ("case_id","org") VALUES ($2,$3),($4,$5) ON CONFLICT DO NOTHING`}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("merged\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	got = render(other, plain)
	want = []string{`INSERT INTO "cases" ("id") VALUES ($1)`, `INSERT INTO "case_parties" ("case_id","org") VALUES ($2,$3)`}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("alone\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// splitInsert finds an insert's rows however they are spaced, and leaves
// alone what is not an insert of rows.
func TestSplitInsert(t *testing.T) {
	head, rows, tail, ok := splitInsert("INSERT INTO ledger (a, b) VALUES ($1, $2), ($3, $4) RETURNING 1")
	if !ok || head != "INSERT INTO ledger (a, b) VALUES " || !reflect.DeepEqual(rows, []string{"($1, $2)", "($3, $4)"}) || tail != " RETURNING 1" {
		t.Fatalf("%q %q %q %v", head, rows, tail, ok)
	}
	for _, q := range []string{"UPDATE t SET a = $1", "INSERT INTO t SELECT * FROM u", "INSERT INTO t (a) VALUES ($1"} {
		if _, _, _, ok := splitInsert(q); ok {
			t.Fatalf("%q split", q)
		}
	}
}
