package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine/ledger"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// BenchmarkVerifyLedger verifies a ledger of PARKFIN_LEDGER_BENCH_ENTRIES
// entries (default 10,000,000; ten per case, cases interleaved a thousand at
// a time as at a busy window) on each database, and reports entries per
// second and the verifier's peak heap, which must not grow with the ledger.
// PARKFIN_BENCH=1 runs it; building the ledger takes minutes.
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
			phase := func(name string, fn func() error) {
				t0 := time.Now()
				if err := fn(); err != nil {
					b.Fatal(err)
				}
				b.Logf("%s: %v", name, time.Since(t0).Round(time.Millisecond))
			}
			phase("scan by seq", func() error {
				return s.ScanLedger(ctx, func(*ledger.Entry) error { return nil })
			})
			phase("scan by case", func() error {
				return s.ScanCaseChains(ctx, func(*ledger.CaseRow, *ledger.Link) error { return nil })
			})
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			var peak atomic.Uint64
			stop := make(chan struct{})
			var wg sync.WaitGroup
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
				}
			}()
			cpuBefore := benchCPU(b, s)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r, err := s.VerifyLedger(ctx)
				if err != nil || !r.OK() || r.Entries != n {
					b.Fatalf("%s %v", r, err)
				}
			}
			b.StopTimer()
			cpu := benchCPU(b, s) - cpuBefore
			b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "entries/cpu-s")
			close(stop)
			wg.Wait()
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "entries/s")
			b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapInuse))/(1<<20), "peak-heap-MB")
		})
	}
}

// benchCPU returns the CPU time used so far by this process and, on
// PostgreSQL, by the benchmark's backends: a figure that, unlike the wall
// clock, does not depend on what else loads the machine.
func benchCPU(b *testing.B, s *sqlstore.Store) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	total := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	if s.Dialect() != sqlstore.Postgres {
		return total
	}
	var pids []int
	if err := s.DB().Raw("SELECT pid FROM pg_stat_activity WHERE application_name = 'parkfin_ledger_bench'").Scan(&pids).Error; err != nil {
		b.Fatal(err)
	}
	for _, pid := range pids {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(ut+st) * (time.Second / 100)
	}
	return total
}

// fillLedger writes n authenticated entries and their cases straight into
// the database, as the engine would have, in blocks of 10,000 entries over
// 1,000 cases.
func fillLedger(b *testing.B, s *sqlstore.Store, n int) {
	ctx := context.Background()
	kr := testsvc.LedgerKeys()
	ch := kr.Chainer()
	const block, perCase = 10_000, 10
	at := time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)
	var (
		seq   int64
		chain string
		rows  = make([][]any, 0, block)
		cases = make([][]any, 0, block/perCase)
	)
	for start := 0; start < n; start += block {
		size := min(block, n-start)
		ncases := (size + perCase - 1) / perCase
		type cs struct {
			id, number, state, head string
			version                 int
		}
		bc := make([]cs, ncases)
		for i := range bc {
			bc[i] = cs{id: fmt.Sprintf("00000000-0000-7000-8000-%012d", start/perCase+i), number: fmt.Sprintf("BENCH%07d", start/perCase+i)}
		}
		rows = rows[:0]
		for i := 0; i < size; i++ {
			c := &bc[i%ncases]
			c.version++
			to := []string{"routed", "accepted", "info_requested", "supplied", "answered"}[c.version%5]
			e := ledger.Entry{CaseID: c.id, Workflow: "financing", Number: c.number, Version: c.version,
				At: at.Add(time.Duration(seq) * time.Millisecond), ActorUser: "bank-ICBC", ActorRole: "bank", ActorOrg: "ICBC",
				Event: "request_info", From: c.state, To: to, Payload: []byte(`{"question":"请补充近三个月的财务报表"}`), PrevHash: c.head}
			e.Hash = e.ContentHash()
			seq++
			ch.Link(&e, seq, chain)
			chain = e.ChainHash
			c.state, c.head = to, e.Hash
			rows = append(rows, []any{e.Seq, e.CaseID, e.Workflow, e.Number, e.Version, e.At, e.ActorUser, e.ActorRole, e.ActorOrg,
				e.Event, e.From, e.To, string(e.Payload), e.PrevHash, e.Hash, e.ChainHash, e.KeyID, e.MAC})
		}
		cases = cases[:0]
		for _, c := range bc {
			cases = append(cases, []any{c.id, c.number, "financing", c.state, c.version, "企业", "{}", at, at, at, at, c.head, c.version})
		}
		insertRows(b, s, "ledger", []string{"seq", "case_id", "workflow", "number", "case_version", "at", "actor_user", "actor_role", "actor_org",
			"event", "from_state", "to_state", "payload", "prev_hash", "hash", "chain_hash", "key_id", "mac"}, rows)
		insertRows(b, s, "cases", []string{"id", "number", "workflow", "state", "version", "title", "data", "received_at", "routed_at",
			"created_at", "updated_at", "ledger_head", "ledger_len"}, cases)
	}
	if err := s.DB().WithContext(ctx).Exec("UPDATE ledger_chain SET seq = ?, chain_hash = ? WHERE id = 1", seq, chain).Error; err != nil {
		b.Fatal(err)
	}
}

// insertRows writes rows into table: with COPY on PostgreSQL, in
// multi-row INSERTs on SQLite.
func insertRows(b *testing.B, s *sqlstore.Store, table string, cols []string, rows [][]any) {
	ctx := context.Background()
	sqlDB, err := s.DB().DB()
	if err != nil {
		b.Fatal(err)
	}
	if s.Dialect() == sqlstore.Postgres {
		conn, err := sqlDB.Conn(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		err = conn.Raw(func(dc any) error {
			_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		return
	}
	err = s.DB().Transaction(func(tx *gorm.DB) error {
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
	if err != nil {
		b.Fatal(err)
	}
}
