package benchload

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/parkfin/parkfin/internal/testsvc"
)

// ComposeSettings returns the PostgreSQL settings a compose file gives its
// postgres service on the server's command line (-c name=value), in order.
func ComposeSettings(compose []byte) ([][2]string, error) {
	var doc struct {
		Services map[string]struct {
			Command []string `yaml:"command"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(compose, &doc); err != nil {
		return nil, err
	}
	svc, ok := doc.Services["postgres"]
	if !ok {
		return nil, fmt.Errorf("no postgres service")
	}
	var out [][2]string
	for i, arg := range svc.Command {
		if arg != "-c" {
			continue
		}
		if i+1 >= len(svc.Command) {
			return nil, fmt.Errorf("-c without a setting")
		}
		name, value, ok := strings.Cut(svc.Command[i+1], "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("-c %q is not name=value", svc.Command[i+1])
		}
		out = append(out, [2]string{name, value})
	}
	return out, nil
}

// deployedDefaults are settings that docker-compose.yml leaves at
// PostgreSQL's built-in default and that a test server's configuration may
// change for the tests' speed: autovacuum, which a server for tests often
// turns off, while a deployed one keeps it on and so reuses the room of
// the notices and unsealed ledger entries parkfin deletes.
var deployedDefaults = []string{"autovacuum"}

// PostgresAsDeployed gives the test PostgreSQL server (this machine's,
// where the benchmarks run) the settings docker-compose.yml gives its
// own, and PostgreSQL's own default for each of deployedDefaults the file
// does not set, for the benchmark's length, and returns what puts them
// back. Only settings that a reload applies are taken (ALTER SYSTEM, then
// pg_reload_conf); one that needs a restart fails the benchmark, since it
// would measure another server than the one deployed. It returns the
// settings applied, as name=value, for the benchmark's log.
func PostgresAsDeployed(b testing.TB, composePath string) (applied []string, restore func()) {
	b.Helper()
	raw, err := os.ReadFile(composePath)
	if err != nil {
		b.Fatal(err)
	}
	settings, err := ComposeSettings(raw)
	if err != nil {
		b.Fatalf("%s: %v", composePath, err)
	}
	db, err := sql.Open("pgx", testsvc.PostgresBaseURL())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, name := range deployedDefaults {
		if slices.ContainsFunc(settings, func(s [2]string) bool { return s[0] == name }) {
			continue
		}
		var setting, boot string
		if err := db.QueryRowContext(ctx, "SELECT setting, boot_val FROM pg_settings WHERE name = $1", name).Scan(&setting, &boot); err != nil {
			db.Close()
			b.Fatalf("PostgreSQL setting %s: %v", name, err)
		}
		if setting != boot {
			settings = append(settings, [2]string{name, boot})
		}
	}
	reset := func() {
		for _, s := range settings {
			if _, err := db.ExecContext(ctx, "ALTER SYSTEM RESET "+quoteIdent(s[0])); err != nil {
				b.Logf("reset %s: %v", s[0], err)
			}
		}
		if _, err := db.ExecContext(ctx, "SELECT pg_reload_conf()"); err != nil {
			b.Logf("reload: %v", err)
		}
	}
	for _, s := range settings {
		var context string
		if err := db.QueryRowContext(ctx, "SELECT context FROM pg_settings WHERE name = $1", s[0]).Scan(&context); err != nil {
			db.Close()
			b.Fatalf("PostgreSQL setting %s: %v", s[0], err)
		}
		if context == "postmaster" || context == "internal" {
			db.Close()
			b.Fatalf("PostgreSQL setting %s (docker-compose.yml) takes a restart; the benchmark cannot apply it", s[0])
		}
		// ALTER SYSTEM takes no parameters: the value goes as a literal.
		if _, err := db.ExecContext(ctx, "ALTER SYSTEM SET "+quoteIdent(s[0])+" = "+quoteLiteral(s[1])); err != nil {
			reset()
			db.Close()
			b.Fatalf("ALTER SYSTEM SET %s: %v", s[0], err)
		}
		applied = append(applied, s[0]+"="+s[1])
	}
	if _, err := db.ExecContext(ctx, "SELECT pg_reload_conf()"); err != nil {
		reset()
		db.Close()
		b.Fatal(err)
	}
	return applied, func() { reset(); db.Close() }
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteLiteral(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }
