package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/redistimer"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/demo"
	"github.com/parkfin/parkfin/internal/logsink"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// TestMain lets the test binary act as the parkfin command, so that the
// timer proofs run real worker processes (and kill them) without a
// separate build.
func TestMain(m *testing.M) {
	if os.Getenv("PARKFIN_TEST_RUN_CLI") == "1" {
		// PARKFIN_TEST_CPUPROFILE profiles the command (a benchmark's
		// serve process) into that file until it exits.
		if path := os.Getenv("PARKFIN_TEST_CPUPROFILE"); path != "" {
			if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
		// PARKFIN_TEST_TRACE writes an execution trace of four seconds
		// (go tool trace) into that file, PARKFIN_TEST_TRACE_AFTER (a
		// duration) after the command started: where a benchmark's
		// serve waits, on the network, a lock or the scheduler.
		if path := os.Getenv("PARKFIN_TEST_TRACE"); path != "" {
			go func() {
				d, _ := time.ParseDuration(os.Getenv("PARKFIN_TEST_TRACE_AFTER"))
				time.Sleep(d)
				f, err := os.Create(path)
				if err != nil || trace.Start(f) != nil {
					return
				}
				time.Sleep(4 * time.Second)
				trace.Stop()
				f.Close()
			}()
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := Execute(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
		stop()
		pprof.StopCPUProfile()
		// PARKFIN_TEST_MEMPROFILE writes the command's allocations
		// (pprof's allocs profile) into that file when it exits.
		if path := os.Getenv("PARKFIN_TEST_MEMPROFILE"); path != "" {
			if f, err := os.Create(path); err == nil {
				_ = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}
		os.Exit(code)
	}
	code := m.Run()
	testsvc.StopRedisCluster()
	os.Exit(code)
}

// proofRedisDB is this package's own Redis database (see testsvc.RedisDB).
const proofRedisDB = 12

// proof is a PostgreSQL schema with the demo data, a Redis timer index under
// a prefix of its own, and an engine opening cases with the wall clock.
type proof struct {
	t        *testing.T
	ctx      context.Context
	dbURL    string
	redisURL string
	prefix   string
	client   redis.UniversalClient
	store    *sqlstore.Store
	cal      *calendar.Calendar
	index    *redistimer.Index
	engine   *engine.Engine
}

func MustProof(t *testing.T) *proof {
	t.Helper()
	client := testsvc.RedisDB(t, proofRedisDB)
	url := fmt.Sprintf("%s/%d", strings.TrimSuffix(testsvc.Env("PARKFIN_TEST_REDIS_URL", "redis://127.0.0.1:6379"), "/"), proofRedisDB)
	return mustProofOn(t, client, url)
}

// MustProofOnCluster is MustProof with the timer index on a real Redis
// Cluster of three primaries.
func MustProofOnCluster(t *testing.T) *proof {
	t.Helper()
	rc := testsvc.StartRedisCluster(t)
	return mustProofOn(t, rc.Client(t), rc.URL)
}

func mustProofOn(t *testing.T, client redis.UniversalClient, redisURL string) *proof {
	t.Helper()
	ctx := context.Background()
	p := &proof{t: t, ctx: ctx, dbURL: testsvc.PostgresURL(t), client: client, redisURL: redisURL}
	p.prefix = testsvc.RedisPrefix(t, p.client)
	var err error
	if p.store, err = sqlstore.Open(ctx, p.dbURL, sqlstore.Options{MaxOpenConns: 32, LedgerKeys: testsvc.LedgerKeys()}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.store.Close() })
	if _, err := p.store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, p.store, time.Now()); err != nil {
		t.Fatal(err)
	}
	if p.cal, err = calendar.LoadDefault(); err != nil {
		t.Fatal(err)
	}
	p.index = redistimer.New(p.client, redistimer.Options{Prefix: p.prefix})
	p.engine = p.newEngine(engine.SystemClock{}, p.index)
	return p
}

func (p *proof) newEngine(clock engine.Clock, index engine.TimerIndex) *engine.Engine {
	e := engine.New(engine.Config{Store: p.store, Clock: clock, Calendar: p.cal, Index: index})
	e.Register(financing.Definition(financing.Config{}))
	return e
}

// backdated is a receipt time whose 5-working-day limit has passed
// whatever the holidays: three weeks ago.
func backdated() time.Time { return time.Now().Add(-21 * 24 * time.Hour) }

// openCases opens n cases at the GXQ window through e, received and handed
// to the bank at the given instant (paper records), eight at a time.
func (p *proof) openCases(e *engine.Engine, n int, received time.Time) []*engine.Case {
	p.t.Helper()
	check, _ := uscc.CheckChar("91430900MA4L00009")
	in := financing.OpenInput{Park: "GXQ", Enterprise: financing.Enterprise{Name: "测试企业", USCC: "91430900MA4L00009" + string(check)}, Need: "流动资金贷款"}
	raw, _ := json.Marshal(in)
	actor := engine.Actor{User: "window-GXQ", Role: engine.RoleWindow, Org: "GXQ"}
	cases := make([]*engine.Case, n)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			c, err := e.Open(p.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: actor, Payload: raw, ReceivedAt: received, RoutedAt: received})
			if err != nil {
				errs <- err
				return
			}
			cases[i] = c
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		p.t.Fatalf("open: %v", err)
	}
	return cases
}

// count runs a counting query.
func (p *proof) count(q string, args ...any) int {
	p.t.Helper()
	if strings.Contains(q, "ledger") {
		// On PostgreSQL the moves committed last may wait for their
		// sealer: seal them, so that the count is of every move.
		if _, err := p.store.Seal(p.ctx); err != nil {
			p.t.Fatalf("seal: %v", err)
		}
	}
	var n int
	if err := p.store.DB().Raw(q, args...).Scan(&n).Error; err != nil {
		p.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// waitUntil polls cond until it holds or the timeout passes.
func (p *proof) waitUntil(what string, timeout time.Duration, cond func() bool) {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			p.t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// pending counts timer rows still pending.
func (p *proof) pending() int {
	// The financing cases the proof opened: the workers' schedules open
	// duties of their own (a half-year's park visits), due months ahead.
	return p.count("SELECT count(*) FROM timers WHERE status = 'pending' AND case_id IN (SELECT id FROM cases WHERE workflow = 'financing')")
}

// mustFireOnce checks every case's ledger holds exactly one remind and one
// breach entry, in that order, that every case is red (past due, still with
// its bank: lateness is supervised, not escalated), and that no timer is
// left pending.
func (p *proof) mustFireOnce(n int) {
	p.t.Helper()
	for _, ev := range []string{"remind", "breach"} {
		if got := p.count("SELECT count(DISTINCT case_id) FROM ledger WHERE event = ?", ev); got != n {
			p.t.Fatalf("%d cases have a %s entry, want %d", got, ev, n)
		}
	}
	if bad := p.count(`SELECT count(*) FROM ledger b JOIN ledger r ON r.case_id = b.case_id
		WHERE b.event = 'breach' AND r.event = 'remind' AND r.seq > b.seq`); bad != 0 {
		p.t.Fatalf("%d cases breached before their reminder", bad)
	}
	if dup := p.count("SELECT count(*) FROM (SELECT case_id FROM ledger WHERE event IN ('breach', 'remind') GROUP BY case_id, event HAVING count(*) > 1) d"); dup != 0 {
		p.t.Fatalf("%d cases have a timer event twice", dup)
	}
	if got := p.count("SELECT count(*) FROM cases WHERE state = 'routed' AND past_due AND overdue"); got != n {
		p.t.Fatalf("%d cases past due with their bank, want %d", got, n)
	}
	if left := p.pending(); left != 0 {
		p.t.Fatalf("%d timers still pending", left)
	}
	r, err := p.store.VerifyLedger(p.ctx)
	if err != nil || !r.OK() || r.Walked {
		p.t.Fatalf("ledger: %s %v (walked: %v)", r, err, r.Walked)
	}
}

// worker is a `parkfin worker` process.
type worker struct {
	cmd  *exec.Cmd
	out  *logsink.Buffer
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done
}

// startWorker runs `parkfin worker` against the proof's database and Redis.
func (p *proof) startWorker(env ...string) *worker {
	p.t.Helper()
	cmd := exec.Command(os.Args[0], "worker")
	cmd.Env = append(os.Environ(),
		"PARKFIN_TEST_RUN_CLI=1",
		"PARKFIN_DATABASE_URL="+p.dbURL,
		"PARKFIN_REDIS_URL="+p.redisURL,
		"PARKFIN_REDIS_PREFIX="+p.prefix,
		"PARKFIN_DATA_DIR="+p.t.TempDir(),
		testsvc.LedgerKeyEnv(),
		"PARKFIN_DEMO=false",
		"PARKFIN_WORKER_POLL=50ms",
		"PARKFIN_WORKER_LEASE=2s",
	)
	cmd.Env = append(cmd.Env, env...)
	w := &worker{cmd: cmd, out: &logsink.Buffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = w.out, w.out
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	go func() { w.err = cmd.Wait(); close(w.done) }()
	p.t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-w.done
		if p.t.Failed() {
			p.t.Logf("worker %d output:\n%s", cmd.Process.Pid, w.out)
		}
	})
	return w
}

// claimed counts the timers currently leased to some worker.
func (p *proof) claimed() int64 {
	n, err := p.client.ZCard(p.ctx, "{"+p.prefix+"}:timers:claimed").Result()
	if err != nil {
		p.t.Fatal(err)
	}
	return n
}
