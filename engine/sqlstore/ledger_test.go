package sqlstore_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
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
	// On PostgreSQL the moves are sealed a moment after their commits.
	if _, err := s.Seal(ctx); err != nil {
		t.Fatal(err)
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
		sql = []string{"ALTER TABLE ledger DISABLE TRIGGER USER", "ALTER TABLE ledger_chain DISABLE TRIGGER USER"}
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
				if !r.OK() || r.String() != "ok: 9 entries, 3 cases" || r.HeadSeq != 9 || r.Legacy != 0 || r.Walked {
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
			t.Run("Attacks", func(t *testing.T) { testLedgerAttacks(t, db) })
		})
	}
}

// rewrite changes entry i of es (in seq order) as someone with the
// database but not the key would, recomputing what can be recomputed
// without it: the per-case chain of its case from it on, that case's head
// and, when links is set, every global chain link from it on and the chain
// head. The MACs cannot be recomputed.
func rewrite(t *testing.T, s *sqlstore.Store, es []ledger.Entry, i int, links bool) {
	t.Helper()
	es[i].ActorUser = "city"
	mustExec(t, s, "UPDATE ledger SET actor_user = ? WHERE seq = ?", es[i].ActorUser, es[i].Seq)
	prevByCase := map[string]string{}
	for j := range es {
		e := &es[j]
		if j >= i {
			e.PrevHash = prevByCase[e.CaseID]
			e.Hash = e.ContentHash()
			if links {
				prev := ""
				if j > 0 {
					prev = es[j-1].ChainHash
				}
				e.ChainHash = ledger.ChainLink(prev, e.Seq, e.Hash)
			}
			mustExec(t, s, "UPDATE ledger SET prev_hash = ?, hash = ?, chain_hash = ? WHERE seq = ?", e.PrevHash, e.Hash, e.ChainHash, e.Seq)
		}
		prevByCase[e.CaseID] = e.Hash
	}
	for id, h := range prevByCase {
		mustExec(t, s, "UPDATE cases SET ledger_head = ? WHERE id = ?", h, id)
	}
	if links {
		last := es[len(es)-1]
		mustExec(t, s, "UPDATE ledger_chain SET seq = ?, chain_hash = ? WHERE id = 1", last.Seq, last.ChainHash)
	}
}

// testLedgerAttacks performs, with the append-only triggers off (on
// PostgreSQL as the database owner), the rewrites someone with database
// access could try, and checks that verification names each.
func testLedgerAttacks(t *testing.T, db testsvc.Database) {
	ctx := context.Background()
	type attack struct {
		name string
		// do tampers and returns what the report must say.
		do             func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64)
		withCP         bool
		selfConsistent bool
	}
	for _, a := range []attack{
		{name: "EditedPayload", do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			mustExec(t, s, `UPDATE ledger SET payload = '{"question":"已篡改"}' WHERE seq = ?`, es[5].Seq)
			return ledger.KindEdited, es[5].Seq
		}},
		{name: "RewrittenAllHashesRecomputed", do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			rewrite(t, s, es, 4, true)
			return ledger.KindMAC, es[4].Seq
		}},
		{name: "RewrittenPerCaseHashesRecomputedNoKey", do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			rewrite(t, s, es, 4, false)
			return ledger.KindChain, es[4].Seq
		}},
		{name: "CaseDeletedWithItsChain", do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			id := es[3].CaseID
			for _, table := range []string{"timers", "case_parties", "case_marks", "outbox"} {
				mustExec(t, s, "DELETE FROM "+table+" WHERE case_id = ?", id)
			}
			mustExec(t, s, "DELETE FROM ledger WHERE case_id = ?", id)
			mustExec(t, s, "DELETE FROM cases WHERE id = ?", id)
			return ledger.KindGap, es[6].Seq
		}},
		{name: "CaseRowDeletedEntriesKept", do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			id := es[4].CaseID
			for _, table := range []string{"timers", "case_parties", "case_marks", "outbox"} {
				mustExec(t, s, "DELETE FROM "+table+" WHERE case_id = ?", id)
			}
			mustExec(t, s, "DELETE FROM cases WHERE id = ?", id)
			first := es[4].Seq
			for _, e := range es {
				if e.CaseID == id {
					first = min(first, e.Seq)
				}
			}
			return ledger.KindOrphan, first
		}},
		{name: "TailDroppedHeadKept", do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			mustExec(t, s, "DELETE FROM ledger WHERE seq >= ?", es[7].Seq)
			mustExec(t, s, "UPDATE cases SET state = ?, version = ?, ledger_head = ?, ledger_len = 1 WHERE id = ?", es[6].To, es[6].Version, es[6].Hash, es[6].CaseID)
			return ledger.KindHead, 0
		}},
		{name: "TailDroppedHeadRolledBack", withCP: true, selfConsistent: true, do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			mustExec(t, s, "DELETE FROM ledger WHERE seq >= ?", es[7].Seq)
			mustExec(t, s, "UPDATE cases SET state = ?, version = ?, ledger_head = ?, ledger_len = 1 WHERE id = ?", es[6].To, es[6].Version, es[6].Hash, es[6].CaseID)
			mustExec(t, s, "UPDATE ledger_chain SET seq = ?, chain_hash = ? WHERE id = 1", es[6].Seq, es[6].ChainHash)
			return ledger.KindCheckpointMissing, es[8].Seq
		}},
		{name: "CaseStateChangedWithoutEntry", do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			mustExec(t, s, "UPDATE cases SET state = 'answered' WHERE id = ?", es[0].CaseID)
			return ledger.KindCaseRow, es[2].Seq
		}},
		{name: "CaseVersionChangedWithoutEntry", do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			mustExec(t, s, "UPDATE cases SET version = version + 1 WHERE id = ?", es[0].CaseID)
			return ledger.KindCaseRow, es[2].Seq
		}},
		{name: "ForgedEntryAppended", do: func(t *testing.T, s *sqlstore.Store, es []ledger.Entry) (ledger.Kind, int64) {
			// A well-formed entry appended around the engine, per-case and
			// global links computed, no key.
			forged := es[8]
			forged.Seq++
			forged.Version++
			forged.Event, forged.From, forged.To = "answer", "info_requested", "answered"
			forged.PrevHash = es[8].Hash
			forged.Hash = forged.ContentHash()
			forged.ChainHash = ledger.ChainLink(es[8].ChainHash, forged.Seq, forged.Hash)
			mustExec(t, s, `INSERT INTO ledger (seq, case_id, workflow, number, case_version, at, actor_user, actor_role, actor_org, event, from_state, to_state, payload, prev_hash, hash, chain_hash, key_id, mac)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, forged.Seq, forged.CaseID, forged.Workflow, forged.Number, forged.Version,
				forged.At.UTC(), forged.ActorUser, forged.ActorRole, forged.ActorOrg, forged.Event, forged.From, forged.To, string(forged.Payload),
				forged.PrevHash, forged.Hash, forged.ChainHash, forged.KeyID, forged.MAC)
			return ledger.KindMAC, forged.Seq
		}},
	} {
		t.Run(a.name, func(t *testing.T) {
			s, es := MustLedgerFixture(t, db)
			cp, err := s.Checkpoint(ctx, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if cp.Seq != es[8].Seq || cp.ChainHash != es[8].ChainHash {
				t.Fatalf("checkpoint %+v, head entry %d %s", cp, es[8].Seq, es[8].ChainHash)
			}
			allowTampering(t, s)
			kind, seq := a.do(t, s, es)
			var cps []ledger.Checkpoint
			if a.withCP {
				r, err := s.VerifyLedger(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if a.selfConsistent != r.OK() {
					t.Fatalf("without the checkpoint: %s", r)
				}
				cps = append(cps, cp)
			}
			r, err := s.VerifyLedgerAgainst(ctx, cps)
			if err != nil {
				t.Fatal(err)
			}
			if r.Kind != kind || r.BadSeq != seq {
				t.Fatalf("report %q: want %s at entry %d", r, kind, seq)
			}
			if !strings.HasPrefix(r.String(), "broken") {
				t.Fatalf("report %q", r)
			}
		})
	}
}

// Transitions committing at once get sequence numbers without gaps and one
// linear global chain.
func TestLedgerConcurrentAppends(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			x := enginetest.New(t, db, time.Date(2026, 11, 2, 10, 0, 0, 0, calendar.Location()))
			check, _ := uscc.CheckChar("91430900MA4L00002")
			raw, _ := json.Marshal(financing.OpenInput{Park: "GXQ", Enterprise: financing.Enterprise{Name: "企业", USCC: "91430900MA4L00002" + string(check)}, Need: "流动资金贷款"})
			const workers, each = 8, 5
			errs := make(chan error, workers*each)
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < each; i++ {
						c, err := x.Engine.Open(ctx, engine.OpenRequest{Workflow: financing.Name, Actor: engine.Actor{User: "window-GXQ", Role: engine.RoleWindow, Org: "GXQ"}, Payload: raw})
						if err == nil {
							_, err = x.Engine.Fire(ctx, engine.FireRequest{CaseID: c.ID, Event: financing.Accept, Actor: engine.Actor{User: "bank-ICBC", Role: engine.RoleBank, Org: "ICBC"}})
						}
						errs <- err
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			r, err := x.Store.VerifyLedger(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// On PostgreSQL some may not be sealed yet: they verify too.
			if !r.OK() || r.Entries != 2*workers*each {
				t.Fatalf("%s (head %d)", r, r.HeadSeq)
			}
			if _, err := x.Store.Seal(ctx); err != nil {
				t.Fatal(err)
			}
			if r, err = x.Store.VerifyLedger(ctx); err != nil {
				t.Fatal(err)
			}
			if !r.OK() || r.Entries != 2*workers*each || r.Unsealed != 0 || r.HeadSeq != int64(r.Entries) || r.FirstAuthenticated != 1 {
				t.Fatalf("%s (head %d)", r, r.HeadSeq)
			}
		})
	}
}
