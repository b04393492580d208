package engine_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/ledger"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// partiesOf decodes the parties an entry's payload says were gained and
// lost.
func partiesOf(t *testing.T, payload json.RawMessage) (gained, lost []map[string]string, ok bool) {
	t.Helper()
	var p struct {
		Parties *struct {
			Gained []map[string]string `json:"gained"`
			Lost   []map[string]string `json:"lost"`
		} `json:"parties"`
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		t.Fatalf("payload %s: %v", payload, err)
	}
	if p.Parties == nil {
		return nil, nil, false
	}
	return p.Parties.Gained, p.Parties.Lost, true
}

func party(org string, r engine.Relation) map[string]string {
	return map[string]string{"org": org, "relation": string(r)}
}

// wantParties fails unless the entry's payload names exactly these gained
// and lost parties.
func wantParties(t *testing.T, payload json.RawMessage, gained, lost []map[string]string) {
	t.Helper()
	g, l, ok := partiesOf(t, payload)
	if !ok {
		t.Fatalf("payload %s names no parties", payload)
	}
	if len(g) == 0 {
		g = nil
	}
	if len(l) == 0 {
		l = nil
	}
	if !reflect.DeepEqual(g, gained) || !reflect.DeepEqual(l, lost) {
		t.Fatalf("payload %s: gained %v lost %v, want %v and %v", payload, g, l, gained, lost)
	}
}

// An organisation an event removes from a case loses sight of it: not
// found, like a case that does not exist, to read and to fire. With a
// Tracers grant it still reads the entries its own organisation wrote, and
// nothing else. The ledger says who gained and who lost sight.
func TestRemoveParty(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
		c := e.MustOpen("B1")
		if _, _, ok := partiesOf(t, e.MustLedger(c)[0].Payload); ok {
			t.Fatal("the open entry lists parties: every party is new then")
		}
		e.clock.Set(at(2026, 3, 2, 10, 0))
		e.MustFire(c, bankB1, evAccept, nil)
		e.clock.Set(at(2026, 3, 5, 0, 0))
		e.MustDrain() // the reminder, written by the system

		// The bank gives the case back and becomes a former party.
		e.clock.Set(at(2026, 3, 5, 10, 0))
		c = e.MustFire(c, bankB1, evGiveBack, flowInput{Note: "not ours"})
		entries := e.MustLedger(c)
		last := entries[len(entries)-1]
		wantParties(t, last.Payload, []map[string]string{party("B1", relFormer)}, []map[string]string{party("B1", relBank)})
		var note flowInput
		if err := json.Unmarshal(last.Payload, &note); err != nil || note.Note != "not ours" {
			t.Fatalf("the give-back payload lost its note: %s", last.Payload)
		}
		if c.HasParty("B1", relBank) || !c.HasParty("B1", relFormer) {
			t.Fatalf("parties after give-back: %+v", c.Parties)
		}
		if got := e.MustCase(c); len(got.Parties) != 2 || !got.HasParty("P1", relPark) || !got.HasParty("B1", relFormer) {
			t.Fatalf("stored parties %+v, want P1 (park) and B1 (former)", got.Parties)
		}

		_, err := e.engine.Case(e.ctx, bankB1, c.ID)
		wantCode(t, err, engine.ENOTFOUND)
		_, err = e.engine.Fire(e.ctx, engine.FireRequest{CaseID: c.ID, Event: evReroute, Actor: bankB1, Payload: MustJSON(t, flowInput{Bank: "B1"})})
		wantCode(t, err, engine.ENOTFOUND)
		if list, err := e.engine.Cases(e.ctx, bankB1, engine.CaseFilter{Workflow: flowName}); err != nil || len(list) != 0 {
			t.Fatalf("the former bank lists %d cases (%v)", len(list), err)
		}
		if n, err := e.engine.CaseCounts(e.ctx, bankB1, engine.CaseFilter{Workflow: flowName}); err != nil || n.Total != 0 {
			t.Fatalf("the former bank counts %d cases (%v)", n.Total, err)
		}
		own, err := e.engine.Ledger(e.ctx, bankB1, c.ID)
		if err != nil {
			t.Fatalf("the former bank's trace: %v", err)
		}
		if got := eventsOf(own); !reflect.DeepEqual(got, []string{"accept", "give_back"}) {
			t.Fatalf("the former bank reads %v, want only its own accept and give_back", got)
		}
		for _, en := range own {
			if en.ActorOrg != "B1" {
				t.Fatalf("the former bank reads an entry of %q", en.ActorOrg)
			}
		}
		full, err := e.engine.Ledger(e.ctx, windowP1, c.ID)
		if err != nil || !reflect.DeepEqual(eventsOf(full), []string{"open", "accept", "remind", "give_back"}) {
			t.Fatalf("the window reads %v (%v)", eventsOf(full), err)
		}
		_, err = e.engine.Ledger(e.ctx, bankB9, c.ID)
		wantCode(t, err, engine.ENOTFOUND)
		_, err = e.engine.Ledger(e.ctx, windowP2, c.ID)
		wantCode(t, err, engine.ENOTFOUND)

		// Rerouted to B2, which gains sight.
		e.clock.Set(at(2026, 3, 6, 10, 0))
		c = e.MustFire(c, windowP1, evReroute, flowInput{Bank: "B2"})
		entries = e.MustLedger(c)
		wantParties(t, entries[len(entries)-1].Payload, []map[string]string{party("B2", relBank)}, nil)
		if _, err := e.engine.Case(e.ctx, bankB2, c.ID); err != nil {
			t.Fatalf("the new bank cannot see the case: %v", err)
		}
		e.MustFire(c, bankB2, evAccept, nil)

		// Transferred to B3: B2 keeps no relation, so it traces nothing.
		e.clock.Set(at(2026, 3, 9, 10, 0))
		c = e.MustFire(c, windowP1, evTransfer, flowInput{Bank: "B3"})
		entries = e.MustLedger(c)
		wantParties(t, entries[len(entries)-1].Payload, []map[string]string{party("B3", relBank)}, []map[string]string{party("B2", relBank)})
		_, err = e.engine.Case(e.ctx, bankB2, c.ID)
		wantCode(t, err, engine.ENOTFOUND)
		_, err = e.Fire(c, bankB2, evAccept, nil)
		wantCode(t, err, engine.ENOTFOUND)
		_, err = e.engine.Ledger(e.ctx, bankB2, c.ID)
		wantCode(t, err, engine.ENOTFOUND)
		if _, err := e.engine.Case(e.ctx, bankB3, c.ID); err != nil {
			t.Fatalf("the third bank cannot see the case: %v", err)
		}
		// The first bank's trace is still its own two entries.
		own, err = e.engine.Ledger(e.ctx, bankB1, c.ID)
		if err != nil || !reflect.DeepEqual(eventsOf(own), []string{"accept", "give_back"}) {
			t.Fatalf("the former bank reads %v (%v)", eventsOf(own), err)
		}
		_, err = e.engine.Ledger(e.ctx, bankB1, "no-such-case")
		wantCode(t, err, engine.ENOTFOUND)

		report, err := e.store.VerifyLedger(e.ctx)
		if err != nil || !report.OK() || report.Walked {
			t.Fatalf("ledger does not verify: %+v (%v)", report, err)
		}
	})
}

func eventsOf(entries []ledger.Entry) []string {
	out := []string{}
	for _, en := range entries {
		out = append(out, en.Event)
	}
	return out
}

// Every open limit of a clock other than the main one marks its case while
// it runs or is past due; boards list and count the cases with a mark.
func TestMarksOfOtherClocks(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
		noticed := e.MustOpen("B1")
		chased := e.MustOpen("B2")
		plain := e.MustOpen("B1")
		e.clock.Set(at(2026, 3, 2, 10, 0))
		noticed = e.MustFire(noticed, cityOffice, evNotify, flowInput{ReplyBy: ptr(at(2026, 3, 4, 12, 0))})
		e.MustFire(chased, bankB2, evAccept, nil)
		e.MustFire(chased, bankB2, evAnswer, nil)
		chased = e.MustFire(chased, windowP1, evChase, nil)
		if !reflect.DeepEqual(e.MustCase(noticed).Marks, []string{clockNotice}) || !reflect.DeepEqual(e.MustCase(chased).Marks, []string{clockFollowUp}) {
			t.Fatalf("marks %v and %v", e.MustCase(noticed).Marks, e.MustCase(chased).Marks)
		}
		if len(e.MustCase(plain).Marks) != 0 {
			t.Fatal("the main clock marks a case")
		}

		wantMarked := func(a engine.Actor, mark string, want ...*engine.Case) {
			t.Helper()
			f := engine.CaseFilter{Workflow: flowName, Mark: mark}
			list, err := e.engine.Cases(e.ctx, a, f)
			if err != nil {
				t.Fatal(err)
			}
			var got, wantIDs []string
			for _, c := range list {
				got = append(got, c.ID)
				if !c.HasMark(mark) {
					t.Fatalf("listed case %s lacks the mark %s: %v", c.Number, mark, c.Marks)
				}
			}
			for _, c := range want {
				wantIDs = append(wantIDs, c.ID)
			}
			if !reflect.DeepEqual(got, wantIDs) {
				t.Fatalf("%s lists %v marked %q, want %v", a.User, got, mark, wantIDs)
			}
			n, err := e.engine.CaseCounts(e.ctx, a, f)
			if err != nil {
				t.Fatal(err)
			}
			if n.Total != len(want) {
				t.Fatalf("%s counts %d marked %q, want %d", a.User, n.Total, mark, len(want))
			}
		}
		wantMarked(cityOffice, clockNotice, noticed)
		wantMarked(cityOffice, clockFollowUp, chased)
		wantMarked(cityOffice, clockReply)
		wantMarked(windowP1, clockNotice, noticed)
		wantMarked(bankB1, clockNotice, noticed)
		wantMarked(bankB2, clockNotice)
		wantMarked(windowP2, clockNotice)
		if n, _ := e.engine.CaseCounts(e.ctx, cityOffice, engine.CaseFilter{Workflow: flowName, Mark: clockNotice}); n.ByState[sWaiting] != 1 {
			t.Fatalf("notice count by state %v", n.ByState)
		}

		// Past due, the notice still marks its case.
		e.MustWalk(at(2026, 3, 4, 13, 0), time.Hour)
		if !e.MustCase(noticed).Limit(clockNotice).PastDue {
			t.Fatal("the notice is not past due")
		}
		wantMarked(cityOffice, clockNotice, noticed)

		// Answered and followed, the marks go.
		e.clock.Set(at(2026, 3, 4, 14, 0))
		e.MustFire(noticed, bankB1, evReplyNotice, nil)
		e.MustFire(chased, windowP1, evFollowed, nil)
		wantMarked(cityOffice, clockNotice)
		wantMarked(cityOffice, clockFollowUp)
		if m := e.MustCase(noticed).Marks; len(m) != 0 {
			t.Fatalf("marks %v after the reply", m)
		}

		// A new notice marks it again; the case moving to a state where the
		// notice cannot run (answered) closes it and the mark.
		noticed = e.MustFire(noticed, cityOffice, evNotify, flowInput{ReplyBy: ptr(at(2026, 3, 9, 12, 0))})
		wantMarked(cityOffice, clockNotice, noticed)
		e.MustFire(noticed, bankB1, evAccept, nil)
		e.MustFire(noticed, bankB1, evAnswer, nil)
		wantMarked(cityOffice, clockNotice)
	})
}
