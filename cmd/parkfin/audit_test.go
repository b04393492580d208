package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/sqlstore"
)

// audit purge refuses anything younger than the retention (180 days at
// least), deletes older entries with a record of the purge, and the chain
// still verifies after it.
func TestAuditCommands(t *testing.T) {
	forEachDB(t, func(t *testing.T) {
		mustRun(t, "demo", "seed")
		cfg, err := LoadConfig("")
		if err != nil {
			t.Fatal(err)
		}
		s, err := sqlstore.Open(context.Background(), cfg.DatabaseURL, sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		old := time.Now().Add(-400 * 24 * time.Hour)
		for i, at := range []time.Time{old, old.Add(time.Hour), time.Now().Add(-time.Hour)} {
			e := audit.Entry{At: at, Actor: "city", ActorRole: "city", Action: audit.SignIn, Target: "city", Result: audit.OK, Detail: string(rune('a' + i))}
			if err := s.AppendAudit(context.Background(), &e); err != nil {
				t.Fatal(err)
			}
		}
		if out := mustRun(t, "audit", "verify"); !strings.Contains(out, "intact: 3 entries") {
			t.Fatalf("verify: %q", out)
		}
		if _, errOut, code := run(t, "audit", "purge", "--older-than", "720h"); code == 0 || !strings.Contains(errOut, "至少保留 180 天") {
			t.Fatalf("a purge of 30 days: exit %d %s", code, errOut)
		}
		t.Setenv("PARKFIN_AUDIT_RETENTION", "8760h")
		if _, errOut, code := run(t, "audit", "purge", "--older-than", "4320h"); code == 0 || !strings.Contains(errOut, "至少保留 365 天") {
			t.Fatalf("a purge younger than the configured retention: exit %d %s", code, errOut)
		}
		var purged struct{ Purged int64 }
		mustJSONOut(t, &purged, "audit", "purge", "--older-than", "8760h")
		if purged.Purged != 2 {
			t.Fatalf("purged %d", purged.Purged)
		}
		if out := mustRun(t, "audit", "verify"); !strings.Contains(out, "intact: 2 entries (3..4)") {
			t.Fatalf("verify after the purge: %q", out)
		}
		entries, err := s.AuditEntries(context.Background(), audit.Filter{Action: audit.AuditPurge})
		if err != nil || len(entries) != 1 || !strings.HasPrefix(entries[0].Actor, "operator:") {
			t.Fatalf("%+v %v", entries, err)
		}
		if err := s.DB().Exec("DELETE FROM audit_log WHERE seq = 3").Error; err != nil {
			t.Fatal(err)
		}
		if _, _, code := run(t, "audit", "verify"); code == 0 {
			t.Fatal("a removed entry verifies")
		}
	})
}

// --as acts with the operator named in the ledger, and against a remote
// database only with --operator.
func TestOperatorIdentity(t *testing.T) {
	if !remoteDatabase("postgres://u@db.example:5432/parkfin") || remoteDatabase("postgres://postgres@127.0.0.1:5432/x") ||
		remoteDatabase("sqlite:///tmp/x.db") || remoteDatabase("postgres:///parkfin?host=/var/run/postgresql") {
		t.Fatal("remoteDatabase")
	}
	t.Setenv("PARKFIN_DATA_DIR", t.TempDir())
	t.Setenv("PARKFIN_DATABASE_URL", "")
	mustRun(t, "demo", "seed")
	var opened struct{ ID string }
	mustJSONOut(t, &opened, "case", "open", "--as", "window-GXQ", "--park", "GXQ", "--enterprise", "益阳某某科技有限公司",
		"--uscc", "91430900MA4L00010R", "--need", "流动资金贷款 200 万元")
	var shown struct{ Ledger []struct{ Actor string } }
	mustJSONOut(t, &shown, "case", "show", opened.ID)
	if len(shown.Ledger) != 1 || shown.Ledger[0].Actor != operator()+" as window-GXQ" {
		t.Fatalf("%+v", shown)
	}
}
