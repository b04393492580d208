package report

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/workflows/financing"
)

// gapGrace is how long a hole in the ledger's sequence is waited for: a
// number PostgreSQL handed to a transaction that has not committed yet.
// Past it the number is taken for a rolled-back transaction's.
const gapGrace = 10 * time.Minute

// maxGap bounds the holes tracked at once; a larger jump is a sequence
// reset or mass rollback, not transactions in flight.
const maxGap = 10_000

// batchEntries is how many ledger entries one catch-up step reads.
const batchEntries = 5000

// Projector keeps the read model current: it follows the ledger's global
// sequence and re-derives the facts of every case that moved. It is safe
// for concurrent use; on PostgreSQL, catch-ups of several processes take
// turns through an advisory lock.
type Projector struct {
	db       *gorm.DB
	store    engine.Store
	cal      engine.Calendar
	clock    engine.Clock
	postgres bool
	mu       sync.Mutex
	// dailyBuilt is set once report_daily is known to hold the facts'
	// figures.
	dailyBuilt bool
}

// NewProjector returns a projector over db (the engine's database, with
// the report tables migrated), reading cases through store.
func NewProjector(db *gorm.DB, store engine.Store, cal engine.Calendar, clock engine.Clock, postgres bool) *Projector {
	if clock == nil {
		clock = engine.SystemClock{}
	}
	return &Projector{db: db, store: store, cal: cal, clock: clock, postgres: postgres}
}

// sealingStore is a store that may leave ledger entries unsealed for a
// while (sqlstore on PostgreSQL).
type sealingStore interface {
	Seal(ctx context.Context) (int, error)
}

type ledgerRef struct {
	Seq    int64
	CaseID string
}

// CatchUp projects every case that moved since the last catch-up and
// returns how many cases it projected.
func (p *Projector) CatchUp(ctx context.Context) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	// The projector follows sealed entries: seal what is committed first,
	// so that a catch-up sees every move committed before it. An entry
	// that fails the sealer's check stays unsealed (the sealer logs it,
	// `ledger verify` names it); the others are still projected.
	if s, ok := p.store.(sealingStore); ok {
		var bad *sqlstore.UnsealedError
		if _, err := s.Seal(ctx); err != nil && !errors.As(err, &bad) {
			return 0, err
		}
	}
	total := 0
	for {
		n, more, err := p.step(ctx)
		total += n
		if err != nil || !more {
			return total, err
		}
	}
}

// step reads one batch of ledger entries after the cursor (and any hole
// waited for), derives their cases' facts, and writes them with the new
// cursor in one transaction. The reads happen outside it: on SQLite the
// store and the read model share one connection. A catch-up of another
// process that moved the cursor meanwhile wins; this one reads again.
func (p *Projector) step(ctx context.Context) (projected int, more bool, err error) {
	db := p.db.WithContext(ctx)
	var cursor int64
	if err := db.Raw("SELECT COALESCE(MAX(seq), 0) FROM report_cursor WHERE id = 1").Scan(&cursor).Error; err != nil {
		return 0, false, err
	}
	var refs []ledgerRef
	if err := db.Raw(`SELECT seq, case_id FROM ledger WHERE seq > ? OR seq IN (SELECT seq FROM report_gaps)
		ORDER BY seq LIMIT ?`, cursor, batchEntries).Scan(&refs).Error; err != nil {
		return 0, false, err
	}
	if len(refs) == 0 && p.dailyBuilt {
		// Nothing moved: no transaction (the holes that expired are
		// dropped by the next step that projects something).
		return 0, false, nil
	}
	more = len(refs) == batchEntries
	now := p.clock.Now().UTC()
	var filled, holes []int64
	ids := map[string]bool{}
	var order []string
	last := cursor
	for _, r := range refs {
		if r.Seq <= cursor {
			filled = append(filled, r.Seq)
		} else {
			if p.postgres && r.Seq > last+1 && r.Seq-last-1 <= maxGap {
				for s := last + 1; s < r.Seq; s++ {
					holes = append(holes, s)
				}
			}
			last = r.Seq
		}
		if !ids[r.CaseID] {
			ids[r.CaseID] = true
			order = append(order, r.CaseID)
		}
	}
	derived := make(map[string]*facts, len(order))
	tallies := make(map[string]*tallyCase, len(order))
	for _, id := range order {
		f, t, err := p.derive(ctx, id)
		if err != nil {
			return 0, false, err
		}
		derived[id], tallies[id] = f, t
	}
	stale := false
	err = db.Transaction(func(tx *gorm.DB) error {
		if p.postgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(4790009)").Error; err != nil {
				return err
			}
		}
		var now2 int64
		if err := tx.Raw("SELECT COALESCE(MAX(seq), 0) FROM report_cursor WHERE id = 1").Scan(&now2).Error; err != nil {
			return err
		}
		if now2 != cursor {
			stale = true
			return nil
		}
		if len(filled) > 0 {
			if err := tx.Exec("DELETE FROM report_gaps WHERE seq IN ?", filled).Error; err != nil {
				return err
			}
		}
		if len(holes) > 0 {
			rows := make([]map[string]any, len(holes))
			for i, s := range holes {
				rows[i] = map[string]any{"seq": s, "seen_at": now}
			}
			if err := tx.Table("report_gaps").Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, 500).Error; err != nil {
				return err
			}
		}
		if err := tx.Exec("DELETE FROM report_gaps WHERE seen_at < ?", now.Add(-gapGrace)).Error; err != nil {
			return err
		}
		if !p.dailyBuilt {
			if err := fillDaily(tx); err != nil {
				return err
			}
		}
		// The per-day figures: the cases' old facts off, their new ones on.
		daily := dailyDelta{}
		if err := daily.takeOff(tx, order); err != nil {
			return err
		}
		for _, id := range order {
			f := derived[id]
			if err := write(tx, id, f); err != nil {
				return err
			}
			if f != nil {
				daily.addFacts([]caseFact{f.c}, f.rounds, f.events, 1)
			}
		}
		if err := daily.write(tx); err != nil {
			return err
		}
		if err := writeTally(tx, order, tallies); err != nil {
			return err
		}
		if last > cursor {
			if err := tx.Exec("DELETE FROM report_cursor WHERE id = 1").Error; err != nil {
				return err
			}
			return tx.Exec("INSERT INTO report_cursor (id, seq) VALUES (1, ?)", last).Error
		}
		return nil
	})
	if stale {
		return 0, true, err
	}
	if err == nil {
		p.dailyBuilt = true
	}
	return len(order), more, err
}

// write replaces the facts of one case.
func write(tx *gorm.DB, id string, f *facts) error {
	for _, table := range []string{"report_cases", "report_rounds", "report_events"} {
		if err := tx.Exec("DELETE FROM "+table+" WHERE case_id = ?", id).Error; err != nil {
			return err
		}
	}
	if f == nil {
		return nil
	}
	if err := tx.Create(&f.c).Error; err != nil {
		return fmt.Errorf("report: project %s: %w", f.c.Number, err)
	}
	if len(f.rounds) > 0 {
		if err := tx.Create(&f.rounds).Error; err != nil {
			return err
		}
	}
	if len(f.events) > 0 {
		if err := tx.Create(&f.events).Error; err != nil {
			return err
		}
	}
	return nil
}

// derive loads a case, its timers and its ledger and derives its facts
// and what it adds to the board's tally; nil for a case of another
// workflow.
func (p *Projector) derive(ctx context.Context, id string) (*facts, *tallyCase, error) {
	c, err := p.store.Case(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if c.Workflow != financing.Name {
		return nil, nil, nil
	}
	timers, err := p.store.CaseTimers(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	entries, err := p.store.CaseLedger(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	f, err := derive(c, timers, entries, p.cal)
	return f, tallyOf(c), err
}

// Rebuild empties the read model and projects every case from the start of
// the ledger.
func (p *Projector) Rebuild(ctx context.Context) (int, error) {
	p.mu.Lock()
	err := p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if p.postgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(4790009)").Error; err != nil {
				return err
			}
		}
		for _, table := range []string{"report_cases", "report_rounds", "report_events", "report_cursor", "report_gaps", "report_tally", "report_tally_cases", "report_daily"} {
			if err := tx.Exec("DELETE FROM " + table).Error; err != nil {
				return err
			}
		}
		return nil
	})
	p.mu.Unlock()
	if err != nil {
		return 0, err
	}
	return p.CatchUp(ctx)
}
