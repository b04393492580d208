package sqlstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/memtimer"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/demo"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// The role serve and worker connect as on PostgreSQL may only INSERT and
// SELECT on the ledger: it cannot rewrite, remove or truncate entries, nor
// switch the append-only triggers off, yet the engine works through it.
func TestAppRoleLedger(t *testing.T) {
	ctx := context.Background()
	var pg testsvc.Database
	for _, db := range testsvc.Databases() {
		if db.Name == "postgres" {
			pg = db
		}
	}
	ownerURL := pg.URL(t)
	owner, err := sqlstore.Open(ctx, ownerURL, sqlstore.Options{LedgerKeys: testsvc.LedgerKeys()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { owner.Close() })
	if _, err := owner.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 2, 10, 0, 0, 0, calendar.Location())
	if _, err := demo.Seed(ctx, owner, start); err != nil {
		t.Fatal(err)
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	role := "parkfin_app_" + hex.EncodeToString(b[:])
	mustExec(t, owner, "CREATE ROLE "+role+" LOGIN")
	t.Cleanup(func() {
		owner.DB().Exec("DROP OWNED BY " + role)
		owner.DB().Exec("DROP ROLE " + role)
	})
	if err := owner.GrantApp(ctx, role); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(ownerURL)
	u.User = url.User(role)
	// No sealer of its own: the test seals when the entry has been attacked.
	app, err := sqlstore.Open(ctx, u.String(), sqlstore.Options{LedgerKeys: testsvc.LedgerKeys(), SealPoll: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close() })

	// The engine, connected as the app role, opens and moves a case.
	cal, err := calendar.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	clock := engine.NewFakeClock(start)
	eng := engine.New(engine.Config{Store: app, Clock: clock, Calendar: cal, Index: memtimer.New()})
	eng.Register(financing.Definition(financing.Config{}))
	check, _ := uscc.CheckChar("91430900MA4L00002")
	in := `{"park":"GXQ","enterprise":{"name":"企业甲","uscc":"91430900MA4L00002` + string(check) + `"},"need":"流动资金贷款"}`
	if _, err := eng.Open(ctx, engine.OpenRequest{Workflow: financing.Name, Actor: engine.Actor{User: "window-GXQ", Role: engine.RoleWindow, Org: "GXQ"}, Payload: []byte(in)}); err != nil {
		t.Fatalf("open as the app role: %v", err)
	}
	r, err := app.VerifyLedger(ctx)
	if err != nil || !r.OK() || r.Entries != 1 || r.Unsealed != 1 {
		t.Fatalf("verify as the app role: %s %v", r, err)
	}
	// The entry not sealed yet can be neither changed nor removed.
	for _, q := range []string{
		"UPDATE ledger_unsealed SET actor_user = 'city'",
		"DELETE FROM ledger_unsealed",
		"TRUNCATE ledger_unsealed",
		"ALTER TABLE ledger_unsealed DISABLE TRIGGER USER",
	} {
		err := app.DB().Exec(q).Error
		if err == nil || !(strings.Contains(err.Error(), "permission denied") || strings.Contains(err.Error(), "must be owner") ||
			strings.Contains(err.Error(), "leaves only into the ledger")) {
			t.Errorf("%s as the app role: %v, want refused", q, err)
		}
	}
	// The app role seals it.
	if n, err := app.Seal(ctx); err != nil || n != 1 {
		t.Fatalf("seal as the app role: %d, %v", n, err)
	}
	if r, err = app.VerifyLedger(ctx); err != nil || !r.OK() || r.Entries != 1 || r.Unsealed != 0 || r.HeadSeq != 1 {
		t.Fatalf("verify as the app role after sealing: %s %v", r, err)
	}

	for _, q := range []string{
		"UPDATE ledger SET actor_user = 'city'",
		"DELETE FROM ledger",
		"TRUNCATE ledger",
		"ALTER TABLE ledger DISABLE TRIGGER USER",
		"DROP TRIGGER ledger_append_only ON ledger",
		"DELETE FROM ledger_chain",
		"INSERT INTO ledger_chain (id, seq, chain_hash, updated_at) VALUES (2, 0, '', now())",
	} {
		err := app.DB().Exec(q).Error
		if err == nil || !(strings.Contains(err.Error(), "permission denied") || strings.Contains(err.Error(), "must be owner")) {
			t.Errorf("%s as the app role: %v, want permission denied", q, err)
		}
	}
	var n int64
	if err := owner.DB().Raw("SELECT COUNT(*) FROM ledger WHERE actor_user = 'window-GXQ'").Scan(&n).Error; err != nil || n != 1 {
		t.Fatalf("the ledger changed: %d entries left, %v", n, err)
	}
}
