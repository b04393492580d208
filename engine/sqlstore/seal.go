package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/parkfin/parkfin/engine/ledger"
)

// Sealing later (docs/ledger.md, "Sealing"). A transaction that appends to
// the ledger inserts its entries into ledger_unsealed — content hash, the
// case's chain, a MAC of the entry's own — and takes no global lock, so the
// commits of concurrent transactions overlap. A sealer then moves committed
// entries into the ledger in batches: one transaction locks the chain head,
// reads the unsealed entries in the order they were written, checks each,
// numbers, links and authenticates them, inserts them into the ledger,
// deletes them from ledger_unsealed and moves the head. Every process that
// writes runs one (several take turns on the head row), woken by its own
// commits and polling for the others'.

// unsealedColumns are ledger_unsealed's columns but id, in the order
// insertUnsealed writes them and the scans read them.
const unsealedColumns = "case_id, workflow, number, case_version, at, actor_user, actor_role, actor_org, event, from_state, to_state, payload, prev_hash, hash, key_id, mac"

// sealBatch is how many entries one sealing transaction takes at most (18
// parameters each in its insert).
const sealBatch = 500

// defaultSealPoll is how often a sealer looks for other processes' entries.
const defaultSealPoll = 250 * time.Millisecond

// sealGap is the least time between the starts of a sealer's runs: a
// sealing transaction costs a commit, so a busy process seals its commits
// of each sealGap in one batch instead of one by one. An entry stays
// unsealed (authenticated, not yet chained) that much longer at most.
const sealGap = 100 * time.Millisecond

// insertUnsealed returns one statement inserting the entries, authenticated
// with Chainer.Pend, into ledger_unsealed.
func insertUnsealed(entries []*ledger.Entry) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, 16*len(entries))
	b.WriteString("INSERT INTO ledger_unsealed (" + unsealedColumns + ") VALUES ")
	for i, e := range entries {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, e.CaseID, e.Workflow, e.Number, e.Version, e.At.UTC(), e.ActorUser, e.ActorRole, e.ActorOrg,
			e.Event, e.From, e.To, payloadText(e), e.PrevHash, e.Hash, e.KeyID, e.MAC)
	}
	return b.String(), args
}

// scanUnsealedRows calls fn for each row of rows (id first, then
// unsealedColumns), reusing one entry.
func scanUnsealedRows(rows *sql.Rows, fn func(*ledger.Entry) error) error {
	var (
		e       ledger.Entry
		payload sql.RawBytes
	)
	for rows.Next() {
		e = ledger.Entry{}
		if err := rows.Scan(&e.Unsealed, &e.CaseID, &e.Workflow, &e.Number, &e.Version, &e.At, &e.ActorUser, &e.ActorRole, &e.ActorOrg,
			&e.Event, &e.From, &e.To, &payload, &e.PrevHash, &e.Hash, &e.KeyID, &e.MAC); err != nil {
			return err
		}
		e.At = e.At.UTC()
		e.Payload = append(e.Payload[:0:0], payload...)
		if err := fn(&e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ScanUnsealed calls fn for every unsealed entry in the order they were
// written, streaming (ledger.PendingSource).
func (q queries) ScanUnsealed(ctx context.Context, fn func(*ledger.Entry) error) error {
	rows, err := q.db.WithContext(ctx).Raw("SELECT id, " + unsealedColumns + " FROM ledger_unsealed ORDER BY id").Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	return scanUnsealedRows(rows, fn)
}

// UnsealedError is what Seal returns when an unsealed entry fails its
// check: it is not sealed (nor anything after it) until the fault is
// resolved; `ledger verify` names it too.
type UnsealedError struct {
	Unsealed int64
	CaseID   string
	Kind     ledger.Kind
	Err      error
}

func (e *UnsealedError) Error() string {
	return fmt.Sprintf("sqlstore: unsealed ledger entry %d (case %s) is not sealed: %s: %v", e.Unsealed, e.CaseID, e.Kind, e.Err)
}

// Seal seals every entry committed unsealed so far (of any process) and
// returns how many it sealed. Entries after one that fails its check stay
// unsealed: the error is an *UnsealedError.
func (s *Store) Seal(ctx context.Context) (int, error) {
	if s.keys == nil {
		return 0, ErrNoLedgerKey
	}
	total := 0
	for {
		n, more, err := s.sealOnce(ctx)
		total += n
		if err != nil || !more {
			return total, err
		}
	}
}

// sealOnce seals one batch; more reports a full batch.
func (s *Store) sealOnce(ctx context.Context) (sealed int, more bool, err error) {
	// Look before locking: a sealer polling an idle database takes no lock.
	var first int64
	err = s.db.WithContext(ctx).Raw("SELECT id FROM ledger_unsealed ORDER BY id LIMIT 1").Row().Scan(&first)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	var bad *UnsealedError
	err = s.inWriteTx(ctx, func(q queries) error {
		db := q.db.WithContext(ctx)
		seq, chain, err := lockHead(db, s.dialect)
		if err != nil {
			return err
		}
		// Read after the lock: what another sealer sealed meanwhile is gone.
		rows, err := db.Raw("SELECT id, "+unsealedColumns+" FROM ledger_unsealed ORDER BY id LIMIT ?", sealBatch).Rows()
		if err != nil {
			return err
		}
		var (
			entries []*ledger.Entry
			ids     []int64
		)
		err = scanUnsealedRows(rows, func(e *ledger.Entry) error {
			if bad != nil {
				return nil
			}
			if kind, err := s.keys.CheckPending(e); err != nil {
				bad = &UnsealedError{Unsealed: e.Unsealed, CaseID: e.CaseID, Kind: kind, Err: err}
				return nil
			}
			c := *e
			entries = append(entries, &c)
			ids = append(ids, e.Unsealed)
			return nil
		})
		rows.Close()
		if err != nil {
			return err
		}
		more = bad == nil && len(entries) == sealBatch
		if len(entries) == 0 {
			return nil
		}
		ch := s.keys.Chainer()
		for _, e := range entries {
			seq++
			e.Unsealed = 0
			ch.Link(e, seq, chain)
			chain = e.ChainHash
		}
		ins, args := insertSealed(entries)
		sealed = len(entries)
		// The delete's trigger refuses a row the ledger does not hold yet:
		// insert first, in a statement of its own.
		if s.dialect == Postgres {
			// As arrays: the text is the same whatever the batch,
			// prepared once (so is the delete's, execByIDs).
			if err := s.insertArrays(ctx, db, ins, args); err != nil {
				return err
			}
		} else if err := db.Exec(ins, args...).Error; err != nil {
			return err
		}
		if err := execByIDs(ctx, db, s.dialect, "DELETE FROM ledger_unsealed WHERE id", ids); err != nil {
			return err
		}
		return db.Exec("UPDATE ledger_chain SET seq = ?, chain_hash = ?, updated_at = ? WHERE id = 1", seq, chain, time.Now().UTC()).Error
	})
	if err != nil {
		return 0, false, err
	}
	if bad != nil {
		return sealed, false, bad
	}
	return sealed, more, nil
}

// sealer is a store's own sealer: a goroutine started by the first commit
// that leaves entries unsealed.
type sealer struct {
	poll time.Duration
	log  *slog.Logger
	wake chan struct{}

	mu      sync.Mutex
	running bool
	closed  bool
	cancel  context.CancelFunc
	done    chan struct{}
}

func newSealer(poll time.Duration, log *slog.Logger) *sealer {
	if poll == 0 {
		poll = defaultSealPoll
	}
	if log == nil {
		log = slog.Default()
	}
	return &sealer{poll: poll, log: log, wake: make(chan struct{}, 1)}
}

// sealSoon wakes the store's sealer, starting it if need be.
func (s *Store) sealSoon() {
	sl := s.seal
	if sl == nil {
		return
	}
	sl.mu.Lock()
	if !sl.running && !sl.closed {
		ctx, cancel := context.WithCancel(context.Background())
		sl.running, sl.cancel, sl.done = true, cancel, make(chan struct{})
		go s.sealLoop(ctx, sl.done)
	}
	sl.mu.Unlock()
	select {
	case sl.wake <- struct{}{}:
	default:
	}
}

// sealLoop seals whenever woken and every poll, until ctx ends. A failure
// is logged once until it changes.
func (s *Store) sealLoop(ctx context.Context, done chan struct{}) {
	defer close(done)
	sl := s.seal
	t := time.NewTicker(sl.poll)
	defer t.Stop()
	last := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-sl.wake:
		case <-t.C:
		}
		// Seal at once, but not more often than every sealGap: under a
		// stream of commits, the wakes that come meanwhile make one batch.
		next := time.Now().Add(sealGap)
		_, err := s.Seal(ctx)
		switch {
		case err == nil:
			last = ""
		case ctx.Err() != nil:
			return
		case err.Error() != last:
			last = err.Error()
			attrs := []any{"err", err}
			var ue *UnsealedError
			if errors.As(err, &ue) {
				attrs = append(attrs, "unsealed", ue.Unsealed, "case", ue.CaseID, "kind", string(ue.Kind))
			}
			sl.log.Error("ledger: sealing failed", attrs...)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(next)):
		}
	}
}

// stopSealer stops the store's sealer and seals what it leaves, briefly.
func (s *Store) stopSealer() {
	sl := s.seal
	if sl == nil {
		return
	}
	sl.mu.Lock()
	sl.closed = true
	running, cancel, done := sl.running, sl.cancel, sl.done
	sl.running = false
	sl.mu.Unlock()
	if !running {
		return
	}
	cancel()
	<-done
	ctx, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	if _, err := s.Seal(ctx); err != nil {
		sl.log.Error("ledger: sealing at close failed", "err", err)
	}
}
