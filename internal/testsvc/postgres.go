package testsvc

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver "pgx"
)

// PostgresURL returns the URL of a fresh, empty schema in the test
// PostgreSQL database (PARKFIN_TEST_DATABASE_URL, default the local server's
// "postgres" database), dropped when the test ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := PostgresBaseURL()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", base)
	if err != nil {
		Unavailable(t, "PostgreSQL", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		Unavailable(t, "PostgreSQL", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("PARKFIN_TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// PostgresBaseURL is the test PostgreSQL server's URL
// (PARKFIN_TEST_DATABASE_URL, default the local server's "postgres"
// database), for what works on the server itself rather than in a
// schema of its own.
func PostgresBaseURL() string {
	return Env("PARKFIN_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
}

// SQLiteURL returns the URL of a new SQLite database in the test's temporary
// directory.
func SQLiteURL(t testing.TB) string {
	t.Helper()
	return "sqlite://" + filepath.Join(t.TempDir(), "parkfin.db")
}

// Database names one database a test suite runs against.
type Database struct {
	Name string
	// URL returns a fresh, empty database for one test.
	URL func(t testing.TB) string
}

// Databases lists the databases every store-backed test runs against:
// SQLite (the embedded default) and PostgreSQL.
func Databases() []Database {
	return []Database{
		{Name: "sqlite", URL: SQLiteURL},
		{Name: "postgres", URL: PostgresURL},
	}
}
