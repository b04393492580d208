package benchload

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/internal/testsvc"
)

// TPCB runs pgbench's built-in TPC-B-like transaction against a scratch
// database on the test PostgreSQL server (127.0.0.1 only): initialised at
// scale 1, then run for the given length with 8 clients on 2 threads. It
// returns the transactions per second pgbench reports. Figures of parkfin
// measured in the same minutes are read as a ratio to it, which holds
// better than absolute figures on a shared, loaded machine.
func TPCB(b testing.TB, length time.Duration) float64 {
	b.Helper()
	pg := newPgbench(b, 1)
	defer pg.drop()
	out := pg.run("-c", "8", "-j", "2", "-T", seconds(length))
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		b.Fatalf("pgbench printed no tps:\n%s", out)
	}
	tps, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		b.Fatal(err)
	}
	return tps
}

// Paced is what pgbench measured of transactions started at a fixed rate.
type Paced struct {
	// Rate is the transactions per second done.
	Rate float64
	// P50 and P99 are the latencies' percentiles, each measured from the
	// transaction's scheduled start, so that one waiting for a client
	// counts its wait (as parkfin's open loop measures its requests).
	P50, P99 time.Duration
}

// TPCBPaced runs pgbench's TPC-B-like transaction as an open loop: started
// rate times a second (--rate) for the given length by 16 clients on 2
// threads, against a scratch database at scale 16, so that the clients
// seldom queue for the same branch's row (at scale 1 every transaction
// updates the one branch, and pgbench on two cores cannot keep to 1,250 a
// second). A latency of parkfin's open loop at a rate is read beside what
// the database's own standard transaction has at that rate on the same
// machine in the same minutes.
func TPCBPaced(b testing.TB, rate int, length time.Duration) Paced {
	b.Helper()
	pg := newPgbench(b, 16)
	defer pg.drop()
	dir := b.TempDir()
	out := pg.run("-c", "16", "-j", "2", "-T", seconds(length), "-R", strconv.Itoa(rate),
		"-l", "--log-prefix", filepath.Join(dir, "tpcb"))
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		b.Fatalf("pgbench printed no tps:\n%s", out)
	}
	var p Paced
	var err error
	if p.Rate, err = strconv.ParseFloat(string(m[1]), 64); err != nil {
		b.Fatal(err)
	}
	logs, err := filepath.Glob(filepath.Join(dir, "tpcb.*"))
	if err != nil || len(logs) == 0 {
		b.Fatalf("pgbench wrote no transaction log in %s (%v)", dir, err)
	}
	var lat []time.Duration
	for _, name := range logs {
		raw, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		got, err := pacedLatencies(raw)
		if err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		lat = append(lat, got...)
	}
	if len(lat) == 0 {
		b.Fatal("pgbench logged no transaction")
	}
	slices.Sort(lat)
	p.P50, p.P99 = lat[len(lat)/2], lat[min(len(lat)*99/100, len(lat)-1)]
	return p
}

// pacedLatencies reads a transaction log of pgbench --rate: a line a
// transaction, "client_id transaction_no time script_no time_epoch
// time_us schedule_lag", where time (µs) runs from the transaction's
// scheduled start and so includes schedule_lag. A transaction skipped or
// failed has no number in its time field and is an error here.
func pacedLatencies(raw []byte) ([]time.Duration, error) {
	var lat []time.Duration
	for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 7 {
			return nil, fmt.Errorf("line %d: %d fields, not the 7 of --rate: %q", i+1, len(f), line)
		}
		us, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: time %q: %v", i+1, f[2], err)
		}
		lat = append(lat, time.Duration(us)*time.Microsecond)
	}
	return lat, nil
}

// pgbench is a scratch database on the test PostgreSQL server,
// initialised for pgbench.
type pgbench struct {
	b     testing.TB
	bin   string
	conn  []string
	env   []string
	name  string
	admin *sql.DB
}

// newPgbench creates and initialises the scratch database at the scale.
func newPgbench(b testing.TB, scale int) *pgbench {
	b.Helper()
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		bin = "/usr/lib/postgresql/15/bin/pgbench"
		if _, err := os.Stat(bin); err != nil {
			b.Fatalf("pgbench not found (Debian: postgresql-contrib): %v", err)
		}
	}
	base := testsvc.PostgresBaseURL()
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	if h := u.Hostname(); h != "127.0.0.1" && h != "localhost" && h != "::1" {
		b.Fatalf("pgbench runs against this machine's PostgreSQL only, not %s", h)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		b.Fatal(err)
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	pg := &pgbench{b: b, bin: bin, admin: admin, name: "parkfin_tpcb_" + hex.EncodeToString(rnd[:]), env: os.Environ()}
	if _, err := admin.ExecContext(context.Background(), "CREATE DATABASE "+pg.name); err != nil {
		admin.Close()
		b.Fatalf("create the pgbench database: %v", err)
	}
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	user := u.User.Username()
	if user == "" {
		user = "postgres"
	}
	pg.conn = []string{"-h", "127.0.0.1", "-p", port, "-U", user}
	if pw, ok := u.User.Password(); ok {
		pg.env = append(pg.env, "PGPASSWORD="+pw)
	}
	initCmd := exec.Command(bin, append(append([]string{"-i", "-s", strconv.Itoa(scale), "-q"}, pg.conn...), pg.name)...)
	initCmd.Env = pg.env
	if out, err := initCmd.CombinedOutput(); err != nil {
		pg.drop()
		b.Fatalf("pgbench -i: %v\n%s", err, out)
	}
	// The tables were just written: a checkpoint now, rather than one
	// the WAL of the load triggers while it runs.
	if _, err := admin.ExecContext(context.Background(), "CHECKPOINT"); err != nil {
		b.Logf("CHECKPOINT before pgbench: %v", err)
	}
	return pg
}

// run runs pgbench with the arguments, without vacuuming first (-n), and
// returns what it printed.
func (pg *pgbench) run(args ...string) []byte {
	pg.b.Helper()
	cmd := exec.Command(pg.bin, append(append(append(args, "-n"), pg.conn...), pg.name)...)
	cmd.Env = pg.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		pg.b.Fatalf("pgbench: %v\n%s", err, out)
	}
	return out
}

// drop removes the scratch database.
func (pg *pgbench) drop() {
	if _, err := pg.admin.ExecContext(context.Background(), "DROP DATABASE "+pg.name+" WITH (FORCE)"); err != nil {
		pg.b.Logf("drop %s: %v", pg.name, err)
	}
	pg.admin.Close()
}

// seconds is a length as pgbench's -T takes it: whole seconds, at least 1.
func seconds(d time.Duration) string { return strconv.Itoa(max(int(d.Seconds()), 1)) }

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+)`)

// Load returns the machine's load averages, to be recorded beside a figure.
func Load() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "unknown"
	}
	return fmt.Sprintf("%s %s %s", f[0], f[1], f[2])
}
