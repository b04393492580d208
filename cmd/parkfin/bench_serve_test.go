package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/internal/benchload"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/valyala/fasthttp"
)

// BenchmarkServeCreateVsTPCB measures case creation over HTTP against a
// real `parkfin serve` process (its own process, PostgreSQL, the Redis
// timer index, the access log, metrics and every check on), between two
// runs of pgbench's TPC-B-like transaction on the same PostgreSQL:
//
//   - closed loop: 16 clients back to back, the rate it sustains;
//   - open loop: a fixed 1,500 creations/s, latency from each request's
//     scheduled start (a slow server cannot hide its queue): p50, p99;
//   - serve's resident memory, sampled every 100 ms through both, and its
//     peak (VmHWM).
//
// Each figure is reported with its ratio to TPC-B; the machine is shared,
// so the ratios are what to compare across runs. The open loop's p99 is
// set beside pgbench's TPC-B run the same way, started at the same rate
// (benchload.TPCBPaced).
//
//	PARKFIN_BENCH=1 go test -run '^$' -bench ServeCreateVsTPCB -benchtime 1x -timeout 30m ./cmd/parkfin/
//
// PARKFIN_BENCH_SECONDS sets each load phase's length (default 20);
// PARKFIN_BENCH_TIMELINE=file writes the open loop's requests out, each
// with when it was due and how long it took; PARKFIN_BENCH_OPEN_RATE sets
// the open loop's rate (default 1,500/s). PARKFIN_BENCH_WORKER says where
// the timer worker and the notices' dispatcher run: "in" serve (the
// default), "apart" in a `parkfin worker` process beside `serve
// --no-worker`, as docker-compose.yml deploys them, or "none" (serve
// --no-worker alone: what they cost; PARKFIN_BENCH_NO_WORKER=1 says the
// same). PostgreSQL runs with the settings docker-compose.yml gives it,
// and autovacuum on (applied for the run, reset after);
// PARKFIN_BENCH_PG_DEFAULTS=1 leaves the server's own.
func BenchmarkServeCreateVsTPCB(b *testing.B) {
	if os.Getenv("PARKFIN_BENCH") != "1" {
		b.Skip("set PARKFIN_BENCH=1 to run the serve benchmark (PostgreSQL, Redis, pgbench)")
	}
	phase := time.Duration(benchEnvInt(b, "PARKFIN_BENCH_SECONDS", 20)) * time.Second
	// The open loop's rate: the floor's by default, lower to see how the
	// latency grows towards it.
	rate := benchEnvInt(b, "PARKFIN_BENCH_OPEN_RATE", 1500)
	// serve's configuration as it reads it, from the defaults and the
	// environment it inherits (open.committers, for the committers' load).
	serveCfg, err := LoadConfig("")
	if err != nil {
		b.Fatal(err)
	}
	workerAt := os.Getenv("PARKFIN_BENCH_WORKER")
	if os.Getenv("PARKFIN_BENCH_NO_WORKER") == "1" {
		workerAt = "none"
	}
	switch workerAt {
	case "":
		workerAt = "in"
	case "in", "apart", "none":
	default:
		b.Fatalf("PARKFIN_BENCH_WORKER=%q: in, apart or none", workerAt)
	}
	b.StopTimer()
	ctx := context.Background()
	// PostgreSQL runs with the settings docker-compose.yml gives its own
	// (max_wal_size) and autovacuum on, as a deployed server has it, TPC-B
	// included, unless PARKFIN_BENCH_PG_DEFAULTS=1 asks for the server's
	// as they are.
	if os.Getenv("PARKFIN_BENCH_PG_DEFAULTS") != "1" {
		applied, restore := benchload.PostgresAsDeployed(b, "../../docker-compose.yml")
		defer restore()
		b.Logf("PostgreSQL as docker-compose.yml runs it: %s", strings.Join(applied, ", "))
	} else {
		b.Log("PostgreSQL with the server's own settings")
	}
	loadBefore := benchload.Load()
	tpsBefore := benchload.TPCB(b, 15*time.Second)
	// The database's own standard transaction at the open loop's rate, on
	// the same machine in the same minutes, before serve starts: the
	// latency a creation has at that rate is read beside it.
	paced := benchload.TPCBPaced(b, rate, phase)

	// serve's connections name themselves, so that the CPU time of the
	// backends working for it can be told from the shared server's others.
	app := "parkfin_bench_" + strconv.Itoa(os.Getpid())
	store, dbURL, env := benchStore(b, app)
	tokens := map[string]string{}
	for _, p := range benchload.Parks {
		tok, _, err := auth.IssueToken(ctx, store, store, "window-"+p[0], "bench", time.Now(), time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		tokens[p[0]] = tok
	}

	var args []string
	if workerAt != "in" {
		args = append(args, "--no-worker")
	}
	b.Logf("the timer worker and the dispatcher: %s", map[string]string{
		"in": "in serve", "apart": "in a worker process beside serve --no-worker", "none": "not running"}[workerAt])
	srv := startServe(b, env, args...)
	serve, addr, logPath := srv.cmd, srv.addr, srv.logPath
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128, MaxConnsPerHost: 128}, Timeout: 30 * time.Second}

	// The load comes from fasthttp's client, which reuses its requests,
	// responses and buffers: on this machine's two cores the generator
	// competes with serve and PostgreSQL for CPU, and net/http's client
	// spent about as much on a request as serve's own HTTP handling.
	load := &fasthttp.Client{MaxConnsPerHost: 128, MaxConnWaitTimeout: 30 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	url := "http://" + addr + "/api/v1/cases"
	var seq atomic.Int64
	create := func() error {
		i := seq.Add(1)
		p := benchload.Parks[int(i)%len(benchload.Parks)][0]
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		defer func() { fasthttp.ReleaseRequest(req); fasthttp.ReleaseResponse(resp) }()
		req.SetRequestURI(url)
		req.Header.SetMethod(fasthttp.MethodPost)
		req.Header.Set("Authorization", "Bearer "+tokens[p])
		req.Header.SetContentType("application/json")
		req.SetBodyString(`{"park":"` + p + `","enterprise":{"name":"益阳市压测企业` + strconv.FormatInt(i, 10) +
			`有限公司","uscc":"91350100M000100Y43"},"need":"流动资金贷款，了解抵押条件和办理流程。","amount":"3000000"}`)
		if err := load.Do(req, resp); err != nil {
			return err
		}
		if resp.StatusCode() != http.StatusCreated {
			return fmt.Errorf("status %d: %s", resp.StatusCode(), resp.Body())
		}
		return nil
	}

	// The worker process, as compose runs it: the same database and
	// Redis, no HTTP; its CPU is sampled with serve's, and its backends
	// name themselves as serve's do.
	var worker *exec.Cmd
	if workerAt == "apart" {
		worker = exec.Command(srv.bin, "worker")
		worker.Env, worker.Stdout, worker.Stderr = serve.Env, srv.logs, srv.logs
		if err := worker.Start(); err != nil {
			b.Fatal(err)
		}
		defer func() { _ = worker.Process.Signal(os.Interrupt); _ = worker.Wait() }()
	}
	workerCPU := func() time.Duration {
		if worker == nil {
			return 0
		}
		return benchload.ProcessCPU(worker.Process.Pid)
	}

	rss := &rssSampler{pid: serve.Process.Pid}
	stopRSS := rss.run()
	admin, err := sql.Open("pgx", dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	// How this machine's kernel writes dirty pages back, and how the disk
	// under PostgreSQL's data queues them: the stalls of the WAL's syncs,
	// and so the tail of the creations' latency, depend on it.
	var dataDir string
	if err := admin.QueryRowContext(ctx, "SHOW data_directory").Scan(&dataDir); err != nil {
		b.Logf("data_directory: %v", err)
	}
	b.Logf("the kernel's write-back: %s", benchload.Writeback(dataDir))
	sampleCPU := func() (serveCPU, workerSpent time.Duration, backends map[int]time.Duration) {
		backends, err := benchload.Backends(ctx, admin, app)
		if err != nil {
			b.Fatal(err)
		}
		return benchload.ProcessCPU(serve.Process.Pid), workerCPU(), backends
	}
	// The load generator (this process) and the whole machine are
	// sampled too: on two cores, serve, PostgreSQL and the generator
	// share the CPU, and the sum per creation bounds the rate. The time
	// the host took from this virtual machine (steal) is told apart: it
	// is not this machine's work, but the requests wait through it.
	machine := benchload.MachineCPU
	// What serve allocates and how often its collector runs, and how busy
	// its committers of openings are, from its own /metrics: the
	// collector's cycles take CPU from the requests and, while one marks,
	// every allocation pays for part of it.
	figures := func() serveFigures {
		h, err := scrapeFigures(client, "http://"+addr+"/metrics")
		if err != nil {
			b.Fatal(err)
		}
		return h
	}
	// What PostgreSQL wrote, sampled between the loops:
	//   - the WAL of the cluster (pg_stat_wal, PostgreSQL 14 and later):
	//     while a loop runs, serve is the only writer but for autovacuum,
	//     and the bytes a creation costs hardly depend on what else the
	//     host does. A checkpoint during the loop adds full-page images
	//     (FPI) of the pages first written after it, 8 kB each: they are
	//     counted apart, so that a run with them can be told from one
	//     without;
	//   - the database's files, which grow as the tables and their
	//     indexes take new pages. PostgreSQL 15 extends a file by writing
	//     zeroed pages through the page cache, so what the files grow by
	//     is also what the kernel later writes back in the background, on
	//     the disk the commits sync their WAL to.
	type pgWritten struct{ walBytes, walRecords, walFPI, dbBytes float64 }
	written := func() (w pgWritten) {
		if err := admin.QueryRowContext(ctx, `SELECT wal_bytes::float8, wal_records, wal_fpi, pg_database_size(current_database())::float8
			FROM pg_stat_wal`).Scan(&w.walBytes, &w.walRecords, &w.walFPI, &w.dbBytes); err != nil {
			b.Logf("pg_stat_wal, pg_database_size: %v", err)
		}
		return w
	}
	figBefore := figures()
	serveBefore, workerBefore, pgBefore := sampleCPU()
	genBefore, machineBefore := benchload.ProcessCPU(os.Getpid()), machine()
	b.StartTimer()
	closed := closedLoop(16, phase, create)
	figClosed := figures()
	serveAfter, workerAfter, pgAfter := sampleCPU()
	genAfter, machineAfter := benchload.ProcessCPU(os.Getpid()), machine()
	loadOpen := benchload.Load()
	writtenClosed := written()
	procsBefore := benchload.Processes()
	open := openLoop(rate, phase, create)
	procsAfter := benchload.Processes()
	writtenOpen := written()
	figOpen := figures()
	machineOpen := machine()
	serveOpen, workerOpen, pgOpen := sampleCPU()
	genOpen := benchload.ProcessCPU(os.Getpid())
	b.StopTimer()
	// PARKFIN_BENCH_TIMELINE names a file for the open loop's requests,
	// each with when it was due and how long it took.
	if path := os.Getenv("PARKFIN_BENCH_TIMELINE"); path != "" {
		if err := open.writeTimeline(path); err != nil {
			b.Error(err)
		}
	}
	stopRSS()
	hwm := procStatusKB(serve.Process.Pid, "VmHWM")

	tpsAfter := benchload.TPCB(b, 15*time.Second)
	tps := (tpsBefore + tpsAfter) / 2
	b.ReportMetric(closed.rate(), "closed-creates/s")
	b.ReportMetric(open.rate(), "open-creates/s")
	b.ReportMetric(float64(open.pct(99).Microseconds())/1000, "open-p99-ms")
	b.ReportMetric(float64(paced.P99.Microseconds())/1000, "tpcb-paced-p99-ms")
	b.ReportMetric(open.pct(99).Seconds()/max(paced.P99.Seconds(), 1e-9), "open-p99-ratio")
	// CPU per creation in the closed loop: less sensitive to the machine's
	// other load than the rate.
	perCreate := func(d time.Duration) float64 {
		return float64(d.Microseconds()) / float64(max(closed.n-closed.errors, 1))
	}
	serveUS, pgUS := perCreate(serveAfter-serveBefore), perCreate(benchload.BackendsSpent(pgBefore, pgAfter))
	closedCPU, openCPU := machineAfter.Sub(machineBefore), machineOpen.Sub(machineAfter)
	genUS, machineUS := perCreate(genAfter-genBefore), perCreate(closedCPU.Busy)
	// The most the machine's cores could carry at that cost: every core
	// busy with nothing but creations.
	cores := float64(runtime.NumCPU())
	ceiling := cores * 1e6 / machineUS
	workerUS := perCreate(workerAfter - workerBefore)
	b.ReportMetric(serveUS, "serve-cpu-us/create")
	b.ReportMetric(workerUS, "worker-cpu-us/create")
	b.ReportMetric(pgUS, "pg-cpu-us/create")
	b.ReportMetric(genUS, "generator-cpu-us/create")
	b.ReportMetric(machineUS, "machine-cpu-us/create")
	b.ReportMetric(ceiling, "cpu-ceiling-creates/s")
	b.ReportMetric(float64(rss.maxKB)/1024, "rss-max-MB")
	b.ReportMetric(float64(hwm)/1024, "rss-peak-MB")
	b.ReportMetric(tpsBefore, "tpcb-before-tps")
	b.ReportMetric(tpsAfter, "tpcb-after-tps")
	b.ReportMetric(closed.rate()/tps, "closed-ratio")
	b.ReportMetric(open.rate()/tps, "open-ratio")
	b.Logf("closed loop, 16 clients: %s; ratio to TPC-B %.2f", closed, closed.rate()/tps)
	b.Logf("open loop, %d/s: %s; ratio to TPC-B %.2f", rate, open, open.rate()/tps)
	slow, windows, all := open.bunched(30*time.Millisecond, 50*time.Millisecond)
	b.Logf("open loop: %d requests over 30 ms, due within %d of its %d windows of 50 ms", slow, windows, all)
	b.Logf("pgbench TPC-B at scale 16, started %d times a second by 16 clients: %.0f/s done, p50 %v, p99 %v; the open loop's p99 is %.2f times its",
		rate, paced.Rate, paced.P50.Round(10*time.Microsecond), paced.P99.Round(10*time.Microsecond), open.pct(99).Seconds()/max(paced.P99.Seconds(), 1e-9))
	b.Logf("closed loop CPU per creation: serve %.0f µs, the worker process %.0f µs, their PostgreSQL backends %.0f µs (%d backends), the load generator %.0f µs; the whole machine %.0f µs (%.2f of %.0f cores busy), so at most %.0f creations/s with every core busy",
		serveUS, workerUS, pgUS, len(pgAfter), genUS, machineUS, closedCPU.Busy.Seconds()/closed.elapsed.Seconds(), cores, ceiling)
	// What the floor's rate costs. The open loop costs more a creation
	// than the closed loop: its batches are smaller (their requests
	// arrive one by one, not together as the closed loop's answers free
	// its clients), and the processes sleep and wake more often.
	openPer := func(d time.Duration) float64 {
		return float64(d.Microseconds()) / float64(max(open.n-open.errors, 1))
	}
	b.Logf("open loop: %.2f of %.0f cores busy; CPU per creation: serve %.0f µs, the worker process %.0f µs, their PostgreSQL backends %.0f µs, the load generator %.0f µs, the whole machine %.0f µs",
		openCPU.Busy.Seconds()/open.elapsed.Seconds(), cores, openPer(serveOpen-serveAfter), openPer(workerOpen-workerAfter),
		openPer(benchload.BackendsSpent(pgAfter, pgOpen)), openPer(genOpen-genAfter), openPer(openCPU.Busy))
	b.ReportMetric(openPer(openCPU.Busy), "open-machine-cpu-us/create")
	redisUS := openPer(benchload.CommSpent(procsBefore, procsAfter, "redis-server"))
	b.ReportMetric(redisUS, "open-redis-cpu-us/create")
	b.Logf("open loop: Redis (the timer index) %.0f µs of CPU per creation", redisUS)
	// What else the machine ran meanwhile: this machine has services
	// parkfin does not use (RabbitMQ's node, for one, starts another Erlang
	// node about once a minute), and the kernel's own threads. Their CPU
	// is taken from the same two cores, and a run they disturbed shows
	// here. PostgreSQL's processes and Redis are counted as parkfin's.
	ours := func(pid int, comm string) bool {
		return pid == serve.Process.Pid || (worker != nil && pid == worker.Process.Pid) || pid == os.Getpid() ||
			comm == "postgres" || comm == "redis-server"
	}
	others, unsampled := benchload.Elsewhere(procsBefore, procsAfter, openCPU.Busy, ours)
	var elsewhere time.Duration
	var top []string
	for i, o := range others {
		elsewhere += o.CPU
		if i < 4 {
			top = append(top, fmt.Sprintf("%s %v", o.Comm, o.CPU.Round(time.Millisecond)))
		}
	}
	b.ReportMetric(openPer(elsewhere+unsampled), "open-elsewhere-cpu-us/create")
	b.Logf("open loop: other processes took %v of CPU (%.0f µs per creation; the most: %s); %v is in no process sampled at the loop's start and end (processes that started and ended within it, the kernel's interrupts)",
		elsewhere.Round(time.Millisecond), openPer(elsewhere), strings.Join(top, ", "), unsampled.Round(time.Millisecond))
	// The host's share of the cores' time: a run it disturbed shows
	// here, whatever the code did.
	stealPct := func(c benchload.CPUTimes) float64 { return 100 * c.Steal.Seconds() / max(c.Total.Seconds(), 1e-9) }
	b.ReportMetric(stealPct(openCPU), "open-steal-%")
	b.Logf("the host took %.1f %% of the cores' time in the closed loop, %.1f %% in the open loop (steal)", stealPct(closedCPU), stealPct(openCPU))
	allocKB := func(from, to serveFigures, r *loadRun) float64 {
		return (to.allocated - from.allocated) / 1024 / float64(max(r.n-r.errors, 1))
	}
	b.ReportMetric(allocKB(figClosed, figOpen, open), "open-alloc-KB/create")
	b.ReportMetric((figOpen.cycles-figClosed.cycles)/open.elapsed.Seconds(), "open-gc/s")
	created := float64(max(open.n-open.errors, 1))
	walKB := (writtenOpen.walBytes - writtenClosed.walBytes) / 1024 / created
	b.ReportMetric(walKB, "open-wal-KB/create")
	b.ReportMetric((writtenOpen.walFPI-writtenClosed.walFPI)/created, "open-wal-fpi/create")
	b.Logf("PostgreSQL wrote %.1f KB of WAL in %.0f records per creation in the open loop, with %.0f full-page images in all",
		walKB, (writtenOpen.walRecords-writtenClosed.walRecords)/created, writtenOpen.walFPI-writtenClosed.walFPI)
	dataKB := (writtenOpen.dbBytes - writtenClosed.dbBytes) / 1024 / created
	b.ReportMetric(dataKB, "open-data-KB/create")
	b.Logf("the database's files grew by %.1f KB per creation in the open loop; the largest relations after it: %s", dataKB, largestRelations(ctx, admin, 8))
	b.Logf("serve allocated %.1f KB per creation closed, %.1f KB open; its collector ran %.1f times a second closed, %.1f open",
		allocKB(figBefore, figClosed, closed), allocKB(figClosed, figOpen, open),
		(figClosed.cycles-figBefore.cycles)/closed.elapsed.Seconds(), (figOpen.cycles-figClosed.cycles)/open.elapsed.Seconds())
	// The committers' cycle: the share of the loop's time the committer
	// slots were held (over their number), and the openings a batch. The
	// share stays near 100 % under any steady stream (a committer takes
	// whatever waits as soon as it is free); batches growing with it mean
	// openings queue for a committer whatever the cores have left.
	busyPct := func(from, to serveFigures, r *loadRun) float64 {
		return 100 * (to.committerBusy - from.committerBusy) / float64(serveCfg.Open.Committers) / max(r.elapsed.Seconds(), 1e-9)
	}
	perBatch := func(from, to serveFigures) float64 {
		return (to.batched - from.batched) / max(to.batches-from.batches, 1)
	}
	b.ReportMetric(busyPct(figClosed, figOpen, open), "open-committer-busy-%")
	b.ReportMetric(perBatch(figClosed, figOpen), "open-batch-openings")
	b.Logf("the committers of openings were busy %.0f %% of the closed loop, %.0f %% of the open loop; %.1f and %.1f openings a batch",
		busyPct(figBefore, figClosed, closed), busyPct(figClosed, figOpen, open), perBatch(figBefore, figClosed), perBatch(figClosed, figOpen))
	b.Logf("serve RSS max %.1f MB sampled, peak (VmHWM) %.1f MB", float64(rss.maxKB)/1024, float64(hwm)/1024)
	b.Logf("pgbench TPC-B %.0f tps before, %.0f after; load %s / %s / %s (before, open loop, after)",
		tpsBefore, tpsAfter, loadBefore, loadOpen, benchload.Load())
	if closed.errors+open.errors > 0 {
		b.Errorf("%d creations failed; first: %s; serve logged:\n%s", closed.errors+open.errors,
			firstNonEmpty(closed.firstErr, open.firstErr), serveLoggedErrors(logPath, 5))
	}
}

// largestRelations names the n largest tables of the schema in use, each with
// its indexes' size apart.
func largestRelations(ctx context.Context, db *sql.DB, n int) string {
	rows, err := db.QueryContext(ctx, `SELECT relname, pg_table_size(oid)::float8, pg_indexes_size(oid)::float8
		FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace
		ORDER BY pg_total_relation_size(oid) DESC LIMIT $1`, n)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		var table, indexes float64
		if err := rows.Scan(&name, &table, &indexes); err != nil {
			return err.Error()
		}
		out = append(out, fmt.Sprintf("%s %.0f MB (indexes %.0f MB)", name, table/(1<<20), indexes/(1<<20)))
	}
	if err := rows.Err(); err != nil {
		return err.Error()
	}
	return strings.Join(out, ", ")
}

// serveFigures is what serve's /metrics says of its heap — bytes
// allocated since it started, and the collector's cycles — and of its
// committers of openings: the seconds they were busy, the batches they
// took and the openings in them.
type serveFigures struct {
	allocated, cycles, committerBusy, batches, batched float64
	// The password hashes running, waiting and the bound on them.
	hashesRunning, hashesWaiting, hashesMax float64
	// The memory the Go runtime holds from the kernel (obtained, less
	// what it gave back), and its soft limit, in bytes.
	goHeld, memLimit float64
}

// scrapeFigures reads serve's heap and committers' figures from its /metrics
// (served to loopback peers without a token).
func scrapeFigures(client *http.Client, url string) (serveFigures, error) {
	resp, err := client.Get(url)
	if err != nil {
		return serveFigures{}, err
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return serveFigures{}, fmt.Errorf("/metrics: %w", err)
	}
	allocated, cycles := families["go_memstats_alloc_bytes_total"], families["go_gc_duration_seconds"]
	if allocated == nil || len(allocated.GetMetric()) == 0 || cycles == nil || len(cycles.GetMetric()) == 0 {
		return serveFigures{}, fmt.Errorf("/metrics lacks go_memstats_alloc_bytes_total or go_gc_duration_seconds")
	}
	busy, batches := families["parkfin_open_committer_seconds_total"], families["parkfin_open_batch_openings"]
	if busy == nil || len(busy.GetMetric()) == 0 || batches == nil || len(batches.GetMetric()) == 0 {
		return serveFigures{}, fmt.Errorf("/metrics lacks parkfin_open_committer_seconds_total or parkfin_open_batch_openings")
	}
	h := batches.GetMetric()[0].GetHistogram()
	f := serveFigures{allocated: allocated.GetMetric()[0].GetCounter().GetValue(),
		cycles:        float64(cycles.GetMetric()[0].GetSummary().GetSampleCount()),
		committerBusy: busy.GetMetric()[0].GetCounter().GetValue(),
		batches:       float64(h.GetSampleCount()), batched: h.GetSampleSum()}
	var sys, released float64
	for name, to := range map[string]*float64{"parkfin_password_hashes_running": &f.hashesRunning,
		"parkfin_password_hashes_waiting": &f.hashesWaiting, "parkfin_password_hashes_max": &f.hashesMax,
		"go_memstats_sys_bytes": &sys, "go_memstats_heap_released_bytes": &released, "go_gc_gomemlimit_bytes": &f.memLimit} {
		g := families[name]
		if g == nil || len(g.GetMetric()) == 0 {
			return serveFigures{}, fmt.Errorf("/metrics lacks %s", name)
		}
		*to = g.GetMetric()[0].GetGauge().GetValue()
	}
	f.goHeld = sys - released
	return f, nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// loadRun is what one load phase measured.
type loadRun struct {
	mu       sync.Mutex
	n        int
	errors   int
	firstErr string
	elapsed  time.Duration
	lat      []time.Duration
	// at is when each request was due, from the phase's start (the open
	// loop's only), in the order of lat.
	at    []time.Duration
	start time.Time
	// sorted is lat in order, for the percentiles.
	sorted []time.Duration
}

func (r *loadRun) add(d time.Duration, err error) { r.addAt(-1, d, err) }

// addAt records a request due at (from the phase's start; negative for
// none) that took d.
func (r *loadRun) addAt(at, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	r.lat = append(r.lat, d)
	if at >= 0 {
		r.at = append(r.at, at)
	}
	if err != nil {
		r.errors++
		if r.firstErr == "" {
			r.firstErr = err.Error()
		}
	}
}

func (r *loadRun) rate() float64 { return float64(r.n-r.errors) / r.elapsed.Seconds() }

// writeTimeline writes one line per request of the open loop: when it was
// due (µs from the phase's start) and how long it took (µs). It shows
// whether the slow requests are spread out or came together in a stall. A
// first line gives the phase's start (RFC 3339, µs), to set beside the
// logs of serve and PostgreSQL.
func (r *loadRun) writeTimeline(path string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# start %s\n", r.start.UTC().Format("2006-01-02T15:04:05.000000Z07:00"))
	for i, at := range r.at {
		fmt.Fprintf(&b, "%d %d\n", at.Microseconds(), r.lat[i].Microseconds())
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// bunched counts the open loop's requests slower than limit and the
// windows of the phase, each as long as window, in which they were due:
// few windows mean the slow requests came together, in a stall.
func (r *loadRun) bunched(limit, window time.Duration) (slow, windows, all int) {
	seen := map[time.Duration]bool{}
	for i, at := range r.at {
		if r.lat[i] > limit {
			slow++
			seen[at/window] = true
		}
	}
	return slow, len(seen), int(r.elapsed/window) + 1
}

func (r *loadRun) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	if len(r.sorted) != len(r.lat) {
		// A sorted copy: lat stays in the order of at.
		r.sorted = slices.Clone(r.lat)
		slices.Sort(r.sorted)
	}
	i := max(0, min(int(float64(len(r.sorted))*p/100+0.5)-1, len(r.sorted)-1))
	return r.sorted[i]
}

func (r *loadRun) String() string {
	return fmt.Sprintf("%d requests in %v (%.0f/s), %d errors, p50 %v, p99 %v, max %v", r.n, r.elapsed.Round(time.Millisecond),
		r.rate(), r.errors, r.pct(50).Round(10*time.Microsecond), r.pct(99).Round(10*time.Microsecond), r.pct(100).Round(10*time.Microsecond))
}

// closedLoop runs fn from workers goroutines back to back for d.
func closedLoop(workers int, d time.Duration, fn func() error) *loadRun {
	r := &loadRun{}
	end := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(end) {
				t0 := time.Now()
				err := fn()
				r.add(time.Since(t0), err)
			}
		}()
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	return r
}

// openLoop starts fn rate times a second for d, whatever the answers'
// pace (at most 512 in flight: past that it falls behind its schedule, and
// stops at d), and measures each from its scheduled start.
func openLoop(rate int, d time.Duration, fn func() error) *loadRun {
	r := &loadRun{}
	total := int(float64(rate) * d.Seconds())
	interval := time.Second / time.Duration(rate)
	sem := make(chan struct{}, 512)
	var wg sync.WaitGroup
	start := time.Now()
	r.start = start
	for i := 0; i < total && time.Since(start) < d; i++ {
		due := start.Add(time.Duration(i) * interval)
		if w := time.Until(due); w > 0 {
			time.Sleep(w)
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			err := fn()
			r.addAt(due.Sub(start), time.Since(due), err)
		}()
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	return r
}

// rssSampler records the largest resident set of a process.
type rssSampler struct {
	pid   int
	maxKB int64
}

func (s *rssSampler) run() (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if kb := procStatusKB(s.pid, "VmRSS"); kb > s.maxKB {
				s.maxKB = kb
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

// procStatusKB reads one "kB" field of /proc/<pid>/status.
func procStatusKB(pid int, field string) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}
