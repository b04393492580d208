package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine/ledger"
)

// ErrNoLedgerKey is returned when a store without keys is asked to append
// to the ledger.
var ErrNoLedgerKey = errors.New("sqlstore: no ledger key configured: the ledger cannot be appended to")

// ledgerColumns are the ledger's columns in the order the scans read and
// the appends write them.
const ledgerColumns = "seq, case_id, workflow, number, case_version, at, actor_user, actor_role, actor_org, event, from_state, to_state, payload, prev_hash, hash, chain_hash, key_id, mac"

// AppendLedger queues an entry whose content hash is set. The entry is
// written when the transaction commits (flushLedger): numbered, linked into
// the global chain and authenticated then (its Seq set), or, when the store
// seals later, authenticated on its own and left for the sealer.
func (t *tx) AppendLedger(ctx context.Context, e *ledger.Entry) error {
	if t.keys == nil {
		return ErrNoLedgerKey
	}
	t.pending = append(t.pending, e)
	return nil
}

// flushLedger writes the transaction's queued entries as its last
// statements. Sealing at commit, it locks the chain head (on PostgreSQL,
// FOR UPDATE, so that concurrent transactions append one after the other;
// SQLite serialises writers already), numbers the entries after it without
// gaps, links and authenticates them, inserts them and moves the head: the
// lock is held from here to the commit. Sealing later, it inserts them
// unsealed, each with a MAC of its own, and takes no lock (seal.go).
func (t *tx) flushLedger(ctx context.Context) error {
	if len(t.pending) == 0 {
		return nil
	}
	db := t.db.WithContext(ctx)
	if t.later {
		// (On PostgreSQL, InTx sends them with its last flush instead.)
		q, args := t.insertPending()
		return db.Exec(q, args...).Error
	}
	seq, chain, err := lockHead(db, t.dialect)
	if err != nil {
		return err
	}
	ch := t.keys.Chainer()
	for _, e := range t.pending {
		seq++
		ch.Link(e, seq, chain)
		chain = e.ChainHash
	}
	ins, args := insertSealed(t.pending)
	t.pending = nil
	return moveHead(db, t.dialect, ins, args, seq, chain)
}

// insertPending authenticates the queued entries each on its own and
// returns the statement inserting them unsealed, for the sealer.
func (t *tx) insertPending() (string, []any) {
	ch := t.keys.Chainer()
	for _, e := range t.pending {
		ch.Pend(e)
	}
	q, args := insertUnsealed(t.pending)
	t.pending = nil
	t.unsealed = true
	return q, args
}

// unsealedWrite is insertPending as a deferred write, nil when no entry
// is queued.
func (t *tx) unsealedWrite() *deferredWrite {
	if len(t.pending) == 0 {
		return nil
	}
	q, args := t.insertPending()
	return &deferredWrite{sql: numbered(q), vars: args}
}

// lockHead reads the chain head and, on PostgreSQL, locks it (FOR UPDATE)
// until the transaction ends; SQLite serialises writers already.
func lockHead(db *gorm.DB, dialect Dialect) (int64, string, error) {
	q := "SELECT seq, chain_hash FROM ledger_chain WHERE id = 1"
	if dialect == Postgres {
		q += " FOR UPDATE"
	}
	var (
		seq   int64
		chain string
	)
	if err := db.Raw(q).Row().Scan(&seq, &chain); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, "", errors.New("sqlstore: the ledger chain head is missing: run `parkfin migrate`")
		}
		return 0, "", err
	}
	return seq, chain, nil
}

// insertSealed returns one statement inserting the sealed entries.
func insertSealed(entries []*ledger.Entry) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, 18*len(entries)+3)
	b.WriteString("INSERT INTO ledger (" + ledgerColumns + ") VALUES ")
	for i, e := range entries {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, e.Seq, e.CaseID, e.Workflow, e.Number, e.Version, e.At.UTC(), e.ActorUser, e.ActorRole, e.ActorOrg,
			e.Event, e.From, e.To, payloadText(e), e.PrevHash, e.Hash, e.ChainHash, e.KeyID, e.MAC)
	}
	return b.String(), args
}

// moveHead runs the insert ins (with args) and moves the chain head to seq
// and chain: on PostgreSQL in one statement.
func moveHead(db *gorm.DB, dialect Dialect, ins string, args []any, seq int64, chain string) error {
	const move = "UPDATE ledger_chain SET seq = ?, chain_hash = ?, updated_at = ? WHERE id = 1"
	now := time.Now().UTC()
	if dialect == Postgres {
		return execUnprepared(db.Statement.Context, db, dialect, "WITH appended AS ("+ins+" RETURNING 1) "+move, append(args, seq, chain, now)...)
	}
	if err := db.Exec(ins, args...).Error; err != nil {
		return err
	}
	return db.Exec(move, seq, chain, now).Error
}

func payloadText(e *ledger.Entry) string {
	if len(e.Payload) == 0 {
		return "null"
	}
	return string(e.Payload)
}

// initLedgerChain writes the chain head once, after the migration that made
// its table: the global chain's link over the entries written before keys
// (none in a new database), so that the first authenticated entry follows
// them and covers them.
func (s *Store) initLedgerChain(ctx context.Context) error {
	return s.db.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		var n int64
		if err := db.Raw("SELECT COUNT(*) FROM ledger_chain").Scan(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if s.dialect == Postgres {
			// No entry may arrive while the legacy chain is computed.
			if err := db.Exec("LOCK TABLE ledger IN SHARE MODE").Error; err != nil {
				return err
			}
		}
		rows, err := db.Raw("SELECT seq, hash, key_id FROM ledger ORDER BY seq").Rows()
		if err != nil {
			return err
		}
		var (
			seq         int64
			chain       string
			hash, keyID string
		)
		for rows.Next() {
			if err := rows.Scan(&seq, &hash, &keyID); err != nil {
				rows.Close()
				return err
			}
			if keyID != "" {
				rows.Close()
				return fmt.Errorf("sqlstore: ledger entry %d is authenticated but the chain head is missing: the head row was removed", seq)
			}
			chain = ledger.ChainLink(chain, seq, hash)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return db.Exec("INSERT INTO ledger_chain (id, seq, chain_hash, updated_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
			seq, chain, time.Now().UTC()).Error
	})
}

// CaseLedger returns the case's entries, oldest first: the sealed ones by
// seq, then those not sealed yet (Seq zero, Unsealed set) in the order
// they were written — one statement, so that an entry sealed meanwhile is
// seen once.
func (q queries) CaseLedger(ctx context.Context, caseID string) ([]ledger.Entry, error) {
	var rows []ledgerRow
	if err := q.db.WithContext(ctx).Raw(`SELECT `+ledgerColumns+`, 0 AS unsealed FROM ledger WHERE case_id = ?
		UNION ALL SELECT 0, `+strings.Replace(unsealedColumns, "hash, key_id", "hash, '', key_id", 1)+`, id FROM ledger_unsealed WHERE case_id = ?
		ORDER BY unsealed, seq`, caseID, caseID).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]ledger.Entry, len(rows))
	for i, r := range rows {
		out[i] = ledgerFromRow(r)
	}
	return out, nil
}

// ScanLedger calls fn for every entry in ascending seq order, streaming:
// one entry is in memory at a time, and fn must not keep it.
func (q queries) ScanLedger(ctx context.Context, fn func(*ledger.Entry) error) error {
	rows, err := q.db.WithContext(ctx).Raw(verifyBySeq).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		e       ledger.Entry
		payload sql.RawBytes
	)
	for rows.Next() {
		if err := rows.Scan(&e.Seq, &e.CaseID, &e.Workflow, &e.Number, &e.Version, &e.At, &e.ActorUser, &e.ActorRole, &e.ActorOrg,
			&e.Event, &e.From, &e.To, &payload, &e.PrevHash, &e.Hash, &e.ChainHash, &e.KeyID, &e.MAC); err != nil {
			return err
		}
		e.Payload = append(e.Payload[:0:0], payload...)
		if err := fn(&e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ChainHead returns the recorded head of the global chain.
func (q queries) ChainHead(ctx context.Context) (int64, string, error) {
	var (
		seq   int64
		chain string
	)
	err := q.db.WithContext(ctx).Raw("SELECT seq, chain_hash FROM ledger_chain WHERE id = 1").Row().Scan(&seq, &chain)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", errChainHeadMissing
	}
	return seq, chain, err
}

// ScanCases streams the case rows in no order (ledger.RowSource).
func (q queries) ScanCases(ctx context.Context, fn func(*ledger.CaseRow) error) error {
	return q.scanCaseRows(ctx, verifyCases, fn)
}

// scanCaseRows runs a read of the case rows (in no order for the sums, by
// case id for a walk) and calls fn for each.
func (q queries) scanCaseRows(ctx context.Context, query string, fn func(*ledger.CaseRow) error) error {
	return scanRows(q.db.WithContext(ctx), query, func(rows *sql.Rows) error {
		var c ledger.CaseRow
		if err := rows.Scan(&c.ID, &c.Workflow, &c.Number, &c.State, &c.Version, &c.LedgerHead, &c.LedgerLen); err != nil {
			return err
		}
		return fn(&c)
	})
}

// ScanCaseChains streams every case with its entries' links and the
// entries of cases that do not exist, merged by case id (ledger.Source).
// The entries by case and the case rows are two cursors open at once in
// the same transaction, each read by its own goroutine.
func (q queries) ScanCaseChains(ctx context.Context, fn func(*ledger.CaseRow, *ledger.Link) error) error {
	linksQ, casesQ := verifyCaseLinksSQLite, verifyCaseRowsSQLite
	if q.dialect == Postgres {
		linksQ, casesQ = verifyCaseLinks, verifyCaseRows
	}
	links := func(ctx context.Context, emit func(ledger.Link) error) error {
		return scanRows(q.db.WithContext(ctx), linksQ, func(rows *sql.Rows) error {
			var (
				l     ledger.Link
				keyID string
			)
			if err := rows.Scan(&l.CaseID, &l.Seq, &l.PrevHash, &l.Hash, &l.To, &l.Workflow, &l.Number, &l.Version, &keyID); err != nil {
				return err
			}
			l.Authenticated = keyID != ""
			return emit(l)
		})
	}
	cases := func(ctx context.Context, emit func(ledger.CaseRow) error) error {
		return q.scanCaseRows(ctx, casesQ, func(c *ledger.CaseRow) error { return emit(*c) })
	}
	return readCaseChains(ctx, links, cases, fn)
}

// scanRows runs q and calls row for each row until it fails.
func scanRows(db *gorm.DB, q string, row func(*sql.Rows) error) error {
	rows, err := db.Raw(q).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// VerifyLedger checks the whole ledger with the store's keys in one
// consistent snapshot, so that cases moving meanwhile are not taken for
// tampering.
func (s *Store) VerifyLedger(ctx context.Context) (ledger.Report, error) {
	return s.VerifyLedgerAgainst(ctx, nil)
}

// VerifyLedgerAgainst checks the whole ledger as VerifyLedger does, and the
// checkpoints too.
func (s *Store) VerifyLedgerAgainst(ctx context.Context, checkpoints []ledger.Checkpoint) (ledger.Report, error) {
	if s.keys == nil {
		return ledger.Report{}, errors.New("sqlstore: no ledger key configured: the ledger cannot be verified")
	}
	if s.dialect == Postgres {
		return s.pgVerify(ctx, checkpoints)
	}
	// SQLite: one connection, one read transaction; the passes' cursors
	// are open in it at once.
	var report ledger.Report
	err := s.snapshot(ctx, func(q queries) error {
		var err error
		report, err = ledger.Verify(ctx, q, s.keys, checkpoints)
		return err
	})
	return report, err
}

// Checkpoint returns the head of the global chain, signed with the store's
// current key, taken at now. Sealing later, it seals what is committed
// first, so that the checkpoint covers every entry committed before it.
func (s *Store) Checkpoint(ctx context.Context, now time.Time) (ledger.Checkpoint, error) {
	if s.keys == nil {
		return ledger.Checkpoint{}, ErrNoLedgerKey
	}
	if s.later {
		if _, err := s.Seal(ctx); err != nil {
			return ledger.Checkpoint{}, err
		}
	}
	seq, chain, err := s.ChainHead(ctx)
	if err != nil {
		return ledger.Checkpoint{}, err
	}
	c := ledger.Checkpoint{Seq: seq, ChainHash: chain, At: now}
	s.keys.Sign(&c)
	return c, nil
}

// snapshot runs fn in a read-only transaction that sees one state of the
// database.
func (s *Store) snapshot(ctx context.Context, fn func(queries) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	return s.db.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		return fn(queries{db: db, dialect: s.dialect})
	}, opts)
}
