package sqlstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/demo"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// TestTokensKept checks, on PostgreSQL, that a process keeps the tokens it
// looked up, and that whatever changes them — another process's
// revocation, a user disabled by hand in SQL, this process's own
// revocation, after the listening connection was cut and came back — is
// refused by the next lookups that follow its notification.
func TestTokensKept(t *testing.T) {
	ctx := context.Background()
	// This store's connections, its listener's included, carry a name
	// of their own: the test cuts its listener and no other.
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := "tokens_kept_" + hex.EncodeToString(b[:])
	url := testsvc.PostgresURL(t) + "&application_name=" + name
	open := func() *sqlstore.Store {
		s, err := sqlstore.Open(ctx, url, sqlstore.Options{LedgerKeys: testsvc.LedgerKeys()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	s, other := open(), open()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, s, demoNow); err != nil {
		t.Fatal(err)
	}
	issue := func(user string) *auth.Token {
		t.Helper()
		_, tok, err := auth.IssueToken(ctx, s, s, user, "ERP", demoNow, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	// kept looks the token up until an answer comes from what s kept:
	// the first lookup starts the listener, and the cache is read only
	// once it listens.
	kept := func(tok *auth.Token) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; {
			k0, _ := s.TokenLookups()
			got, u, err := s.TokenUser(ctx, tok.Hash)
			if err != nil || got.ID != tok.ID || !got.Active(demoNow) || u.Disabled {
				t.Fatalf("lookup of a live token: %+v %+v %v", got, u, err)
			}
			if k1, _ := s.TokenLookups(); k1 > k0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("no lookup was answered from what the store kept in 10 s")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	// refused waits until a lookup of the token refuses it, and fails
	// after a second.
	refused := func(tok *auth.Token, what string) {
		t.Helper()
		start := time.Now()
		for {
			got, u, err := s.TokenUser(ctx, tok.Hash)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Active(demoNow) || u.Disabled {
				t.Logf("%s: refused after %v", what, time.Since(start))
				return
			}
			if time.Since(start) > time.Second {
				t.Fatalf("%s: the token still looked up as valid a second later", what)
			}
			time.Sleep(time.Millisecond)
		}
	}

	t.Run("RevokedElsewhere", func(t *testing.T) {
		tok := issue("bank-ICBC")
		kept(tok)
		if err := other.RevokeToken(ctx, tok.ID, demoNow.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		refused(tok, "revoked by another process")
	})
	t.Run("DisabledInSQL", func(t *testing.T) {
		tok := issue("bank-CCB")
		kept(tok)
		if err := other.DB().Exec("UPDATE users SET disabled = true WHERE name = ?", "bank-CCB").Error; err != nil {
			t.Fatal(err)
		}
		refused(tok, "user disabled in SQL")
	})
	t.Run("RevokedHere", func(t *testing.T) {
		tok := issue("window-GXQ")
		kept(tok)
		if err := s.RevokeToken(ctx, tok.ID, demoNow.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		// No waiting: the store forgot at its own commit.
		if got, _, err := s.TokenUser(ctx, tok.Hash); err != nil || got.Active(demoNow) {
			t.Fatalf("a token revoked through this store looked up as %+v, %v", got, err)
		}
	})
	t.Run("ListenerCut", func(t *testing.T) {
		tok := issue("city")
		kept(tok)
		var cut int64
		if err := other.DB().Raw(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE application_name = ? AND query LIKE '%LISTEN parkfin_credentials%' AND pid <> pg_backend_pid()`, name).Scan(&cut).Error; err != nil {
			t.Fatal(err)
		}
		if cut == 0 {
			t.Fatal("no listening connection found to cut")
		}
		// It listens again, keeps again, and hears again.
		kept(tok)
		if err := other.RevokeToken(ctx, tok.ID, demoNow.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		refused(tok, "revoked after the listener came back")
	})
}

// TestTokensNotKeptWithoutTriggers checks that a store whose database
// cannot tell it of changes — the triggers of migration 00028 switched off
// — keeps no token and reads each from the database.
func TestTokensNotKeptWithoutTriggers(t *testing.T) {
	ctx := context.Background()
	s := mustDemoStore(t, testsvc.Database{Name: "postgres", URL: testsvc.PostgresURL})
	if err := s.DB().Exec("ALTER TABLE api_tokens DISABLE TRIGGER api_tokens_credentials").Error; err != nil {
		t.Fatal(err)
	}
	_, tok, err := auth.IssueToken(ctx, s, s, "bank-ICBC", "ERP", demoNow, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		if got, _, err := s.TokenUser(ctx, tok.Hash); err != nil || got.ID != tok.ID {
			t.Fatalf("lookup: %+v %v", got, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if kept, read := s.TokenLookups(); kept != 0 || read != 50 {
		t.Fatalf("with the triggers off: %d lookups answered from what was kept, %d read; want 0 and 50", kept, read)
	}
}
