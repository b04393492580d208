package sqlstore

import (
	"context"
	"testing"
)

// mustOpen opens a store at url for a test of the package's internals,
// closed when the test ends; migrate also applies the migrations.
func mustOpen(t *testing.T, url string, migrate bool) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if migrate {
		if _, err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return s
}
