package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// noticeDefinition is the drill with its notices: the bank hears of a new
// case (the park copied), the city office of a lapse, the window of an
// answer.
func noticeDefinition() engine.Definition {
	d := flowDefinition()
	d.Notices = []engine.NoticeDef{
		{Event: evOpen, Kind: "routed", To: []engine.Audience{{Relation: relBank}}, Copy: []engine.Audience{{Relation: relPark}}},
		{Event: evLapse, To: []engine.Audience{{Relation: relBank}, {Role: engine.RoleCity}}},
		{Event: evAnswer, To: []engine.Audience{{Relation: relPark}}},
	}
	return d
}

type outboxRow struct {
	ID, Kind, Event, CaseID, Recipients string
}

func mustOutbox(t *testing.T, e *flowEnv) []outboxRow {
	t.Helper()
	var rows []outboxRow
	if err := e.store.DB().Raw("SELECT id, kind, event, case_id, recipients FROM outbox ORDER BY id").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

// A notice is written with its transition, resolved against the case's
// parties, or not at all.
func TestNoticesCommitWithTheTransition(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustFlowEnv(t, db, at(2026, 3, 2, 10, 0))
		e.engine = engine.New(engine.Config{Store: e.store, Clock: e.clock, Calendar: e.overrides.Live(), Index: e.index})
		e.engine.Register(noticeDefinition())
		e.worker = engine.NewWorker(e.engine, e.index, engine.WorkerConfig{})
		var woken atomic.Int32
		e.engine.OnNotice(func() { woken.Add(1) })

		c := e.MustOpen("B1")
		rows := mustOutbox(t, e)
		if len(rows) != 1 || rows[0].Kind != "routed" || rows[0].CaseID != c.ID || woken.Load() != 1 {
			t.Fatalf("outbox %+v, woken %d", rows, woken.Load())
		}
		var rs []engine.Recipient
		if err := json.Unmarshal([]byte(rows[0].Recipients), &rs); err != nil {
			t.Fatal(err)
		}
		if len(rs) != 2 || rs[0] != (engine.Recipient{Org: "B1"}) || rs[1] != (engine.Recipient{Org: "P1", Copy: true}) {
			t.Fatalf("recipients %+v", rs)
		}

		// A refused event and a rolled-back opening write nothing.
		if _, err := e.Fire(c, bankB2, evAccept, nil); err == nil {
			t.Fatal("another bank accepted")
		}
		_, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: flowName, Actor: windowP1,
			Payload: MustJSON(t, flowInput{Title: "rolled back", Bank: "B1"}),
			InTx:    func(context.Context, engine.Tx, *engine.Case) error { return errors.New("no") }})
		if err == nil {
			t.Fatal("the opening did not fail")
		}
		if got := len(mustOutbox(t, e)); got != 1 {
			t.Fatalf("%d outbox rows after a refusal and a rollback, want 1", got)
		}

		// A timer's event notifies too: the bank and every city user.
		e.clock.Set(at(2026, 3, 10, 0, 0).Add(time.Second))
		e.MustDrain()
		rows = mustOutbox(t, e)
		if len(rows) != 2 || rows[1].Event != string(evLapse) || rows[1].Kind != string(evLapse) ||
			!strings.Contains(rows[1].Recipients, `"role":"city"`) {
			t.Fatalf("after the lapse: %+v", rows)
		}
	})
}

// Register refuses notices of undeclared events, for nobody, or twice.
func TestRegisterRejectsBrokenNotices(t *testing.T) {
	for name, nd := range map[string][]engine.NoticeDef{
		"undeclared event": {{Event: "ghost", To: []engine.Audience{{Relation: relBank}}}},
		"for nobody":       {{Event: evOpen}},
		"two notices":      {{Event: evOpen, To: []engine.Audience{{Relation: relBank}}}, {Event: evOpen, To: []engine.Audience{{Relation: relBank}}}},
		"unknown role":     {{Event: evOpen, To: []engine.Audience{{Role: "pope"}}}},
	} {
		t.Run(name, func(t *testing.T) {
			d := flowDefinition()
			d.Notices = nd
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), name) {
					t.Fatalf("panic %v, want one mentioning %q", r, name)
				}
			}()
			engine.New(engine.Config{}).Register(d)
		})
	}
}
