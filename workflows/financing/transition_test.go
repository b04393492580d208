package financing_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
)

// The plan's paths end to end: signed for, answered, fed back, closed and
// followed up; and the escalation path: the banks' consultation cannot
// solve it, the city office signs for it and coordinates, fed back.
func TestLifecycle(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		t.Run("Answered", func(t *testing.T) {
			c := e.open(time.Time{})
			if c.PartyOf(financing.RelLeadBank) != "ICBC" || c.PartyOf(financing.RelCounty) != "GX" || c.PartyOf(financing.RelPark) != "GXQ" {
				t.Fatalf("parties %+v", c.Parties)
			}
			e.clock.Set(at(2026, 11, 3, 9, 30))
			c = e.run(c, accept, answer, feedback)
			if c.State != financing.Closed || c.Version != 4 {
				t.Fatalf("state %s version %d", c.State, c.Version)
			}
			d := e.data(c)
			if d.Answer == nil || d.Answer.AmountOffered != "2500000.00" || d.Outcome != financing.OutcomeFinanced || d.Feedback.AmountFinanced != "2500000.00" {
				t.Fatalf("data %+v", d)
			}
			if r := d.Rounds[0]; r.SignWorkdays == nil || *r.SignWorkdays != 1 || r.AnsweredAt == nil || r.Late {
				t.Fatalf("round %+v: signed the next working day, answered on time", r)
			}
			// The window follows up within five working days.
			if l := c.Limit(financing.ClockFollowUp); l == nil || !l.Running || !l.DueAt.Equal(at(2026, 11, 11, 0, 0)) {
				t.Fatalf("follow-up limit %+v", l)
			}
			c = e.run(c, step{"window-GXQ", financing.FollowUp, financing.FollowUpInput{Satisfaction: financing.Satisfied}})
			if c.HasMark(financing.ClockFollowUp) || e.timerStatus(c, financing.TimerFollowUp) != engine.TimerCancelled {
				t.Fatalf("followed up: marks %v", c.Marks)
			}
			_, err := e.fire(c, "window-GXQ", financing.FollowUp, financing.FollowUpInput{Satisfaction: financing.Satisfied})
			wantCode(t, err, engine.ETRANSITION)
		})
		t.Run("Escalated", func(t *testing.T) {
			c := e.open(time.Time{})
			c = e.run(c, accept, inviteABC,
				step{"bank-ABC", financing.Offer, financing.AnswerInput{CanHandle: "no", Reason: "超出我行授信政策。"}},
				cannotSolve)
			if c.State != financing.Escalated || c.Limit(financing.ClockOffice) == nil || !c.Limit(financing.ClockOffice).Running {
				t.Fatalf("state %s limits %+v", c.State, c.Limits)
			}
			// The offices' own limit: ten working days, warning at seven,
			// counted from Tuesday 11-03.
			office := c.Limit(financing.ClockOffice)
			if !office.DueAt.Equal(at(2026, 11, 18, 0, 0)) || !office.WarnAt.Equal(at(2026, 11, 13, 0, 0)) {
				t.Fatalf("office limit %+v", office)
			}
			c = e.run(c,
				step{"county-GX", financing.Urge, financing.NoteInput{Note: "请尽快协调。"}},
				step{"pboc", financing.Acknowledge, financing.NoteInput{}},
				step{"city", financing.Resolve, financing.ResolveInput{Resolution: "协调融资担保公司提供担保。",
					AnswerInput: financing.AnswerInput{CanHandle: "partly", Conditions: "由担保公司担保。", Procedure: "担保公司出函后银行审批。"}}},
				step{"window-GXQ", financing.Feedback, financing.FeedbackInput{Outcome: financing.OutcomeReferred}})
			if c.State != financing.Closed {
				t.Fatalf("state %s", c.State)
			}
			want := []string{"open", "accept", "invite", "offer", "cannot_solve", "urge", "acknowledge", "resolve", "feedback"}
			if got := e.events(c); !slices.Equal(got, want) {
				t.Fatalf("ledger %v, want %v", got, want)
			}
			d := e.data(c)
			if d.Escalation.Cause != string(financing.CannotSolve) || d.Escalation.AcknowledgedBy != "pboc" || d.Escalation.Overdue {
				t.Fatalf("escalation %+v", d.Escalation)
			}
		})
		t.Run("Withdrawn", func(t *testing.T) {
			c := e.run(e.open(time.Time{}), step{"window-GXQ", financing.Withdraw, financing.WithdrawInput{Reason: "企业已自行解决。"}})
			if c.State != financing.Closed || e.data(c).Outcome != financing.OutcomeWithdrawn {
				t.Fatalf("state %s", c.State)
			}
			_, err := e.fire(c, "bank-ICBC", financing.Answer, answerYes)
			wantCode(t, err, engine.ETRANSITION)
		})
	})
}

// move is one event of the matrix: the steps that bring a case where it can
// fire, its input, and who may fire it.
type move struct {
	event   engine.EventName
	payload any
	setup   []step
	allowed []string
}

var (
	superviseGX = step{"county-GX", financing.Supervise, financing.SuperviseInput{Notice: "请于期限内答复企业。", ReplyBy: "2026-11-06"}}
	sendBack    = step{"county-GX", financing.SendBack, financing.NoteInput{Note: "请窗口核实企业需求后重新转办。"}}
	note        = financing.NoteInput{}
	reason      = financing.ReasonInput{Reason: "情况说明。"}
)

// matrix is every event of the workflow from a case signed for by ICBC with
// ABC invited.
var matrix = []move{
	{financing.RequestInfo, financing.RequestInfoInput{Question: "补充报表"}, nil, []string{"bank-ICBC"}},
	{financing.SupplyInfo, financing.SupplyInfoInput{Info: "已补充"}, []step{requestInfo}, []string{"window-GXQ"}},
	{financing.Answer, answerYes, nil, []string{"bank-ICBC"}},
	{financing.Invite, financing.InviteInput{Bank: "CCB"}, nil, []string{"bank-ICBC"}},
	{financing.Offer, answerYes, nil, []string{"bank-ABC"}},
	{financing.CannotSolve, financing.CannotSolveInput{Reason: "无法解决"}, nil, []string{"bank-ICBC"}},
	{financing.Return, returnIt.payload, nil, []string{"bank-ICBC"}},
	{financing.Reroute, financing.BankInput{Bank: "BOC", Reason: "改派中行。"}, []step{returnIt}, []string{"county-GX"}},
	{financing.SendBack, note, []step{returnIt}, []string{"county-GX"}},
	{financing.Dismiss, reason, []step{returnIt}, []string{"county-GX"}},
	{financing.Resubmit, note, []step{returnIt, sendBack}, []string{"window-GXQ"}},
	{financing.RequestExtension, askExtension.payload, nil, []string{"bank-ICBC"}},
	{financing.GrantExtension, note, []step{askExtension}, []string{"county-GX"}},
	{financing.RefuseExtension, reason, []step{askExtension}, []string{"county-GX"}},
	{financing.Supervise, superviseGX.payload, nil, []string{"county-GX", "city", "pboc"}},
	{financing.ReplySupervision, financing.ReplyInput{Reply: "已于今日答复企业。"}, []step{superviseGX}, []string{"bank-ICBC"}},
	{financing.Urge, note, nil, []string{"county-GX", "city", "pboc"}},
	{financing.Escalate, reason, nil, []string{"county-GX"}},
	{financing.Acknowledge, note, []step{cannotSolve}, []string{"city", "pboc"}},
	{financing.Resolve, financing.ResolveInput{Resolution: "协调", AnswerInput: answerYes}, []step{cannotSolve}, []string{"city", "pboc"}},
	{financing.Assign, financing.AssignInput{Bank: "ICBC", Instructions: "请工行重新研究授信方案。"}, []step{cannotSolve}, []string{"city", "pboc"}},
	{financing.Transfer, financing.BankInput{Bank: "BOC", Reason: "年中结对调整。"}, nil, []string{"county-GX"}},
	{financing.Feedback, feedback.payload, []step{answer}, []string{"window-GXQ"}},
	{financing.Withdraw, financing.WithdrawInput{}, nil, []string{"window-GXQ"}},
	{financing.FollowUp, financing.FollowUpInput{Satisfaction: financing.Satisfied}, []step{answer, feedback}, []string{"window-GXQ"}},
	{financing.Reopen, reason, []step{answer, feedback, unsatisfied}, []string{"window-GXQ", "county-GX"}},
	// The lead bank and the invited bank that offered to handle it open
	// their own projects.
	{financing.GreenChannel, financing.GreenChannelInput{}, []step{{"bank-ABC", financing.Offer, answerYes}, answer},
		[]string{"bank-ICBC", "bank-ABC"}},
	// Only the system fires the timers' events.
	{financing.Remind, nil, nil, nil},
	{financing.Breach, nil, nil, nil},
	{financing.SupervisionOverdue, nil, []step{superviseGX}, nil},
	{financing.ExtensionUndecided, nil, []step{askExtension}, nil},
	{financing.InfoTimeout, nil, []step{requestInfo}, nil},
	{financing.FollowUpOverdue, nil, []step{answer, feedback}, nil},
	{financing.OfficeRemind, nil, []step{cannotSolve}, nil},
	{financing.OfficeBreach, nil, []step{cannotSolve}, nil},
}

// Who may fire what: every event of the workflow, in a state where it can
// fire, by every demo role from its own organisation and from another.
// Allowed moves succeed and write their ledger entry; refused ones are
// forbidden, or not_found when the actor may not even see the case.
func TestWhoMayFireWhat(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		// Own organisation of a GXQ case (lead bank ICBC, county GX, invited
		// participant ABC) and others.
		users := []string{"window-GXQ", "window-LLGY", "bank-ICBC", "bank-ABC", "bank-BOC", "county-GX", "county-HS", "city", "pboc", "admin"}
		sees := []string{"window-GXQ", "bank-ICBC", "bank-ABC", "county-GX", "city", "pboc", "admin"}
		covered := map[engine.EventName]bool{financing.Open: true, financing.Accept: true}
		for _, mv := range matrix {
			covered[mv.event] = true
			for _, user := range users {
				t.Run(fmt.Sprintf("%s/%s", mv.event, user), func(t *testing.T) {
					c := e.run(e.open(time.Time{}), accept, inviteABC)
					c = e.run(c, mv.setup...)
					version := e.reload(c).Version
					_, err := e.fire(c, user, mv.event, mv.payload)
					switch {
					case slices.Contains(mv.allowed, user):
						if err != nil {
							t.Fatalf("%s may %s: %v", user, mv.event, err)
						}
						if ev, actor, _ := e.lastEntry(c); ev != string(mv.event) || actor != user {
							t.Fatalf("last ledger entry %s by %s", ev, actor)
						}
						return
					case !slices.Contains(sees, user):
						wantCode(t, err, engine.ENOTFOUND)
					default:
						wantCode(t, err, engine.EFORBIDDEN)
					}
					if got := e.reload(c).Version; got != version {
						t.Fatalf("a refused event moved the case from version %d to %d", version, got)
					}
				})
			}
		}
		for _, ev := range financing.Definition(financing.Config{}).Events {
			if !covered[ev.Name] {
				t.Errorf("event %s is not in the matrix", ev.Name)
			}
		}
		t.Run("accept", func(t *testing.T) {
			for _, user := range users {
				c := e.open(time.Time{})
				_, err := e.fire(c, user, financing.Accept, note)
				switch {
				case user == "bank-ICBC":
					if err != nil {
						t.Fatalf("the lead bank may sign: %v", err)
					}
				case user == "bank-ABC" || !slices.Contains(sees, user):
					wantCode(t, err, engine.ENOTFOUND) // ABC is not invited here
				default:
					wantCode(t, err, engine.EFORBIDDEN)
				}
			}
		})
	})
}

// Signing for it is required: the bank answers, asks for materials, invites
// and declares it cannot solve only once it has signed.
func TestSigningIsRequired(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		c := e.open(time.Time{})
		for _, s := range []step{answer, requestInfo, inviteABC, cannotSolve} {
			_, err := e.fire(c, s.user, s.event, s.payload)
			wantCode(t, err, engine.ETRANSITION)
		}
	})
}

// Events that cannot fire in the case's state are refused, whoever asks,
// in words the clerk reads on the screens.
func TestTransitionNotAllowed(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		c := e.open(time.Time{})
		for _, tc := range []struct {
			user string
			ev   engine.EventName
			p    any
		}{
			{"window-GXQ", financing.Feedback, feedback.payload},
			{"window-GXQ", financing.SupplyInfo, financing.SupplyInfoInput{Info: "x"}},
			{"city", financing.Resolve, financing.ResolveInput{Resolution: "x", AnswerInput: answerYes}},
			{"window-GXQ", financing.Open, nil},
		} {
			_, err := e.fire(c, tc.user, tc.ev, tc.p)
			wantCode(t, err, engine.ETRANSITION)
		}
		_, err := e.fire(c, "window-GXQ", financing.Feedback, feedback.payload)
		if msg := engine.ErrorMessage(err, "zh"); msg != "案件当前状态为“待签收”，不能执行“反馈企业并办结”操作。" {
			t.Fatalf("message %q", msg)
		}
		if got := e.reload(c); got.Version != 1 || got.State != financing.Routed {
			t.Fatalf("refused events changed the case: %s v%d", got.State, got.Version)
		}
	})
}

// Two people fire on the same version at once: one wins, the other gets a
// version conflict, and the ledger has one entry for the two.
func TestConcurrentFiresOneWins(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		for round := 0; round < 10; round++ {
			c := e.run(e.open(time.Time{}), accept)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, s := range []step{answer, returnIt} {
				wg.Add(1)
				go func(i int, s step) {
					defer wg.Done()
					_, errs[i] = e.engine.Fire(e.ctx, engine.FireRequest{CaseID: c.ID, Event: s.event, Actor: e.actor(s.user), Version: c.Version, Payload: mustJSON(t, s.payload)})
				}(i, s)
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
				} else {
					wantCode(t, err, engine.ECONFLICT)
				}
			}
			if ok != 1 {
				t.Fatalf("round %d: %d winners (%v)", round, ok, errs)
			}
			if got := e.reload(c); got.Version != 3 || len(e.events(got)) != 3 {
				t.Fatalf("round %d: version %d, ledger %v", round, got.Version, e.events(got))
			}
		}
	})
}

// Stale versions are conflicts, never overwrites.
func TestStaleVersion(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		c := e.open(time.Time{})
		e.run(c, accept)
		_, err := e.engine.Fire(e.ctx, engine.FireRequest{CaseID: c.ID, Event: financing.Answer, Actor: e.actor("bank-ICBC"), Version: c.Version, Payload: mustJSON(t, answerYes)})
		wantCode(t, err, engine.ECONFLICT)
	})
}

// Counts are scoped like lists, and tell "overdue and still open" from
// "answered late".
func TestCaseCounts(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		first := e.run(e.open(time.Time{}), accept)
		e.open(time.Time{})
		e.openAs("window-LLGY", e.openInput("LLGY"), time.Time{})
		e.clock.Set(at(2026, 11, 10, 0, 0)) // past the limit of all three
		e.drain()
		e.run(first, answer) // late
		for user, want := range map[string]engine.CaseCounts{
			"city":       {Total: 3, Overdue: 3, PastDue: 2, ByState: map[engine.State]int{financing.Answered: 1, financing.Routed: 2}},
			"bank-ICBC":  {Total: 2, Overdue: 2, PastDue: 1, ByState: map[engine.State]int{financing.Answered: 1, financing.Routed: 1}},
			"county-HS":  {Total: 1, Overdue: 1, PastDue: 1, ByState: map[engine.State]int{financing.Routed: 1}},
			"window-GXQ": {Total: 2, Overdue: 2, PastDue: 1, ByState: map[engine.State]int{financing.Answered: 1, financing.Routed: 1}},
			"bank-CCB":   {Total: 0, ByState: map[engine.State]int{}},
		} {
			got, err := e.engine.CaseCounts(e.ctx, e.actor(user), engine.CaseFilter{Workflow: financing.Name})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s counts %+v, want %+v", user, got, want)
			}
		}
	})
}
