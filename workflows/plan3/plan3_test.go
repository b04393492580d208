package plan3_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/payload"
	"github.com/parkfin/parkfin/workflows/plan3"
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

func (e *env) assign(user string, in plan3.AssignInput) (*engine.Case, error) {
	raw, err := json.Marshal(in)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.Engine.Open(e.ctx, engine.OpenRequest{Workflow: plan3.Name, Actor: e.MustActor(e.t, user), Payload: raw})
}

func (e *env) mustAssign(user string, in plan3.AssignInput) *engine.Case {
	e.t.Helper()
	c, err := e.assign(user, in)
	if err != nil {
		e.t.Fatalf("assign: %v", err)
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

func (e *env) current(c *engine.Case) *engine.Case {
	e.t.Helper()
	cur, err := e.Store.Case(e.ctx, c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return cur
}

func (e *env) data(c *engine.Case) *plan3.Data {
	e.t.Helper()
	d, err := plan3.DataOf(e.current(c))
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// outbox lists a case's notices as "event@MM-DD HH:MM recipients".
func (e *env) outbox(c *engine.Case) []string {
	e.t.Helper()
	var rows []struct {
		Event, Recipients string
		CreatedAt         time.Time
	}
	if err := e.Store.DB().Raw("SELECT event, recipients, at AS created_at FROM outbox WHERE case_id = ? ORDER BY at, id", c.ID).Scan(&rows).Error; err != nil {
		e.t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Event+"@"+r.CreatedAt.In(calendar.Location()).Format("01-02 15:04")+" "+r.Recipients)
	}
	return got
}

func wantState(t *testing.T, c *engine.Case, s engine.State) {
	t.Helper()
	if c.State != s {
		t.Fatalf("state %s, want %s", c.State, s)
	}
}

func wantDue(t *testing.T, c *engine.Case, clock string, due time.Time) {
	t.Helper()
	l := c.Limit(clock)
	if l == nil || l.DueAt == nil || !l.DueAt.Equal(due) {
		t.Fatalf("%s limit %+v, want due %s", clock, l, due)
	}
}

func difficulty(deadline string) plan3.AssignInput {
	return plan3.AssignInput{Enterprise: "益阳某新材料有限公司", Difficulty: "新厂房竣工验收与不动产登记办理迟滞，影响抵押贷款",
		Lead: "FGW", Coop: []plan3.CoopInput{{Dept: "GXJ"}}, Deadline: deadline}
}

// Plan 3's monthly progress across February 2027: the difficulty assigned
// in January, undertaken, its January progress filed; February's progress
// falls due at 24:00 of the 28th (by the 30th, the month's last day: a
// calendar day, whatever the Spring Festival holidays of 5 to 13 February
// and the make-up working day of Sunday 14 February), with a reminder 3
// working days before; no filing puts the case under supervision on
// 1 March, the assigner told; the department still files, late, and
// March's progress is due on the 30th. Close-out goes back once with the
// assigner's reason and is then confirmed.
func TestFebruary2027(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := mustEnv(t, db, at(2027, 1, 20, 9, 0))
			c := e.mustAssign("lgo-YSHJ", difficulty("2027-04-30"))
			wantState(t, c, plan3.Assigned)
			wantDue(t, c, plan3.ClockDeadline, at(2027, 5, 1, 0, 0))
			if !strings.HasPrefix(c.Number, "SB-2027-") {
				t.Fatalf("number %q", c.Number)
			}

			e.Clock.Set(at(2027, 1, 22, 10, 0))
			c = e.MustFire(t, c, "dept-FGW", plan3.Undertake, plan3.NoteInput{Note: "已牵头，会同市工信局办理"})
			wantState(t, c, plan3.Undertaking)
			wantDue(t, c, plan3.ClockProgress, at(2027, 1, 31, 0, 0))

			e.Clock.Set(at(2027, 1, 29, 16, 0))
			c = e.MustFire(t, c, "dept-FGW", plan3.Progress, plan3.ProgressInput{Text: "已约谈住建、自然资源部门，明确验收材料清单"})
			wantDue(t, c, plan3.ClockProgress, at(2027, 3, 1, 0, 0))

			// A cooperating department adds its input, on a holiday; it
			// cannot file the lead's progress.
			e.Clock.Set(at(2027, 2, 10, 11, 0))
			c = e.MustFire(t, c, "dept-GXJ", plan3.Contribute, plan3.NoteInput{Note: "已将该企业列入重点帮扶名单"})
			if _, err := e.Fire(t, c, "dept-GXJ", plan3.Progress, plan3.ProgressInput{Text: "代报"}); engine.ErrorCode(err) != engine.EFORBIDDEN {
				t.Fatalf("a cooperating department filed the lead's progress: %v", err)
			}

			// The reminder: 24:00 of the third working day before the
			// 28th (a Sunday): Wednesday 24 February. (January's fell
			// before that month's filing, which the engine fires first.)
			e.drainAt(at(2027, 2, 24, 23, 59))
			if got := e.outbox(c); strings.Contains(strings.Join(got, "\n"), "remind_progress@02") {
				t.Fatalf("reminded early: %v", got)
			}
			e.drainAt(at(2027, 2, 25, 0, 0))
			if got := e.outbox(c); !strings.Contains(got[len(got)-1], "remind_progress@02-25 00:00") {
				t.Fatalf("no reminder on 25 February: %v", got)
			}
			// Not yet late at the last minute of the 28th.
			e.drainAt(at(2027, 2, 28, 23, 59))
			wantState(t, e.current(c), plan3.Undertaking)
			e.drainAt(at(2027, 3, 1, 0, 0))
			c = e.current(c)
			wantState(t, c, plan3.Supervised)
			if !c.Overdue {
				t.Fatal("a supervised case is not shown overdue")
			}
			got := e.outbox(c)
			if last := got[len(got)-1]; !strings.HasPrefix(last, "progress_late@03-01 00:00") || !strings.Contains(last, `"org":"YSHJ"`) {
				t.Fatalf("the assigner is not told: %v", got)
			}

			// The department still files, late; March's progress is due
			// on the 30th.
			e.Clock.Set(at(2027, 3, 2, 9, 30))
			c = e.MustFire(t, c, "dept-FGW", plan3.Progress, plan3.ProgressInput{Text: "2 月进展：已完成竣工验收"})
			wantState(t, c, plan3.Undertaking)
			wantDue(t, c, plan3.ClockProgress, at(2027, 3, 31, 0, 0))
			d := e.data(c)
			if n := len(d.Filings); n != 4 || !d.Filings[3].Late || d.Filings[1].Late || d.Filings[2].Org != "GXJ" {
				t.Fatalf("filings %+v", d.Filings)
			}

			// Close-out: only the assigner confirms; sent back with a
			// reason, applied for again, confirmed.
			e.Clock.Set(at(2027, 3, 10, 9, 0))
			c = e.MustFire(t, c, "dept-FGW", plan3.RequestClose, plan3.CloseInput{Result: "不动产权证已办结"})
			wantState(t, c, plan3.Closing)
			if _, err := e.Fire(t, c, "dept-FGW", plan3.Confirm, plan3.NoteInput{}); engine.ErrorCode(err) != engine.EFORBIDDEN {
				t.Fatalf("the lead department closed its own case out: %v", err)
			}
			if _, err := e.Fire(t, c, "lgo-YSHJ", plan3.Return, plan3.ReturnInput{}); engine.ErrorCode(err) != engine.EINVALID {
				t.Fatalf("sent back without a reason: %v", err)
			}
			c = e.MustFire(t, c, "lgo-YSHJ", plan3.Return, plan3.ReturnInput{Reason: "抵押贷款尚未发放，请跟进至放款"})
			wantState(t, c, plan3.Undertaking)
			wantDue(t, c, plan3.ClockDeadline, at(2027, 5, 1, 0, 0))
			wantDue(t, c, plan3.ClockProgress, at(2027, 3, 31, 0, 0))
			e.Clock.Set(at(2027, 3, 25, 9, 0))
			c = e.MustFire(t, c, "dept-FGW", plan3.RequestClose, plan3.CloseInput{Result: "银行已放款 800 万元"})
			c = e.MustFire(t, c, "lgo-YSHJ", plan3.Confirm, plan3.NoteInput{Note: "同意销号"})
			wantState(t, c, plan3.Closed)
			d = e.data(c)
			if d.ClosedAt == nil || len(d.Returns) != 1 || d.Result != "银行已放款 800 万元" {
				t.Fatalf("closed out: %+v", d)
			}
			// No timer fires on a closed case.
			e.drainAt(at(2027, 6, 1, 0, 0))
			wantState(t, e.current(c), plan3.Closed)
			entries, err := e.Store.CaseLedger(e.ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var steps []string
			for _, en := range entries {
				steps = append(steps, en.Event)
			}
			want := "assign undertake remind_progress progress contribute remind_progress progress_late progress request_close return request_close confirm"
			if got := strings.Join(steps, " "); got != want {
				t.Fatalf("ledger %s\nwant   %s", got, want)
			}
		})
	}
}

// A deadline that passes before close-out puts the case under supervision,
// even one never undertaken; the cooperating departments are copied.
func TestDeadlinePassed(t *testing.T) {
	e := mustEnv(t, testsvc.Database{Name: "sqlite", URL: testsvc.SQLiteURL}, at(2027, 2, 1, 9, 0))
	c := e.mustAssign("lgo-YSHJ", difficulty("2027-02-10"))
	e.drainAt(at(2027, 2, 10, 23, 59))
	wantState(t, e.current(c), plan3.Assigned)
	e.drainAt(at(2027, 2, 11, 0, 0))
	c = e.current(c)
	wantState(t, c, plan3.Supervised)
	got := e.outbox(c)
	if last := got[len(got)-1]; !strings.HasPrefix(last, "deadline_passed@02-11 00:00") || !strings.Contains(last, `"org":"YSHJ"`) || !strings.Contains(last, `{"org":"GXJ","copy":true}`) {
		t.Fatalf("outbox %v", got)
	}
	// Under supervision, the department can still apply for close-out.
	c = e.MustFire(t, c, "dept-FGW", plan3.Progress, plan3.ProgressInput{Text: "已办理"})
	c = e.MustFire(t, c, "dept-FGW", plan3.RequestClose, plan3.CloseInput{Result: "已办结"})
	// Sent back after the deadline: supervised again at once.
	c = e.MustFire(t, c, "lgo-YSHJ", plan3.Return, plan3.ReturnInput{Reason: "材料不全"})
	e.drainAt(e.Clock.Now())
	wantState(t, e.current(c), plan3.Supervised)
}

// Who may do what: only a leading-group office assigns; departments only
// of their own cases; a bank, a park or a department not a party sees no
// plan-3 case.
func TestPermissions(t *testing.T) {
	e := mustEnv(t, testsvc.Database{Name: "sqlite", URL: testsvc.SQLiteURL}, at(2027, 2, 1, 9, 0))
	for _, u := range []string{"dept-FGW", "bank-ICBC", "city", "window-GXQ"} {
		if _, err := e.assign(u, difficulty("2027-04-30")); engine.ErrorCode(err) != engine.EFORBIDDEN {
			t.Errorf("%s assigned a difficulty: %v", u, err)
		}
	}
	c := e.mustAssign("lgo-YSHJ", difficulty("2027-04-30"))
	for _, u := range []string{"bank-ICBC", "window-GXQ", "dept-CZJ", "county-GX"} {
		if _, err := e.Engine.Case(e.ctx, e.MustActor(t, u), c.ID); engine.ErrorCode(err) != engine.ENOTFOUND && engine.ErrorCode(err) != engine.EFORBIDDEN {
			t.Errorf("%s sees a plan-3 case: %v", u, err)
		}
		if cs, err := e.Engine.Cases(e.ctx, e.MustActor(t, u), engine.CaseFilter{Workflow: plan3.Name, Limit: 10}); err != nil || len(cs) != 0 {
			t.Errorf("%s lists %d plan-3 cases (%v)", u, len(cs), err)
		}
	}
	for _, u := range []string{"dept-FGW", "dept-GXJ", "lgo-YSHJ"} {
		if _, err := e.Engine.Case(e.ctx, e.MustActor(t, u), c.ID); err != nil {
			t.Errorf("%s, a party, cannot see the case: %v", u, err)
		}
	}
	if _, err := e.Fire(t, c, "dept-GXJ", plan3.Undertake, plan3.NoteInput{}); engine.ErrorCode(err) != engine.EFORBIDDEN {
		t.Fatalf("a cooperating department undertook the case: %v", err)
	}
	if _, err := e.Fire(t, c, "dept-CZJ", plan3.Contribute, plan3.NoteInput{Note: "x"}); err == nil {
		t.Fatal("a department not a party added its input")
	}
	// The assignment's checks.
	bad := difficulty("2027-01-31")
	bad.Lead, bad.Coop = "ICBC", []plan3.CoopInput{{Dept: "FGW"}, {Dept: "FGW"}}
	_, err := e.assign("lgo-YSHJ", bad)
	fields := map[string]bool{}
	for _, f := range payload.Errors(err) {
		fields[f.Field] = true
	}
	if !fields["lead"] || !fields["coop.1.dept"] || !fields["deadline"] {
		t.Fatalf("assignment errors %v", err)
	}
}

func TestEveryWordIsInTheCatalogue(t *testing.T) {
	d := plan3.Definition(plan3.Config{})
	for _, lang := range locale.Langs {
		if missing := payload.Words(plan3.Name).Missing(lang, d, plan3.RelAssigner, plan3.RelLead, plan3.RelCoop); len(missing) > 0 {
			t.Errorf("%s lacks %v", lang, missing)
		}
		for _, k := range []string{"orgtype." + string(plan3.OrgCityDept), "orgtype." + string(plan3.OrgLeadingGroup),
			"role." + string(plan3.RoleCityDept), "role." + string(plan3.RoleLeadingGroup)} {
			if !locale.Has(lang, k) {
				t.Errorf("%s lacks %s", lang, k)
			}
		}
	}
}
