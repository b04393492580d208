package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/password"
	"github.com/parkfin/parkfin/internal/benchload"
	"github.com/parkfin/parkfin/internal/demo"
)

// BenchmarkServeSignInFlood floods a real `parkfin serve` (PostgreSQL, the
// Redis timer index, every check on) with sign-ins and measures what the
// bound on password hashing (security.max_hashing) holds it to:
//
//   - the flood: PARKFIN_BENCH_FLOOD_CLIENTS (default 256) clients back
//     to back, each attempt a name that does not exist from an address of
//     its own behind a trusted proxy (X-Forwarded-For), so that neither the
//     per-account nor the per-address limit turns it away and every attempt
//     costs serve a full argon2id hash (19 MiB while it runs), a failure
//     counted in the database and an audit entry;
//
//   - meanwhile a clerk signs in with the right password every 2 seconds,
//     each time as another demo user from another address, and a window's
//     token reads its case list 20 times a second: how long they wait;
//
//   - serve's resident memory, sampled every 100 ms and its peak (VmHWM),
//     against the bound: what serve holds beside the Go runtime's memory
//     at rest, plus the runtime's soft limit with room for the hashes
//     (twice the bound's worth: below) — whatever the flood's size;
//
//   - the hashes running and waiting, and the collector's cycles, from
//     serve's /metrics.
//
//     PARKFIN_BENCH=1 go test -run '^$' -bench ServeSignInFlood -benchtime 1x -timeout 30m -v ./cmd/parkfin/
//
// PARKFIN_BENCH_SECONDS sets the flood's length (default 20);
// PARKFIN_BENCH_MAX_HASHING sets serve's bound (PARKFIN_MAX_HASHING), to
// see what a larger one costs.
func BenchmarkServeSignInFlood(b *testing.B) {
	if os.Getenv("PARKFIN_BENCH") != "1" {
		b.Skip("set PARKFIN_BENCH=1 to run the sign-in flood benchmark (PostgreSQL, Redis)")
	}
	phase := benchEnvInt(b, "PARKFIN_BENCH_SECONDS", 20)
	clients := benchEnvInt(b, "PARKFIN_BENCH_FLOOD_CLIENTS", 256)
	b.StopTimer()
	ctx := context.Background()
	store, _, env := benchStore(b, "parkfin_bench_"+strconv.Itoa(os.Getpid()))
	data, err := demo.Load()
	if err != nil {
		b.Fatal(err)
	}
	users := data.Users()
	window := "window-" + benchload.Parks[0][0]
	token, _, err := auth.IssueToken(ctx, store, store, window, "bench", time.Now(), time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	// Behind a proxy on this machine: the client's address is the one
	// X-Forwarded-For gives.
	env = append(env, "PARKFIN_BEHIND_PROXY=true")
	if n := os.Getenv("PARKFIN_BENCH_MAX_HASHING"); n != "" {
		env = append(env, "PARKFIN_MAX_HASHING="+n)
	}
	srv := startServe(b, env)
	base := "http://" + srv.addr
	client := &http.Client{Timeout: 10 * time.Second}
	figures := func() serveFigures {
		f, err := scrapeFigures(client, base+"/metrics")
		if err != nil {
			b.Fatal(err)
		}
		return f
	}

	load := &fasthttp.Client{MaxConnsPerHost: clients + 64, MaxConnWaitTimeout: time.Minute,
		ReadTimeout: time.Minute, WriteTimeout: 10 * time.Second}
	// signIn posts a sign-in from addr and returns the status.
	signIn := func(user, pw, addr string) (int, error) {
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		defer func() { fasthttp.ReleaseRequest(req); fasthttp.ReleaseResponse(resp) }()
		req.SetRequestURI(base + "/api/v1/session")
		req.Header.SetMethod(fasthttp.MethodPost)
		req.Header.SetContentType("application/json")
		req.Header.Set("X-Forwarded-For", addr)
		req.SetBodyString(`{"user":"` + user + `","password":"` + pw + `"}`)
		if err := load.Do(req, resp); err != nil {
			return 0, err
		}
		return resp.StatusCode(), nil
	}
	readList := func() error {
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		defer func() { fasthttp.ReleaseRequest(req); fasthttp.ReleaseResponse(resp) }()
		req.SetRequestURI(base + "/api/v1/cases?limit=20")
		req.Header.Set("Authorization", "Bearer "+token)
		if err := load.Do(req, resp); err != nil {
			return err
		}
		if resp.StatusCode() != http.StatusOK {
			return fmt.Errorf("case list: status %d: %s", resp.StatusCode(), resp.Body())
		}
		return nil
	}
	// The attempts' addresses: 10.0.0.0/8, one each.
	var seq atomic.Int64
	attempt := func() error {
		i := seq.Add(1)
		addr := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		status, err := signIn("flood-"+strconv.FormatInt(i, 10), "Wrong-password-"+strconv.FormatInt(i, 10), addr)
		if err != nil {
			return err
		}
		if status != http.StatusUnauthorized {
			return fmt.Errorf("a wrong sign-in answered %d, not 401", status)
		}
		return nil
	}

	// At rest: a few sign-ins and reads first, so that what serve holds
	// before the flood includes one hash's pages and its warm caches.
	for i := 0; i < 4; i++ {
		if err := attempt(); err != nil {
			b.Fatal(err)
		}
		if err := readList(); err != nil {
			b.Fatal(err)
		}
	}
	time.Sleep(time.Second)
	restKB := procStatusKB(srv.cmd.Process.Pid, "VmRSS")
	before := figures()
	perHashKB := int64(password.Default.Memory)
	// The bound: what serve holds beside the Go runtime's memory at rest
	// (its code, the kernel's share), and the soft limit the runtime keeps
	// its memory under while the bound's hashes all run — the limit at rest
	// with room for each hash — and as much again for the hashes that
	// ended: the limit is soft, a hash takes its memory in one piece, and
	// the bound's worth of them may take it before the collector has
	// reclaimed that of the hashes before them.
	outsideKB := restKB - int64(before.goHeld)>>10
	boundKB := outsideKB + int64(before.memLimit)>>10 + 2*int64(before.hashesMax)*perHashKB

	rss := &rssSampler{pid: srv.cmd.Process.Pid}
	stopRSS := rss.run()
	d := time.Duration(phase) * time.Second
	var (
		wg                     sync.WaitGroup
		peakWaiting, peakRuns  float64
		peakHeld, peakLimit    float64
		clerkMu                sync.Mutex
		clerkLat               []time.Duration
		clerkFailed            []string
		reads                  *loadRun
		cpuBefore              = benchload.ProcessCPU(srv.cmd.Process.Pid)
		flood                  *loadRun
		stopWatch, watchExited = make(chan struct{}), make(chan struct{})
	)
	// The hashes running and waiting, from serve's /metrics once a second.
	go func() {
		defer close(watchExited)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stopWatch:
				return
			case <-t.C:
			}
			if f, err := scrapeFigures(client, base+"/metrics"); err == nil {
				peakWaiting, peakRuns = max(peakWaiting, f.hashesWaiting), max(peakRuns, f.hashesRunning)
				peakHeld, peakLimit = max(peakHeld, f.goHeld), max(peakLimit, f.memLimit)
			}
		}
	}()
	// The clerk: the right password, every 2 seconds, from 192.0.2.x.
	wg.Add(1)
	go func() {
		defer wg.Done()
		end := time.Now().Add(d)
		for i := 0; time.Now().Before(end); i++ {
			u := users[i%len(users)]
			t0 := time.Now()
			status, err := signIn(u.Name, data.Password, "192.0.2."+strconv.Itoa(1+i%250))
			clerkMu.Lock()
			clerkLat = append(clerkLat, time.Since(t0))
			if err != nil || status != http.StatusCreated {
				clerkFailed = append(clerkFailed, fmt.Sprintf("%s: %d %v", u.Name, status, err))
			}
			clerkMu.Unlock()
			time.Sleep(time.Until(t0.Add(2 * time.Second)))
		}
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		reads = openLoop(20, d, readList)
	}()
	b.StartTimer()
	flood = closedLoop(clients, d, attempt)
	b.StopTimer()
	wg.Wait()
	close(stopWatch)
	<-watchExited
	stopRSS()
	after := figures()
	cpu := benchload.ProcessCPU(srv.cmd.Process.Pid) - cpuBefore
	hwm := procStatusKB(srv.cmd.Process.Pid, "VmHWM")

	mb := func(kb int64) float64 { return float64(kb) / 1024 }
	var clerkMax time.Duration
	for _, l := range clerkLat {
		clerkMax = max(clerkMax, l)
	}
	b.ReportMetric(flood.rate(), "signins/s")
	b.ReportMetric(float64(flood.pct(99).Microseconds())/1000, "signin-p99-ms")
	b.ReportMetric(mb(restKB), "rss-rest-MB")
	b.ReportMetric(mb(rss.maxKB), "rss-max-MB")
	b.ReportMetric(mb(hwm), "rss-peak-MB")
	b.ReportMetric(mb(boundKB), "rss-bound-MB")
	b.ReportMetric(float64(clerkMax.Microseconds())/1000, "clerk-signin-max-ms")
	b.ReportMetric(float64(reads.pct(99).Microseconds())/1000, "read-p99-ms")
	b.ReportMetric((after.cycles-before.cycles)/flood.elapsed.Seconds(), "gc/s")
	b.Logf("flood, %d clients, a name that does not exist from an address of its own each: %s", clients, flood)
	b.Logf("password hashes: at most %.0f at once (%d KiB each); seen at most %.0f running and %.0f waiting", before.hashesMax, perHashKB, peakRuns, peakWaiting)
	b.Logf("serve's CPU: %.0f µs a sign-in (%.2f cores); its collector ran %.1f times a second",
		float64(cpu.Microseconds())/float64(max(flood.n, 1)), cpu.Seconds()/flood.elapsed.Seconds(), (after.cycles-before.cycles)/flood.elapsed.Seconds())
	b.Logf("a clerk signing in every 2 s with the right password: %d sign-ins, the slowest %v, %d failed", len(clerkLat), clerkMax.Round(time.Millisecond), len(clerkFailed))
	b.Logf("a window's case list at 20/s: %s", reads)
	b.Logf("the Go runtime's memory at rest %.1f MB under a soft limit of %.1f MB; in the flood at most %.1f MB sampled under a limit of at most %.1f MB",
		before.goHeld/(1<<20), before.memLimit/(1<<20), peakHeld/(1<<20), peakLimit/(1<<20))
	b.Logf("serve RSS at rest %.1f MB, max %.1f MB sampled, peak (VmHWM) %.1f MB; the bound %.1f MB: %.1f MB beside the Go runtime's memory at rest, and its limit at rest with room for twice %.0f hashes of %d MiB",
		mb(restKB), mb(rss.maxKB), mb(hwm), mb(boundKB), mb(outsideKB), before.hashesMax, perHashKB>>10)
	if flood.errors+reads.errors+len(clerkFailed) > 0 {
		b.Errorf("flood: %d failed (first: %s); reads: %d failed (first: %s); the clerk's sign-ins: %v; serve logged:\n%s",
			flood.errors, flood.firstErr, reads.errors, reads.firstErr, clerkFailed, serveLoggedErrors(srv.logPath, 5))
	}
	if hwm > boundKB {
		b.Errorf("serve's peak resident set %.1f MB is over the bound %.1f MB", mb(hwm), mb(boundKB))
	}
}

// benchEnvInt reads a positive integer from the environment, def when unset.
func benchEnvInt(b *testing.B, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q", name, s)
	}
	return n
}
