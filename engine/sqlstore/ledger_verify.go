package sqlstore

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
	"unsafe"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/parkfin/parkfin/engine/ledger"
)

// The verification's reads (docs/ledger.md, “What parkfin ledger verify
// checks”). The pass by seq reads the sealed entries in seq order; the pass
// by case reads every entry by case (ledger_by_case_chain, an index-only
// scan on PostgreSQL) and the case rows, both in byte order of the case id,
// and merges them (mergeCaseChains), which finds orphans on the way.
const (
	verifyBySeq = "SELECT " + ledgerColumns + " FROM ledger ORDER BY seq"

	verifyCaseLinks = `SELECT case_id, seq, prev_hash, hash, to_state, workflow, number, case_version, key_id
		FROM ledger ORDER BY case_id COLLATE "C", case_version, seq`
	verifyCaseRows = `SELECT id, workflow, number, state, version, ledger_head, ledger_len
		FROM cases ORDER BY id COLLATE "C"`

	// verifyCases reads the case rows in no order, for the sums (ledger's
	// RowSource): a plain sequential scan.
	verifyCases = `SELECT id, workflow, number, state, version, ledger_head, ledger_len FROM cases`

	verifyCaseLinksSQLite = `SELECT case_id, seq, prev_hash, hash, to_state, workflow, number, case_version, key_id
		FROM ledger ORDER BY case_id, case_version, seq`
	verifyCaseRowsSQLite = `SELECT id, workflow, number, state, version, ledger_head, ledger_len
		FROM cases ORDER BY id`
)

// mergeCaseChains merges the case rows and the entries by case, both in
// ascending byte order of the case id, into the calls ledger.Source's
// ScanCaseChains promises: a case with each of its entries (or once alone),
// an orphan entry with no case.
func mergeCaseChains(nextCase func(*ledger.CaseRow) (bool, error), nextLink func(*ledger.Link) (bool, error),
	fn func(*ledger.CaseRow, *ledger.Link) error) error {
	var (
		c      ledger.CaseRow
		l      ledger.Link
		linked bool
	)
	hasCase, err := nextCase(&c)
	if err != nil {
		return err
	}
	hasLink, err := nextLink(&l)
	if err != nil {
		return err
	}
	for hasCase || hasLink {
		switch {
		case hasLink && (!hasCase || l.CaseID < c.ID):
			if err := fn(nil, &l); err != nil {
				return err
			}
			hasLink, err = nextLink(&l)
		case hasLink && l.CaseID == c.ID:
			if err := fn(&c, &l); err != nil {
				return err
			}
			linked = true
			hasLink, err = nextLink(&l)
		default:
			if !linked {
				if err := fn(&c, nil); err != nil {
					return err
				}
			}
			linked = false
			hasCase, err = nextCase(&c)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// pgVerify verifies the ledger on PostgreSQL over three connections in one
// snapshot: the first exports it (pg_export_snapshot), the others import it
// (SET TRANSACTION SNAPSHOT), so that the pass by seq (first connection),
// the case rows and, when the sums do not settle them, the entries by case
// (the others) all read one state of the database while they run at once.
// Rows are read with pgx's binary protocol, straight from its read buffer.
func (s *Store) pgVerify(ctx context.Context, checkpoints []ledger.Checkpoint) (ledger.Report, error) {
	var report ledger.Report
	err := s.withVerifyConns(ctx, 3, func(conns []*pgconn.PgConn) error {
		const begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
		res, err := conns[0].Exec(ctx, begin+"; SELECT pg_export_snapshot()").ReadAll()
		if err != nil {
			return err
		}
		if len(res) != 2 || len(res[1].Rows) != 1 {
			return errors.New("sqlstore: pg_export_snapshot returned no snapshot")
		}
		snapshot := string(res[1].Rows[0][0])
		for _, c := range conns[1:] {
			// The identifier is PostgreSQL's own (hex digits and dashes).
			if _, err := c.Exec(ctx, begin+"; SET TRANSACTION SNAPSHOT '"+snapshot+"'").ReadAll(); err != nil {
				return err
			}
		}
		report, err = ledger.Verify(ctx, pgSource{bySeq: conns[0], links: conns[1], cases: conns[2]}, s.keys, checkpoints)
		return err
	})
	return report, err
}

// verifyReadBuffer is the read buffer of a verification's connections: a
// verification reads the whole ledger, and with pgx's usual 8 KiB a read
// system call for every dozen entries costs more than the entries' checks.
const verifyReadBuffer = 512 << 10

// withVerifyConns opens n connections of their own for a verification,
// each reading through a large buffer (verifyReadBuffer), runs fn with
// them, and closes them: the pool's connections keep their small buffers.
// Closing ends their read-only transactions.
func (s *Store) withVerifyConns(ctx context.Context, n int, fn func([]*pgconn.PgConn) error) error {
	cfg, err := pgconn.ParseConfig(s.pgURL)
	if err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	cfg.BuildFrontend = func(r io.Reader, w io.Writer) *pgproto3.Frontend {
		return pgproto3.NewFrontend(bufio.NewReaderSize(r, verifyReadBuffer), w)
	}
	conns := make([]*pgconn.PgConn, 0, n)
	defer func() {
		end, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		for _, c := range conns {
			c.Close(end)
		}
	}()
	for range n {
		c, err := pgconn.ConnectConfig(ctx, cfg)
		if err != nil {
			return fmt.Errorf("sqlstore: connect for verification: %w", err)
		}
		conns = append(conns, c)
	}
	return fn(conns)
}

// pgSource reads a verification's rows on PostgreSQL, one connection each.
type pgSource struct {
	bySeq, links, cases *pgconn.PgConn
}

// pgScan runs q on c with every result in binary and calls row for each
// row, whose values are valid during the call only. It stops at row's
// first error, or when ctx ends, cancelling the query on the server
// rather than reading the rest.
func pgScan(ctx context.Context, c *pgconn.PgConn, q string, columns int, row func([][]byte) error) error {
	rr := c.ExecParams(context.WithoutCancel(ctx), q, nil, nil, nil, []int16{pgx.BinaryFormatCode})
	stop := func(err error) error {
		if cerr := c.CancelRequest(context.WithoutCancel(ctx)); cerr != nil {
			return errors.Join(err, cerr)
		}
		rr.Close()
		return err
	}
	n := 0
	for rr.NextRow() {
		vals := rr.Values()
		if len(vals) != columns {
			return stop(fmt.Errorf("sqlstore: %d columns, want %d", len(vals), columns))
		}
		if err := row(vals); err != nil {
			return stop(err)
		}
		if n++; n&4095 == 0 && ctx.Err() != nil {
			return stop(ctx.Err())
		}
	}
	_, err := rr.Close()
	return err
}

// pgInt decodes a binary smallint, integer or bigint.
func pgInt(b []byte) (int64, error) {
	switch len(b) {
	case 2:
		return int64(int16(binary.BigEndian.Uint16(b))), nil
	case 4:
		return int64(int32(binary.BigEndian.Uint32(b))), nil
	case 8:
		return int64(binary.BigEndian.Uint64(b)), nil
	}
	return 0, fmt.Errorf("sqlstore: an integer of %d bytes", len(b))
}

// pgEpoch is PostgreSQL's epoch for timestamps, in Unix microseconds.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()

// pgTime decodes a binary timestamptz: microseconds since 2000-01-01 UTC.
func pgTime(b []byte) (time.Time, error) {
	if len(b) != 8 {
		return time.Time{}, fmt.Errorf("sqlstore: a timestamp of %d bytes", len(b))
	}
	return time.UnixMicro(pgEpoch + int64(binary.BigEndian.Uint64(b))).UTC(), nil
}

// rowText turns a row's text values into strings that share one
// allocation: a row costs one, however many columns it has.
type rowText struct {
	buf  []byte
	ends []int
}

// load copies the values at the indexes idx and sets *out[i] to the i-th.
func (t *rowText) load(vals [][]byte, idx []int, out ...*string) {
	t.buf, t.ends = t.buf[:0], t.ends[:0]
	for _, i := range idx {
		t.buf = append(t.buf, vals[i]...)
		t.ends = append(t.ends, len(t.buf))
	}
	s, start := string(t.buf), 0
	for i, p := range out {
		*p = s[start:t.ends[i]]
		start = t.ends[i]
	}
}

// The text columns of each read, by position.
var (
	linkText = []int{0, 2, 3, 4, 5, 6, 8}
	caseText = []int{0, 1, 2, 3, 5}
)

// ScanLedger hands each entry over with its strings and payload in pgx's
// read buffer, copied nowhere: ledger.Source's fn keeps none of them.
func (p pgSource) ScanLedger(ctx context.Context, fn func(*ledger.Entry) error) error {
	var e ledger.Entry
	return pgScan(ctx, p.bySeq, verifyBySeq, 18, func(v [][]byte) error {
		var err error
		if e.Seq, err = pgInt(v[0]); err != nil {
			return err
		}
		version, err := pgInt(v[4])
		if err != nil {
			return err
		}
		e.Version = int(version)
		if e.At, err = pgTime(v[5]); err != nil {
			return err
		}
		for i, f := range []*string{1: &e.CaseID, 2: &e.Workflow, 3: &e.Number, 6: &e.ActorUser, 7: &e.ActorRole, 8: &e.ActorOrg,
			9: &e.Event, 10: &e.From, 11: &e.To, 13: &e.PrevHash, 14: &e.Hash, 15: &e.ChainHash, 16: &e.KeyID, 17: &e.MAC} {
			if f != nil {
				*f = borrowed(v[i])
			}
		}
		e.Payload = v[12]
		return fn(&e)
	})
}

// borrowed returns b as a string without copying it: valid while b's memory
// is not reused.
func borrowed(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func (p pgSource) ChainHead(ctx context.Context) (int64, string, error) {
	res := p.bySeq.ExecParams(ctx, "SELECT seq, chain_hash FROM ledger_chain WHERE id = 1", nil, nil, nil,
		[]int16{pgx.BinaryFormatCode}).Read()
	if res.Err != nil {
		return 0, "", res.Err
	}
	if len(res.Rows) == 0 {
		return 0, "", errChainHeadMissing
	}
	seq, err := pgInt(res.Rows[0][0])
	return seq, string(res.Rows[0][1]), err
}

// ScanCases reads the case rows in no order, with their strings in pgx's
// read buffer (ledger.RowSource's fn keeps none of them).
func (p pgSource) ScanCases(ctx context.Context, fn func(*ledger.CaseRow) error) error {
	var c ledger.CaseRow
	return pgScan(ctx, p.cases, verifyCases, 7, func(v [][]byte) error {
		if err := pgCaseCounts(v, &c); err != nil {
			return err
		}
		c.ID, c.Workflow, c.Number, c.State, c.LedgerHead = borrowed(v[0]), borrowed(v[1]), borrowed(v[2]), borrowed(v[3]), borrowed(v[5])
		return fn(&c)
	})
}

// pgCaseCounts decodes a case row's version and entry count (columns 4
// and 6 of verifyCases and verifyCaseRows).
func pgCaseCounts(v [][]byte, c *ledger.CaseRow) error {
	version, err := pgInt(v[4])
	if err != nil {
		return err
	}
	n, err := pgInt(v[6])
	if err != nil {
		return err
	}
	c.Version, c.LedgerLen = int(version), int(n)
	return nil
}

// ScanCaseChains reads the entries by case and the case rows at once, on
// their own connections, and merges them.
func (p pgSource) ScanCaseChains(ctx context.Context, fn func(*ledger.CaseRow, *ledger.Link) error) error {
	links := func(ctx context.Context, emit func(ledger.Link) error) error {
		var txt rowText
		return pgScan(ctx, p.links, verifyCaseLinks, 9, func(v [][]byte) error {
			var l ledger.Link
			var err error
			if l.Seq, err = pgInt(v[1]); err != nil {
				return err
			}
			version, err := pgInt(v[7])
			if err != nil {
				return err
			}
			l.Version = int(version)
			var keyID string
			txt.load(v, linkText, &l.CaseID, &l.PrevHash, &l.Hash, &l.To, &l.Workflow, &l.Number, &keyID)
			l.Authenticated = keyID != ""
			return emit(l)
		})
	}
	cases := func(ctx context.Context, emit func(ledger.CaseRow) error) error {
		var txt rowText
		return pgScan(ctx, p.cases, verifyCaseRows, 7, func(v [][]byte) error {
			var c ledger.CaseRow
			if err := pgCaseCounts(v, &c); err != nil {
				return err
			}
			txt.load(v, caseText, &c.ID, &c.Workflow, &c.Number, &c.State, &c.LedgerHead)
			return emit(c)
		})
	}
	return readCaseChains(ctx, links, cases, fn)
}

// readCaseChains runs links and cases (the entries by case and the case
// rows, both by case id), each in a goroutine of its own that hands its rows
// over in batches, merges them into fn (mergeCaseChains), and waits for
// both readers — told to stop after a fault — so that their connections
// are free again.
func readCaseChains(ctx context.Context, links func(context.Context, func(ledger.Link) error) error,
	cases func(context.Context, func(ledger.CaseRow) error) error, fn func(*ledger.CaseRow, *ledger.Link) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ls := startStream(ctx, links)
	cs := startStream(ctx, cases)
	err := mergeCaseChains(cs.next, ls.next, fn)
	cancel()
	ls.wait()
	cs.wait()
	return err
}

// batchSize is how many rows a reader hands over at a time.
const batchSize = 256

// startStream runs read in a goroutine that sends what it emits in
// batches, and returns the stream of its rows.
func startStream[T any](ctx context.Context, read func(context.Context, func(T) error) error) *stream[T] {
	in := make(chan []T, 4)
	errc := make(chan error, 1)
	go func() {
		defer close(in)
		batch := make([]T, 0, batchSize)
		send := func() error {
			select {
			case in <- batch:
			case <-ctx.Done():
				return ctx.Err()
			}
			batch = make([]T, 0, batchSize)
			return nil
		}
		err := read(ctx, func(v T) error {
			batch = append(batch, v)
			if len(batch) == batchSize {
				return send()
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			err = send()
		}
		errc <- err
	}()
	return &stream[T]{in: in, errc: errc}
}

// stream hands the batches a reader sends on in over one row at a time,
// then the reader's outcome from errc.
type stream[T any] struct {
	in    <-chan []T
	errc  <-chan error
	batch []T
	i     int
	done  bool
	err   error
}

func (s *stream[T]) next(v *T) (bool, error) {
	for s.i == len(s.batch) {
		if s.done {
			return false, s.err
		}
		b, ok := <-s.in
		if !ok {
			s.done, s.err = true, <-s.errc
			return false, s.err
		}
		s.batch, s.i = b, 0
	}
	*v = s.batch[s.i]
	s.i++
	return true, nil
}

// wait lets a reader told to stop finish.
func (s *stream[T]) wait() {
	if s.done {
		return
	}
	for range s.in {
	}
	s.done, s.err = true, <-s.errc
}

var errChainHeadMissing = errors.New("sqlstore: the ledger chain head is missing (removed, or `parkfin migrate` not run)")

// ScanUnsealed reads the unsealed tail in the snapshot, on the connection
// of the entries by case before that pass starts (ledger.PendingSource).
// The entries' strings are copied: the verifier keeps their links.
func (p pgSource) ScanUnsealed(ctx context.Context, fn func(*ledger.Entry) error) error {
	var e ledger.Entry
	return pgScan(ctx, p.links, "SELECT id, "+unsealedColumns+" FROM ledger_unsealed ORDER BY id", 17, func(v [][]byte) error {
		var err error
		e = ledger.Entry{}
		if e.Unsealed, err = pgInt(v[0]); err != nil {
			return err
		}
		version, err := pgInt(v[4])
		if err != nil {
			return err
		}
		e.Version = int(version)
		if e.At, err = pgTime(v[5]); err != nil {
			return err
		}
		for i, f := range []*string{1: &e.CaseID, 2: &e.Workflow, 3: &e.Number, 6: &e.ActorUser, 7: &e.ActorRole, 8: &e.ActorOrg,
			9: &e.Event, 10: &e.From, 11: &e.To, 13: &e.PrevHash, 14: &e.Hash, 15: &e.KeyID, 16: &e.MAC} {
			if f != nil {
				*f = string(v[i])
			}
		}
		e.Payload = append([]byte(nil), v[12]...)
		return fn(&e)
	})
}
