package report_test

import (
	"container/heap"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/report"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// tallyActors are the users whose boards are compared: every kind of
// scope the tally keeps.
func tallyActors() []string {
	out := []string{"city", "pboc"}
	seen := map[string]bool{}
	for _, p := range truthParks {
		out = append(out, "window-"+p[0], "bank-"+p[1])
		if !seen[p[2]] {
			seen[p[2]] = true
			out = append(out, "county-"+p[2])
		}
	}
	return append(out, "bank-CEB", "bank-CIB")
}

// directTally counts the actor's cases through the engine, as the board
// does without the tally.
func directTally(t *testing.T, e *env, a engine.Actor) report.Tally {
	t.Helper()
	count := func(f engine.CaseFilter) engine.CaseCounts {
		f.Workflow = financing.Name
		c, err := e.x.Engine.CaseCounts(e.ctx, a, f)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	no, yes := false, true
	all := count(engine.CaseFilter{})
	out := report.Tally{ByState: map[engine.State]int64{}, Total: int64(all.Total), PastDue: int64(all.PastDue)}
	for st, n := range all.ByState {
		out.ByState[st] = int64(n)
	}
	out.Normal = int64(count(engine.CaseFilter{States: []engine.State{financing.Routed, financing.Accepted}, DueSoon: &no, PastDue: &no}).Total)
	out.DueSoon = int64(count(engine.CaseFilter{DueSoon: &yes, PastDue: &no}).Total)
	out.Supervised = int64(count(engine.CaseFilter{Mark: financing.ClockSupervision}).Total)
	return out
}

// compareTally fails unless the tally of every actor equals a direct count;
// it returns the city's tally.
func compareTally(t *testing.T, e *env, when string) report.Tally {
	t.Helper()
	var total report.Tally
	for _, name := range tallyActors() {
		a := e.actor(name)
		got, ok, err := e.svc.Tally(e.ctx, a)
		if err != nil || !ok {
			t.Fatalf("%s: tally of %s: ok %v, %v", when, name, ok, err)
		}
		want := directTally(t, e, a)
		if name == "city" {
			total = *got
		}
		if got.Total != want.Total || got.PastDue != want.PastDue || got.DueSoon != want.DueSoon || got.Normal != want.Normal ||
			got.Supervised != want.Supervised {
			t.Errorf("%s: %s: tally total %d past due %d due soon %d normal %d supervised %d; counted %d %d %d %d %d", when, name,
				got.Total, got.PastDue, got.DueSoon, got.Normal, got.Supervised, want.Total, want.PastDue, want.DueSoon, want.Normal, want.Supervised)
		}
		for _, st := range []engine.State{financing.Routed, financing.Accepted, financing.InfoRequested, financing.Returned,
			financing.WithWindow, financing.Answered, financing.Escalated, financing.Coordinating, financing.Closed} {
			if got.ByState[st] != want.ByState[st] {
				t.Errorf("%s: %s: %s tally %d, counted %d", when, name, st, got.ByState[st], want.ByState[st])
			}
		}
	}
	return total
}

// TestTallyEqualsCount drives a seeded random mix of cases (every path of
// the ground truth, supervision notices, limits falling due by time alone)
// and compares the board's tally with a direct count of the cases, for
// every kind of organisation, at instants when many cases are open: first
// as the migration counted them from the cases, then as the projector
// keeps it, then after a rebuild.
func TestTallyEqualsCount(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		x := enginetest.New(t, db, at(2026, 10, 30, 8, 0))
		e := &env{t: t, ctx: context.Background(), x: x, actors: map[string]engine.Actor{}}
		cal := x.Calendar
		g := &gen{t: t, cal: cal, rnd: rand.New(rand.NewPCG(2026, 12))}
		var days []calendar.Date
		for d := (calendar.Date{Year: 2026, Month: 11, Day: 2}); d.Before(calendar.Date{Year: 2026, Month: 12, Day: 5}); d = d.AddDays(1) {
			if ok, _ := cal.IsWorkday(d); ok {
				days = append(days, d)
			}
		}
		code, _ := uscc.CheckChar("91430900MA4L00001")
		credit := "91430900MA4L00001" + string(code)
		type gcase struct {
			park [3]string
			id   string
		}
		const n = 150
		cases := make([]gcase, n)
		var queue steps
		for i := range cases {
			d := days[g.rnd.IntN(len(days))]
			cases[i].park = truthParks[g.rnd.IntN(len(truthParks))]
			open := d.Start().Add(time.Duration(9+g.rnd.IntN(3)) * time.Hour)
			queue = append(queue, &step{at: open, cas: i, k: -1, user: "window-" + cases[i].park[0], event: financing.Open})
			plan := g.plan(i, d, cases[i].park, paths[g.rnd.IntN(len(paths))], g.amount())
			queue = append(queue, plan...)
			if g.rnd.IntN(4) == 0 {
				// A supervision notice a day after receipt; refused when
				// the bank no longer has the case.
				replyBy, _ := cal.AddWorkdays(d, 4)
				queue = append(queue, &step{at: g.wd(d, 1, 16), cas: i, k: len(plan), user: "city", event: financing.Supervise,
					in: financing.SuperviseInput{Notice: "请加快办理", ReplyBy: replyBy.String()}})
			}
		}
		heap.Init(&queue)
		checks := []time.Time{at(2026, 11, 13, 12, 0), at(2026, 11, 27, 12, 0), at(2026, 12, 9, 12, 0)}
		var lastDrain calendar.Date
		checked := 0
		var seen report.Tally
		check := func(upTo time.Time) {
			x.Clock.Set(upTo)
			if _, err := x.Worker.Drain(e.ctx); err != nil {
				t.Fatal(err)
			}
			if checked == 0 {
				// The read model is added to a database that already has
				// cases: the migration counts them.
				pg := x.Store.Dialect() == sqlstore.Postgres
				if err := report.Migrate(e.ctx, x.Store.DB(), pg); err != nil {
					t.Fatal(err)
				}
				e.svc = report.New(report.Config{DB: x.Store.DB(), Engine: x.Engine})
				if total := compareTally(t, e, "migrated"); total.Total == 0 {
					t.Fatal("no case counted")
				}
				p := report.NewProjector(x.Store.DB(), x.Store, x.Overrides.Live(), x.Clock, pg)
				e.svc = report.New(report.Config{DB: x.Store.DB(), Engine: x.Engine, Projector: p})
			}
			c := compareTally(t, e, upTo.Format(time.DateTime))
			compareDaily(t, e, upTo)
			t.Logf("%s: %d cases, %d past due, %d due soon, %d normal, %d supervised", upTo.Format(time.DateTime),
				c.Total, c.PastDue, c.DueSoon, c.Normal, c.Supervised)
			seen.PastDue, seen.DueSoon, seen.Supervised = max(seen.PastDue, c.PastDue), max(seen.DueSoon, c.DueSoon), max(seen.Supervised, c.Supervised)
			checked++
		}
		for queue.Len() > 0 {
			s := heap.Pop(&queue).(*step)
			for checked < len(checks) && !s.at.Before(checks[checked]) {
				check(checks[checked])
			}
			x.Clock.Set(s.at)
			if d := calendar.DateOf(s.at); d != lastDrain {
				if _, err := x.Worker.Drain(e.ctx); err != nil {
					t.Fatal(err)
				}
				lastDrain = d
			}
			c := &cases[s.cas]
			if s.event == financing.Open {
				in := financing.OpenInput{Park: c.park[0], Enterprise: financing.Enterprise{Name: fmt.Sprintf("益阳测试企业%05d有限公司", s.cas), USCC: credit},
					Need: "流动资金贷款", Amount: "1000000"}
				cs, err := x.Engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: e.actor(s.user), Payload: mustJSON(t, in)})
				if err != nil {
					t.Fatal(err)
				}
				c.id = cs.ID
				continue
			}
			if _, err := e.fire(&engine.Case{ID: c.id}, s.user, s.event, s.in); err != nil && s.event != financing.Supervise {
				t.Fatalf("case %d step %d %s by %s: %v", s.cas, s.k, s.event, s.user, err)
			}
		}
		for checked < len(checks) {
			check(checks[checked])
		}
		// Limits fall and notices lapse by time alone.
		check(at(2027, 1, 20, 10, 0))
		if _, err := e.svc.Projector().Rebuild(e.ctx); err != nil {
			t.Fatal(err)
		}
		compareTally(t, e, "rebuilt")
		if seen.PastDue == 0 || seen.DueSoon == 0 || seen.Supervised == 0 {
			t.Errorf("the mix never had a case past due, due soon and supervised: %+v", seen)
		}
	})
}

// compareDaily fails unless the statistics read from the per-day
// pre-aggregate equal those read from the fact rows alone, judged at the
// instant at (so that limits falling on and after its day are counted from
// the rows), for periods around it, in all and cut every way.
func compareDaily(t *testing.T, e *env, asOf time.Time) {
	t.Helper()
	periods := []string{"2026Q4", "2026-11", "2026", "2026-11-10..2026-11-20", "2027Q1"}
	cuts := []string{"", report.ByBank, report.ByPark, report.ByCounty}
	for _, ps := range periods {
		p, err := report.ParsePeriod(ps)
		if err != nil {
			t.Fatal(err)
		}
		for _, by := range cuts {
			q := report.Query{Period: p, By: by, AsOf: asOf}
			got, err := e.svc.Stats(e.ctx, e.actor("city"), q)
			if err != nil {
				t.Fatal(err)
			}
			want, err := report.ComputeRaw(e.ctx, e.x.Store.DB(), q)
			if err != nil {
				t.Fatal(err)
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if string(g) != string(w) {
				t.Errorf("%s %s by %q: aggregated\n%s\nfrom the rows\n%s", asOf.Format(time.DateTime), ps, by, g, w)
			}
		}
	}
	for _, f := range []report.Filter{{Bank: "ICBC"}, {County: "TJ"}, {Park: "LLGY"}} {
		p, _ := report.ParsePeriod("2026Q4")
		q := report.Query{Period: p, Filter: f, AsOf: asOf}
		got, err := e.svc.Stats(e.ctx, e.actor("city"), q)
		if err != nil {
			t.Fatal(err)
		}
		want, err := report.ComputeRaw(e.ctx, e.x.Store.DB(), q)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("%s %+v: aggregated\n%s\nfrom the rows\n%s", asOf.Format(time.DateTime), f, g, w)
		}
	}
}

// TestCurrentCatchesUpOnce checks that a service Current returned answers
// from the read model as its one catch-up left it (the tally, the
// statistics and the trend agree with one another), while the service
// itself still catches up before every question.
func TestCurrentCatchesUpOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := mustEnv(t, db, at(2026, 11, 10, 9, 0))
		city := e.actor("city")
		e.open("GXQ", "益阳市第一机械有限公司", usccs[0], "1000000")
		cur, err := e.svc.Current(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		e.open("GXQ", "益阳市第二机械有限公司", usccs[0], "1000000")
		p, _ := report.ParsePeriod("2026-11")
		counts := func(s *report.Service) (tally, received, weekly int64) {
			t.Helper()
			tl, ok, err := s.Tally(e.ctx, city)
			if err != nil || !ok {
				t.Fatalf("tally: ok %v, %v", ok, err)
			}
			st, err := s.Stats(e.ctx, city, report.Query{Period: p})
			if err != nil {
				t.Fatal(err)
			}
			weeks, err := s.Weekly(e.ctx, city, calendar.Date{Year: 2026, Month: 11, Day: 9}, 1)
			if err != nil {
				t.Fatal(err)
			}
			return tl.Total, st.Total.Received, weeks[0].Received
		}
		if tl, rc, wk := counts(cur); tl != 1 || rc != 1 || wk != 1 {
			t.Errorf("as of the catch-up: tally %d, received %d, week %d; want 1 each", tl, rc, wk)
		}
		if tl, rc, wk := counts(e.svc); tl != 2 || rc != 2 || wk != 2 {
			t.Errorf("caught up before each question: tally %d, received %d, week %d; want 2 each", tl, rc, wk)
		}
		e.open("GXQ", "益阳市第三机械有限公司", usccs[0], "1000000")
		again, err := cur.Current(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if tl, _, _ := counts(again); tl != 2 {
			t.Errorf("Current of a current service caught up again: tally %d, want 2", tl)
		}
	})
}
