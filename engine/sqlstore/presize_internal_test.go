package sqlstore

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// flushArgs are the arguments of a flush of n rows as arrays, with the
// kinds of values the models send: text with NULLs, times, integers,
// booleans.
func flushArgs(n int) []any {
	at := time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC)
	names, times, counts, flags := make([]any, n), make([]any, n), make([]any, n), make([]any, n)
	for i := range n {
		names[i] = fmt.Sprintf("益阳市压测企业%d有限公司：流动资金贷款，了解抵押条件和办理流程。", i)
		if i%7 == 3 {
			names[i] = nil
		}
		times[i] = at.Add(time.Duration(i) * time.Minute)
		counts[i] = int64(i)
		flags[i] = i%2 == 0
	}
	return []any{names, times, counts, flags}
}

// flushStatement describes the flush's statement as PostgreSQL would.
var flushStatement = &pgconn.StatementDescription{Name: "flush",
	ParamOIDs: []uint32{pgtype.TextArrayOID, pgtype.TimestamptzArrayOID, pgtype.Int8ArrayOID, pgtype.BoolArrayOID}}

// presizeMap is a connection's types with the sized arguments' encoding,
// as presizeArgs installs it.
func presizeMap() *pgtype.Map {
	m := pgtype.NewMap()
	m.TryWrapEncodePlanFuncs = append([]pgtype.TryWrapEncodePlanFunc{tryWrapSized}, m.TryWrapEncodePlanFuncs...)
	return m
}

// A large statement's arguments, the first array sized for all of them,
// encode to the very bytes and formats pgx gives them unsized, on a
// connection with the wrapper and on one without; the estimate is never
// short of what they take; small ones are left alone.
func TestPresizedArgumentsEncodeAsBefore(t *testing.T) {
	for _, n := range []int{1, 40, 400} {
		args := flushArgs(n)
		var plain, wrapped pgx.ExtendedQueryBuilder
		if err := plain.Build(pgtype.NewMap(), flushStatement, args); err != nil {
			t.Fatal(err)
		}
		sizedArgs := presized(args)
		if err := wrapped.Build(presizeMap(), flushStatement, sizedArgs); err != nil {
			t.Fatal(err)
		}
		if len(plain.ParamValues) != 4 || len(wrapped.ParamValues) != 4 {
			t.Fatalf("%d rows: %d and %d parameters, want 4", n, len(plain.ParamValues), len(wrapped.ParamValues))
		}
		total := 0
		for i := range plain.ParamValues {
			if !bytes.Equal(plain.ParamValues[i], wrapped.ParamValues[i]) || plain.ParamFormats[i] != wrapped.ParamFormats[i] {
				t.Errorf("%d rows, parameter %d: sized %d bytes in format %d, unsized %d bytes in format %d", n, i,
					len(wrapped.ParamValues[i]), wrapped.ParamFormats[i], len(plain.ParamValues[i]), plain.ParamFormats[i])
			}
			total += 4 + len(plain.ParamValues[i])
		}
		if est := encodedSize(args); est < total {
			t.Errorf("%d rows: estimated %d bytes, they take %d", n, est, total)
		}
		// A connection without the wrapper still sends the array.
		var fallback pgx.ExtendedQueryBuilder
		if err := fallback.Build(pgtype.NewMap(), flushStatement, sizedArgs); err != nil {
			t.Fatalf("%d rows, without the wrapper: %v", n, err)
		}
		for i := range plain.ParamValues {
			if !bytes.Equal(plain.ParamValues[i], fallback.ParamValues[i]) {
				t.Errorf("%d rows, parameter %d: without the wrapper %d bytes, unsized %d", n, i,
					len(fallback.ParamValues[i]), len(plain.ParamValues[i]))
			}
		}
		_, isSized := sizedArgs[0].(sized)
		if large := encodedSize(args) >= presizeMin; isSized != large {
			t.Errorf("%d rows (%d bytes): sized %v", n, encodedSize(args), isSized)
		}
	}
	// Nothing but arrays is wrapped: pgx picks a string's format by its
	// Go type.
	if got := presized([]any{strings.Repeat("长", presizeMin), []any{"a"}}); got[0] != any(strings.Repeat("长", presizeMin)) {
		t.Errorf("a string argument was wrapped: %T", got[0])
	} else if _, ok := got[1].(sized); !ok {
		t.Errorf("the array after the string was not wrapped: %T", got[1])
	}
}

// The reserving message adds no byte to what is sent and leaves room for
// the bytes it was given.
func TestReserveSendsNothing(t *testing.T) {
	pending := []byte("Bpending")
	got, err := reserve(64 << 10).Encode(pending)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "Bpending" || cap(got)-len(got) < 64<<10 {
		t.Errorf("reserve gave %q with room for %d bytes", got, cap(got)-len(got))
	}
}

// Building a flush of 400 rows, sized and as pgx builds it: the bytes
// allocated for each (go test -bench Presize -benchmem ./engine/sqlstore/).
func BenchmarkPresize(b *testing.B) {
	args := flushArgs(400)
	for _, c := range []struct {
		name string
		m    *pgtype.Map
		args []any
	}{{"pgx", pgtype.NewMap(), args}, {"sized", presizeMap(), presized(args)}} {
		b.Run(c.name, func(b *testing.B) {
			var eqb pgx.ExtendedQueryBuilder
			b.ReportAllocs()
			for b.Loop() {
				if err := eqb.Build(c.m, flushStatement, c.args); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// On PostgreSQL every connection of the store builds large statements in
// sized buffers, and a flush of 400 rows so built, through a transaction
// of database/sql and through one of the store's own (begun with its
// first statement, committed with its last), arrives whole.
func TestLargeFlushesArriveWhole(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, testsvc.PostgresURL(t), false)
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		if _, ok := pc.Config().Tracer.(reserver); !ok {
			t.Errorf("the connection's tracer is %T, not the reserver", pc.Config().Tracer)
		}
		// With the wrapper in its types, encoding a sized argument makes
		// its room first; without, pgx would encode it unsized.
		buf, err := pc.TypeMap().Encode(pgtype.TextArrayOID, pgtype.BinaryFormatCode, sized{v: []any{"a"}, n: 1 << 16}, nil)
		if err == nil && cap(buf) < 1<<16 {
			t.Errorf("a sized argument encoded into %d bytes of room, want 64 kB: the connection lacks the wrapper", cap(buf))
		}
		return err
	})
	conn.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.Exec(`CREATE TABLE flushed_large (n bigserial PRIMARY KEY, name text, at timestamptz NOT NULL,
		k bigint NOT NULL, ok boolean NOT NULL)`).Error; err != nil {
		t.Fatal(err)
	}
	const head = `INSERT INTO "flushed_large" ("name","at","k","ok") VALUES `
	writes := func(rows []any, from int) []deferredWrite {
		names, times, counts, flags := rows[0].([]any), rows[1].([]any), rows[2].([]any), rows[3].([]any)
		var ws []deferredWrite
		for i := range names {
			ws = append(ws, deferredWrite{head: head, row: "($1,$2,$3,$4)", width: 4,
				vars: []any{names[i], times[i], counts[i].(int64) + int64(from), flags[i]}})
		}
		return ws
	}
	args := flushArgs(400)
	if encodedSize(args) < 4*presizeMin {
		t.Fatalf("the flush is %d bytes: too small to be sized", encodedSize(args))
	}
	err = s.db.Transaction(func(db *gorm.DB) error {
		tx := &tx{queries: queries{db: db, dialect: s.dialect}, deferred: true, types: s.types, writes: writes(args, 0)}
		_, err := tx.flushWrites(ctx, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.InTx(ctx, func(etx engine.Tx) error {
		tx := etx.(*tx)
		tx.writes = writes(args, 400)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name *string
		At   time.Time
		K    int64
		OK   bool
	}
	var got []row
	if err := s.db.Raw(`SELECT name, at, k, ok FROM flushed_large ORDER BY k`).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if len(got) != 800 {
		t.Fatalf("%d rows arrived, want 800", len(got))
	}
	names, times, flags := args[0].([]any), args[1].([]any), args[3].([]any)
	for i, r := range got {
		j := i % 400
		want := names[j]
		if (want == nil) != (r.Name == nil) || want != nil && *r.Name != want.(string) ||
			!r.At.Equal(times[j].(time.Time)) || r.K != int64(i) || r.OK != flags[j].(bool) {
			t.Fatalf("row %d arrived as %+v", i, r)
		}
	}
}
