package report_test

import (
	"container/heap"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/ledger"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/report"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// The ground truth: cases over 2026 with a seeded random mix of every path,
// driven through the engine on a fake clock, then every figure of every
// quarter, in all and per bank and per park, compared with a brute-force
// reference computed here from the ledger and the calendar alone.
//
// PARKFIN_TRUTH_CASES sets the number of cases (default 200 so that make
// test stays quick; the run is PARKFIN_TRUTH_CASES=10000).

var truthParks = [][3]string{
	{"GXQ", "ICBC", "GX"}, {"LLGY", "ABC", "HS"}, {"CCJK", "BOC", "ZY"}, {"YJGX", "CCB", "YJ"}, {"TJJK", "BOCOM", "TJ"},
	{"NXJK", "PSBC", "NX"}, {"AHJK", "ADBC", "AH"}, {"DTHGY", "HNB", "DTH"}, {"HSGGY", "CSB", "TJ"}, {"YJCB", "YYRCB", "YJ"},
}

// step is one action of a generated case.
type step struct {
	at    time.Time
	cas   int
	k     int
	user  string
	event engine.EventName
	in    any
}

type steps []*step

func (s steps) Len() int { return len(s) }
func (s steps) Less(i, j int) bool {
	if !s[i].at.Equal(s[j].at) {
		return s[i].at.Before(s[j].at)
	}
	if s[i].cas != s[j].cas {
		return s[i].cas < s[j].cas
	}
	return s[i].k < s[j].k
}
func (s steps) Swap(i, j int) { s[i], s[j] = s[j], s[i] }
func (s *steps) Push(x any)   { *s = append(*s, x.(*step)) }
func (s *steps) Pop() any {
	old := *s
	x := old[len(old)-1]
	*s = old[:len(old)-1]
	return x
}

// gen builds the cases' plans.
type gen struct {
	t   *testing.T
	cal *calendar.Calendar
	rnd *rand.Rand
}

// wd is hour h of the kth working day after day d.
func (g *gen) wd(d calendar.Date, k, h int) time.Time {
	day := d
	if k > 0 {
		var err error
		if day, err = g.cal.AddWorkdays(d, k); err != nil {
			g.t.Fatal(err)
		}
	}
	return day.Start().Add(time.Duration(h) * time.Hour)
}

func (g *gen) amount() string {
	if g.rnd.IntN(10) == 0 {
		return ""
	}
	return strconv.Itoa((10 + g.rnd.IntN(490)) * 10000)
}

func (g *gen) feedback(sought string) financing.FeedbackInput {
	switch n := g.rnd.IntN(10); {
	case n < 6:
		amt := 500000
		if sought != "" {
			s, _ := strconv.Atoi(sought)
			amt = s / 10000 * (5 + g.rnd.IntN(6)) / 10 * 10000
			if amt == 0 {
				amt = 10000
			}
		}
		return financing.FeedbackInput{Outcome: "financed", AmountFinanced: strconv.Itoa(amt)}
	case n < 9:
		return financing.FeedbackInput{Outcome: "not_financed"}
	default:
		return financing.FeedbackInput{Outcome: "referred"}
	}
}

var (
	yes    = financing.AnswerInput{CanHandle: "yes", Conditions: "抵押", Procedure: "申请-审批-放款"}
	no     = financing.AnswerInput{CanHandle: "no", Reason: "不符合授信条件"}
	paths  = []string{"ontime", "ontime", "ontime", "late", "returned", "extended", "escalated", "redone", "withdrawn", "open", "info"}
	others = []string{"CEB", "CIB"}
)

// plan returns the steps of case i received on day d at hour h.
func (g *gen) plan(i int, d calendar.Date, park [3]string, path string, sought string) []*step {
	window, bank, county := "window-"+park[0], "bank-"+park[1], "county-"+park[2]
	var out []*step
	add := func(at time.Time, user string, ev engine.EventName, in any) {
		out = append(out, &step{at: at, cas: i, k: len(out), user: user, event: ev, in: in})
	}
	answer := func() financing.AnswerInput {
		if g.rnd.IntN(4) == 0 {
			return no
		}
		return yes
	}
	followUp := func(at time.Time, sat string) {
		add(at, window, financing.FollowUp, financing.FollowUpInput{Satisfaction: sat})
	}
	sats := []string{"satisfied", "satisfied", "basically_satisfied", "dissatisfied"}
	switch path {
	case "ontime":
		add(g.wd(d, g.rnd.IntN(2), 14), bank, financing.Accept, nil)
		a := 1 + g.rnd.IntN(4)
		add(g.wd(d, a, 15), bank, financing.Answer, answer())
		add(g.wd(d, a+1, 10), window, financing.Feedback, g.feedback(sought))
		if g.rnd.IntN(2) == 0 {
			followUp(g.wd(d, a+3, 10), sats[g.rnd.IntN(3)])
		}
	case "late":
		add(g.wd(d, 1+g.rnd.IntN(2), 14), bank, financing.Accept, nil)
		a := 6 + g.rnd.IntN(3)
		add(g.wd(d, a, 10), bank, financing.Answer, answer())
		add(g.wd(d, a+1, 10), window, financing.Feedback, g.feedback(sought))
		if g.rnd.IntN(2) == 0 {
			followUp(g.wd(d, a+2, 10), sats[g.rnd.IntN(4)])
		}
	case "returned":
		other := others[g.rnd.IntN(2)]
		add(g.wd(d, 0, 16), bank, financing.Return, financing.ReturnInput{Category: "wrong_bank", Reason: "非本行业务"})
		add(g.wd(d, 1, 10), county, financing.Reroute, financing.BankInput{Bank: other, Reason: "改派"})
		add(g.wd(d, 1, 15), "bank-"+other, financing.Accept, nil)
		add(g.wd(d, 3, 15), "bank-"+other, financing.Answer, answer())
		add(g.wd(d, 4, 10), window, financing.Feedback, g.feedback(sought))
	case "extended":
		add(g.wd(d, 0, 14), bank, financing.Accept, nil)
		add(g.wd(d, 3, 10), bank, financing.RequestExtension, financing.ExtensionInput{Workdays: 2, Reason: "需上级审批"})
		add(g.wd(d, 4, 10), county, financing.GrantExtension, nil)
		add(g.wd(d, 6, 10), bank, financing.Answer, answer())
		add(g.wd(d, 7, 10), window, financing.Feedback, g.feedback(sought))
	case "escalated":
		add(g.wd(d, 0, 14), bank, financing.Accept, nil)
		add(g.wd(d, 1, 10), bank, financing.Invite, financing.InviteInput{Bank: others[g.rnd.IntN(2)]})
		add(g.wd(d, 2+g.rnd.IntN(5), 11), bank, financing.CannotSolve, financing.CannotSolveInput{Reason: "超出授信权限"})
		add(g.wd(d, 8, 10), "city", financing.Acknowledge, nil)
		add(g.wd(d, 10, 10), "city", financing.Resolve, financing.ResolveInput{AnswerInput: yes, Resolution: "协调担保公司增信"})
		add(g.wd(d, 11, 10), window, financing.Feedback, g.feedback(sought))
	case "redone":
		add(g.wd(d, 0, 14), bank, financing.Accept, nil)
		add(g.wd(d, 2, 15), bank, financing.Answer, no)
		add(g.wd(d, 3, 10), window, financing.Feedback, financing.FeedbackInput{Outcome: "not_financed"})
		add(g.wd(d, 4, 10), window, financing.FollowUp, financing.FollowUpInput{Satisfaction: "dissatisfied"})
		add(g.wd(d, 4, 15), window, financing.Reopen, financing.ReasonInput{Reason: "企业不满意"})
		add(g.wd(d, 5+g.rnd.IntN(3), 10), bank, financing.Accept, nil)
		add(g.wd(d, 9, 15), bank, financing.Answer, yes)
		add(g.wd(d, 10, 10), window, financing.Feedback, g.feedback(sought))
	case "withdrawn":
		if g.rnd.IntN(2) == 0 {
			add(g.wd(d, 0, 14), bank, financing.Accept, nil)
		}
		add(g.wd(d, 1+g.rnd.IntN(8), 10), window, financing.Withdraw, financing.WithdrawInput{Reason: "企业已自行解决"})
	case "open":
		if g.rnd.IntN(2) == 0 {
			add(g.wd(d, g.rnd.IntN(3), 14), bank, financing.Accept, nil)
		}
	case "info":
		add(g.wd(d, 0, 14), bank, financing.Accept, nil)
		add(g.wd(d, 1, 10), bank, financing.RequestInfo, financing.RequestInfoInput{Question: "请补充近三年财务报表"})
		add(g.wd(d, 1+1+g.rnd.IntN(4), 10), window, financing.SupplyInfo, financing.SupplyInfoInput{Info: "已补充"})
		add(g.wd(d, 7, 15), bank, financing.Answer, answer())
		add(g.wd(d, 8, 10), window, financing.Feedback, g.feedback(sought))
	}
	return out
}

func truthCases(t *testing.T) int {
	n := 200
	if s := os.Getenv("PARKFIN_TRUTH_CASES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			t.Fatalf("PARKFIN_TRUTH_CASES=%q", s)
		}
		n = v
	}
	return n
}

func TestGroundTruth(t *testing.T) {
	n := truthCases(t)
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		if db.Name == "postgres" {
			// Tens of thousands of short transactions: this test does not
			// need each to reach the disk before the next (a session
			// setting; what commits, and in what order, is unchanged).
			base := db.URL
			db.URL = func(t testing.TB) string { return base(t) + "&synchronous_commit=off" }
		}
		begin := time.Now()
		e := mustEnv(t, db, at(2026, 1, 4, 8, 0))
		cal := e.x.Calendar
		g := &gen{t: t, cal: cal, rnd: rand.New(rand.NewPCG(2026, 9))}
		// Receipt days: working days of 2026 up to 18 December.
		var days []calendar.Date
		for d := (calendar.Date{Year: 2026, Month: 1, Day: 5}); d.Before(calendar.Date{Year: 2026, Month: 12, Day: 19}); d = d.AddDays(1) {
			if ok, _ := cal.IsWorkday(d); ok {
				days = append(days, d)
			}
		}
		type gcase struct {
			park   [3]string
			sought string
			at     time.Time
			id     string
			path   string
		}
		cases := make([]gcase, n)
		var queue steps
		for i := range cases {
			d := days[g.rnd.IntN(len(days))]
			c := gcase{park: truthParks[g.rnd.IntN(len(truthParks))], sought: g.amount(), at: d.Start().Add(time.Duration(9+g.rnd.IntN(3)) * time.Hour).Add(time.Duration(g.rnd.IntN(60)) * time.Minute),
				path: paths[g.rnd.IntN(len(paths))]}
			cases[i] = c
			queue = append(queue, &step{at: c.at, cas: i, k: -1, user: "window-" + c.park[0], event: financing.Open})
			for _, s := range g.plan(i, d, c.park, c.path, c.sought) {
				queue = append(queue, s)
			}
		}
		heap.Init(&queue)
		code, _ := uscc.CheckChar("91430900MA4L00001")
		credit := "91430900MA4L00001" + string(code)
		lastDrain := calendar.Date{}
		done := 0
		for queue.Len() > 0 {
			s := heap.Pop(&queue).(*step)
			if done++; done%500 == 0 {
				// The projector follows the ledger as the cases move, as
				// it does when a request catches it up.
				if _, err := e.svc.Projector().CatchUp(e.ctx); err != nil {
					t.Fatal(err)
				}
			}
			e.x.Clock.Set(s.at)
			if d := calendar.DateOf(s.at); d != lastDrain {
				// A worker's day: timers that fell due fire.
				if _, err := e.x.Worker.Drain(e.ctx); err != nil {
					t.Fatal(err)
				}
				lastDrain = d
			}
			c := &cases[s.cas]
			if s.event == financing.Open {
				in := financing.OpenInput{Park: c.park[0], Enterprise: financing.Enterprise{Name: fmt.Sprintf("益阳测试企业%05d有限公司", s.cas), USCC: credit},
					Need: "流动资金贷款", Amount: c.sought}
				cs, err := e.x.Engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: e.actor(s.user), Payload: mustJSON(t, in)})
				if err != nil {
					t.Fatalf("open case %d: %v", s.cas, err)
				}
				c.id = cs.ID
				continue
			}
			if _, err := e.fire(&engine.Case{ID: c.id}, s.user, s.event, s.in); err != nil {
				t.Fatalf("case %d (%s) step %d %s by %s at %s: %v", s.cas, c.path, s.k, s.event, s.user, s.at, err)
			}
		}
		e.x.Clock.Set(at(2027, 1, 20, 10, 0))
		if _, err := e.x.Worker.Drain(e.ctx); err != nil {
			t.Fatal(err)
		}
		driven := time.Since(begin)

		ref := newReference(t, e, cal)
		for _, c := range cases {
			ref.add(c.id)
		}
		compared := 0
		for _, q := range report.Quarters(2026) {
			for _, by := range []string{"", report.ByBank, report.ByPark} {
				st, err := e.svc.Stats(e.ctx, e.actor("city"), report.Query{Period: q, By: by})
				if err != nil {
					t.Fatal(err)
				}
				want := ref.figures(q, by)
				compareFigures(t, q.Label+"/all", st.Total, want[""+"*"])
				compared++
				if by == "" {
					continue
				}
				keys := map[string]bool{}
				for k := range st.Groups {
					keys[k] = true
				}
				for k := range want {
					if k != "*" {
						keys[k] = true
					}
				}
				for k := range keys {
					got := st.Groups[k]
					if got == nil {
						got = &report.Figures{}
					}
					compareFigures(t, q.Label+"/"+by+"="+k, got, want[k])
					compared++
				}
			}
		}
		// The offices' weekly trend: each week's received cases and limits
		// missed (fallen in the week, not answered within) as the reference
		// counts them.
		monday := calendar.Date{Year: 2026, Month: 1, Day: 5}
		weeks, err := e.svc.Weekly(e.ctx, e.actor("city"), monday, 52)
		if err != nil {
			t.Fatal(err)
		}
		var received int64
		for i, w := range weeks {
			want := ref.figures(report.Period{Label: "week", First: w.First, Last: w.First.AddDays(6)}, "")["*"]
			if w.First != monday.AddDays(7*i) || w.Received != want.received || w.Late != want.due-want.onTime {
				t.Errorf("week of %s: received %d, late %d; want %s, %d, %d", w.First, w.Received, w.Late, monday.AddDays(7*i), want.received, want.due-want.onTime)
			}
			received += w.Received
			compared++
		}
		if received == 0 {
			t.Error("the trend counts no case received in 2026")
		}
		t.Logf("%d cases driven in %v; %d selections compared in %v", n, driven.Round(time.Millisecond), compared, (time.Since(begin) - driven).Round(time.Millisecond))

		// Rebuilt from scratch, the read model says the same.
		t0 := time.Now()
		projected, err := e.svc.Projector().Rebuild(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("rebuilt the read model of %d cases in %v", projected, time.Since(t0).Round(time.Millisecond))
		for _, q := range report.Quarters(2026) {
			st, err := e.svc.Stats(e.ctx, e.actor("city"), report.Query{Period: q})
			if err != nil {
				t.Fatal(err)
			}
			compareFigures(t, q.Label+"/rebuilt", st.Total, ref.figures(q, "")["*"])
		}
	})
}

// refRound is a bank round as the reference sees it in the ledger.
type refRound struct {
	bank                string
	routed              time.Time
	accepted, answered  *time.Time
	ended               *time.Time
	due                 *time.Time
	paused              bool
	remaining, workdays int
	base                time.Time
}

type refCase struct {
	park, county string
	received     time.Time
	windowDelay  int
	sought       *int64
	rounds       []*refRound
	closed       *time.Time
	outcome      string
	financed     *int64
	events       []refEvent
}

type refEvent struct {
	kind, bank, value string
	at                time.Time
}

type reference struct {
	t     *testing.T
	e     *env
	cal   *calendar.Calendar
	cases []*refCase
}

func newReference(t *testing.T, e *env, cal *calendar.Calendar) *reference {
	return &reference{t: t, e: e, cal: cal}
}

func fenOf(t *testing.T, yuan string) *int64 {
	if yuan == "" {
		return nil
	}
	v := decimal.RequireFromString(yuan).Shift(2).IntPart()
	return &v
}

// workdays counts the working days after the day of a up to and including
// the day of b.
func (r *reference) workdays(a, b time.Time) int {
	n, err := r.cal.WorkdaysBetween(calendar.DateOf(a), calendar.DateOf(b))
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

func (r *reference) deadline(from time.Time, n int) time.Time {
	d, err := r.cal.Deadline(from, n)
	if err != nil {
		r.t.Fatal(err)
	}
	return d
}

// add walks one case's ledger.
func (r *reference) add(id string) {
	c, err := r.e.x.Store.Case(r.e.ctx, id)
	if err != nil {
		r.t.Fatal(err)
	}
	d, err := financing.DataOf(c)
	if err != nil {
		r.t.Fatal(err)
	}
	entries, err := r.e.x.Store.CaseLedger(r.e.ctx, id)
	if err != nil {
		r.t.Fatal(err)
	}
	rc := &refCase{park: d.Park, county: d.County, received: c.ReceivedAt, sought: fenOf(r.t, d.Amount),
		windowDelay: r.workdays(c.ReceivedAt, c.RoutedAt)}
	var cur *refRound
	asked := 0
	payload := func(en ledger.Entry) map[string]any {
		m := map[string]any{}
		_ = jsonUnmarshal(en.Payload, &m)
		return m
	}
	newRound := func(bank string, at time.Time) {
		cur = &refRound{bank: bank, routed: at, base: at, workdays: 5}
		due := r.deadline(at, 5)
		cur.due = &due
		rc.rounds = append(rc.rounds, cur)
	}
	endRound := func(at time.Time) {
		if cur != nil && cur.answered == nil && cur.ended == nil {
			t := at
			cur.ended = &t
			if cur.paused {
				cur.due = nil
			}
		}
	}
	for _, en := range entries {
		p := payload(en)
		switch en.Event {
		case "open":
			newRound(d.Rounds[0].Bank, c.RoutedAt)
		case "accept":
			t := en.At
			cur.accepted = &t
		case "answer", "cannot_solve":
			t := en.At
			cur.answered = &t
			if en.Event == "cannot_solve" {
				rc.events = append(rc.events, refEvent{kind: "escalate", bank: cur.bank, at: en.At})
			}
		case "escalate":
			endRound(en.At)
			rc.events = append(rc.events, refEvent{kind: "escalate", bank: cur.bank, at: en.At})
		case "return":
			rc.events = append(rc.events, refEvent{kind: "return", bank: en.ActorOrg, at: en.At})
			endRound(en.At)
		case "reroute", "transfer", "assign":
			endRound(en.At)
			newRound(p["bank"].(string), en.At)
		case "reopen":
			newRound(cur.bank, en.At)
			rc.events = append(rc.events, refEvent{kind: "redo", bank: cur.bank, at: en.At})
			rc.closed, rc.outcome, rc.financed = nil, "", nil
		case "request_info":
			if cur.answered == nil && cur.due != nil && en.At.Before(*cur.due) {
				left, err := r.cal.Remaining(en.At, *cur.due)
				if err != nil {
					r.t.Fatal(err)
				}
				cur.paused, cur.remaining = true, left
			}
		case "supply_info":
			if cur.paused {
				due := r.deadline(en.At, cur.remaining)
				cur.due, cur.paused = &due, false
			}
		case "request_extension":
			asked = int(toF(p["workdays"], 0))
		case "grant_extension":
			cur.workdays += asked
			rc.events = append(rc.events, refEvent{kind: "extension", bank: cur.bank, at: en.At})
		case "feedback", "withdraw", "dismiss", "info_timeout":
			endRound(en.At)
			t := en.At
			rc.closed = &t
			switch en.Event {
			case "feedback":
				rc.outcome = p["outcome"].(string)
				if s, ok := p["amount_financed"].(string); ok {
					rc.financed = fenOf(r.t, s)
				}
			case "withdraw":
				rc.outcome = "withdrawn"
			case "dismiss":
				rc.outcome = "dismissed"
			default:
				rc.outcome = "materials_not_supplied"
			}
		case "follow_up":
			rc.events = append(rc.events, refEvent{kind: "follow_up", bank: cur.bank, value: p["satisfaction"].(string), at: en.At})
		}
	}
	// Extensions move the due instant: the generated paths never pause
	// and extend the same round, so the deadline from routing suffices.
	for _, rd := range rc.rounds {
		if rd.workdays != 5 && rd.due != nil {
			due := r.deadline(rd.base, rd.workdays)
			rd.due = &due
		}
	}
	if c.State != financing.Closed {
		rc.closed = nil
	}
	r.cases = append(r.cases, rc)
}

func toF(v any, def float64) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case string:
		f, _ := strconv.ParseFloat(x, 64)
		return f
	}
	return def
}

// refFigures are the reference's counts and value lists.
type refFigures struct {
	received, signed, signed1, due, onTime, late, open                   int64
	returned, extended, escalated, redone, closed, financed, notFinanced int64
	sought, financedFen, followUps, satisfied, basic, dissatisfied       int64
	signDays, answerDays, windowDelay                                    []int
}

// figures computes every figure of the period by brute force, keyed by the
// group ("*" for all).
func (r *reference) figures(p report.Period, by string) map[string]*refFigures {
	from, to := p.From(), p.To()
	in := func(t *time.Time) bool { return t != nil && !t.Before(from) && t.Before(to) }
	out := map[string]*refFigures{}
	get := func(bank, park string) []*refFigures {
		keys := []string{"*"}
		switch by {
		case report.ByBank:
			keys = append(keys, bank)
		case report.ByPark:
			keys = append(keys, park)
		}
		var fs []*refFigures
		for _, k := range keys {
			if out[k] == nil {
				out[k] = &refFigures{}
			}
			fs = append(fs, out[k])
		}
		return fs
	}
	now := r.e.x.Clock.Now()
	asOf := to
	if now.Before(asOf) {
		asOf = now
	}
	for _, c := range r.cases {
		recv := c.received
		if in(&recv) {
			for _, f := range get(c.rounds[0].bank, c.park) {
				f.received++
				f.windowDelay = append(f.windowDelay, c.windowDelay)
			}
		}
		if in(c.closed) {
			last := c.rounds[len(c.rounds)-1].bank
			for _, f := range get(last, c.park) {
				f.closed++
				switch c.outcome {
				case "financed":
					f.financed++
				case "not_financed":
					f.notFinanced++
				}
				if (c.outcome == "financed" || c.outcome == "not_financed") && c.sought != nil && *c.sought > 0 {
					f.sought += *c.sought
					if c.financed != nil {
						f.financedFen += *c.financed
					}
				}
			}
		}
		for _, rd := range c.rounds {
			fs := get(rd.bank, c.park)
			for _, f := range fs {
				if in(rd.accepted) {
					f.signed++
					n := r.workdays(rd.routed, *rd.accepted)
					f.signDays = append(f.signDays, n)
					if n <= 1 {
						f.signed1++
					}
				}
				if in(rd.answered) {
					f.answerDays = append(f.answerDays, r.workdays(rd.routed, *rd.answered))
					if rd.answered.After(*rd.due) {
						f.late++
					}
				}
				if rd.due != nil && in(rd.due) && (rd.due.Before(asOf) || rd.answered != nil) &&
					!(rd.answered == nil && rd.ended != nil && rd.ended.Before(*rd.due)) {
					f.due++
					if rd.answered != nil && !rd.answered.After(*rd.due) {
						f.onTime++
					}
				}
				if rd.due != nil && rd.due.Before(asOf) && rd.routed.Before(asOf) &&
					(rd.answered == nil || !rd.answered.Before(asOf)) && (rd.ended == nil || !rd.ended.Before(asOf)) {
					f.open++
				}
			}
		}
		for _, ev := range c.events {
			at := ev.at
			if !in(&at) {
				continue
			}
			for _, f := range get(ev.bank, c.park) {
				switch ev.kind {
				case "return":
					f.returned++
				case "extension":
					f.extended++
				case "escalate":
					f.escalated++
				case "redo":
					f.redone++
				case "follow_up":
					f.followUps++
					switch ev.value {
					case "satisfied":
						f.satisfied++
					case "basically_satisfied":
						f.basic++
					case "dissatisfied":
						f.dissatisfied++
					}
				}
			}
		}
	}
	if out["*"] == nil {
		out["*"] = &refFigures{}
	}
	return out
}

// summary is a distribution's n, mean, median and p90 by brute force.
func summary(vals []int) (n int64, mean float64, median, p90 int) {
	if len(vals) == 0 {
		return 0, 0, -1, -1
	}
	s := append([]int(nil), vals...)
	sort.Ints(s)
	sum := 0
	for _, v := range s {
		sum += v
	}
	pick := func(p float64) int { return s[int(math.Ceil(p*float64(len(s))))-1] }
	return int64(len(s)), math.Round(float64(sum)/float64(len(s))*100) / 100, pick(0.5), pick(0.9)
}

func compareFigures(t *testing.T, name string, got *report.Figures, want *refFigures) {
	t.Helper()
	if want == nil {
		want = &refFigures{}
	}
	pairs := []struct {
		what string
		g, w int64
	}{
		{"received", got.Received, want.received}, {"signed", got.Signed, want.signed}, {"signed_within_1", got.SignedWithin1, want.signed1},
		{"limit_due", got.LimitDue, want.due}, {"answered_on_time", got.AnsweredOnTime, want.onTime}, {"answered_late", got.AnsweredLate, want.late},
		{"open_past_limit", got.OpenPastLimit, want.open}, {"returned", got.Returned, want.returned}, {"extended", got.Extended, want.extended},
		{"escalated", got.Escalated, want.escalated}, {"redone", got.Redone, want.redone}, {"closed", got.Closed, want.closed},
		{"closed_financed", got.ClosedFinanced, want.financed}, {"closed_not_financed", got.ClosedNotFinanced, want.notFinanced},
		{"sought_fen", got.SoughtFen, want.sought}, {"financed_fen", got.FinancedFen, want.financedFen}, {"follow_ups", got.FollowUps, want.followUps},
		{"satisfied", got.Satisfied, want.satisfied}, {"basically_satisfied", got.BasicallySatisfied, want.basic}, {"dissatisfied", got.Dissatisfied, want.dissatisfied},
	}
	for _, p := range pairs {
		if p.g != p.w {
			t.Errorf("%s %s = %d, reference %d", name, p.what, p.g, p.w)
		}
	}
	for _, d := range []struct {
		what string
		g    report.Dist
		w    []int
	}{{"sign_days", got.SignDays, want.signDays}, {"answer_days", got.AnswerDays, want.answerDays}, {"window_delay", got.WindowDelay, want.windowDelay}} {
		n, mean, med, p90 := summary(d.w)
		if d.g.N != n {
			t.Errorf("%s %s n = %d, reference %d", name, d.what, d.g.N, n)
			continue
		}
		if n > 0 && (*d.g.Mean != mean || *d.g.Median != med || *d.g.P90 != p90) {
			t.Errorf("%s %s = %v/%d/%d, reference %v/%d/%d", name, d.what, *d.g.Mean, *d.g.Median, *d.g.P90, mean, med, p90)
		}
	}
}
