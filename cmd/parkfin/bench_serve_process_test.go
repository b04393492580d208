package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/demo"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/report"
)

// servedProcess is a `parkfin serve` process a benchmark started.
type servedProcess struct {
	cmd  *exec.Cmd
	addr string
	// bin is the program it runs, for a worker process beside it.
	bin string
	// logs is its output (a worker beside it may write there too), kept
	// at logPath.
	logs    *os.File
	logPath string
}

// startServe starts `parkfin serve` with args on a free loopback port, with
// env added to this process's environment (the database, Redis), and waits
// until it answers /readyz. It is interrupted and waited for when the
// benchmark ends.
//
// serve is the command as it is deployed, built here: this test binary
// holds the tests and the load generator's libraries too, and its larger
// code would count in serve's resident memory (about 6 MB more of it). The
// profiles (PARKFIN_TEST_CPUPROFILE, _TRACE, _MEMPROFILE) are taken by the
// test binary only, which then serves instead. PARKFIN_BENCH_SERVE_LOG
// names a file to keep serve's output in (GODEBUG=gctrace=1 in the
// environment adds its collector's cycles).
func startServe(b *testing.B, env []string, args ...string) *servedProcess {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	s := &servedProcess{addr: ln.Addr().String(), bin: os.Args[0]}
	ln.Close()
	if os.Getenv("PARKFIN_TEST_CPUPROFILE")+os.Getenv("PARKFIN_TEST_TRACE")+os.Getenv("PARKFIN_TEST_MEMPROFILE") == "" {
		s.bin = filepath.Join(b.TempDir(), "parkfin")
		if out, err := exec.Command("go", "build", "-o", s.bin, ".").CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, out)
		}
	} else {
		b.Log("serve runs as the test binary, which takes the profiles")
	}
	s.logPath = filepath.Join(b.TempDir(), "serve.log")
	if p := os.Getenv("PARKFIN_BENCH_SERVE_LOG"); p != "" {
		s.logPath = p
	}
	if s.logs, err = os.Create(s.logPath); err != nil {
		b.Fatal(err)
	}
	s.cmd = exec.Command(s.bin, append([]string{"serve"}, args...)...)
	s.cmd.Env = append(append(os.Environ(), "PARKFIN_TEST_RUN_CLI=1", "PARKFIN_HTTP_ADDR="+s.addr,
		"PARKFIN_DATA_DIR="+b.TempDir(), "PARKFIN_DEMO=false"), env...)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		s.logs.Close()
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = s.cmd.Process.Signal(os.Interrupt)
		_ = s.cmd.Wait()
		s.logs.Close()
	})
	client := &http.Client{Timeout: 5 * time.Second}
	for deadline := time.Now().Add(20 * time.Second); ; {
		resp, err := client.Get("http://" + s.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("serve not ready: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// serveDatabaseURL is dbURL with serve's connections named app, so that the
// CPU time of the backends working for it can be told from the shared
// server's others. PARKFIN_BENCH_SERVE_DB_PARAMS adds parameters, for
// instance log_min_duration_statement=0 to have PostgreSQL log every
// statement with its time.
func serveDatabaseURL(dbURL, app string) string {
	params := "application_name=" + app
	if p := os.Getenv("PARKFIN_BENCH_SERVE_DB_PARAMS"); p != "" {
		params += "&" + p
	}
	if strings.Contains(dbURL, "?") {
		return dbURL + "&" + params
	}
	return dbURL + "?" + params
}

// serveLoggedErrors returns the first n ERROR lines of serve's log.
func serveLoggedErrors(path string, n int) string {
	raw, _ := os.ReadFile(path)
	var failures []string
	for _, l := range strings.Split(string(raw), "\n") {
		if strings.Contains(l, "level=ERROR") && len(failures) < n {
			failures = append(failures, l)
		}
	}
	return strings.Join(failures, "\n")
}

// benchStore opens the test PostgreSQL, migrated (the statistics' tables
// too) and holding the demo's directory and users, and closed when the
// benchmark ends. It returns the store, the database's URL (a schema of its
// own) and the environment that points serve at it, its connections named
// app, and at a Redis database of its own.
func benchStore(b *testing.B, app string) (store *sqlstore.Store, dbURL string, env []string) {
	b.Helper()
	ctx := context.Background()
	dbURL = testsvc.PostgresURL(b)
	store, err := sqlstore.Open(ctx, dbURL, sqlstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := report.Migrate(ctx, store.DB(), true); err != nil {
		b.Fatal(err)
	}
	if _, err := demo.Seed(ctx, store, time.Now()); err != nil {
		b.Fatal(err)
	}
	rc := testsvc.RedisDB(b, proofRedisDB)
	prefix := testsvc.RedisPrefix(b, rc)
	redisURL := fmt.Sprintf("%s/%d", strings.TrimSuffix(testsvc.Env("PARKFIN_TEST_REDIS_URL", "redis://127.0.0.1:6379"), "/"), proofRedisDB)
	return store, dbURL, []string{"PARKFIN_DATABASE_URL=" + serveDatabaseURL(dbURL, app), "PARKFIN_REDIS_URL=" + redisURL,
		"PARKFIN_REDIS_PREFIX=" + prefix}
}
