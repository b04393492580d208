package sqlstore_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/ledger"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// MustLedgerFixture opens a store with three financing cases and a few
// moves each, and returns it with the ledger entries in seq order.
func MustLedgerFixture(t *testing.T, db testsvc.Database) (*sqlstore.Store, []ledger.Entry) {
	t.Helper()
	ctx := context.Background()
	x := enginetest.New(t, db, time.Date(2026, 11, 2, 10, 0, 0, 0, calendar.Location()))
	s, eng, clock := x.Store, x.Engine, x.Clock
	check, _ := uscc.CheckChar("91430900MA4L00002")
	for i := 0; i < 3; i++ {
		in := financing.OpenInput{Park: "GXQ", Enterprise: financing.Enterprise{Name: "企业" + string(rune('甲'+i)), USCC: "91430900MA4L00002" + string(check)}, Need: "流动资金贷款"}
		raw, _ := json.Marshal(in)
		c, err := eng.Open(ctx, engine.OpenRequest{Workflow: financing.Name, Actor: engine.Actor{User: "window-GXQ", Role: engine.RoleWindow, Org: "GXQ"}, Payload: raw})
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
		bank := engine.Actor{User: "bank-ICBC", Role: engine.RoleBank, Org: "ICBC"}
		if _, err := eng.Fire(ctx, engine.FireRequest{CaseID: c.ID, Event: financing.Accept, Actor: bank}); err != nil {
			t.Fatal(err)
		}
		if _, err := eng.Fire(ctx, engine.FireRequest{CaseID: c.ID, Event: financing.RequestInfo, Actor: bank,
			Payload: json.RawMessage(`{"question":"请补充报表"}`)}); err != nil {
			t.Fatal(err)
		}
	}
	var entries []ledger.Entry
	err := s.ScanLedger(ctx, func(e *ledger.Entry) error { entries = append(entries, *e); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 9 {
		t.Fatalf("fixture has %d entries, want 9", len(entries))
	}
	return s, entries
}

// allowTampering switches off the append-only triggers, as an attacker with
// the database owner's rights could.
func allowTampering(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	var sql []string
	if s.Dialect() == sqlstore.Postgres {
		sql = []string{"ALTER TABLE ledger DISABLE TRIGGER USER"}
	} else {
		sql = []string{"DROP TRIGGER ledger_no_update", "DROP TRIGGER ledger_no_delete"}
	}
	for _, q := range sql {
		if err := s.DB().Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
}

func mustExec(t *testing.T, s *sqlstore.Store, q string, args ...any) {
	t.Helper()
	if err := s.DB().Exec(q, args...).Error; err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func TestLedgerVerify(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			t.Run("OK", func(t *testing.T) {
				s, _ := MustLedgerFixture(t, db)
				r, err := s.VerifyLedger(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if !r.OK() || r.String() != "ok: 9 entries, 3 cases" {
					t.Fatalf("report %q", r)
				}
			})
			t.Run("AppendOnly", func(t *testing.T) {
				s, es := MustLedgerFixture(t, db)
				qs := []string{"UPDATE ledger SET payload = '{}' WHERE seq = ?", "DELETE FROM ledger WHERE seq = ?"}
				if s.Dialect() == sqlstore.Postgres {
					qs = append(qs, "TRUNCATE ledger")
				}
				for _, q := range qs {
					var args []any
					if strings.Contains(q, "?") {
						args = append(args, es[0].Seq)
					}
					err := s.DB().Exec(q, args...).Error
					if err == nil || !strings.Contains(err.Error(), "append-only") {
						t.Errorf("%s: %v, want refused as append-only", q, err)
					}
				}
			})
			tamper := []struct {
				name string
				do   func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) int64 // returns the seq the report must name, or 0
			}{
				{"EditedPayload", func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) int64 {
					mustExec(t, s, `UPDATE ledger SET payload = '{"question":"已篡改"}' WHERE seq = ?`, es[5].Seq)
					return es[5].Seq
				}},
				{"EditedActor", func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) int64 {
					mustExec(t, s, `UPDATE ledger SET actor_user = 'city' WHERE seq = ?`, es[1].Seq)
					return es[1].Seq
				}},
				{"DeletedEntry", func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) int64 {
					// The accept of the second case: its request_info no
					// longer follows the open.
					mustExec(t, s, `DELETE FROM ledger WHERE seq = ?`, es[4].Seq)
					return es[5].Seq
				}},
				{"DeletedLastEntry", func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) int64 {
					mustExec(t, s, `DELETE FROM ledger WHERE seq = ?`, es[8].Seq)
					return 0
				}},
				{"InsertedEntry", func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) int64 {
					// A forged, well-formed entry claiming to follow the
					// second case's open: an answer slipped in before the
					// bank's real moves.
					forged := es[3]
					forged.Seq = es[8].Seq + 100
					forged.Event, forged.From, forged.To = "answer", "routed", "answered"
					forged.PrevHash = es[3].Hash
					if err := forged.Seal(); err != nil {
						t.Fatal(err)
					}
					mustExec(t, s, `INSERT INTO ledger (seq, case_id, at, actor_user, actor_role, actor_org, event, from_state, to_state, payload, prev_hash, hash)
						VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, forged.Seq, forged.CaseID, forged.At.UTC(), forged.ActorUser, forged.ActorRole,
						forged.ActorOrg, forged.Event, forged.From, forged.To, string(forged.Payload), forged.PrevHash, forged.Hash)
					return forged.Seq
				}},
				{"ReorderedPair", func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) int64 {
					// Swap the seq numbers of the third case's accept and
					// request_info.
					a, b := es[7].Seq, es[8].Seq
					mustExec(t, s, `UPDATE ledger SET seq = ? WHERE seq = ?`, -1, a)
					mustExec(t, s, `UPDATE ledger SET seq = ? WHERE seq = ?`, a, b)
					mustExec(t, s, `UPDATE ledger SET seq = ? WHERE seq = ?`, b, -1)
					return a
				}},
			}
			for _, tc := range tamper {
				t.Run(tc.name, func(t *testing.T) {
					s, es := MustLedgerFixture(t, db)
					allowTampering(t, s)
					want := tc.do(t, s, es)
					r, err := s.VerifyLedger(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if r.OK() {
						t.Fatalf("tampering not detected: %s", r)
					}
					if r.BadSeq != want {
						t.Fatalf("report names entry %d, want %d: %s", r.BadSeq, want, r)
					}
					if r.BadCase == "" || !strings.HasPrefix(r.String(), "broken:") {
						t.Fatalf("report %q", r)
					}
				})
			}
		})
	}
}
