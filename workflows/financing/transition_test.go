package financing_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
)

// The happy path: opened, signed for, answered, fed back, closed; and the
// escalation path: cannot solve, the city resolves, fed back.
func TestLifecycle(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		t.Run("Answered", func(t *testing.T) {
			c := e.open(time.Time{})
			if c.PartyOf(financing.RelLeadBank) != "ICBC" || c.PartyOf(financing.RelCounty) != "GX" || c.PartyOf(financing.RelPark) != "GXQ" {
				t.Fatalf("parties %+v", c.Parties)
			}
			c = e.mustFire(c, "bank-ICBC", financing.Accept, financing.NoteInput{Note: "已签收"})
			c = e.mustFire(c, "bank-ICBC", financing.Answer, answerYes)
			c = e.mustFire(c, "window-GXQ", financing.Feedback, financing.FeedbackInput{Outcome: "financed", AmountFinanced: "2500000.00"})
			if c.State != financing.Closed || c.Version != 4 {
				t.Fatalf("state %s version %d", c.State, c.Version)
			}
			d, err := financing.DataOf(c)
			if err != nil || d.Answer == nil || d.Answer.AmountOffered != "2500000.00" || d.Feedback.Outcome != "financed" {
				t.Fatalf("data %+v %v", d, err)
			}
		})
		t.Run("Escalated", func(t *testing.T) {
			c := e.open(time.Time{})
			c = e.mustFire(c, "bank-ICBC", financing.Invite, financing.InviteInput{Bank: "ABC"})
			c = e.mustFire(c, "bank-ABC", financing.Offer, financing.AnswerInput{CanHandle: "no", Reason: "超出我行授信政策。"})
			c = e.mustFire(c, "bank-ICBC", financing.CannotSolve, financing.CannotSolveInput{Reason: "企业缺少有效抵押物，参与行亦无法解决。"})
			if c.State != financing.Escalated {
				t.Fatalf("state %s", c.State)
			}
			c = e.mustFire(c, "county-GX", financing.Urge, financing.NoteInput{Note: "请尽快会诊。"})
			c = e.mustFire(c, "city", financing.Resolve, financing.ResolveInput{Resolution: "协调融资担保公司提供担保。",
				AnswerInput: financing.AnswerInput{CanHandle: "partly", Conditions: "由担保公司担保。", Procedure: "担保公司出函后银行审批。"}})
			c = e.mustFire(c, "window-GXQ", financing.Feedback, financing.FeedbackInput{Outcome: "referred"})
			if c.State != financing.Closed {
				t.Fatalf("state %s", c.State)
			}
			want := []string{"open", "invite", "offer", "cannot_solve", "urge", "resolve", "feedback"}
			if got := e.events(c); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("ledger %v, want %v", got, want)
			}
		})
		t.Run("Withdrawn", func(t *testing.T) {
			c := e.open(time.Time{})
			c = e.mustFire(c, "window-GXQ", financing.Withdraw, financing.WithdrawInput{Reason: "企业已自行解决。"})
			if c.State != financing.Closed {
				t.Fatalf("state %s", c.State)
			}
			if _, err := e.fire(c, "bank-ICBC", financing.Answer, answerYes); engine.ErrorCode(err) != engine.ETRANSITION {
				t.Fatalf("answer on a closed case: %v", err)
			}
		})
	})
}

// Who may fire what: every event of the workflow, in a state where it can
// fire, by every demo role from its own organisation and from another.
// Allowed moves succeed; refused ones are forbidden, or not_found when the
// actor may not even see the case.
func TestWhoMayFireWhat(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		// Users: own organisation of a GXQ case (lead bank ICBC, county GX,
		// invited participant ABC) and others.
		users := []string{"window-GXQ", "window-LLGY", "bank-ICBC", "bank-ABC", "bank-BOC", "county-GX", "county-HS", "city", "pboc", "admin"}
		type move struct {
			event   engine.EventName
			payload any
			setup   []engine.EventName // events (by their rightful actor) that bring the case to a state where event can fire
			allowed []string
		}
		note := financing.NoteInput{}
		moves := []move{
			{financing.Accept, note, nil, []string{"bank-ICBC"}},
			{financing.RequestInfo, financing.RequestInfoInput{Question: "补充报表"}, nil, []string{"bank-ICBC"}},
			{financing.SupplyInfo, financing.SupplyInfoInput{Info: "已补充"}, []engine.EventName{financing.RequestInfo}, []string{"window-GXQ"}},
			{financing.Answer, answerYes, nil, []string{"bank-ICBC"}},
			{financing.CannotSolve, financing.CannotSolveInput{Reason: "无法解决"}, nil, []string{"bank-ICBC"}},
			{financing.Resolve, financing.ResolveInput{Resolution: "会诊", AnswerInput: answerYes}, []engine.EventName{financing.CannotSolve}, []string{"city", "pboc"}},
			{financing.Feedback, financing.FeedbackInput{Outcome: "financed"}, []engine.EventName{financing.Answer}, []string{"window-GXQ"}},
			{financing.Withdraw, financing.WithdrawInput{}, nil, []string{"window-GXQ"}},
			{financing.Invite, financing.InviteInput{Bank: "CCB"}, nil, []string{"bank-ICBC"}},
			{financing.Offer, answerYes, nil, []string{"bank-ABC"}},
			{financing.Urge, note, nil, []string{"county-GX", "city", "pboc"}},
			{financing.Remind, nil, nil, nil},
			{financing.Breach, nil, nil, nil},
		}
		rightful := map[engine.EventName]struct {
			user    string
			payload any
		}{
			financing.RequestInfo: {"bank-ICBC", financing.RequestInfoInput{Question: "补充报表"}},
			financing.CannotSolve: {"bank-ICBC", financing.CannotSolveInput{Reason: "无法解决"}},
			financing.Answer:      {"bank-ICBC", answerYes},
		}
		// Who may see a GXQ case with ABC invited.
		sees := map[string]bool{"window-GXQ": true, "bank-ICBC": true, "bank-ABC": true, "county-GX": true, "city": true, "pboc": true, "admin": true}
		for _, mv := range moves {
			for _, user := range users {
				t.Run(fmt.Sprintf("%s/%s", mv.event, user), func(t *testing.T) {
					c := e.open(time.Time{})
					c = e.mustFire(c, "bank-ICBC", financing.Invite, financing.InviteInput{Bank: "ABC"})
					for _, ev := range mv.setup {
						r := rightful[ev]
						c = e.mustFire(c, r.user, ev, r.payload)
					}
					_, err := e.fire(c, user, mv.event, mv.payload)
					switch {
					case contains(mv.allowed, user):
						if err != nil {
							t.Fatalf("%s may %s: %v", user, mv.event, err)
						}
					case !sees[user]:
						wantCode(t, err, engine.ENOTFOUND)
					default:
						wantCode(t, err, engine.EFORBIDDEN)
					}
				})
			}
		}
	})
}

// Events that cannot fire in the case's state are refused, whoever asks.
func TestTransitionNotAllowed(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		c := e.open(time.Time{})
		for _, tc := range []struct {
			user string
			ev   engine.EventName
			p    any
		}{
			{"window-GXQ", financing.Feedback, financing.FeedbackInput{Outcome: "financed"}},
			{"window-GXQ", financing.SupplyInfo, financing.SupplyInfoInput{Info: "x"}},
			{"city", financing.Resolve, financing.ResolveInput{Resolution: "x", AnswerInput: answerYes}},
			{"window-GXQ", financing.Open, nil},
		} {
			_, err := e.fire(c, tc.user, tc.ev, tc.p)
			wantCode(t, err, engine.ETRANSITION)
		}
		// The clerk reads the state and the action in Chinese.
		_, err := e.fire(c, "window-GXQ", financing.Feedback, financing.FeedbackInput{Outcome: "financed"})
		if msg := engine.ErrorMessage(err, "zh"); msg != "案件当前状态为“已转主联系行”，不能执行“反馈企业并办结”操作。" {
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
			c := e.open(time.Time{})
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, p := range []any{answerYes, financing.CannotSolveInput{Reason: "无法解决"}} {
				ev := []engine.EventName{financing.Answer, financing.CannotSolve}[i]
				wg.Add(1)
				go func(i int, ev engine.EventName, p any) {
					defer wg.Done()
					_, errs[i] = e.engine.Fire(e.ctx, engine.FireRequest{CaseID: c.ID, Event: ev, Actor: e.actor("bank-ICBC"), Version: c.Version, Payload: mustJSON(t, p)})
				}(i, ev, p)
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
			if got := e.reload(c); got.Version != 2 || len(e.events(got)) != 2 {
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
		e.mustFire(c, "bank-ICBC", financing.Accept, nil)
		_, err := e.engine.Fire(e.ctx, engine.FireRequest{CaseID: c.ID, Event: financing.Answer, Actor: e.actor("bank-ICBC"), Version: c.Version, Payload: mustJSON(t, answerYes)})
		wantCode(t, err, engine.ECONFLICT)
	})
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Counts are scoped like lists: each organisation counts what it may see.
func TestCaseCounts(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		first := e.open(time.Time{})
		e.open(time.Time{})
		e.openAs("window-LLGY", e.openInput("LLGY"), time.Time{})
		e.mustFire(first, "bank-ICBC", financing.Accept, nil)
		e.clock.Set(at(2026, 11, 10, 0, 0)) // past the limit of all three
		e.drain()
		e.mustFire(first, "city", financing.Resolve, financing.ResolveInput{Resolution: "会诊", AnswerInput: answerYes})
		for user, want := range map[string]engine.CaseCounts{
			"city":       {Total: 3, Overdue: 3, DueSoon: 3, ByState: map[engine.State]int{financing.Answered: 1, financing.Escalated: 2}},
			"bank-ICBC":  {Total: 2, Overdue: 2, DueSoon: 2, ByState: map[engine.State]int{financing.Answered: 1, financing.Escalated: 1}},
			"county-HS":  {Total: 1, Overdue: 1, DueSoon: 1, ByState: map[engine.State]int{financing.Escalated: 1}},
			"window-GXQ": {Total: 2, Overdue: 2, DueSoon: 2, ByState: map[engine.State]int{financing.Answered: 1, financing.Escalated: 1}},
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
		overdue := true
		got, err := e.engine.CaseCounts(e.ctx, e.actor("city"), engine.CaseFilter{Workflow: financing.Name, Overdue: &overdue, States: []engine.State{financing.Escalated}})
		if err != nil || got.Total != 2 {
			t.Fatalf("escalated and overdue: %+v %v", got, err)
		}
	})
}
