package sqlstore

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/parkfin/parkfin/engine"
)

// What a PostgreSQL store keeps between transactions, for openings.
//
// A transaction opening cases read the directory (every park with its
// pairing in force and that pairing's bank) and took its case numbers,
// each in a round trip before it could write anything; on a busy machine
// each round trip waits for the server's backend and then for the
// goroutine that sent it, and the batches of openings run one after the
// other (engine/openbatch.go). So the store keeps the directory as it last
// read it, with its version (directory_version, raised by triggers on
// parks, pairings and banks, and on what notices are expanded with:
// migration 00026, engine/notify/inline.go), and each prefix's last case
// number as its last transaction committed it. A transaction whose context is
// engine.Rerunnable answers from them without a round trip, and its first
// statement carries what it used to the server (check_kept, in the same
// message): the directory still at the version kept, each counter still
// at the number kept, moved on to the transaction's last under its row's
// lock. Should anything have changed meanwhile — an administrator's edit
// (PF001), another process's openings (PF002) — check_kept raises an
// error: the transaction rolls back, what changed is no longer kept, and
// InTx runs the function again, reading from the database as it would
// have without keeping. A case number is never given twice nor skipped,
// whatever was kept: a counter moves only from the value check_kept finds
// under the row's lock. Where several processes open cases of the same
// parks, numbers kept would go stale again and again: after numbers were
// taken elsewhere, the next staleRest transactions take theirs from the
// database, as before keeping.

// keeper is what the store keeps.
type keeper struct {
	mu  sync.Mutex
	dir *keptDirectory
	// numbers are the prefixes' last case numbers.
	numbers map[string]*keptCounter
	// rest counts down the transactions that take their numbers from
	// the database after some kept had been taken elsewhere.
	rest int
	// reruns counts the transactions run again after the directory
	// changed [0] and after numbers were taken elsewhere [1].
	reruns [2]atomic.Uint64
}

// staleRest is how many transactions take their numbers from the
// database after numbers kept were found taken elsewhere.
const staleRest = 1000

// keptDirectory is the directory as read at a version.
type keptDirectory struct {
	version int64
	parks   map[string]engine.Park
	leads   map[leadKey]engine.Pairing
	banks   map[string]engine.Bank
}

// keptCounter is a prefix's last case number.
type keptCounter struct {
	last int
	// busy: a transaction took numbers after last and has not ended.
	busy bool
}

func newKeeper() *keeper { return &keeper{numbers: map[string]*keptCounter{}} }

// directory returns the directory kept, or nil. Its maps are shared: they
// are only read.
func (k *keeper) directory() *keptDirectory {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.dir
}

// keepDirectory keeps d, unless a later version is kept.
func (k *keeper) keepDirectory(d *keptDirectory) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.dir == nil || k.dir.version <= d.version {
		k.dir = d
	}
}

// take gives the numbers counts asks for from the counters kept, and marks
// them busy: the last of each prefix's, and what each counter was. It
// takes nothing unless every prefix is kept and not busy.
func (k *keeper) take(counts map[string]int) (last, old map[string]int, ok bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.rest > 0 {
		k.rest--
		return nil, nil, false
	}
	for p := range counts {
		if c := k.numbers[p]; c == nil || c.busy {
			return nil, nil, false
		}
	}
	last, old = make(map[string]int, len(counts)), make(map[string]int, len(counts))
	for p, n := range counts {
		c := k.numbers[p]
		old[p], last[p] = c.last, c.last+n
		c.busy = true
	}
	return last, old, true
}

// settle ends a transaction's use of the counters: the prefixes it took
// numbers of, with its last of each, and those it took from what was kept
// (claimed). Committed, each last is kept unless a later one is (two
// transactions of this process may settle in the other order than they
// committed); otherwise those prefixes are no longer kept.
func (k *keeper) settle(last map[string]int, claimed []string, committed bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, p := range claimed {
		if c := k.numbers[p]; c != nil {
			c.busy = false
		}
	}
	for p, n := range last {
		if committed {
			if c := k.numbers[p]; c == nil || c.last < n {
				k.numbers[p] = &keptCounter{last: n}
			}
		} else {
			delete(k.numbers, p)
		}
	}
}

// changed drops what a failed check found changed — the directory, or the
// numbers, which then rest (staleRest) — and counts the transaction that
// is run again.
func (k *keeper) changed(s staleness) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if s&staleDirectory != 0 {
		k.dir = nil
		k.reruns[0].Add(1)
	}
	if s&staleNumbers != 0 {
		k.numbers, k.rest = map[string]*keptCounter{}, staleRest
		k.reruns[1].Add(1)
	}
}

// staleness says what check_kept found changed.
type staleness int

const (
	staleDirectory staleness = 1 << iota // PF001
	staleNumbers                         // PF002
)

// keptCheck is what a transaction used of what was kept, for check_kept.
type keptCheck struct {
	// directory is the version of the directory used; 0 for none.
	directory int64
	counters  []keptUse
}

// keptUse is a counter a transaction moved on from what was kept: from
// old to last.
type keptUse struct {
	prefix    string
	old, last int
}

// checkKeptSQL checks a keptCheck (migration 00024).
const checkKeptSQL = "SELECT check_kept($1, $2, $3, $4)"

// args are check_kept's arguments, the counters in the order of their
// prefixes: rows locked in one order cannot deadlock with another
// transaction's.
func (ch *keptCheck) args() []any {
	slices.SortFunc(ch.counters, func(a, b keptUse) int { return strings.Compare(a.prefix, b.prefix) })
	prefixes, old, last := make([]string, len(ch.counters)), make([]int, len(ch.counters)), make([]int, len(ch.counters))
	for i, u := range ch.counters {
		prefixes[i], old[i], last[i] = u.prefix, u.old, u.last
	}
	var dir *int64
	if ch.directory != 0 {
		dir = &ch.directory
	}
	return []any{dir, prefixes, old, last}
}

// checkFor returns the check the connection sends ahead of its next
// statement, started if none is pending.
func (c *pgTxConn) checkFor() *keptCheck {
	if c.check == nil {
		c.check = &keptCheck{}
	}
	return c.check
}

// queue queues what must precede the transaction's next statement: BEGIN
// unless it was sent, and the pending check; it returns how many
// statements it queued.
func (c *pgTxConn) queue(b *pgx.Batch) int {
	n := 0
	if !c.begun {
		c.begun = true
		b.Queue("BEGIN")
		n++
	}
	if ch := c.check; ch != nil {
		c.check = nil
		b.Queue(checkKeptSQL, ch.args()...)
		n++
	}
	return n
}

// queued reads the results of n statements queue queued.
func (c *pgTxConn) queued(br pgx.BatchResults, n int) error {
	for range n {
		if _, err := br.Exec(); err != nil {
			return c.failed(err)
		}
	}
	return nil
}

// failed notes a failed check_kept and returns err.
func (c *pgTxConn) failed(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "PF001":
			c.stale |= staleDirectory
		case "PF002":
			c.stale |= staleNumbers
		}
	}
	return err
}

// keptDirectory answers the directory from what was kept, if it may and
// some was, and has the version checked.
func (t *tx) keptDirectory() bool {
	if !t.rerun {
		return false
	}
	d := t.kept.directory()
	if d == nil {
		return false
	}
	t.parks, t.leads, t.banks = d.parks, d.leads, d.banks
	t.conn.checkFor().directory = d.version
	t.dirVersion = d.version
	return true
}

// keptNumbers takes the numbers from the counters kept, if it may and they
// are, and has them checked and moved on.
func (t *tx) keptNumbers(counts map[string]int) (map[string]int, bool) {
	if !t.rerun {
		return nil, false
	}
	last, old, ok := t.kept.take(counts)
	if !ok {
		return nil, false
	}
	ch := t.conn.checkFor()
	for p := range counts {
		t.claimed = append(t.claimed, p)
		ch.counters = append(ch.counters, keptUse{prefix: p, old: old[p], last: last[p]})
	}
	t.tookNumbers(last)
	return last, true
}

// tookNumbers notes the last numbers the transaction took, kept when it
// commits.
func (t *tx) tookNumbers(last map[string]int) {
	if t.kept == nil {
		return
	}
	if t.numbers == nil {
		t.numbers = make(map[string]int, len(last))
	}
	for p, n := range last {
		t.numbers[p] = n
	}
}

// KeptDirectory returns the directory kept, as it was read at its version
// (engine.DirectoryKeeper), for openings prepared ahead of their
// transaction; ok is false on SQLite and before any was kept.
func (s *Store) KeptDirectory() (engine.Directory, int64, bool) {
	if s.kept == nil {
		return nil, 0, false
	}
	d := s.kept.directory()
	if d == nil {
		return nil, 0, false
	}
	return keptView{d}, d.version, true
}

// PinDirectory reports whether the transaction works at the directory
// version (engine.DirectoryPinner): the version it read, or, when it read
// none yet, the version of the directory kept, which it then takes and
// has checked at the commit (keptDirectory).
func (t *tx) PinDirectory(version int64) bool {
	if t.conn == nil {
		return false
	}
	if t.dirVersion == 0 && !t.keptDirectory() {
		return false
	}
	return t.dirVersion == version
}

// keptView answers the directory's lookups from what was kept, and only
// from it: anything else fails with engine.ErrNotKept.
type keptView struct{ d *keptDirectory }

var _ engine.Directory = keptView{}

func (v keptView) Park(_ context.Context, code string) (*engine.Park, error) {
	p, ok := v.d.parks[code]
	if !ok {
		return nil, engine.ErrNotKept
	}
	return &p, nil
}

func (v keptView) LeadBank(_ context.Context, park string, year int) (*engine.Pairing, error) {
	p, ok := v.d.leads[leadKey{park, year}]
	if !ok {
		return nil, engine.ErrNotKept
	}
	return &p, nil
}

func (v keptView) Bank(_ context.Context, code string) (*engine.Bank, error) {
	b, ok := v.d.banks[code]
	if !ok {
		return nil, engine.ErrNotKept
	}
	return &b, nil
}

func (keptView) County(context.Context, string) (*engine.County, error) {
	return nil, engine.ErrNotKept
}

func (keptView) Organisation(context.Context, string) (*engine.Organisation, error) {
	return nil, engine.ErrNotKept
}

func (keptView) User(context.Context, string) (*engine.User, error) { return nil, engine.ErrNotKept }
