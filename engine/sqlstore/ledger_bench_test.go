package sqlstore_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine/ledger"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// BenchmarkVerifyLedger verifies a ledger of PARKFIN_LEDGER_BENCH_ENTRIES
// entries (default 10,000,000; ten per case, cases interleaved a thousand at
// a time as at a busy window) on each database, and reports entries per
// second, entries per CPU-second and the verifier's peak heap (sampled),
// which must not grow with the ledger. PARKFIN_BENCH=1 runs it; building
// 10,000,000 entries takes minutes (make bench-ledger).
func BenchmarkVerifyLedger(b *testing.B) {
	if os.Getenv("PARKFIN_BENCH") != "1" {
		b.Skip("set PARKFIN_BENCH=1 to build and verify a ledger of millions of entries")
	}
	n := 10_000_000
	if v := os.Getenv("PARKFIN_LEDGER_BENCH_ENTRIES"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	for _, db := range testsvc.Databases() {
		b.Run(db.Name, func(b *testing.B) {
			ctx := context.Background()
			url := db.URL(b)
			if db.Name == "postgres" {
				// Names the benchmark's backends, whose CPU time counts.
				url += "&application_name=parkfin_ledger_bench"
			}
			s, err := sqlstore.Open(ctx, url, sqlstore.Options{LedgerKeys: testsvc.LedgerKeys()})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			fillLedger(b, s, n)
			b.Logf("built %d entries in %v", n, time.Since(t0).Round(time.Second))
			if s.Dialect() == sqlstore.Postgres {
				if err := s.DB().Exec("VACUUM ANALYZE ledger").Error; err != nil {
					b.Fatal(err)
				}
				if err := s.DB().Exec("VACUUM ANALYZE cases").Error; err != nil {
					b.Fatal(err)
				}
			}
			if os.Getenv("PARKFIN_LEDGER_BENCH_EXPLAIN") == "1" && s.Dialect() == sqlstore.Postgres {
				for _, q := range []string{"SELECT * FROM ledger ORDER BY seq",
					`SELECT case_id, seq, prev_hash, hash, to_state, workflow, number, case_version, key_id FROM ledger ORDER BY case_id COLLATE "C", case_version, seq`,
					`SELECT id, workflow, number, state, version, ledger_head, ledger_len FROM cases ORDER BY id COLLATE "C"`} {
					var plan []string
					if err := s.DB().Raw("EXPLAIN (ANALYZE, BUFFERS) " + q).Scan(&plan).Error; err != nil {
						b.Fatal(err)
					}
					b.Logf("%s\n%s", q, strings.Join(plan, "\n"))
				}
			}
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			var peak atomic.Uint64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			// The verification's backends come and go with it: their CPU
			// time is sampled while it runs, as the heap is.
			cpu := newBenchCPU(b, s)
			wg.Add(1)
			go func() {
				defer wg.Done()
				var m runtime.MemStats
				for {
					select {
					case <-stop:
						return
					case <-time.After(50 * time.Millisecond):
					}
					runtime.ReadMemStats(&m)
					if m.HeapInuse > peak.Load() {
						peak.Store(m.HeapInuse)
					}
					cpu.sample()
				}
			}()
			if path := os.Getenv("PARKFIN_LEDGER_BENCH_CPUPROFILE"); path != "" {
				// The verification's profile alone, without the build's.
				f, err := os.Create(path + "." + db.Name)
				if err != nil {
					b.Fatal(err)
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					b.Fatal(err)
				}
				defer pprof.StopCPUProfile()
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r, err := s.VerifyLedger(ctx)
				if err != nil || !r.OK() || r.Entries != n {
					b.Fatalf("%s %v", r, err)
				}
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
			spent := cpu.spent()
			b.ReportMetric(float64(n*b.N)/spent.Seconds(), "entries/cpu-s")
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "entries/s")
			b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapInuse))/(1<<20), "peak-heap-MB")
		})
	}
}

// benchCPU measures the CPU time the verification spends: this process's
// and, on PostgreSQL, that of the benchmark's backends (application name
// parkfin_ledger_bench), sampled while it runs, since the verification
// opens connections of its own and closes them when done (a backend's last
// moments before a sample is taken are lost: at most the sampling
// interval). Unlike the wall clock it does not depend on what else loads
// the machine.
type benchCPU struct {
	b       *testing.B
	s       *sqlstore.Store
	goStart time.Duration
	mu      sync.Mutex
	start   map[int]time.Duration // the backends' CPU when first seen before the verification
	last    map[int]time.Duration // the last CPU seen of each backend
	query   map[int]string
}

func newBenchCPU(b *testing.B, s *sqlstore.Store) *benchCPU {
	c := &benchCPU{b: b, s: s, goStart: processCPU(b), start: map[int]time.Duration{}, last: map[int]time.Duration{}, query: map[int]string{}}
	c.sample()
	for pid, d := range c.last {
		c.start[pid] = d
	}
	return c
}

// sample reads the CPU time of every backend of the benchmark now.
func (c *benchCPU) sample() {
	if c.s.Dialect() != sqlstore.Postgres {
		return
	}
	var backends []struct {
		Pid   int
		Query string
	}
	if err := c.s.DB().Raw("SELECT pid, query FROM pg_stat_activity WHERE application_name = 'parkfin_ledger_bench'").Scan(&backends).Error; err != nil {
		c.b.Error(err)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, be := range backends {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", be.Pid))
		if err != nil {
			continue
		}
		f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		c.last[be.Pid] = time.Duration(ut+st) * (time.Second / 100)
		if q := strings.Join(strings.Fields(be.Query), " "); !strings.HasPrefix(q, "SELECT pid, query FROM pg_stat_activity") {
			c.query[be.Pid] = q
		}
	}
}

// spent logs the split and returns the CPU time spent since the start.
func (c *benchCPU) spent() time.Duration {
	c.sample()
	c.mu.Lock()
	defer c.mu.Unlock()
	goCPU := processCPU(c.b) - c.goStart
	c.b.Logf("CPU %v: go", goCPU.Round(time.Millisecond))
	total := goCPU
	for pid, d := range c.last {
		if d -= c.start[pid]; d > 0 {
			total += d
			c.b.Logf("CPU %v: backend %d: %.70s", d.Round(time.Millisecond), pid, c.query[pid])
		}
	}
	return total
}

// processCPU is this process's CPU time so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchBlock is what fillLedger builds at a time: 10,000 entries over
// 1,000 cases of its own, interleaved as at a busy window.
type benchBlock struct {
	entries []ledger.Entry
	cases   []benchCase
	done    chan struct{}
}

type benchCase struct {
	id, number, state, head string
	version                 int
}

// fillLedger writes n authenticated entries and their cases straight into
// the database, as the engine would have, in blocks of 10,000 entries over
// 1,000 cases. Blocks are built (entries and content hashes) by one
// goroutine per core, linked and authenticated in order by one, and written
// by two (COPY on PostgreSQL).
func fillLedger(b *testing.B, s *sqlstore.Store, n int) {
	ctx := context.Background()
	const block, perCase = 10_000, 10
	// PostgreSQL: the ledger's secondary indexes are built after the load,
	// as their migrations define them: far faster than entry by entry.
	var indexes []struct{ Indexname, Indexdef string }
	if s.Dialect() == sqlstore.Postgres {
		if err := s.DB().Raw(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
			AND tablename = 'ledger' AND indexname <> 'ledger_pkey'`).Scan(&indexes).Error; err != nil {
			b.Fatal(err)
		}
		for _, ix := range indexes {
			if err := s.DB().Exec("DROP INDEX " + ix.Indexname).Error; err != nil {
				b.Fatal(err)
			}
		}
	}
	nblocks := (n + block - 1) / block
	blocks := make([]*benchBlock, nblocks)
	for i := range blocks {
		blocks[i] = &benchBlock{done: make(chan struct{})}
	}
	var next atomic.Int64
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		go func() {
			for {
				k := int(next.Add(1) - 1)
				if k >= nblocks {
					return
				}
				buildBlock(blocks[k], k*block, min(block, n-k*block), perCase)
				close(blocks[k].done)
			}
		}()
	}
	// Link and authenticate in seq order; hand blocks to the writers.
	linked := make(chan *benchBlock, 4)
	var (
		seq   int64
		chain string
	)
	go func() {
		defer close(linked)
		ch := testsvc.LedgerKeys().Chainer()
		for _, bl := range blocks {
			<-bl.done
			for i := range bl.entries {
				seq++
				ch.Link(&bl.entries[i], seq, chain)
				chain = bl.entries[i].ChainHash
			}
			linked <- bl
		}
	}()
	errs := make(chan error, 2)
	for w := 0; w < 2; w++ {
		go func() {
			var err error
			for bl := range linked {
				if err == nil {
					err = writeBlock(ctx, s, bl)
				}
				bl.entries, bl.cases = nil, nil
			}
			errs <- err
		}()
	}
	for w := 0; w < 2; w++ {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	if err := s.DB().WithContext(ctx).Exec("UPDATE ledger_chain SET seq = ?, chain_hash = ? WHERE id = 1", seq, chain).Error; err != nil {
		b.Fatal(err)
	}
	for _, ix := range indexes {
		err := s.DB().Connection(func(db *gorm.DB) error {
			if err := db.Exec("SET maintenance_work_mem = '1GB'").Error; err != nil {
				return err
			}
			return db.Exec(ix.Indexdef).Error
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// buildBlock makes the entries start to start+size (their content hashes,
// the per-case chain) and their cases.
func buildBlock(bl *benchBlock, start, size, perCase int) {
	at := time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)
	ncases := (size + perCase - 1) / perCase
	bl.cases = make([]benchCase, ncases)
	for i := range bl.cases {
		bl.cases[i] = benchCase{id: fmt.Sprintf("00000000-0000-7000-8000-%012d", start/perCase+i), number: fmt.Sprintf("BENCH%07d", start/perCase+i)}
	}
	bl.entries = make([]ledger.Entry, size)
	for i := range bl.entries {
		c := &bl.cases[i%ncases]
		c.version++
		to := []string{"routed", "accepted", "info_requested", "supplied", "answered"}[c.version%5]
		e := &bl.entries[i]
		*e = ledger.Entry{CaseID: c.id, Workflow: "financing", Number: c.number, Version: c.version,
			At: at.Add(time.Duration(start+i) * time.Millisecond), ActorUser: "bank-ICBC", ActorRole: "bank", ActorOrg: "ICBC",
			Event: "request_info", From: c.state, To: to, Payload: []byte(`{"question":"请补充近三个月的财务报表"}`), PrevHash: c.head}
		e.Hash = e.ContentHash()
		c.state, c.head = to, e.Hash
	}
}

var (
	ledgerBenchCols = []string{"seq", "case_id", "workflow", "number", "case_version", "at", "actor_user", "actor_role", "actor_org",
		"event", "from_state", "to_state", "payload", "prev_hash", "hash", "chain_hash", "key_id", "mac"}
	casesBenchCols = []string{"id", "number", "workflow", "state", "version", "title", "data", "received_at", "routed_at",
		"created_at", "updated_at", "ledger_head", "ledger_len"}
)

// writeBlock writes a block's entries and cases: COPY in text form on
// PostgreSQL, multi-row INSERTs on SQLite.
func writeBlock(ctx context.Context, s *sqlstore.Store, bl *benchBlock) error {
	const at = "2026-01-05 01:00:00Z"
	if s.Dialect() != sqlstore.Postgres {
		rows := make([][]any, 0, len(bl.entries))
		for _, e := range bl.entries {
			rows = append(rows, []any{e.Seq, e.CaseID, e.Workflow, e.Number, e.Version, e.At, e.ActorUser, e.ActorRole, e.ActorOrg,
				e.Event, e.From, e.To, string(e.Payload), e.PrevHash, e.Hash, e.ChainHash, e.KeyID, e.MAC})
		}
		if err := insertRows(s, "ledger", ledgerBenchCols, rows); err != nil {
			return err
		}
		rows = rows[:0]
		t := time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)
		for _, c := range bl.cases {
			rows = append(rows, []any{c.id, c.number, "financing", c.state, c.version, "企业", "{}", t, t, t, t, c.head, c.version})
		}
		return insertRows(s, "cases", casesBenchCols, rows)
	}
	var buf bytes.Buffer
	for _, e := range bl.entries {
		buf.WriteString(strconv.FormatInt(e.Seq, 10))
		for _, f := range []string{e.CaseID, e.Workflow, e.Number, strconv.Itoa(e.Version), e.At.Format("2006-01-02 15:04:05.000000Z07:00"),
			e.ActorUser, e.ActorRole, e.ActorOrg, e.Event, e.From, e.To, string(e.Payload), e.PrevHash, e.Hash, e.ChainHash, e.KeyID, e.MAC} {
			buf.WriteByte('\t')
			copyText(&buf, f)
		}
		buf.WriteByte('\n')
	}
	if err := copyIn(ctx, s, "ledger", ledgerBenchCols, &buf); err != nil {
		return err
	}
	buf.Reset()
	for _, c := range bl.cases {
		for i, f := range []string{c.id, c.number, "financing", c.state, strconv.Itoa(c.version), "企业", "{}", at, at, at, at, c.head, strconv.Itoa(c.version)} {
			if i > 0 {
				buf.WriteByte('\t')
			}
			copyText(&buf, f)
		}
		buf.WriteByte('\n')
	}
	return copyIn(ctx, s, "cases", casesBenchCols, &buf)
}

// copyText writes v escaped for COPY's text format.
func copyText(buf *bytes.Buffer, v string) {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\':
			buf.WriteString(`\\`)
		case '\t':
			buf.WriteString(`\t`)
		case '\n':
			buf.WriteString(`\n`)
		case '\r':
			buf.WriteString(`\r`)
		default:
			buf.WriteByte(c)
		}
	}
}

// copyIn runs COPY table (cols) FROM STDIN with data on a connection of
// the store's pool.
func copyIn(ctx context.Context, s *sqlstore.Store, table string, cols []string, data *bytes.Buffer) error {
	sqlDB, err := s.DB().DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().PgConn().CopyFrom(ctx, data, "COPY "+table+" ("+strings.Join(cols, ", ")+") FROM STDIN")
		return err
	})
}

// insertRows writes rows into table in multi-row INSERTs (SQLite).
func insertRows(s *sqlstore.Store, table string, cols []string, rows [][]any) error {
	return s.DB().Transaction(func(tx *gorm.DB) error {
		const per = 500
		for i := 0; i < len(rows); i += per {
			part := rows[i:min(i+per, len(rows))]
			var q strings.Builder
			q.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
			args := make([]any, 0, len(part)*len(cols))
			for j, r := range part {
				if j > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")")
				args = append(args, r...)
			}
			if err := tx.Exec(q.String(), args...).Error; err != nil {
				return err
			}
		}
		return nil
	})
}
