package submission_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/report"
	"github.com/parkfin/parkfin/workflows/payload"
	"github.com/parkfin/parkfin/workflows/submission"
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

// cases returns the quarter's submissions by bank.
func (e *env) cases(period string) map[string]*engine.Case {
	e.t.Helper()
	cs, err := e.Engine.Cases(e.ctx, engine.System, engine.CaseFilter{Workflow: submission.Name, Limit: 100})
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

func (e *env) fire(c *engine.Case, user string, ev engine.EventName, in any, files ...engine.File) (*engine.Case, error) {
	e.t.Helper()
	var raw json.RawMessage
	if in != nil {
		var err error
		if raw, err = json.Marshal(in); err != nil {
			e.t.Fatal(err)
		}
	}
	cur, err := e.Store.Case(e.ctx, c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.Engine.Fire(e.ctx, engine.FireRequest{CaseID: c.ID, Event: ev, Actor: e.actor(user), Version: cur.Version, Payload: raw, Files: files})
}

func (e *env) mustFire(c *engine.Case, user string, ev engine.EventName, in any, files ...engine.File) *engine.Case {
	e.t.Helper()
	c, err := e.fire(c, user, ev, in, files...)
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

var workbook = engine.File{Name: "解决台账-2026Q3.xlsx", MediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Content: []byte("PK\x03\x04 workbook")}

func wantDue(t *testing.T, c *engine.Case, want time.Time) {
	t.Helper()
	if c.DueAt == nil || !c.DueAt.Equal(want) {
		t.Fatalf("%s due %v, want %v", c.Number, c.DueAt, want)
	}
}

// Q3 2026 across National Day: every lead bank's submission opens when the
// quarter ends and falls due on 2026-10-16 00:00 (the make-up Saturday of
// 10-10 counts). One bank submits in time and is accepted; another is late,
// stays red, is returned and corrects within 3 working days.
func TestQ3AcrossNationalDay(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := mustEnv(t, db, at(2026, 9, 30, 17, 0))
			// Other workflows' schedules open their cases too: count the
			// quarter's submissions.
			if _, err := e.Engine.OpenScheduled(e.ctx); err != nil || len(e.cases("2026Q3")) != 0 {
				t.Fatalf("before the quarter ends: %d, %v", len(e.cases("2026Q3")), err)
			}
			e.drainAt(at(2026, 10, 1, 0, 0))
			if _, err := e.Engine.OpenScheduled(e.ctx); err != nil || len(e.cases("2026Q3")) != 10 {
				t.Fatalf("at the quarter's end: opened %d, %v; want the 10 lead banks of 2026", len(e.cases("2026Q3")), err)
			}
			q3 := e.cases("2026Q3")
			icbc, hnb := q3["ICBC"], q3["HNB"]
			if icbc == nil || hnb == nil || q3["CEB"] != nil {
				t.Fatalf("opened for %v; want 2026's lead banks (HNB, not CEB)", q3)
			}
			if icbc.State != submission.Pending || !strings.HasPrefix(icbc.Number, "TZ-2026Q3-") {
				t.Fatalf("case %s in %s", icbc.Number, icbc.State)
			}
			wantDue(t, icbc, at(2026, 10, 16, 0, 0))
			if icbc.WarnAt == nil || !icbc.WarnAt.Equal(at(2026, 10, 15, 0, 0)) {
				t.Fatalf("warning %v, want 10-15 00:00 (one working day before)", icbc.WarnAt)
			}
			// Only its own bank sees it; the city and the central bank see all.
			if _, err := e.Engine.Case(e.ctx, e.actor("bank-ABC"), icbc.ID); engine.ErrorCode(err) != engine.ENOTFOUND {
				t.Fatalf("another bank sees ICBC's submission: %v", err)
			}
			if _, err := e.Engine.Case(e.ctx, e.actor("pboc"), icbc.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.fire(icbc, "bank-ICBC", submission.Submit, submission.SubmitInput{Note: "无"}); engine.ErrorCode(err) != engine.EINVALID {
				t.Fatalf("submitted without the workbook: %v", err)
			}
			if _, err := e.fire(icbc, "bank-ICBC", submission.Submit, nil, engine.File{Name: "ledger.pdf", MediaType: "application/pdf", Content: []byte("%PDF")}); engine.ErrorCode(err) != engine.EINVALID {
				t.Fatalf("submitted a PDF: %v", err)
			}

			e.drainAt(at(2026, 10, 15, 16, 0))
			icbc = e.mustFire(icbc, "bank-ICBC", submission.Submit, submission.SubmitInput{Note: "本季度台账已核对"}, workbook)
			if icbc.State != submission.Submitted || icbc.Overdue {
				t.Fatalf("in time: %s overdue=%v", icbc.State, icbc.Overdue)
			}
			icbc = e.mustFire(icbc, "city", submission.Accept, submission.AcceptInput{})
			if icbc.State != submission.Accepted {
				t.Fatalf("accepted: %s", icbc.State)
			}

			// HNB misses the limit: red at 10-16 00:00, not a microsecond before.
			e.drainAt(at(2026, 10, 16, 0, 0).Add(-time.Microsecond))
			if c, _ := e.Store.Case(e.ctx, hnb.ID); c.PastDue || !c.DueSoon {
				t.Fatalf("before the limit: past due %v, due soon %v", c.PastDue, c.DueSoon)
			}
			e.drainAt(at(2026, 10, 16, 0, 0))
			if c, _ := e.Store.Case(e.ctx, hnb.ID); !c.PastDue || !c.Overdue {
				t.Fatal("HNB's submission is not red at the limit")
			}
			e.drainAt(at(2026, 10, 19, 10, 0))
			hnb = e.mustFire(hnb, "bank-HNB", submission.Submit, nil, workbook)
			if hnb.PastDue || !hnb.Overdue {
				t.Fatalf("late submission: past due %v, overdue %v; want it counted late for good", hnb.PastDue, hnb.Overdue)
			}
			// The late submission counts in the quarter's ranking: HNB is a
			// 约谈 candidate for it and ranks below ICBC, which filed in time
			// (neither has a financing case to score).
			rows := rankingRows(t, e, "2026Q3")
			if r := rows["HNB"]; r.SubmissionsDue != 1 || r.SubmissionsLate != 1 || !slices.Contains(r.Interview, "submission") {
				t.Fatalf("HNB's ranking row %+v: want 1 submission due, 1 late, an interview for it", r)
			}
			if r := rows["ICBC"]; r.SubmissionsDue != 1 || r.SubmissionsLate != 0 || slices.Contains(r.Interview, "submission") {
				t.Fatalf("ICBC's ranking row %+v: want 1 submission due, none late", r)
			}
			if icbc, hnb := rows["ICBC"], rows["HNB"]; icbc.Score != nil || hnb.Score != nil || hnb.Rank <= icbc.Rank {
				t.Fatalf("HNB (late, score %v) ranks %d, ICBC (in time, score %v) %d: want both unscored, HNB below", hnb.Score, hnb.Rank, icbc.Score, icbc.Rank)
			}
			if _, err := e.fire(hnb, "bank-HNB", submission.Accept, nil); engine.ErrorCode(err) != engine.EFORBIDDEN {
				t.Fatalf("the bank accepts its own submission: %v", err)
			}
			if _, err := e.fire(hnb, "city", submission.Return, submission.ReturnInput{}); engine.ErrorCode(err) != engine.EINVALID {
				t.Fatalf("returned without a reason: %v", err)
			}
			// Returned on Tuesday 10-20: 3 working days, due 10-24 00:00.
			e.Clock.Set(at(2026, 10, 20, 9, 0))
			hnb = e.mustFire(hnb, "city", submission.Return, submission.ReturnInput{Reason: "第 3 行融资金额与系统不符"})
			var corr *engine.Limit
			for i := range hnb.Limits {
				if hnb.Limits[i].Clock == submission.ClockCorrection {
					corr = &hnb.Limits[i]
				}
			}
			if corr == nil || !corr.Running || corr.DueAt == nil || !corr.DueAt.Equal(at(2026, 10, 24, 0, 0)) {
				t.Fatalf("correction limit %+v, want running until 10-24 00:00", corr)
			}
			fixed := workbook
			fixed.Content = []byte("PK\x03\x04 corrected")
			hnb = e.mustFire(hnb, "bank-HNB", submission.Submit, nil, fixed)
			hnb = e.mustFire(hnb, "city", submission.Accept, nil)
			if hnb.State != submission.Accepted || !hnb.Overdue {
				t.Fatalf("HNB ends %s, overdue %v", hnb.State, hnb.Overdue)
			}
			if rep, err := e.Store.VerifyLedger(e.ctx); err != nil || !rep.OK() || rep.Walked {
				t.Fatalf("ledger %+v %v", rep, err)
			}
		})
	}
}

// rankingRows computes the quarter's bank ranking as the city sees it.
func rankingRows(t *testing.T, e *env, quarter string) map[string]report.RankRow {
	t.Helper()
	pg := e.Store.Dialect() == sqlstore.Postgres
	if err := report.Migrate(e.ctx, e.Store.DB(), pg); err != nil {
		t.Fatal(err)
	}
	svc := report.New(report.Config{DB: e.Store.DB(), Engine: e.Engine,
		Projector: report.NewProjector(e.Store.DB(), e.Store, e.Overrides.Live(), e.Clock, pg)})
	p, err := report.ParsePeriod(quarter)
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.Ranking(e.ctx, e.actor("city"), p, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]report.RankRow{}
	for _, row := range r.Rows {
		out[row.Bank] = row
	}
	return out
}

// Q4 2026 across New Year 2027: opened on 2027-01-01, due 2027-01-13 00:00,
// for 2026's lead banks.
func TestQ4AcrossNewYear(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := mustEnv(t, db, at(2026, 12, 1, 9, 0))
			if _, err := e.Engine.OpenScheduled(e.ctx); err != nil {
				t.Fatal(err)
			}
			e.drainAt(at(2027, 1, 1, 0, 0))
			if _, err := e.Engine.OpenScheduled(e.ctx); err != nil || len(e.cases("2026Q4")) != 10 {
				t.Fatalf("opened %d, %v", len(e.cases("2026Q4")), err)
			}
			wantDue(t, e.cases("2026Q4")["CSB"], at(2027, 1, 13, 0, 0))
		})
	}
}

// Every word of the workflow is in the catalogue in every language.
func TestEveryWordIsInTheCatalogue(t *testing.T) {
	d := submission.Definition(submission.Config{})
	for _, lang := range locale.Langs {
		if missing := payload.Words(submission.Name).Missing(lang, d, submission.RelBank); len(missing) > 0 {
			t.Errorf("%s lacks %v", lang, missing)
		}
	}
}

type outboxRow struct {
	Kind, Event, CaseID, Recipients string
	CreatedAt                       time.Time
}

// The bank hears of its duty when it opens, 5 and 1 working days before it
// falls due (10-10 00:00 and 10-15 00:00 for 2026Q3, the make-up Saturday
// counted), and when it is late, the city office copied; no other bank
// hears of it.
func TestDutyRemindersReachTheBank(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := mustEnv(t, db, at(2026, 9, 30, 17, 0))
			if _, err := e.Engine.OpenScheduled(e.ctx); err != nil {
				t.Fatal(err)
			}
			e.Clock.Set(at(2026, 10, 1, 0, 0))
			if _, err := e.Engine.OpenScheduled(e.ctx); err != nil {
				t.Fatal(err)
			}
			icbc := e.cases("2026Q3")["ICBC"]
			for _, step := range []time.Time{at(2026, 10, 9, 23, 59), at(2026, 10, 10, 0, 0), at(2026, 10, 14, 23, 59),
				at(2026, 10, 15, 0, 0), at(2026, 10, 16, 0, 0)} {
				e.drainAt(step)
			}
			var rows []outboxRow
			if err := e.Store.DB().Raw("SELECT kind, event, case_id, recipients, at AS created_at FROM outbox WHERE case_id = ? ORDER BY at, id", icbc.ID).Scan(&rows).Error; err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, r.Event+"@"+r.CreatedAt.In(calendar.Location()).Format("01-02 15:04")+" "+r.Recipients)
			}
			want := []string{
				`open@10-01 00:00 [{"org":"ICBC"}]`,
				`remind_early@10-10 00:00 [{"org":"ICBC"}]`,
				`remind@10-15 00:00 [{"org":"ICBC"}]`,
				`lapse@10-16 00:00 [{"org":"ICBC"},{"role":"city","copy":true}]`,
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("the outbox of ICBC's submission:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
