package visits_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/payload"
	"github.com/parkfin/parkfin/workflows/visits"
)

func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, calendar.Location())
}

type env struct {
	t *testing.T
	*enginetest.Env
	ctx context.Context
}

func mustEnv(t *testing.T, db testsvc.Database, start time.Time) *env {
	return &env{t: t, Env: enginetest.New(t, db, start), ctx: context.Background()}
}

func (e *env) actor(name string) engine.Actor {
	e.t.Helper()
	u, err := e.Store.User(e.ctx, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.Actor()
}

// cases returns the half-year's cases by park.
func (e *env) cases(period string) map[string]*engine.Case {
	e.t.Helper()
	cs, err := e.Engine.Cases(e.ctx, engine.System, engine.CaseFilter{Workflow: visits.Name, Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]*engine.Case{}
	for _, c := range cs {
		if c.Period == period {
			out[c.ScheduledFor] = c
		}
	}
	return out
}

func (e *env) fire(c *engine.Case, user string, ev engine.EventName, in any) (*engine.Case, error) {
	e.t.Helper()
	raw, err := json.Marshal(in)
	if err != nil {
		e.t.Fatal(err)
	}
	cur, err := e.Store.Case(e.ctx, c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.Engine.Fire(e.ctx, engine.FireRequest{CaseID: c.ID, Event: ev, Actor: e.actor(user), Version: cur.Version, Payload: raw})
}

func (e *env) mustFire(c *engine.Case, user string, ev engine.EventName, in any) *engine.Case {
	e.t.Helper()
	c, err := e.fire(c, user, ev, in)
	if err != nil {
		e.t.Fatalf("%s by %s: %v", ev, user, err)
	}
	return c
}

func (e *env) drainAt(t time.Time) {
	e.t.Helper()
	e.Clock.Set(t)
	if _, err := e.Worker.Drain(e.ctx); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) schedule(t time.Time) int {
	e.t.Helper()
	e.drainAt(t)
	n, err := e.Engine.OpenScheduled(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) data(c *engine.Case) *visits.Data {
	e.t.Helper()
	cur, err := e.Store.Case(e.ctx, c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	d, err := visits.DataOf(cur)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

type outboxRow struct {
	Event, Recipients string
	CreatedAt         time.Time
}

// outbox lists a case's notices as "event@MM-DD HH:MM recipients".
func (e *env) outbox(c *engine.Case) []string {
	e.t.Helper()
	var rows []outboxRow
	if err := e.Store.DB().Raw("SELECT event, recipients, at AS created_at FROM outbox WHERE case_id = ? ORDER BY at, id", c.ID).Scan(&rows).Error; err != nil {
		e.t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Event+"@"+r.CreatedAt.In(calendar.Location()).Format("01-02 15:04")+" "+r.Recipients)
	}
	return got
}

// visit is a visit to GXQ with a problem of one enterprise, whose credit
// code the visit recorded.
func visit(date string) visits.VisitInput {
	return visits.VisitInput{Date: date, Leader: "张行长",
		Participants: []visits.Participant{{Org: "益阳高新区金融办", Name: "李主任"}, {Org: "人民银行益阳市中心支行", Name: "王科长", Title: "科长"}},
		Enterprises:  []visits.Enterprise{{Name: "益阳某某科技有限公司", USCC: "91430900MA4L000032"}, {Name: "益阳某某食品有限公司"}},
		Problems: []visits.ProblemInput{
			{Enterprise: "益阳某某科技有限公司", Text: "设备更新缺流动资金，需贷款", Amount: "800000"},
			{Text: "园区缺少政府性融资担保机构"},
		}}
}

// 2026H2 for every park: opened when the half-year begins (2026-07-01
// 00:00), due at 24:00 of its last working day (Thursday 2026-12-31, so
// 2027-01-01 00:00), reminded 5 and 1 working days before (12-25 00:00
// and 12-31 00:00). GXQ is never visited: red at the limit and not a
// microsecond before, the county office copied. LLGY is visited in
// November: no reminder, never red.
func TestHalfYear2026H2(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := mustEnv(t, db, at(2026, 6, 30, 23, 0))
			// The schedule's first run opens the half-year under way (H1);
			// the quarterly submissions open too, so count by period.
			e.schedule(at(2026, 6, 30, 23, 0))
			if n := len(e.cases("2026H1")); n != 10 {
				t.Fatalf("the half-year under way, H1: %d cases", n)
			}
			if n := len(e.cases("2026H2")); n != 0 {
				t.Fatalf("H2 opened before it began: %d", n)
			}
			e.schedule(at(2026, 7, 1, 0, 0))
			if n := len(e.cases("2026H2")); n != 10 {
				t.Fatalf("at the half-year's start: %d cases; want the 10 paired parks", n)
			}
			if n := e.schedule(at(2026, 7, 1, 0, 1)); n != 0 {
				t.Fatalf("opened %d again", n)
			}
			h2 := e.cases("2026H2")
			gxq, llgy := h2["GXQ"], h2["LLGY"]
			if gxq == nil || llgy == nil || gxq.State != visits.Pending || !strings.HasPrefix(gxq.Number, "ZF-2026H2-") {
				t.Fatalf("cases %v", h2)
			}
			if gxq.DueAt == nil || !gxq.DueAt.Equal(at(2027, 1, 1, 0, 0)) {
				t.Fatalf("due %v, want 2027-01-01 00:00", gxq.DueAt)
			}
			wantParties(t, gxq, "ICBC:bank", "GXQ:park", "GX:county")
			d := e.data(gxq)
			if d.Bank != "ICBC" || d.ParkName != "益阳高新区" {
				t.Fatalf("data %+v", d)
			}
			// The lead bank and the window act; the county, the city and
			// the central bank see; another bank and the administrator
			// neither see nor act.
			for _, u := range []string{"bank-ICBC", "window-GXQ", "county-GX", "city", "pboc"} {
				if _, err := e.Engine.Case(e.ctx, e.actor(u), gxq.ID); err != nil {
					t.Fatalf("%s does not see it: %v", u, err)
				}
			}
			for _, u := range []string{"bank-ABC", "window-LLGY", "county-HS"} {
				if _, err := e.Engine.Case(e.ctx, e.actor(u), gxq.ID); engine.ErrorCode(err) != engine.ENOTFOUND {
					t.Fatalf("%s sees GXQ's visit: %v", u, err)
				}
			}
			for _, u := range []string{"county-GX", "city", "pboc", "window-GXQ", "admin"} {
				if _, err := e.fire(gxq, u, visits.RecordVisit, visit("2026-11-10")); engine.ErrorCode(err) != engine.EFORBIDDEN && engine.ErrorCode(err) != engine.ENOTFOUND {
					t.Fatalf("%s records a visit: %v", u, err)
				}
			}

			e.drainAt(at(2026, 11, 12, 10, 0))
			llgy = e.mustFire(llgy, "bank-ABC", visits.RecordVisit, visit2("2026-11-10"))
			if llgy.State != visits.Visited || llgy.DueAt != nil && llgy.PastDue {
				t.Fatalf("visited: %s", llgy.State)
			}

			for _, step := range []time.Time{at(2026, 12, 24, 23, 59), at(2026, 12, 25, 0, 0), at(2026, 12, 30, 23, 59), at(2026, 12, 31, 0, 0)} {
				e.drainAt(step)
			}
			e.drainAt(at(2027, 1, 1, 0, 0).Add(-time.Microsecond))
			if c, _ := e.Store.Case(e.ctx, gxq.ID); c.PastDue || c.Overdue {
				t.Fatalf("before the limit: past due %v, overdue %v", c.PastDue, c.Overdue)
			}
			e.drainAt(at(2027, 1, 1, 0, 0))
			if c, _ := e.Store.Case(e.ctx, gxq.ID); !c.PastDue || !c.Overdue {
				t.Fatal("GXQ's half-year without a visit is not red at the limit")
			}
			if c, _ := e.Store.Case(e.ctx, llgy.ID); c.PastDue || c.Overdue {
				t.Fatal("LLGY's visited half-year turned red")
			}
			want := []string{
				`open@07-01 00:00 [{"org":"ICBC"}]`,
				`remind_early@12-25 00:00 [{"org":"ICBC"}]`,
				`remind@12-31 00:00 [{"org":"ICBC"}]`,
				`lapse@01-01 00:00 [{"org":"ICBC"},{"org":"GX","copy":true}]`,
			}
			if got := e.outbox(gxq); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("GXQ's notices:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if got := e.outbox(llgy); len(got) != 1 || !strings.HasPrefix(got[0], "open@07-01 00:00") {
				t.Fatalf("LLGY, visited in November, heard %v", got)
			}

			// Recorded late, the visit still counts and says it was late;
			// the half-year stays counted late for good.
			e.drainAt(at(2027, 1, 4, 9, 0))
			gxq = e.mustFire(gxq, "bank-ICBC", visits.RecordVisit, visit("2026-12-30"))
			if gxq.PastDue || !gxq.Overdue || !e.data(gxq).Visits[0].Late {
				t.Fatalf("late record: past due %v, overdue %v", gxq.PastDue, gxq.Overdue)
			}
			gxq = e.mustFire(gxq, "bank-ICBC", visits.Close, visits.CloseInput{Summary: "补记 12 月走访"})
			if gxq.State != visits.Closed {
				t.Fatalf("closed: %s", gxq.State)
			}
			if rep, err := e.Store.VerifyLedger(e.ctx); err != nil || !rep.OK() || rep.Walked {
				t.Fatalf("ledger %+v %v", rep, err)
			}
		})
	}
}

func visit2(date string) visits.VisitInput {
	v := visit(date)
	v.Leader = "刘行长"
	v.Participants = []visits.Participant{{Org: "赫山区金融办", Name: "陈主任"}}
	return v
}

func wantParties(t *testing.T, c *engine.Case, want ...string) {
	t.Helper()
	var got []string
	for _, p := range c.Parties {
		got = append(got, p.Org+":"+string(p.Relation))
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("parties %v, want %v", got, want)
	}
}

// 2026H1 ends on Tuesday 06-30, after the Dragon Boat days off (06-19 to
// 06-21): due 07-01 00:00, reminded at 06-24 00:00 (5 working days
// before: 06-23 is the 5th) and 06-30 00:00.
func TestHalfYear2026H1(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := mustEnv(t, db, at(2025, 12, 31, 23, 0))
			e.schedule(at(2025, 12, 31, 23, 0))
			e.schedule(at(2026, 1, 1, 0, 0))
			if n := len(e.cases("2026H1")); n != 10 {
				t.Fatalf("opened %d", n)
			}
			gxq := e.cases("2026H1")["GXQ"]
			if gxq == nil || gxq.DueAt == nil || !gxq.DueAt.Equal(at(2026, 7, 1, 0, 0)) {
				t.Fatalf("GXQ 2026H1 %+v", gxq)
			}
			for _, step := range []time.Time{at(2026, 6, 23, 23, 59), at(2026, 6, 24, 0, 0), at(2026, 6, 30, 0, 0), at(2026, 7, 1, 0, 0)} {
				e.drainAt(step)
			}
			want := []string{
				`open@01-01 00:00 [{"org":"ICBC"}]`,
				`remind_early@06-24 00:00 [{"org":"ICBC"}]`,
				`remind@06-30 00:00 [{"org":"ICBC"}]`,
				`lapse@07-01 00:00 [{"org":"ICBC"},{"org":"GX","copy":true}]`,
			}
			if got := e.outbox(gxq); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("GXQ's notices:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// A visit is checked field by field: the date within the half-year and
// not in the future, a leader, at least one participant, enterprises with
// names and valid credit codes, problems with text naming an enterprise
// visited.
func TestVisitValidation(t *testing.T) {
	db := testsvc.Databases()[0]
	e := mustEnv(t, db, at(2026, 7, 1, 0, 0))
	e.schedule(at(2026, 7, 1, 0, 0))
	gxq := e.cases("2026H2")["GXQ"]
	e.drainAt(at(2026, 9, 15, 10, 0))
	for _, tc := range []struct {
		name  string
		edit  func(v *visits.VisitInput)
		field string
		zh    string
	}{
		{"DateBefore", func(v *visits.VisitInput) { v.Date = "2026-06-30" }, "date", "走访日期应在 2026H2（2026-07-01 至 2026-12-31）之内。"},
		{"DateFuture", func(v *visits.VisitInput) { v.Date = "2026-09-16" }, "date", "走访日期不能晚于今天。"},
		{"DateFormat", func(v *visits.VisitInput) { v.Date = "9月15日" }, "date", "走访日期应写成 2026-10-13 的形式。"},
		{"NoLeader", func(v *visits.VisitInput) { v.Leader = " " }, "leader", "请填写带队行长。"},
		{"NoParticipant", func(v *visits.VisitInput) { v.Participants = nil }, "participants.0.name", "请至少填写一位参与人员（单位和姓名）。"},
		{"ParticipantName", func(v *visits.VisitInput) { v.Participants[1].Name = "" }, "participants.1.name", "请填写姓名。"},
		{"EnterpriseName", func(v *visits.VisitInput) { v.Enterprises[1].Name = "" }, "enterprises.1.name", "请填写企业名称。"},
		{"USCC", func(v *visits.VisitInput) { v.Enterprises[0].USCC = "91430900MA4L000031" }, "enterprises.0.uscc", "统一社会信用代码"},
		{"ProblemText", func(v *visits.VisitInput) { v.Problems[1].Text = "" }, "problems.1.text", "请填写问题及融资需求。"},
		{"ProblemEnterprise", func(v *visits.VisitInput) { v.Problems[0].Enterprise = "别的公司" }, "problems.0.enterprise", "“别的公司”不在本次走访企业之中"},
		{"Amount", func(v *visits.VisitInput) { v.Problems[0].Amount = "八十万" }, "problems.0.amount", "应为以元为单位的金额"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := visit("2026-09-15")
			tc.edit(&in)
			_, err := e.fire(gxq, "bank-ICBC", visits.RecordVisit, in)
			fs := payload.Errors(err)
			if engine.ErrorCode(err) != engine.EINVALID || len(fs) != 1 || fs[0].Field != tc.field || !strings.Contains(fs[0].MessageZH, tc.zh) || fs[0].Message == "" || fs[0].Message == fs[0].MessageZH {
				t.Fatalf("got %v %+v; want one error on %s saying %q", err, fs, tc.field, tc.zh)
			}
		})
	}
	c := e.mustFire(gxq, "bank-ICBC", visits.RecordVisit, visit("2026-09-15"))
	if d := e.data(c); len(d.Visits) != 1 || d.Visits[0].Problems[1].No != 2 || d.Visits[0].Enterprises[0].USCC != "91430900MA4L000032" {
		t.Fatalf("recorded %+v", d.Visits)
	}
	// A second visit numbers its problems on.
	c = e.mustFire(c, "bank-ICBC", visits.RecordVisit, visit("2026-09-15"))
	if d := e.data(c); len(d.Visits) != 2 || d.Visits[1].No != 2 || d.Visits[1].Problems[0].No != 3 {
		t.Fatalf("second visit %+v", d.Visits)
	}
}

// The park's window turns a problem into a financing case: the case is
// registered at GXQ's window for the enterprise, with the problem as its
// need, routed to ICBC with the county office copied; the problem names
// the case and the case its origin. A second attempt, even at once from
// two requests, opens no other case; the bank cannot do it, nor another
// park's window; a problem without an enterprise cannot become one; an
// enterprise without a recorded credit code needs one.
func TestProblemBecomesCase(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := mustEnv(t, db, at(2026, 7, 1, 0, 0))
			e.schedule(at(2026, 7, 1, 0, 0))
			gxq := e.cases("2026H2")["GXQ"]
			e.drainAt(at(2026, 9, 15, 10, 0))
			if _, err := e.fire(gxq, "window-GXQ", visits.OpenCase, visits.CaseInput{Problem: 1}); engine.ErrorCode(err) != engine.ETRANSITION {
				t.Fatalf("before any visit: %v", err)
			}
			in := visit("2026-09-14")
			in.Problems = append(in.Problems, visits.ProblemInput{Enterprise: "益阳某某食品有限公司", Text: "冷库建设贷款"})
			gxq = e.mustFire(gxq, "bank-ICBC", visits.RecordVisit, in)

			for _, u := range []string{"bank-ICBC", "county-GX", "city"} {
				if _, err := e.fire(gxq, u, visits.OpenCase, visits.CaseInput{Problem: 1}); engine.ErrorCode(err) != engine.EFORBIDDEN {
					t.Fatalf("%s turns a problem into a case: %v", u, err)
				}
			}
			if _, err := e.fire(gxq, "window-LLGY", visits.OpenCase, visits.CaseInput{Problem: 1}); engine.ErrorCode(err) != engine.ENOTFOUND {
				t.Fatalf("another park's window: %v", err)
			}
			if _, err := e.fire(gxq, "window-GXQ", visits.OpenCase, visits.CaseInput{Problem: 2}); engine.ErrorCode(err) != engine.EINVALID {
				t.Fatalf("a park-level problem: %v", err)
			}
			if _, err := e.fire(gxq, "window-GXQ", visits.OpenCase, visits.CaseInput{Problem: 9}); engine.ErrorCode(err) != engine.EINVALID {
				t.Fatalf("no such problem: %v", err)
			}
			_, err := e.fire(gxq, "window-GXQ", visits.OpenCase, visits.CaseInput{Problem: 3})
			if fs := payload.Errors(err); len(fs) != 1 || fs[0].Field != "uscc" {
				t.Fatalf("an enterprise without its credit code: %v %+v", err, fs)
			}

			// Two requests at once for problem 1: one case.
			var (
				wg   sync.WaitGroup
				errs [2]error
			)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					raw, _ := json.Marshal(visits.CaseInput{Problem: 1, Contact: "0737-1234567"})
					_, errs[i] = e.Engine.Fire(e.ctx, engine.FireRequest{CaseID: gxq.ID, Event: visits.OpenCase, Actor: e.actor("window-GXQ"), Payload: raw})
				}()
			}
			wg.Wait()
			if (errs[0] == nil) == (errs[1] == nil) {
				t.Fatalf("two requests: %v, %v; want one case", errs[0], errs[1])
			}
			for _, err := range errs {
				if err != nil && engine.ErrorCode(err) != engine.EDUPLICATE {
					t.Fatalf("the second request: %v", err)
				}
			}
			d := e.data(gxq)
			p := d.Visits[0].Problems[0]
			if p.Case == "" || !strings.HasPrefix(p.Case, "GXQ-2026-") || p.CaseBy != "window-GXQ" {
				t.Fatalf("problem %+v", p)
			}
			// And again, later: refused, naming the case.
			_, err = e.fire(gxq, "window-GXQ", visits.OpenCase, visits.CaseInput{Problem: 1})
			if engine.ErrorCode(err) != engine.EDUPLICATE || !strings.Contains(engine.ErrorMessage(err, "zh"), p.Case) {
				t.Fatalf("a retried request: %v", err)
			}
			fin, err := e.Engine.Cases(e.ctx, engine.System, engine.CaseFilter{Workflow: financing.Name, Limit: 10})
			if err != nil || len(fin) != 1 {
				t.Fatalf("financing cases %d, %v; want 1", len(fin), err)
			}
			fc := fin[0]
			if fc.Number != p.Case || fc.State != financing.Routed {
				t.Fatalf("case %s in %s", fc.Number, fc.State)
			}
			wantParties(t, fc, "GXQ:park", "ICBC:lead_bank", "GX:county")
			fd, err := financing.DataOf(fc)
			if err != nil {
				t.Fatal(err)
			}
			if fd.Enterprise.Name != "益阳某某科技有限公司" || fd.Enterprise.USCC != "91430900MA4L000032" || fd.Need != "设备更新缺流动资金，需贷款" ||
				fd.Amount != "800000.00" || fd.Contact != "0737-1234567" {
				t.Fatalf("financing data %+v", fd)
			}
			if fd.Origin == nil || fd.Origin.CaseID != gxq.ID || fd.Origin.Number != gxq.Number || fd.Origin.Ref != "1" || fd.Origin.Workflow != visits.Name {
				t.Fatalf("origin %+v", fd.Origin)
			}
			// The bank signs for it as for any case, within its 5 working days.
			if _, err := e.Engine.Fire(e.ctx, engine.FireRequest{CaseID: fc.ID, Event: financing.Accept, Actor: e.actor("bank-ICBC"), Version: fc.Version}); err != nil {
				t.Fatal(err)
			}

			// The third problem with the credit code given at the window.
			gxq = e.mustFire(gxq, "window-GXQ", visits.OpenCase, visits.CaseInput{Problem: 3, USCC: "91430900MA4L000032"})
			if d := e.data(gxq); d.Visits[0].Problems[2].Case == "" || d.Visits[0].Problems[2].Case == p.Case {
				t.Fatalf("problem 3 %+v", d.Visits[0].Problems[2])
			}
			// After closing, a problem still becomes a case.
			gxq = e.mustFire(gxq, "bank-ICBC", visits.Close, nil)
			if _, err := e.fire(gxq, "window-GXQ", visits.OpenCase, visits.CaseInput{Problem: 3}); engine.ErrorCode(err) != engine.EDUPLICATE {
				t.Fatalf("after closing: %v", err)
			}
			if rep, err := e.Store.VerifyLedger(e.ctx); err != nil || !rep.OK() || rep.Walked {
				t.Fatalf("ledger %+v %v", rep, err)
			}
		})
	}
}

// The reminders and the overdue notice reach the lead bank's users'
// in-app messages, and no other bank's; the overdue one reaches the county
// office too.
func TestRemindersReachTheBanksInbox(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := mustEnv(t, db, at(2026, 12, 20, 9, 0))
			e.schedule(at(2026, 12, 20, 9, 0))
			svc := notify.New(notify.Config{Store: e.Store, Clock: e.Clock})
			for _, step := range []time.Time{at(2026, 12, 25, 0, 0), at(2026, 12, 31, 0, 0), at(2027, 1, 1, 0, 0)} {
				e.drainAt(step)
			}
			if _, err := svc.Drain(e.ctx); err != nil {
				t.Fatal(err)
			}
			gxq := e.cases("2026H2")["GXQ"]
			kinds := func(user string) []string {
				items, err := svc.Inbox(e.ctx, notify.InboxFilter{User: user, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, it := range items {
					if it.CaseID == gxq.ID {
						out = append(out, it.Kind+" "+it.Subject)
					}
				}
				return out
			}
			bank := kinds("bank-ICBC")
			if len(bank) != 4 || !strings.Contains(strings.Join(bank, "\n"), "半年内未入园走访：益阳高新区 2026H2") ||
				!strings.Contains(strings.Join(bank, "\n"), "入园走访临期：益阳高新区 2026H2") {
				t.Fatalf("ICBC's inbox: %v", bank)
			}
			if other := kinds("bank-ABC"); len(other) != 0 {
				t.Fatalf("ABC hears of ICBC's visit: %v", other)
			}
			if county := kinds("county-GX"); len(county) != 1 || !strings.HasPrefix(county[0], visits.NoticeOverdue) {
				t.Fatalf("the county office's inbox: %v", county)
			}
		})
	}
}

// Every word of the workflow is in the catalogue in every language, the
// error messages and the notices' templates included.
func TestEveryWordIsInTheCatalogue(t *testing.T) {
	d := visits.Definition(visits.Config{})
	for _, lang := range locale.Langs {
		if missing := payload.Words(visits.Name).Missing(lang, d, visits.RelBank, visits.RelPark, visits.RelCounty); len(missing) > 0 {
			t.Errorf("%s lacks %v", lang, missing)
		}
		for _, k := range locale.Keys(locale.ZH, "visits.") {
			if !locale.Has(lang, k) {
				t.Errorf("%s lacks %s", lang, k)
			}
		}
	}
}
