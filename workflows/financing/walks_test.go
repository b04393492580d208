package financing_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
)

// Fake-clock walks through the plan's weekly moves. Working days of 2026
// used below: National Day 10-01..10-07 off, Saturday 10-10 worked.

// A bank answering on the 7th working day of a 5-day limit is two working
// days late; the case was red from the end of the 5th.
func TestLateAnswerOnTheSeventhWorkingDay(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0)) // Monday
		c := e.run(e.open(time.Time{}), accept)
		// 11-03 (1) … 11-09 (5): red from 11-10 00:00; the 7th is 11-11.
		seen := e.walk(c, at(2026, 11, 11, 14, 0), time.Hour)
		if got := seen[string(financing.Breach)]; !got.Equal(at(2026, 11, 10, 0, 0)) {
			t.Fatalf("breach at %v", got)
		}
		c = e.run(c, answer)
		d := e.data(c)
		if !d.Answer.Late || d.Answer.WorkdaysLate != 2 {
			t.Fatalf("answer %+v, want late by 2 working days", d.Answer)
		}
		if c = e.reload(c); c.State != financing.Answered || !c.Overdue || c.PastDue {
			t.Fatalf("state %s overdue %v past due %v", c.State, c.Overdue, c.PastDue)
		}
	})
}

// An extension asked for before the limit and granted moves the limit and
// its warning across National Day; at most one per case.
func TestExtensionAcrossNationalDay(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 9, 28, 10, 0)) // Monday
		c := e.run(e.open(time.Time{}), accept)
		// 09-29, 09-30, 10-08, 10-09, 10-10 (Saturday worked).
		if !c.DueAt.Equal(at(2026, 10, 11, 0, 0)) || !c.WarnAt.Equal(at(2026, 10, 9, 0, 0)) {
			t.Fatalf("limit %v warning %v", c.DueAt, c.WarnAt)
		}
		e.clock.Set(at(2026, 9, 29, 11, 0))
		c = e.run(c, askExtension)
		if !c.HasMark(financing.ClockExtension) || !c.Limit(financing.ClockExtension).DueAt.Equal(at(2026, 10, 11, 0, 0)) {
			t.Fatalf("extension awaiting decision: marks %v limits %+v", c.Marks, c.Limits)
		}
		e.clock.Set(at(2026, 9, 30, 9, 0))
		c = e.run(c, step{"county-GX", financing.GrantExtension, financing.NoteInput{Note: "同意延期三个工作日。"}})
		// Three more: 10-12, 10-13, 10-14; the warning 10-10 → 10-12 (6th).
		if !c.DueAt.Equal(at(2026, 10, 15, 0, 0)) || !c.WarnAt.Equal(at(2026, 10, 13, 0, 0)) {
			t.Fatalf("extended limit %v warning %v, want 10-15 and 10-13", c.DueAt, c.WarnAt)
		}
		if c.HasMark(financing.ClockExtension) {
			t.Fatalf("decided extension still marked: %v", c.Marks)
		}
		seen := e.walk(c, at(2026, 10, 16, 0, 0), time.Hour)
		if got := seen[string(financing.Remind)]; !got.Equal(at(2026, 10, 13, 0, 0)) {
			t.Errorf("remind at %v, want 2026-10-13", got)
		}
		if got := seen[string(financing.Breach)]; !got.Equal(at(2026, 10, 15, 0, 0)) {
			t.Errorf("breach at %v, want 2026-10-15", got)
		}
		if _, ok := seen[string(financing.ExtensionUndecided)]; ok {
			t.Error("extension_undecided fired for a decided extension")
		}
		d := e.data(c)
		if len(d.Extensions) != 1 || d.Extensions[0].Decision != "granted" || d.Extensions[0].DecidedBy != "GX" {
			t.Fatalf("extensions %+v", d.Extensions)
		}
		_, err := e.fire(c, askExtension.user, askExtension.event, askExtension.payload)
		wantCode(t, err, engine.ETRANSITION) // past the limit, and one was granted
	})
}

// A county that decides after the bank's limit: the undecided request is
// recorded, the breach fires, and the late grant still moves the limit —
// the case is no longer past due, but the breach stays in its history.
func TestExtensionGrantedLate(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 9, 28, 10, 0))
		c := e.run(e.open(time.Time{}), accept)
		e.clock.Set(at(2026, 10, 9, 15, 0))
		c = e.run(c, askExtension)
		seen := e.walk(c, at(2026, 10, 12, 9, 0), time.Hour)
		if got := seen[string(financing.ExtensionUndecided)]; !got.Equal(at(2026, 10, 11, 0, 0)) {
			t.Fatalf("extension_undecided at %v", got)
		}
		if c = e.reload(c); !c.PastDue || !c.HasMark(financing.ClockExtension) {
			t.Fatalf("past due %v marks %v", c.PastDue, c.Marks)
		}
		c = e.run(c, step{"county-GX", financing.GrantExtension, financing.NoteInput{}})
		if c.PastDue || !c.Overdue || c.HasMark(financing.ClockExtension) || !c.DueAt.Equal(at(2026, 10, 15, 0, 0)) {
			t.Fatalf("granted late: past due %v overdue %v marks %v due %v", c.PastDue, c.Overdue, c.Marks, c.DueAt)
		}
	})
}

// A bank returns a case not meant for it within a working day of routing;
// the county office reroutes it to another bank with a fresh limit; the
// returning bank keeps only its own entries.
func TestReturnAndReroute(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0)) // Monday
		c := e.open(time.Time{})
		e.clock.Set(at(2026, 11, 3, 9, 0))
		c = e.run(c, returnIt)
		if c.State != financing.Returned || c.DueAt == nil || c.Limit(financing.ClockBank).Running {
			t.Fatalf("returned: state %s limit %+v", c.State, c.Limit(financing.ClockBank))
		}
		e.clock.Set(at(2026, 11, 4, 10, 0))
		c = e.run(c, step{"county-GX", financing.Reroute, financing.BankInput{Bank: "BOC", Reason: "企业结算账户在中国银行。"}})
		// 11-05, 11-06, 11-09, 11-10, 11-11.
		if c.State != financing.Routed || !c.DueAt.Equal(at(2026, 11, 12, 0, 0)) || c.PartyOf(financing.RelLeadBank) != "BOC" {
			t.Fatalf("rerouted: state %s due %v parties %+v", c.State, c.DueAt, c.Parties)
		}
		_, _, payload := e.lastEntry(c)
		parties, _ := payload["parties"].(map[string]any)
		if parties == nil || len(parties["gained"].([]any)) != 2 || len(parties["lost"].([]any)) != 1 {
			t.Fatalf("reroute entry does not say who gained and lost sight: %v", payload)
		}
		if _, err := e.engine.Case(e.ctx, e.actor("bank-ICBC"), c.ID); engine.ErrorCode(err) != engine.ENOTFOUND {
			t.Fatalf("the returning bank still sees the case: %v", err)
		}
		own, err := e.engine.Ledger(e.ctx, e.actor("bank-ICBC"), c.ID)
		if err != nil || len(own) != 1 || own[0].Event != string(financing.Return) {
			t.Fatalf("the returning bank reads %d entries (%v), want its own return", len(own), err)
		}
		if _, err := e.engine.Ledger(e.ctx, e.actor("bank-CCB"), c.ID); engine.ErrorCode(err) != engine.ENOTFOUND {
			t.Fatalf("an unrelated bank reads the ledger: %v", err)
		}
		c = e.run(c, step{"bank-BOC", financing.Accept, nil}, step{"bank-BOC", financing.Answer, answerYes})
		d := e.data(c)
		if len(d.Rounds) != 2 || d.Rounds[1].Bank != "BOC" || d.Rounds[1].Cause != financing.Reroute || d.Returns[0].Decision != string(financing.Reroute) {
			t.Fatalf("rounds %+v returns %+v", d.Rounds, d.Returns)
		}
		t.Run("TooLate", func(t *testing.T) {
			e.clock.Set(at(2026, 11, 9, 10, 0))
			late := e.open(time.Time{})
			e.clock.Set(at(2026, 11, 11, 0, 0)) // past the end of 11-10
			_, err := e.fire(late, returnIt.user, returnIt.event, returnIt.payload)
			wantCode(t, err, engine.ETRANSITION)
			if msg := engine.ErrorMessage(err, "zh"); msg == "" || !strings.Contains(msg, "1 个工作日内") {
				t.Fatalf("message %q", msg)
			}
		})
		t.Run("SendBackAndResubmit", func(t *testing.T) {
			c := e.run(e.open(time.Time{}), returnIt, sendBack)
			if c.State != financing.WithWindow {
				t.Fatalf("state %s", c.State)
			}
			c = e.run(c, step{"window-GXQ", financing.Resubmit, financing.NoteInput{Note: "已核实企业需求。"}})
			if c.State != financing.Routed || !c.Limit(financing.ClockBank).Running || c.PartyOf(financing.RelLeadBank) != "ICBC" {
				t.Fatalf("resubmitted: %s %+v", c.State, c.Parties)
			}
		})
	})
}

// An enterprise not satisfied at the follow-up has its case redone: back to
// the lead bank with a fresh limit, counted as redone.
func TestFollowUpDissatisfiedReopenAnsweredAgain(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		c := e.run(e.open(time.Time{}), accept, answer, feedback)
		e.clock.Set(at(2026, 11, 4, 10, 0))
		c = e.run(c, unsatisfied)
		_, err := e.fire(c, "bank-ICBC", financing.Answer, answerYes)
		wantCode(t, err, engine.ETRANSITION)
		c = e.run(c, step{"county-GX", financing.Reopen, financing.ReasonInput{Reason: "企业反映放款额度低于预期，请重新研究。"}})
		// 11-05, 11-06, 11-09, 11-10, 11-11.
		if c.State != financing.Routed || !c.DueAt.Equal(at(2026, 11, 12, 0, 0)) || c.HasMark(financing.ClockFollowUp) {
			t.Fatalf("reopened: state %s due %v marks %v", c.State, c.DueAt, c.Marks)
		}
		c = e.run(c, accept, answer, feedback, step{"window-GXQ", financing.FollowUp, financing.FollowUpInput{Satisfaction: financing.Satisfied}})
		d := e.data(c)
		if d.Redone != 1 || len(d.Rounds) != 2 || d.Rounds[1].Cause != financing.Reopen || len(d.FollowUps) != 2 {
			t.Fatalf("redone %d rounds %+v follow-ups %+v", d.Redone, d.Rounds, d.FollowUps)
		}
		_, err = e.fire(c, "window-GXQ", financing.Reopen, financing.ReasonInput{Reason: "再办一次。"})
		wantCode(t, err, engine.ETRANSITION) // satisfied this time
	})
}

// A follow-up not made within five working days of closing is recorded as
// overdue; a late follow-up still counts, marked late.
func TestFollowUpOverdue(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		c := e.run(e.open(time.Time{}), accept, answer, feedback)
		seen := e.walk(c, at(2026, 11, 10, 9, 0), time.Hour)
		if got := seen[string(financing.FollowUpOverdue)]; !got.Equal(at(2026, 11, 10, 0, 0)) {
			t.Fatalf("follow_up_overdue at %v", got)
		}
		c = e.run(c, step{"window-GXQ", financing.FollowUp, financing.FollowUpInput{Satisfaction: financing.BasicSatisfied}})
		if d := e.data(c); !d.FollowUps[0].Late || c.HasMark(financing.ClockFollowUp) {
			t.Fatalf("late follow-up %+v, marks %v", d.FollowUps, c.Marks)
		}
	})
}

// Materials requested and not supplied within ten working days close the
// case as 企业未补充材料; a bank may pause its limit twice at most.
func TestMaterialsNotSupplied(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		c := e.run(e.open(time.Time{}), accept)
		e.clock.Set(at(2026, 11, 3, 10, 0))
		c = e.run(c, requestInfo)
		// 11-04 … 11-17: the window's limit ends at 11-18 00:00.
		if l := c.Limit(financing.ClockSupply); !l.DueAt.Equal(at(2026, 11, 18, 0, 0)) {
			t.Fatalf("supply limit %+v", l)
		}
		seen := e.walk(c, at(2026, 11, 19, 0, 0), time.Hour)
		if got := seen[string(financing.InfoTimeout)]; !got.Equal(at(2026, 11, 18, 0, 0)) {
			t.Fatalf("info_timeout at %v", got)
		}
		c = e.reload(c)
		if c.State != financing.Closed || e.data(c).Outcome != financing.OutcomeNoMaterials || c.Overdue {
			t.Fatalf("state %s outcome %s overdue %v", c.State, e.data(c).Outcome, c.Overdue)
		}
		if e.timerStatus(c, financing.TimerLimit) != engine.TimerCancelled || !c.HasMark(financing.ClockFollowUp) {
			t.Fatalf("bank limit %s, marks %v", e.timerStatus(c, financing.TimerLimit), c.Marks)
		}
		t.Run("AtMostTwice", func(t *testing.T) {
			c := e.run(e.open(time.Time{}), accept, requestInfo, supplyInfo, requestInfo, supplyInfo)
			_, err := e.fire(c, requestInfo.user, requestInfo.event, requestInfo.payload)
			wantCode(t, err, engine.ETRANSITION)
		})
	})
}

// A supervision notice (督办) must be replied to by its date; an unanswered
// notice shows on the board until the bank replies.
func TestSupervisionNotice(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		c := e.run(e.open(time.Time{}), accept)
		if slices.Contains(e.engine.Events(e.actor("bank-ICBC"), c), financing.ReplySupervision) {
			t.Fatal("the bank is offered a reply with no notice to reply to")
		}
		_, err := e.fire(c, "bank-ICBC", financing.ReplySupervision, financing.ReplyInput{Reply: "无"})
		wantCode(t, err, engine.ETRANSITION)
		c = e.run(c, superviseGX)
		if !slices.Contains(e.engine.Events(e.actor("bank-ICBC"), c), financing.ReplySupervision) {
			t.Fatal("the bank is not offered the reply to an open notice")
		}
		if !c.HasMark(financing.ClockSupervision) || !c.Limit(financing.ClockSupervision).DueAt.Equal(at(2026, 11, 7, 0, 0)) {
			t.Fatalf("marks %v limits %+v", c.Marks, c.Limits)
		}
		_, err = e.fire(c, "city", financing.Supervise, financing.SuperviseInput{Notice: "再次督办", ReplyBy: "2026-11-20"})
		wantCode(t, err, engine.ETRANSITION) // one open notice at a time
		seen := e.walk(c, at(2026, 11, 9, 9, 0), time.Hour)
		if got := seen[string(financing.SupervisionOverdue)]; !got.Equal(at(2026, 11, 7, 0, 0)) {
			t.Fatalf("supervision_overdue at %v", got)
		}
		board, err := e.engine.Cases(e.ctx, e.actor("county-GX"), engine.CaseFilter{Workflow: financing.Name, Mark: financing.ClockSupervision})
		if err != nil || len(board) != 1 {
			t.Fatalf("supervised board: %d (%v)", len(board), err)
		}
		c = e.run(c, step{"bank-ICBC", financing.ReplySupervision, financing.ReplyInput{Reply: "已约企业面谈，本周内答复。"}})
		if c.HasMark(financing.ClockSupervision) || !e.data(c).Supervisions[0].Late {
			t.Fatalf("replied: marks %v supervisions %+v", c.Marks, e.data(c).Supervisions)
		}
		t.Run("BadDate", func(t *testing.T) {
			_, err := e.fire(c, "county-GX", financing.Supervise, financing.SuperviseInput{Notice: "督办", ReplyBy: "2026-11-31"})
			wantField(t, err, "reply_by")
		})
	})
}

// The county office reports a stuck case up; the city office signs for it
// within its own limit and sends it back to a named bank with instructions
// and a fresh limit.
func TestEscalateAndAssign(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		c := e.open(time.Time{})
		e.clock.Set(at(2026, 11, 12, 9, 0))
		e.drain()
		c = e.run(c, step{"county-GX", financing.Escalate, financing.ReasonInput{Reason: "超期未签收，督办无果。"}})
		d := e.data(c)
		if c.State != financing.Escalated || d.Escalation.Cause != "county" || !d.Escalation.Overdue || c.PastDue {
			t.Fatalf("escalated: %s %+v past due %v", c.State, d.Escalation, c.PastDue)
		}
		c = e.run(c, step{"city", financing.Acknowledge, nil},
			step{"city", financing.Assign, financing.AssignInput{Bank: "CCB", Instructions: "请建行对接企业，按科技贷政策办理。"}})
		// 11-13, 11-16, 11-17, 11-18, 11-19.
		if c.State != financing.Routed || c.PartyOf(financing.RelLeadBank) != "CCB" || !c.DueAt.Equal(at(2026, 11, 20, 0, 0)) || c.PastDue {
			t.Fatalf("assigned: %s %+v due %v", c.State, c.Parties, c.DueAt)
		}
		if l := c.Limit(financing.ClockOffice); l.Running {
			t.Fatalf("office limit still running: %+v", l)
		}
		if d := e.data(c); d.Rounds[1].Instructions == "" || d.Rounds[1].Cause != financing.Assign {
			t.Fatalf("round %+v", d.Rounds[1])
		}
	})
}

// The lead bank escalates only after inviting a participating bank, or
// saying why none can help.
func TestCannotSolveNeedsParticipantsOrAReason(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		c := e.run(e.open(time.Time{}), accept)
		_, err := e.fire(c, cannotSolve.user, cannotSolve.event, cannotSolve.payload)
		wantField(t, err, "no_participant_reason")
		c = e.run(c, step{"bank-ICBC", financing.CannotSolve, financing.CannotSolveInput{Reason: "需政策性担保。", NoParticipantReason: "园区其他银行均无此类产品。"}})
		if c.State != financing.Escalated {
			t.Fatalf("state %s", c.State)
		}
	})
}

// An administrator or the county office moves an open case to the new lead
// bank after an in-year pairing change; new cases go to the new bank.
func TestTransferAfterPairingChange(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		old := e.run(e.open(time.Time{}), accept)
		if _, err := e.store.Directory().Pair(e.ctx, engine.Pairing{Year: 2026, Park: "GXQ", Bank: "BOC",
			Reason: "工行园区团队调整。", RecordedAt: e.clock.Now(), RecordedBy: "admin"}, nil); err != nil {
			t.Fatal(err)
		}
		if fresh := e.open(time.Time{}); fresh.PartyOf(financing.RelLeadBank) != "BOC" {
			t.Fatalf("new case went to %s", fresh.PartyOf(financing.RelLeadBank))
		}
		if old = e.reload(old); old.PartyOf(financing.RelLeadBank) != "ICBC" {
			t.Fatal("an open case moved without a transfer")
		}
		_, err := e.fire(old, "county-GX", financing.Transfer, financing.BankInput{Bank: "BOC"})
		wantField(t, err, "reason")
		old = e.run(old, step{"county-GX", financing.Transfer, financing.BankInput{Bank: "BOC", Reason: "结对银行年中调整。"}})
		if old.State != financing.Routed || old.PartyOf(financing.RelLeadBank) != "BOC" || !old.HasParty("ICBC", financing.RelFormerBank) {
			t.Fatalf("transferred: %s %+v", old.State, old.Parties)
		}
		if got := e.events(old); !slices.Equal(got, []string{"open", "accept", "transfer"}) {
			t.Fatalf("ledger %v", got)
		}
		// A case not yet signed for moves with a fresh limit too.
		e.clock.Set(at(2026, 11, 4, 10, 0))
		waiting := e.open(time.Time{}) // BOC's now: due 11-11 00:00
		e.clock.Set(at(2026, 11, 9, 10, 0))
		waiting = e.run(waiting, step{"county-GX", financing.Transfer, financing.BankInput{Bank: "CCB", Reason: "中行无此类产品。"}})
		// 11-10, 11-11, 11-12, 11-13, 11-16.
		if waiting.State != financing.Routed || !waiting.DueAt.Equal(at(2026, 11, 17, 0, 0)) {
			t.Fatalf("transferred while waiting: %s due %v", waiting.State, waiting.DueAt)
		}
	})
}

// Fulfilment, not satisfaction: a financed case records the amount, a case
// not financed records none.
func TestFeedbackAmounts(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		c := e.run(e.open(time.Time{}), accept, answer)
		_, err := e.fire(c, "window-GXQ", financing.Feedback, financing.FeedbackInput{Outcome: financing.OutcomeFinanced})
		wantField(t, err, "amount_financed")
		_, err = e.fire(c, "window-GXQ", financing.Feedback, financing.FeedbackInput{Outcome: financing.OutcomeNotFinanced, AmountFinanced: "100"})
		wantField(t, err, "amount_financed")
		_, err = e.fire(c, "window-GXQ", financing.Feedback, financing.FeedbackInput{Outcome: financing.OutcomeFinanced, AmountFinanced: "0"})
		wantField(t, err, "amount_financed")
	})
}

// A county granting an extension while the bank waits for materials, after
// the bank's limit had passed: the limit moves, the case is no longer past
// due, and it resumes with the working days the extension leaves from the
// pause.
func TestExtensionGrantedDuringAPause(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0)) // Monday: limit ends 11-10 00:00
		c := e.run(e.open(time.Time{}), accept)
		e.clock.Set(at(2026, 11, 9, 15, 0))
		c = e.run(c, askExtension) // three more working days
		e.clock.Set(at(2026, 11, 10, 9, 0))
		e.drain()
		c = e.run(c, requestInfo) // past due, paused on Tuesday 11-10
		if !c.PastDue || c.State != financing.InfoRequested {
			t.Fatalf("paused past due: %s past due %v", c.State, c.PastDue)
		}
		e.clock.Set(at(2026, 11, 12, 9, 0))
		c = e.run(c, step{"county-GX", financing.GrantExtension, financing.NoteInput{}})
		// 11-10 … 11-12 extended: from the pause on 11-10, 11-11 and 11-12 are left.
		if c.PastDue || !c.Overdue || !c.Limit(financing.ClockBank).Paused || c.Limit(financing.ClockBank).Remaining != 2 {
			t.Fatalf("granted during the pause: past due %v overdue %v bank limit %+v", c.PastDue, c.Overdue, c.Limit(financing.ClockBank))
		}
		e.clock.Set(at(2026, 11, 16, 9, 0))
		c = e.run(c, supplyInfo)
		// Two working days after Monday 11-16: 11-17, 11-18.
		if c.PastDue || !c.DueAt.Equal(at(2026, 11, 19, 0, 0)) {
			t.Fatalf("resumed: past due %v due %v, want 2026-11-19", c.PastDue, c.DueAt)
		}
	})
}

// The county level is a double lead (plan 6; docs/workflows.md): the county
// sub-branch of the central bank (pboc-AH, of 人民银行安化县支行, working in
// county AH) sees its county's cases and does what the county office does
// — supervises the bank, escalates — recorded under its own organisation;
// it sees nothing of another county.
func TestCountySubBranchLeadsWithTheCountyOffice(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		ah := e.openAs("window-AHJK", e.openInput("AHJK"), time.Time{})
		gx := e.open(time.Time{})
		branch := e.actor("pboc-AH")
		if branch.Unit != "AH" || branch.Org != "PBOC-AH" {
			t.Fatalf("the sub-branch acts as %+v", branch)
		}
		if _, err := e.engine.Case(e.ctx, branch, gx.ID); engine.ErrorCode(err) != engine.ENOTFOUND {
			t.Fatalf("the sub-branch reads another county's case: %v", err)
		}
		list, err := e.engine.Cases(e.ctx, branch, engine.CaseFilter{Workflow: financing.Name})
		if err != nil || len(list) != 1 || list[0].ID != ah.ID {
			t.Fatalf("the sub-branch lists %d cases (%v), want its county's one", len(list), err)
		}
		if evs := e.engine.Events(branch, ah); !slices.Contains(evs, financing.Supervise) || !slices.Contains(evs, financing.Escalate) {
			t.Fatalf("the sub-branch is offered %v", evs)
		}
		_, err = e.fire(gx, "pboc-AH", financing.Supervise, financing.SuperviseInput{Notice: "督办", ReplyBy: "2026-11-06"})
		wantCode(t, err, engine.ENOTFOUND)
		c := e.mustFire(ah, "pboc-AH", financing.Supervise, financing.SuperviseInput{Notice: "请于期限内答复企业。", ReplyBy: "2026-11-06"})
		if s := e.data(c).Supervisions; len(s) != 1 || s[0].By != "PBOC-AH" {
			t.Fatalf("the supervision is recorded as %+v", s)
		}
		if _, actor, _ := e.lastEntry(c); actor != "pboc-AH" {
			t.Fatalf("the ledger names %q", actor)
		}
		c = e.mustFire(c, "pboc-AH", financing.Escalate, reason)
		if c.State != financing.Escalated || e.data(c).Escalation.By != "PBOC-AH" {
			t.Fatalf("escalated: %s %+v", c.State, e.data(c).Escalation)
		}
	})
}
