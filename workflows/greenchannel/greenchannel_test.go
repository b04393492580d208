package greenchannel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
	"github.com/parkfin/parkfin/workflows/greenchannel"
	"github.com/parkfin/parkfin/workflows/payload"
)

func at(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, calendar.Location())
}

type env struct {
	t *testing.T
	*enginetest.Env
	ctx context.Context
}

func mustEnv(t *testing.T, db testsvc.Database, start time.Time) *env {
	return &env{t: t, Env: enginetest.New(t, db, start), ctx: context.Background()}
}

func (e *env) fire(c *engine.Case, user string, ev engine.EventName, in any) (*engine.Case, error) {
	e.t.Helper()
	return e.Fire(e.t, c, user, ev, in)
}

func (e *env) must(c *engine.Case, user string, ev engine.EventName, in any) *engine.Case {
	e.t.Helper()
	return e.MustFire(e.t, c, user, ev, in)
}

func (e *env) reload(c *engine.Case) *engine.Case {
	e.t.Helper()
	cur, err := e.Store.Case(e.ctx, c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return cur
}

var answerYes = financing.AnswerInput{CanHandle: financing.CanYes, Conditions: "厂房抵押。", Procedure: "申请、审批、放款。", AmountOffered: "2000000"}

// answered registers a case at the GXQ window (lead bank ICBC, county GX)
// and has ICBC sign for it and answer it: yes, unless ans says otherwise.
func (e *env) answered(name string, ans financing.AnswerInput, beforeAnswer ...func(*engine.Case)) *engine.Case {
	e.t.Helper()
	first17 := fmt.Sprintf("91430900MA4L%05d", len(name))
	code, err := uscc.CheckChar(first17)
	if err != nil {
		e.t.Fatal(err)
	}
	raw, _ := json.Marshal(financing.OpenInput{Park: "GXQ", Enterprise: financing.Enterprise{Name: name, USCC: first17 + string(code)},
		Need: "流动资金贷款。", Amount: "3000000"})
	c, err := e.Engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: e.MustActor(e.t, "window-GXQ"), Payload: raw})
	if err != nil {
		e.t.Fatal(err)
	}
	c = e.must(c, "bank-ICBC", financing.Accept, financing.NoteInput{})
	for _, f := range beforeAnswer {
		f(c)
	}
	return e.must(c, "bank-ICBC", financing.Answer, ans)
}

// project opens bank's green channel on the financing case and returns the
// project.
func (e *env) project(fc *engine.Case, user string) *engine.Case {
	e.t.Helper()
	e.must(fc, user, financing.GreenChannel, financing.GreenChannelInput{Note: "优先办理。"})
	d, err := financing.DataOf(e.reload(fc))
	if err != nil {
		e.t.Fatal(err)
	}
	p := d.Project(e.MustActor(e.t, user).Org)
	if p == nil {
		e.t.Fatalf("no project of %s on %s: %+v", user, fc.Number, d.GreenChannel)
	}
	c, err := e.Store.Case(e.ctx, p.CaseID)
	if err != nil {
		e.t.Fatal(err)
	}
	if c.Number != p.Case {
		e.t.Fatalf("project %s recorded as %s", c.Number, p.Case)
	}
	return c
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := engine.ErrorCode(err); got != code {
		t.Fatalf("error %v (%s), want %s", err, got, code)
	}
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	wantCode(t, err, engine.EINVALID)
	for _, f := range payload.Errors(err) {
		if f.Field == field {
			if f.MessageZH == "" || f.Message == "" {
				t.Fatalf("field %s without its words: %+v", field, f)
			}
			return
		}
	}
	t.Fatalf("no error on %s: %v", field, err)
}

func step(date, amount string) greenchannel.StepInput {
	return greenchannel.StepInput{Date: date, Amount: amount}
}

// A project walks 立项 → 申报 → 授信 → 审批 → 放款 across the National Day
// holiday of 2026 (1–7 October off, Saturday 10 October worked, and the
// Mid-Autumn Festival 25–27 September before it), on a fake clock that
// stands on each step's day; each step's working days are the calendar's.
func TestProjectAcrossNationalDay(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := mustEnv(t, db, at(2026, 9, 21, 9))
			e.Clock.Set(at(2026, 9, 22, 10)) // ICBC answers on Tuesday 22 September
			fc := e.answered("益阳绿通机械有限公司", answerYes)
			e.Clock.Set(at(2026, 9, 23, 10))
			p := e.project(fc, "bank-ICBC")
			if p.State != greenchannel.Opened || p.Number[:8] != "LS-2026-" || p.Title != "益阳绿通机械有限公司" {
				t.Fatalf("project %s %s %q", p.Number, p.State, p.Title)
			}
			d, _ := greenchannel.DataOf(p)
			if d.Financing != fc.Number || d.FinancingID != fc.ID || d.Bank != "ICBC" || d.AnsweredOn != "2026-09-22" || d.OpenedOn != "2026-09-23" || d.Park != "GXQ" {
				t.Fatalf("project data %+v", d)
			}
			// Who sees it, who records its steps.
			for _, u := range []string{"bank-ICBC", "window-GXQ", "county-GX", "city", "pboc"} {
				if _, err := e.Engine.Case(e.ctx, e.MustActor(t, u), p.ID); err != nil {
					t.Fatalf("%s does not see the project: %v", u, err)
				}
			}
			for _, u := range []string{"bank-ABC", "bank-BOC", "window-LLGY", "county-HS"} {
				if _, err := e.Engine.Case(e.ctx, e.MustActor(t, u), p.ID); engine.ErrorCode(err) != engine.ENOTFOUND {
					t.Fatalf("%s sees the project: %v", u, err)
				}
			}
			e.Clock.Set(at(2026, 9, 24, 15))
			for _, u := range []string{"window-GXQ", "county-GX", "city", "pboc"} {
				_, err := e.fire(p, u, greenchannel.RecordSetUp, greenchannel.SetUpInput{Date: "2026-09-24"})
				wantCode(t, err, engine.EFORBIDDEN)
			}
			_, err := e.fire(p, "bank-ABC", greenchannel.RecordSetUp, greenchannel.SetUpInput{Date: "2026-09-24"})
			wantCode(t, err, engine.ENOTFOUND)

			walk := []struct {
				now    time.Time
				ev     engine.EventName
				in     any
				state  engine.State
				wd, cd int
			}{
				{at(2026, 9, 24, 15), greenchannel.RecordSetUp, greenchannel.SetUpInput{Date: "2026-09-24"}, greenchannel.SetUp, 2, 2},
				// 25–27 September are the Mid-Autumn holiday.
				{at(2026, 9, 30, 11), greenchannel.RecordApply, step("2026-09-30", "3000000"), greenchannel.Applied, 3, 6},
				// 1–7 October off; 8 and 9 October and Saturday 10 October worked.
				{at(2026, 10, 10, 16), greenchannel.RecordCredit, step("2026-10-10", "5000000"), greenchannel.Credited, 3, 10},
				{at(2026, 10, 12, 9), greenchannel.RecordApprove, step("2026-10-12", "2800000.5"), greenchannel.Approved, 1, 2},
				// Recorded a day late, dated when the money went out.
				{at(2026, 10, 17, 9), greenchannel.RecordDisburse, step("2026-10-16", "2800000"), greenchannel.Disbursed, 4, 4},
			}
			for _, w := range walk {
				e.Clock.Set(w.now)
				p = e.must(p, "bank-ICBC", w.ev, w.in)
				if p.State != w.state {
					t.Fatalf("%s: state %s, want %s", w.ev, p.State, w.state)
				}
			}
			d, _ = greenchannel.DataOf(p)
			if a := d.Step(greenchannel.RecordApply).Amount; a != "3000000.00" {
				t.Fatalf("amount applied for %q, want 3000000.00", a)
			}
			if a := d.Step(greenchannel.RecordApprove).Amount; a != "2800000.50" {
				t.Fatalf("amount approved %q, want 2800000.50", a)
			}
			tm, err := greenchannel.TimingOf(d, e.Overrides.Live())
			if err != nil {
				t.Fatal(err)
			}
			if len(tm.Steps) != len(walk) {
				t.Fatalf("%d spans", len(tm.Steps))
			}
			for i, w := range walk {
				s := tm.Steps[i]
				if s.Step != w.ev || s.Workdays != w.wd || s.Days != w.cd || s.Provisional {
					t.Errorf("%s: %+v, want %d working days, %d days", w.ev, s, w.wd, w.cd)
				}
				// The calendar's own count of (from, to].
				from, _ := calendar.ParseDate(s.From)
				to, _ := calendar.ParseDate(s.To)
				n, err := e.Calendar.WorkdaysBetween(from, to)
				if err != nil || n != s.Workdays {
					t.Errorf("%s: calendar counts %d (%v), the report %d", w.ev, n, err, s.Workdays)
				}
			}
			if tm.Total == nil || tm.Total.From != "2026-09-22" || tm.Total.To != "2026-10-16" || tm.Total.Workdays != 13 || tm.Total.Days != 24 {
				t.Fatalf("total %+v, want 13 working days and 24 days", tm.Total)
			}
			// Every step is a ledger entry by the bank.
			entries, err := e.Engine.Ledger(e.ctx, engine.System, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, en := range entries {
				got = append(got, en.Event+"/"+en.ActorUser)
			}
			want := []string{"open/bank-ICBC", "set_up/bank-ICBC", "apply/bank-ICBC", "credit/bank-ICBC", "approve/bank-ICBC", "disburse/bank-ICBC"}
			if len(got) != len(want) {
				t.Fatalf("ledger %v, want %v", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("ledger %v, want %v", got, want)
				}
			}
			// 放款 ends it: no stop after it.
			_, err = e.fire(p, "bank-ICBC", greenchannel.Stop, greenchannel.StopInput{Date: "2026-10-17", Reason: "x"})
			wantCode(t, err, engine.ETRANSITION)

			// The report: one project, ICBC's averages are its times.
			r, err := greenchannel.ReportOf([]*engine.Case{p}, e.Overrides.Live())
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Banks) != 1 || r.Banks[0].Bank != "ICBC" || r.Banks[0].Steps[greenchannel.RecordCredit].Text(true) != "3.0" ||
				r.Banks[0].Steps[greenchannel.RecordCredit].Text(false) != "10.0" || r.Banks[0].Total.Text(true) != "13.0" {
				t.Fatalf("report banks %+v", r.Banks)
			}

			// 放款 tells the park's window, the county office copied; the
			// bank, another park and the city hear nothing.
			svc := notify.New(notify.Config{Store: e.Store, Clock: e.Clock})
			if _, err := svc.Drain(e.ctx); err != nil {
				t.Fatal(err)
			}
			heard := func(user string) []string {
				items, err := svc.Inbox(e.ctx, notify.InboxFilter{User: user, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, it := range items {
					if it.CaseID == p.ID {
						out = append(out, it.Kind+" "+it.Subject)
					}
				}
				return out
			}
			if w := heard("window-GXQ"); len(w) != 1 || w[0] != greenchannel.NoticeDisbursed+" 绿色通道项目已放款：益阳绿通机械有限公司" {
				t.Fatalf("the window's inbox: %v", w)
			}
			if c := heard("county-GX"); len(c) != 1 {
				t.Fatalf("the county office's inbox: %v", c)
			}
			for _, u := range []string{"bank-ICBC", "window-LLGY", "city"} {
				if got := heard(u); len(got) != 0 {
					t.Fatalf("%s hears %v", u, got)
				}
			}
		})
	}
}

// What is refused, and how it is said.
func TestRefusals(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := mustEnv(t, db, at(2026, 11, 2, 9))
			e.Clock.Set(at(2026, 11, 3, 10))
			var abc *engine.Case
			fc := e.answered("长春绿通电子有限公司", answerYes, func(c *engine.Case) {
				e.must(c, "bank-ICBC", financing.Invite, financing.InviteInput{Bank: "ABC"})
				e.must(c, "bank-ABC", financing.Offer, financing.AnswerInput{CanHandle: financing.CanPartly, Conditions: "担保。", Procedure: "审批。"})
			})
			e.Clock.Set(at(2026, 11, 4, 10))
			p := e.project(fc, "bank-ICBC")

			t.Run("SecondProject", func(t *testing.T) {
				_, err := e.fire(fc, "bank-ICBC", financing.GreenChannel, financing.GreenChannelInput{})
				wantCode(t, err, engine.EDUPLICATE)
				if zh := engine.ErrorMessage(err, locale.ZH); zh == "" || !containsStr(zh, p.Number) {
					t.Fatalf("message %q does not name %s", zh, p.Number)
				}
				if en := engine.ErrorMessage(err, locale.EN); !containsStr(en, p.Number) {
					t.Fatalf("message %q", en)
				}
				n, err := e.Engine.Cases(e.ctx, engine.System, engine.CaseFilter{Workflow: greenchannel.Name})
				if err != nil || len(n) != 1 {
					t.Fatalf("%d projects (%v)", len(n), err)
				}
			})
			t.Run("ParticipatingBank", func(t *testing.T) {
				abc = e.project(fc, "bank-ABC")
				if abc.ID == p.ID {
					t.Fatal("one project for two banks")
				}
				d, _ := greenchannel.DataOf(abc)
				if d.Bank != "ABC" || d.CanHandle != financing.CanPartly {
					t.Fatalf("ABC's project %+v", d)
				}
				// ICBC does not record ABC's steps, nor see its project.
				_, err := e.fire(abc, "bank-ICBC", greenchannel.RecordSetUp, greenchannel.SetUpInput{Date: "2026-11-04"})
				wantCode(t, err, engine.ENOTFOUND)
				_, err = e.fire(p, "bank-ABC", greenchannel.RecordSetUp, greenchannel.SetUpInput{Date: "2026-11-04"})
				wantCode(t, err, engine.ENOTFOUND)
			})
			t.Run("NotOnItsOwn", func(t *testing.T) {
				raw, _ := json.Marshal(financing.GreenChannelOpening{Park: "GXQ", County: "GX", Bank: "ICBC", AnsweredOn: "2026-11-03"})
				_, err := e.Engine.Open(e.ctx, engine.OpenRequest{Workflow: greenchannel.Name, Actor: e.MustActor(t, "bank-ICBC"), Payload: raw})
				wantCode(t, err, engine.ETRANSITION)
			})
			t.Run("AnsweredNo", func(t *testing.T) {
				no := e.answered("桃江无法办理有限公司", financing.AnswerInput{CanHandle: financing.CanNo, Reason: "不符合授信政策。"})
				_, err := e.fire(no, "bank-ICBC", financing.GreenChannel, financing.GreenChannelInput{})
				wantCode(t, err, engine.ETRANSITION)
			})
			t.Run("Dates", func(t *testing.T) {
				_, err := e.fire(p, "bank-ICBC", greenchannel.RecordSetUp, greenchannel.SetUpInput{Date: "2026-11-02"})
				wantField(t, err, "date") // before the bank's answer
				_, err = e.fire(p, "bank-ICBC", greenchannel.RecordSetUp, greenchannel.SetUpInput{Date: "2026-11-05"})
				wantField(t, err, "date") // tomorrow
				_, err = e.fire(p, "bank-ICBC", greenchannel.RecordSetUp, greenchannel.SetUpInput{Date: "2026/11/04"})
				wantField(t, err, "date")
				_, err = e.fire(p, "bank-ICBC", greenchannel.RecordSetUp, greenchannel.SetUpInput{})
				wantField(t, err, "date")
				e.Clock.Set(at(2026, 11, 10, 10))
				p = e.must(p, "bank-ICBC", greenchannel.RecordSetUp, greenchannel.SetUpInput{Date: "2026-11-06"})
				_, err = e.fire(p, "bank-ICBC", greenchannel.RecordApply, step("2026-11-05", "1000000"))
				wantField(t, err, "date") // before 立项
			})
			t.Run("OutOfOrder", func(t *testing.T) {
				_, err := e.fire(p, "bank-ICBC", greenchannel.RecordCredit, step("2026-11-09", "1000000"))
				wantCode(t, err, engine.ETRANSITION)
				_, err = e.fire(p, "bank-ICBC", greenchannel.RecordSetUp, greenchannel.SetUpInput{Date: "2026-11-09"})
				wantCode(t, err, engine.ETRANSITION)
			})
			t.Run("Amounts", func(t *testing.T) {
				for _, bad := range []string{"", "12万", "1,000,000", "1e6", "-5", "0", "100.123"} {
					_, err := e.fire(p, "bank-ICBC", greenchannel.RecordApply, step("2026-11-09", bad))
					wantField(t, err, "amount")
				}
				p = e.must(p, "bank-ICBC", greenchannel.RecordApply, step("2026-11-09", "1000000"))
				p = e.must(p, "bank-ICBC", greenchannel.RecordCredit, step("2026-11-10", "800000"))
				_, err := e.fire(p, "bank-ICBC", greenchannel.RecordApprove, step("2026-11-10", "900000"))
				wantField(t, err, "amount") // above the credit line
				p = e.must(p, "bank-ICBC", greenchannel.RecordApprove, step("2026-11-10", "800000"))
				_, err = e.fire(p, "bank-ICBC", greenchannel.RecordDisburse, step("2026-11-10", "800000.01"))
				wantField(t, err, "amount") // above the amount approved
			})
			t.Run("Stop", func(t *testing.T) {
				_, err := e.fire(abc, "bank-ABC", greenchannel.Stop, greenchannel.StopInput{Date: "2026-11-10"})
				wantField(t, err, "reason")
				abc = e.must(abc, "bank-ABC", greenchannel.Stop, greenchannel.StopInput{Date: "2026-11-10", Reason: "企业另行融资，撤回申请。"})
				if abc.State != greenchannel.Stopped {
					t.Fatalf("state %s", abc.State)
				}
				_, err = e.fire(abc, "bank-ABC", greenchannel.RecordSetUp, greenchannel.SetUpInput{Date: "2026-11-10"})
				wantCode(t, err, engine.ETRANSITION)
				d, _ := greenchannel.DataOf(abc)
				tm, err := greenchannel.TimingOf(d, e.Overrides.Live())
				if err != nil || len(tm.Steps) != 1 || tm.Steps[0].Step != greenchannel.Stop || tm.Steps[0].Workdays != 5 || tm.Total.Days != 7 {
					t.Fatalf("stopped project's times %+v (%v)", tm, err)
				}
			})
		})
	}
}

func containsStr(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestEveryWordIsInTheCatalogue(t *testing.T) {
	d := greenchannel.Definition()
	for _, lang := range locale.Langs {
		if missing := payload.Words(greenchannel.Name).Missing(lang, d, greenchannel.RelBank, greenchannel.RelPark, greenchannel.RelCounty); len(missing) > 0 {
			t.Errorf("%s lacks %v", lang, missing)
		}
		for _, k := range locale.Keys(locale.ZH, "greenchannel.") {
			if !locale.Has(lang, k) {
				t.Errorf("%s lacks %s", lang, k)
			}
		}
	}
	if greenchannel.Name != financing.GreenChannelWorkflow {
		t.Fatalf("financing opens %q, the workflow is %q", financing.GreenChannelWorkflow, greenchannel.Name)
	}
}
