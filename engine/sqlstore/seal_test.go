package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/ledger"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

var (
	window = engine.Actor{User: "window-GXQ", Role: engine.RoleWindow, Org: "GXQ"}
	bank   = engine.Actor{User: "bank-ICBC", Role: engine.RoleBank, Org: "ICBC"}
)

// openAndAccept opens a financing case and has the bank accept it: two
// entries.
func openAndAccept(t *testing.T, eng *engine.Engine) string {
	t.Helper()
	id, err := tryOpenAndAccept(eng)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func tryOpenAndAccept(eng *engine.Engine) (string, error) {
	ctx := context.Background()
	check, _ := uscc.CheckChar("91430900MA4L00002")
	raw, _ := json.Marshal(financing.OpenInput{Park: "GXQ", Enterprise: financing.Enterprise{Name: "企业", USCC: "91430900MA4L00002" + string(check)}, Need: "流动资金贷款"})
	c, err := eng.Open(ctx, engine.OpenRequest{Workflow: financing.Name, Actor: window, Payload: raw})
	if err != nil {
		return "", err
	}
	_, err = eng.Fire(ctx, engine.FireRequest{CaseID: c.ID, Event: financing.Accept, Actor: bank})
	return c.ID, err
}

// unsealedFixture writes three cases of two entries each through a store
// that seals later and runs no sealer: a process that died before sealing.
// It returns the environment (whose own store wrote nothing) and the
// unsealed entries in the order they were written.
func unsealedFixture(t *testing.T, db testsvc.Database) (*enginetest.Env, []ledger.Entry) {
	t.Helper()
	x := enginetest.New(t, db, time.Date(2026, 11, 2, 10, 0, 0, 0, calendar.Location()))
	y := x.AnotherWith(t, sqlstore.Options{Sealing: sqlstore.SealLater, SealPoll: -1})
	for i := 0; i < 3; i++ {
		openAndAccept(t, y.Engine)
	}
	if err := y.Store.Close(); err != nil {
		t.Fatal(err)
	}
	var es []ledger.Entry
	if err := x.Store.ScanUnsealed(context.Background(), func(e *ledger.Entry) error { es = append(es, *e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(es) != 6 {
		t.Fatalf("%d unsealed entries, want 6", len(es))
	}
	return x, es
}

func mustVerify(t *testing.T, s *sqlstore.Store) ledger.Report {
	t.Helper()
	r, err := s.VerifyLedger(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Entries committed by a process that never sealed them (it died, or its
// sealer was stopped) verify as unsealed, and the next sealer run seals
// them into a gap-free chain.
func TestLedgerSealAfterCrash(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			x, es := unsealedFixture(t, db)
			r := mustVerify(t, x.Store)
			if !r.OK() || r.Entries != 6 || r.Unsealed != 6 || r.HeadSeq != 0 || !strings.Contains(r.String(), "6 entries not sealed yet") {
				t.Fatalf("before sealing: %s (head %d)", r, r.HeadSeq)
			}
			timeline, err := x.Store.CaseLedger(ctx, es[0].CaseID)
			if err != nil {
				t.Fatal(err)
			}
			if len(timeline) != 2 || timeline[0].Seq != 0 || timeline[0].Unsealed != es[0].Unsealed || timeline[1].Unsealed != es[1].Unsealed {
				t.Fatalf("timeline of the unsealed case: %+v", timeline)
			}

			// A process started afterwards seals them with its first commit.
			z := x.AnotherWith(t, sqlstore.Options{Sealing: sqlstore.SealLater, SealPoll: 20 * time.Millisecond})
			openAndAccept(t, z.Engine)
			deadline := time.Now().Add(10 * time.Second)
			for r = mustVerify(t, x.Store); r.Unsealed > 0 && time.Now().Before(deadline); r = mustVerify(t, x.Store) {
				time.Sleep(20 * time.Millisecond)
			}
			if !r.OK() || r.Entries != 8 || r.Unsealed != 0 || r.HeadSeq != 8 || r.FirstAuthenticated != 1 {
				t.Fatalf("after sealing: %s (head %d)", r, r.HeadSeq)
			}
			timeline, err = x.Store.CaseLedger(ctx, es[0].CaseID)
			if err != nil {
				t.Fatal(err)
			}
			// Sealed in the order written: the dead process's first.
			if len(timeline) != 2 || timeline[0].Seq != 1 || timeline[1].Seq != 2 || timeline[1].Unsealed != 0 {
				t.Fatalf("timeline after sealing: %+v", timeline)
			}
			cp, err := x.Store.Checkpoint(ctx, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if cp.Seq != 8 {
				t.Fatalf("checkpoint at %d, want 8", cp.Seq)
			}
		})
	}
}

// Several processes write at once, each with its own sealer: the sealers
// take turns on the chain head and the ledger ends gap-free and intact.
func TestLedgerConcurrentSealers(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			x := enginetest.New(t, db, time.Date(2026, 11, 2, 10, 0, 0, 0, calendar.Location()))
			const procs, writers, each = 3, 4, 4
			var engines []*engine.Engine
			for p := 0; p < procs; p++ {
				engines = append(engines, x.AnotherWith(t, sqlstore.Options{Sealing: sqlstore.SealLater, SealPoll: 10 * time.Millisecond}).Engine)
			}
			var wg sync.WaitGroup
			errs := make(chan error, procs*writers)
			for p := 0; p < procs; p++ {
				for w := 0; w < writers; w++ {
					wg.Add(1)
					go func(eng *engine.Engine) {
						defer wg.Done()
						for i := 0; i < each; i++ {
							if _, err := tryOpenAndAccept(eng); err != nil {
								errs <- err
								return
							}
						}
					}(engines[p])
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			want := 2 * procs * writers * each
			r := mustVerify(t, x.Store)
			if !r.OK() || r.Entries != want {
				t.Fatalf("while sealing: %s", r)
			}
			deadline := time.Now().Add(10 * time.Second)
			for r.Unsealed > 0 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
				r = mustVerify(t, x.Store)
			}
			if !r.OK() || r.Entries != want || r.Unsealed != 0 || r.HeadSeq != int64(want) || r.FirstAuthenticated != 1 {
				t.Fatalf("sealed: %s (head %d)", r, r.HeadSeq)
			}
		})
	}
}

// allowTamperingUnsealed switches off the triggers that keep unsealed
// entries from being changed or removed, as the database owner could.
func allowTamperingUnsealed(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	if s.Dialect() == sqlstore.Postgres {
		mustExec(t, s, "ALTER TABLE ledger_unsealed DISABLE TRIGGER USER")
		return
	}
	mustExec(t, s, "DROP TRIGGER ledger_unsealed_no_update")
	mustExec(t, s, "DROP TRIGGER ledger_unsealed_keep")
}

// An unsealed entry can be neither changed nor removed before the ledger
// holds it.
func TestLedgerUnsealedKept(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			x, es := unsealedFixture(t, db)
			for _, q := range []string{"UPDATE ledger_unsealed SET payload = '{}' WHERE id = ?", "DELETE FROM ledger_unsealed WHERE id = ?"} {
				err := x.Store.DB().Exec(q, es[1].Unsealed).Error
				if err == nil || !strings.Contains(err.Error(), "leaves only into the ledger") {
					t.Errorf("%s: %v, want refused", q, err)
				}
			}
			if x.Store.Dialect() == sqlstore.Postgres {
				if err := x.Store.DB().Exec("TRUNCATE ledger_unsealed").Error; err == nil {
					t.Error("TRUNCATE ledger_unsealed: not refused")
				}
			}
			// One statement removing an entry the ledger holds with
			// entries it does not hold fails whole; the held one alone
			// may go.
			mustExec(t, x.Store, `INSERT INTO ledger (seq, case_id, at, actor_user, actor_role, actor_org, event, from_state, to_state, payload, prev_hash, hash)
				SELECT 1000, case_id, at, actor_user, actor_role, actor_org, event, from_state, to_state, payload, prev_hash, hash FROM ledger_unsealed WHERE id = ?`, es[0].Unsealed)
			held := []int64{es[0].Unsealed, es[1].Unsealed, es[2].Unsealed}
			err := x.Store.DB().Exec("DELETE FROM ledger_unsealed WHERE id IN ?", held).Error
			if err == nil || !strings.Contains(err.Error(), "leaves only into the ledger") {
				t.Errorf("delete of a held entry with two unsealed ones: %v, want refused", err)
			}
			if n := countUnsealed(t, x.Store); n != len(es) {
				t.Errorf("%d unsealed entries after the refused delete, want %d", n, len(es))
			}
			mustExec(t, x.Store, "DELETE FROM ledger_unsealed WHERE id = ?", es[0].Unsealed)
			if n := countUnsealed(t, x.Store); n != len(es)-1 {
				t.Errorf("%d unsealed entries after the held one left, want %d", n, len(es)-1)
			}
		})
	}
}

func countUnsealed(t *testing.T, s *sqlstore.Store) int {
	t.Helper()
	var n int
	if err := s.DB().Raw("SELECT count(*) FROM ledger_unsealed").Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// What someone with the database's owner rights but not the key can do to
// entries not sealed yet, and what verification says.
func TestLedgerUnsealedAttacks(t *testing.T) {
	type attack struct {
		name string
		// do tampers with the unsealed entries es and returns the kind and
		// the unsealed entry verification must name (0: none).
		do func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64)
	}
	attacks := []attack{
		{name: "Edited", do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			mustExec(t, s, "UPDATE ledger_unsealed SET actor_user = 'city' WHERE id = ?", es[3].Unsealed)
			return ledger.KindEdited, es[3].Unsealed
		}},
		{name: "RewrittenHashRecomputed", do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			e := es[3]
			e.ActorUser = "city"
			e.Hash = e.ContentHash()
			mustExec(t, s, "UPDATE ledger_unsealed SET actor_user = ?, hash = ? WHERE id = ?", e.ActorUser, e.Hash, e.Unsealed)
			mustExec(t, s, "UPDATE cases SET ledger_head = ? WHERE id = ?", e.Hash, e.CaseID)
			return ledger.KindMAC, e.Unsealed
		}},
		{name: "Forged", do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			f := es[5]
			f.Version++
			f.Event, f.From, f.To = "answer", f.To, "answered"
			f.PrevHash = es[5].Hash
			f.Hash = f.ContentHash()
			mustExec(t, s, `INSERT INTO ledger_unsealed (case_id, workflow, number, case_version, at, actor_user, actor_role, actor_org, event, from_state, to_state, payload, prev_hash, hash, key_id, mac)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.CaseID, f.Workflow, f.Number, f.Version, f.At.UTC(), f.ActorUser, f.ActorRole, f.ActorOrg,
				f.Event, f.From, f.To, string(f.Payload), f.PrevHash, f.Hash, f.KeyID, f.MAC)
			var id int64
			if err := s.DB().Raw("SELECT MAX(id) FROM ledger_unsealed").Scan(&id).Error; err != nil {
				t.Fatal(err)
			}
			return ledger.KindMAC, id
		}},
		{name: "MiddleRemoved", do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			mustExec(t, s, "DELETE FROM ledger_unsealed WHERE id = ?", es[2].Unsealed)
			return ledger.KindCaseLink, es[3].Unsealed
		}},
		{name: "LastRemoved", do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			mustExec(t, s, "DELETE FROM ledger_unsealed WHERE id = ?", es[5].Unsealed)
			return ledger.KindCaseLen, 0
		}},
		{name: "CaseStateChanged", do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			mustExec(t, s, "UPDATE cases SET state = 'answered' WHERE id = ?", es[1].CaseID)
			return ledger.KindCaseRow, es[1].Unsealed
		}},
		{name: "CaseDeleted", do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			id := es[0].CaseID
			for _, table := range []string{"timers", "case_parties", "case_marks", "outbox"} {
				mustExec(t, s, "DELETE FROM "+table+" WHERE case_id = ?", id)
			}
			mustExec(t, s, "DELETE FROM cases WHERE id = ?", id)
			return ledger.KindOrphan, es[0].Unsealed
		}},
	}
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			for _, a := range attacks {
				t.Run(a.name, func(t *testing.T) {
					ctx := context.Background()
					x, es := unsealedFixture(t, db)
					allowTamperingUnsealed(t, x.Store)
					kind, bad := a.do(t, x.Store, es)
					r := mustVerify(t, x.Store)
					if r.Kind != kind || r.BadUnsealed != bad || r.BadSeq != 0 || !strings.HasPrefix(r.String(), "broken") {
						t.Fatalf("report %q (unsealed %d): want %s at unsealed entry %d", r, r.BadUnsealed, kind, bad)
					}
					// The sealer refuses an entry that fails its own check and
					// everything after it; what comes before is sealed.
					n, err := x.Store.Seal(ctx)
					var ue *sqlstore.UnsealedError
					switch kind {
					case ledger.KindEdited, ledger.KindMAC:
						if !errors.As(err, &ue) || ue.Unsealed != bad || ue.Kind != kind {
							t.Fatalf("seal: %d, %v; want refused at %d", n, err, bad)
						}
					default:
						if err != nil {
							t.Fatalf("seal: %v", err)
						}
					}
					// Sealed or not, the fault is still named.
					r = mustVerify(t, x.Store)
					if r.Kind != kind {
						t.Fatalf("after sealing %d: %s, want %s", n, r, kind)
					}
				})
			}
		})
	}
}

// The check of a removal of unsealed entries looks each removed entry up
// in the ledger by its index, however small the ledger is when the
// connection plans it: PL/pgSQL keeps the plan until the ledger's
// statistics next change, and meanwhile a plan that scans the whole
// ledger grows as slow as the ledger grows long. The plan is read as
// PostgreSQL's auto_explain reports it, as a notice to the connection
// that removed the entries.
func TestUnsealedRemovalLooksEntriesUpByIndex(t *testing.T) {
	ctx := context.Background()
	x, es := unsealedFixture(t, testsvc.Database{Name: "postgres", URL: testsvc.PostgresURL})
	var schema string
	if err := x.Store.DB().Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
		t.Fatal(err)
	}
	cfg, err := pgx.ParseConfig(testsvc.PostgresBaseURL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["search_path"] = schema
	var mu sync.Mutex
	var plans []string
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		mu.Lock()
		defer mu.Unlock()
		plans = append(plans, n.Message)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{"LOAD 'auto_explain'", "SET auto_explain.log_min_duration = 0",
		"SET auto_explain.log_nested_statements = on", "SET auto_explain.log_level = notice"} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// A young ledger, of 150 entries, holds five of the six unsealed
	// entries; the first removal on the connection, of those five, plans
	// the check. Planned then as a hash join over a scan of the whole
	// ledger, it would read the whole ledger at every later removal.
	mustExec(t, x.Store, `INSERT INTO ledger (seq, case_id, at, actor_user, actor_role, actor_org, event, from_state, to_state, payload, prev_hash, hash)
		SELECT 1000 + n, 'filler-' || n, at, actor_user, actor_role, actor_org, event, from_state, to_state, payload, prev_hash, md5(n::text)
		FROM ledger_unsealed, generate_series(1, 145) AS n WHERE id = ?`, es[0].Unsealed)
	removed := make([]int64, 5)
	for i, e := range es[:5] {
		mustExec(t, x.Store, `INSERT INTO ledger (seq, case_id, at, actor_user, actor_role, actor_org, event, from_state, to_state, payload, prev_hash, hash)
			SELECT ?, case_id, at, actor_user, actor_role, actor_org, event, from_state, to_state, payload, prev_hash, hash FROM ledger_unsealed WHERE id = ?`, i+1, e.Unsealed)
		removed[i] = e.Unsealed
	}
	if _, err := conn.Exec(ctx, "DELETE FROM ledger_unsealed WHERE id = ANY($1)", removed); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	var check string
	for _, p := range plans {
		if strings.Contains(p, "FROM removed r") {
			check = p
		}
	}
	if check == "" {
		t.Fatalf("no plan of the removal's check among %d notices: %q", len(plans), plans)
	}
	if strings.Contains(check, "Seq Scan on ledger") || !strings.Contains(check, "ledger_by_case") {
		t.Errorf("the check's plan does not look the removed entries up by ledger_by_case:\n%s", check)
	}
	if n := countUnsealed(t, x.Store); n != 1 {
		t.Errorf("%d unsealed entries after the removal of five of six, want 1", n)
	}
}
