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
	"regexp"
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
	defer admin.Close()
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	name := "parkfin_tpcb_" + hex.EncodeToString(rnd[:])
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		b.Fatalf("create the pgbench database: %v", err)
	}
	defer func() {
		if _, err := admin.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			b.Logf("drop %s: %v", name, err)
		}
	}()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	user := u.User.Username()
	if user == "" {
		user = "postgres"
	}
	conn := []string{"-h", "127.0.0.1", "-p", port, "-U", user}
	env := os.Environ()
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
	}
	initCmd := exec.Command(bin, append(append([]string{"-i", "-s", "1", "-q"}, conn...), name)...)
	initCmd.Env = env
	if out, err := initCmd.CombinedOutput(); err != nil {
		b.Fatalf("pgbench -i: %v\n%s", err, out)
	}
	secs := max(int(length.Seconds()), 1)
	runCmd := exec.Command(bin, append(append([]string{"-c", "8", "-j", "2", "-T", strconv.Itoa(secs), "-n"}, conn...), name)...)
	runCmd.Env = env
	out, err := runCmd.CombinedOutput()
	if err != nil {
		b.Fatalf("pgbench: %v\n%s", err, out)
	}
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
