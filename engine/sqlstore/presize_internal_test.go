package sqlstore

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
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
// encode to the very bytes and formats pgx gives them unsized; the
// estimate is never short of what they take; small ones are left alone.
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
