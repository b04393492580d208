package sqlstore

import (
	"context"
	"database/sql/driver"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"
)

// Buffers sized once for a large statement. A flush sends its rows as
// arrays (unnest.go), tens of kilobytes for a batch of openings, and pgx
// builds such a statement in two buffers that start small each time: the
// parameters' bytes (reset to 256 bytes after every statement) and the
// connection's outgoing message (reset to 1 kB after every send). Each
// grows by a quarter at a time once large, so that building a statement
// of n bytes allocated about ten times n; under a stream of openings
// those copies were a third of everything serve allocated, and what the
// collector ran for. Here both are grown once to the statement's size,
// estimated from its arguments, before pgx writes into them: the first by
// a wrapper of the statement's first array in the connection's types, the
// second by an empty message that reserves its room (pgx calls the
// connection's tracer before it writes a statement).

// sized is a statement's argument whose encoding first makes room for n
// bytes: the statement's whole encoding, passed as its first array.
type sized struct {
	v any
	n int
}

// Value is the array itself: on a connection without the wrapper (gorm
// replaces the store's AfterConnect when the database URL names a time
// zone) pgx encodes the array as a driver.Valuer's value, unsized.
func (s sized) Value() (driver.Value, error) { return s.v, nil }

// presizeMin is the estimated size under which a statement is built as
// pgx builds it: its few copies cost less than the estimate's walk.
const presizeMin = 4 << 10

// presized returns args with the first array among them wrapped so that
// encoding it makes room for all of them, when they are large. Only an
// array is wrapped: pgx chooses a parameter's format by its Go type, and
// an array's is the one the wrapper's leads to.
func presized(args []any) []any {
	n := encodedSize(args)
	if n < presizeMin {
		return args
	}
	for i, a := range args {
		if _, ok := a.([]any); ok {
			out := slices.Clone(args)
			out[i] = sized{v: a, n: n}
			return out
		}
	}
	return args
}

// encodedSize estimates the bytes of args in PostgreSQL's binary format,
// as a Bind message carries them: generous rather than short, since
// falling short costs a copy and overshooting only unused room.
func encodedSize(args []any) int {
	n := 0
	for _, a := range args {
		n += 4 + valueSize(a)
	}
	return n
}

// valueSize estimates one value's encoded bytes.
func valueSize(v any) int {
	switch x := v.(type) {
	case nil:
		return 0
	case string:
		return len(x)
	case []byte:
		return len(x)
	case *string:
		if x == nil {
			return 0
		}
		return len(*x)
	case bool:
		return 1
	case int32, *int32:
		return 4
	case time.Time, *time.Time, int, int64, *int, *int64, float64:
		return 8
	case []any:
		// The array's header (dimensions, null flag, element type, the
		// one dimension's length and lower bound), then each element
		// with its length.
		n := 20
		for _, e := range x {
			n += 4 + valueSize(e)
		}
		return n
	case []string:
		n := 20
		for _, e := range x {
			n += 4 + len(e)
		}
		return n
	case sized:
		return valueSize(x.v)
	}
	return 16
}

// presizeArgs installs the encoding of sized arguments in a connection's
// types, ahead of pgx's own wrappers (stdlib.OptionAfterConnect).
func presizeArgs(_ context.Context, c *pgx.Conn) error {
	m := c.TypeMap()
	m.TryWrapEncodePlanFuncs = append([]pgtype.TryWrapEncodePlanFunc{tryWrapSized}, m.TryWrapEncodePlanFuncs...)
	return nil
}

// reserveLarge has each connection make room for a large statement's
// message before pgx writes it (stdlib.OptionBeforeConnect).
func reserveLarge(_ context.Context, cc *pgx.ConnConfig) error {
	cc.Tracer = reserver{}
	return nil
}

// tryWrapSized unwraps a sized argument for pgx's plan of the value in it.
func tryWrapSized(value any) (pgtype.WrappedEncodePlanNextSetter, any, bool) {
	s, ok := value.(sized)
	if !ok {
		return nil, nil, false
	}
	return &sizedPlan{}, s.v, true
}

// sizedPlan grows the parameters' buffer, then encodes the value in the
// sized argument as pgx would have.
type sizedPlan struct{ next pgtype.EncodePlan }

func (p *sizedPlan) SetNext(next pgtype.EncodePlan) { p.next = next }

func (p *sizedPlan) Encode(value any, buf []byte) ([]byte, error) {
	s := value.(sized)
	buf = slices.Grow(buf, s.n)
	return p.next.Encode(s.v, buf)
}

// reserve is an empty message to the server that makes room for n bytes
// in the connection's outgoing buffer: sent before a large batch, whose
// messages are then written into it without copies. It adds nothing to
// what goes on the wire.
type reserve int

func (reserve) Frontend() {}

func (r reserve) Encode(dst []byte) ([]byte, error) { return slices.Grow(dst, int(r)), nil }

func (reserve) Decode([]byte) error { return errors.New("sqlstore: reserve is never received") }

var _ pgproto3.FrontendMessage = reserve(0)

// reserver makes room in a connection's outgoing buffer for each large
// statement or batch as pgx starts on it: pgx calls its tracer first,
// with the arguments, before it writes anything of them.
type reserver struct{}

func (reserver) TraceQueryStart(ctx context.Context, c *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	reserveFor(c, len(d.SQL)+encodedSize(d.Args))
	return ctx
}

func (reserver) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (reserver) TraceBatchStart(ctx context.Context, c *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	n := 0
	for _, q := range d.Batch.QueuedQueries {
		n += len(q.SQL) + encodedSize(q.Arguments)
	}
	reserveFor(c, n)
	return ctx
}

func (reserver) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (reserver) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

var _ interface {
	pgx.QueryTracer
	pgx.BatchTracer
} = reserver{}

// reserveFor makes room in c's outgoing buffer for n bytes, when that is
// large. The room is gone with the next send: pgx then starts again at
// 1 kB.
func reserveFor(c *pgx.Conn, n int) {
	if n >= presizeMin {
		c.PgConn().Frontend().Send(reserve(n))
	}
}
