package main

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/redistimer"
	"github.com/parkfin/parkfin/internal/logsink"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
)

// The timer proofs of architecture promise 2, against real PostgreSQL,
// real Redis and real worker processes.

// Proof 1: Redis loses everything with 1,000 timers pending; after
// reconciliation every one fires, once.
func TestProofRedisLosesEverything(t *testing.T) {
	p := MustProof(t)
	p.openCases(p.engine, 500, backdated()) // a reminder and a breach each
	if n, _ := p.index.IDs(p.ctx); len(n) != 1000 {
		t.Fatalf("%d timers in the index, want 1000", len(n))
	}
	if err := p.client.FlushDB(p.ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if n, _ := p.index.IDs(p.ctx); len(n) != 0 {
		t.Fatalf("index not empty after FLUSHDB: %d", len(n))
	}
	p.startWorker()
	p.waitUntil("every timer to fire", 60*time.Second, func() bool { return p.pending() == 0 })
	p.mustFireOnce(500)
}

// Proof 2: a worker killed with SIGKILL while it holds claimed timers; they
// fire after its lease expires, once.
func TestProofWorkerKilled(t *testing.T) {
	p := MustProof(t)
	p.openCases(p.engine, 50, backdated())
	// Hold every case locked so the worker's transactions block while it
	// holds its claims.
	tx := p.store.DB().Begin()
	if err := tx.Exec("SELECT id FROM cases FOR UPDATE").Error; err != nil {
		t.Fatal(err)
	}
	first := p.startWorker()
	p.waitUntil("the worker to claim timers", 20*time.Second, func() bool { return p.claimed() > 0 })
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-first.done
	held := p.claimed()
	if err := tx.Rollback().Error; err != nil {
		t.Fatal(err)
	}
	if held == 0 {
		t.Fatal("the killed worker held no claims")
	}
	killedAt := time.Now()
	p.startWorker()
	p.waitUntil("the killed worker's timers to fire", 60*time.Second, func() bool { return p.pending() == 0 })
	if waited := time.Since(killedAt); waited < time.Second {
		t.Fatalf("claimed timers fired %v after the kill, before the 2s lease could expire", waited)
	}
	p.mustFireOnce(50)
}

// Proof 3: three worker processes and 5,000 cases whose timers fall due at
// the same instant: every case's ledger holds exactly one breach entry.
func TestProofThreeWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("5,000 cases: not in -short")
	}
	proofThreeWorkers(t, MustProof(t))
}

// Proof 3 again with the index on a real Redis Cluster of three primaries
// (redis-server in cluster mode on loopback ports): the claim scripts keep
// to one hash tag, so three workers on a cluster still fire each timer once.
func TestProofThreeWorkersOnCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("5,000 cases: not in -short")
	}
	proofThreeWorkers(t, MustProofOnCluster(t))
}

func proofThreeWorkers(t *testing.T, p *proof) {
	received := backdated()
	p.openCases(p.engine, 5000, received)
	if got := p.count("SELECT count(DISTINCT due_at) FROM timers WHERE name = ?", financing.TimerLimit); got != 1 {
		t.Fatalf("breach timers fall due at %d instants, want 1", got)
	}
	for i := 0; i < 3; i++ {
		p.startWorker()
	}
	p.waitUntil("10,000 timers to fire", 3*time.Minute, func() bool { return p.pending() == 0 })
	p.mustFireOnce(5000)
}

// Proof 4: the bank's signing and the breach race on the same case, 1,000
// times, with two workers firing the breaches: each case has exactly one
// breach and one signing, the breach always first (a bank acting past its
// limit lets the limit have its say first), and every case ends red with
// its bank.
func TestProofSigningRacesBreach(t *testing.T) {
	p := MustProof(t)
	cases := p.openCases(p.engine, 1000, backdated())
	// Fire the reminders first, so that the workers race the signings with
	// the breaches alone.
	var reminders []string
	if err := p.store.DB().Raw("SELECT id FROM timers WHERE name = ?", financing.TimerReminder).Scan(&reminders).Error; err != nil {
		t.Fatal(err)
	}
	for _, id := range reminders {
		if _, err := p.engine.FireTimer(p.ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(p.ctx)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		w := engine.NewWorker(p.engine, p.index, engine.WorkerConfig{Poll: 10 * time.Millisecond, Batch: 32})
		wg.Add(1)
		go func() { defer wg.Done(); _ = w.Run(ctx) }()
	}
	bank := engine.Actor{User: "bank-ICBC", Role: engine.RoleBank, Org: "ICBC"}
	sem := make(chan struct{}, 16)
	var signWG sync.WaitGroup
	for _, c := range cases {
		signWG.Add(1)
		sem <- struct{}{}
		go func(id string) {
			defer func() { <-sem; signWG.Done() }()
			for {
				_, err := p.engine.Fire(p.ctx, engine.FireRequest{CaseID: id, Event: financing.Accept, Actor: bank})
				if engine.ErrorCode(err) == engine.ECONFLICT {
					continue // a worker's breach won this round; sign again
				}
				if err != nil {
					t.Errorf("accept: %v", err)
				}
				return
			}
		}(c.ID)
	}
	signWG.Wait()
	p.waitUntil("the timers to settle", 60*time.Second, func() bool { return p.pending() == 0 })
	cancel()
	wg.Wait()
	if got := p.count("SELECT count(*) FROM cases WHERE state = 'accepted' AND past_due AND overdue"); got != 1000 {
		t.Fatalf("%d of 1000 cases signed for and red", got)
	}
	for _, ev := range []string{"breach", "accept"} {
		if dup := p.count("SELECT count(*) FROM (SELECT case_id FROM ledger WHERE event = ? GROUP BY case_id HAVING count(*) <> 1) d", ev); dup != 0 {
			t.Fatalf("%d cases without exactly one %s", dup, ev)
		}
	}
	if bad := p.count(`SELECT count(*) FROM ledger b JOIN ledger a ON a.case_id = b.case_id
		WHERE b.event = 'breach' AND a.event = 'accept' AND a.seq < b.seq`); bad != 0 {
		t.Fatalf("%d cases signed for before the breach their signing came after", bad)
	}
	byWorker := p.count("SELECT count(*) FROM ledger b WHERE b.event = 'breach' AND NOT EXISTS (SELECT 1 FROM ledger a WHERE a.case_id = b.case_id AND a.event = 'accept' AND a.seq = b.seq + 1)")
	t.Logf("1,000 races: %d breaches fired by a worker first, %d by the signing's own transaction", byWorker, 1000-byWorker)
}

// Proof 5: cases back-dated so that their limit has passed fire at once when
// a worker starts, even if no index ever heard of them.
func TestProofBackdatedFireOnStart(t *testing.T) {
	p := MustProof(t)
	noIndex := p.newEngine(engine.SystemClock{}, nil)
	p.openCases(noIndex, 50, backdated())
	if ids, _ := p.index.IDs(p.ctx); len(ids) != 0 {
		t.Fatalf("%d timers in the index", len(ids))
	}
	start := time.Now()
	p.startWorker()
	p.waitUntil("back-dated cases to turn overdue", 30*time.Second, func() bool { return p.pending() == 0 })
	t.Logf("50 back-dated cases overdue %v after the worker started", time.Since(start).Round(time.Millisecond))
	p.mustFireOnce(50)
}

// Proof 6: Redis unreachable for a while. Opening and answering keep
// working; the timers fire once Redis is back; nothing is lost; the worker
// logs the outage once.
func TestProofRedisOutage(t *testing.T) {
	p := MustProof(t)
	srv := startPrivateRedis(t)
	client := redis.NewClient(&redis.Options{Addr: srv.addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { client.Close() })
	index := redistimer.New(client, redistimer.Options{Prefix: p.prefix})
	e := p.newEngine(engine.SystemClock{}, index)
	var logs logsink.Buffer
	w := engine.NewWorker(e, index, engine.WorkerConfig{Poll: 20 * time.Millisecond, ReconcileEvery: time.Hour,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	ctx, cancel := context.WithCancel(p.ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(ctx) }()
	defer func() { cancel(); <-done }()

	srv.stop(t)
	// The database is the truth: cases open and are answered without Redis.
	opened := p.openCases(e, 20, backdated())
	bank := engine.Actor{User: "bank-ICBC", Role: engine.RoleBank, Org: "ICBC"}
	for _, c := range opened[:5] {
		if _, err := e.Fire(p.ctx, engine.FireRequest{CaseID: c.ID, Event: financing.Accept, Actor: bank}); err != nil {
			t.Fatalf("accept during the outage: %v", err)
		}
		if _, err := e.Fire(p.ctx, engine.FireRequest{CaseID: c.ID, Event: financing.Answer, Actor: bank,
			Payload: []byte(`{"can_handle":"no","reason":"不符合授信政策"}`)}); err != nil {
			t.Fatalf("answer during the outage: %v", err)
		}
	}
	// Let the worker poll a dead Redis many times.
	p.waitUntil("the worker to notice the outage", 10*time.Second, func() bool { return strings.Contains(logs.String(), "unreachable") })
	time.Sleep(500 * time.Millisecond) // 25 polls at 20 ms: the log must not grow with them
	if pending := p.pending(); pending != 30 {
		t.Fatalf("%d timers pending during the outage, want 30 (15 cases × 2)", pending)
	}
	srv.start(t)
	p.waitUntil("timers to fire after Redis is back", 30*time.Second, func() bool { return p.pending() == 0 })
	if n := strings.Count(logs.String(), "timer index unreachable"); n != 1 {
		t.Fatalf("the outage was logged %d times, want once:\n%s", n, logs.String())
	}
	if got := p.count("SELECT count(*) FROM cases WHERE state = 'routed' AND past_due"); got != 15 {
		t.Fatalf("%d cases past due, want the 15 unanswered", got)
	}
	// The five answered during the outage were late (back-dated three
	// weeks): their breach fired in the answering transactions.
	if got := p.count("SELECT count(*) FROM cases WHERE state = 'answered' AND overdue AND NOT past_due"); got != 5 {
		t.Fatalf("%d cases answered late, want 5", got)
	}
}

// Proof 7: no timer fires before its due instant, at millisecond (and
// microsecond) resolution: a bank answering at 23:59:59.999 on its last day
// is not yet overdue.
func TestProofNeverEarly(t *testing.T) {
	p := MustProof(t)
	received := time.Date(2026, 11, 2, 10, 0, 0, 0, time.Local)
	clock := engine.NewFakeClock(received.Add(time.Hour))
	e := p.newEngine(clock, p.index)
	cases := p.openCases(e, 20, received)
	due := *cases[0].DueAt
	w := engine.NewWorker(e, p.index, engine.WorkerConfig{})
	for _, early := range []time.Duration{time.Millisecond, time.Microsecond} {
		clock.Set(due.Add(-early))
		if _, err := w.Drain(p.ctx); err != nil {
			t.Fatal(err)
		}
		if n := p.count("SELECT count(*) FROM ledger WHERE event = 'breach'"); n != 0 {
			t.Fatalf("%d breaches fired %v before the limit", n, early)
		}
	}
	clock.Set(due)
	if _, err := w.Drain(p.ctx); err != nil {
		t.Fatal(err)
	}
	if n := p.count("SELECT count(*) FROM ledger WHERE event = 'breach'"); n != 20 {
		t.Fatalf("%d breaches at the limit, want 20", n)
	}
}

// A worker told to stop (SIGTERM) stops claiming, releases what it could
// not finish and exits within 10 s.
func TestWorkerSIGTERM(t *testing.T) {
	p := MustProof(t)
	p.openCases(p.engine, 20, backdated())
	tx := p.store.DB().Begin()
	if err := tx.Exec("SELECT id FROM cases FOR UPDATE").Error; err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	w := p.startWorker("PARKFIN_WORKER_LEASE=1m", "PARKFIN_WORKER_SHUTDOWN_GRACE=2s")
	p.waitUntil("the worker to claim timers", 20*time.Second, func() bool { return p.claimed() > 0 })
	start := time.Now()
	if err := w.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.done:
		if w.err != nil {
			t.Fatalf("worker exited with %v:\n%s", w.err, w.out)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("worker still running 10s after SIGTERM:\n%s", w.out)
	}
	t.Logf("worker exited %v after SIGTERM", time.Since(start).Round(time.Millisecond))
	if held := p.claimed(); held != 0 {
		t.Fatalf("%d timers still claimed by the stopped worker (lease 1m): not released", held)
	}
	if err := tx.Rollback().Error; err != nil {
		t.Fatal(err)
	}
	p.startWorker()
	p.waitUntil("the released timers to fire", 30*time.Second, func() bool { return p.pending() == 0 })
	p.mustFireOnce(20)
}

// privateRedis is a redis-server of the test's own, to stop and start.
type privateRedis struct {
	addr string
	port string
	cmd  *exec.Cmd
}

func startPrivateRedis(t *testing.T) *privateRedis {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		testsvc.Unavailable(t, "redis-server (for the outage test)", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := &privateRedis{addr: addr, port: addr[strings.LastIndex(addr, ":")+1:]}
	r.start(t)
	t.Cleanup(func() { r.stop(t) })
	return r
}

func (r *privateRedis) start(t *testing.T) {
	t.Helper()
	r.cmd = exec.Command("redis-server", "--port", r.port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	var out bytes.Buffer
	r.cmd.Stdout, r.cmd.Stderr = &out, &out
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: r.addr})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for c.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("private redis-server did not start:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *privateRedis) stop(t *testing.T) {
	t.Helper()
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	r.cmd = nil
}

// A timer armed by another process (a CLI command, serve --no-worker) is
// heard by a worker process at once over Redis pub/sub, not at its next
// poll: with a 10 s poll, it fires well before the poll would have looked.
func TestProofLoneTimerAcrossProcesses(t *testing.T) {
	p := MustProof(t)
	p.openCases(p.engine, 1, backdated()) // fired by the worker's first reconcile
	p.startWorker("PARKFIN_WORKER_POLL=10s", "PARKFIN_WORKER_RECONCILE_EVERY=1h")
	p.waitUntil("the first case's timers to fire", 30*time.Second, func() bool { return p.pending() == 0 })
	time.Sleep(200 * time.Millisecond) // let the worker settle into its 10 s sleep
	start := time.Now()
	p.openCases(p.engine, 1, backdated())
	p.waitUntil("the lone timer to fire", 5*time.Second, func() bool { return p.pending() == 0 })
	t.Logf("a timer armed by another process fired %v after it was armed (worker poll: 10 s)", time.Since(start).Round(time.Millisecond))
}
