package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/report"
	"github.com/parkfin/parkfin/workflows/financing"
)

// boardView is the offices' monitoring board.
type boardView struct {
	From, To string
	States   []countView
	Colours  []countView
	Lists    []boardList
	ByPark   []perfRow
	ByBank   []perfRow
	// AsOf is when the counts were taken (Beijing time, HH:mm:ss); empty
	// when they were counted from the cases as the page was built.
	AsOf  string
	Trend trendView
}

// countView is a figure with its tag and the list it drills down to.
type countView struct {
	Tag   tag
	Count int
	Href  string
}

// boardList is one of the board's short lists.
type boardList struct {
	Key   string
	Rows  []caseRow
	Count int
	More  string
}

// perfRow is one park's or bank's figures for the period.
type perfRow struct {
	// Href lists the cases received in the period; PastDueHref, set when
	// the period reaches today, those open past their limit now.
	Code, Href, PastDueHref                      string
	Received, SignedInTime, AnsweredInTime, Late int
	OverdueOpen, Escalated                       int
}

// trendView is the weekly chart's data, as JSON for the data attributes.
type trendView struct {
	Weeks, Received, Overdue string
}

func (s *Server) board(c echo.Context) error {
	a := actorOf(c)
	key := "board|" + string(a.Role) + "|" + a.Org + "|" + c.QueryParam("from") + "|" + c.QueryParam("to")
	// Offices watch trends, and the page refreshes itself at about the
	// pace the figures may age.
	v, err := s.memo.get(key, s.cfg.BoardTTL, func() (any, error) {
		// The figures outlive the request that computed them.
		return s.boardView(context.WithoutCancel(c.Request().Context()), a, c.QueryParam("from"), c.QueryParam("to"))
	})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "board", v)
}

// boardView computes the board's figures for the actor.
func (s *Server) boardView(ctx context.Context, a engine.Actor, fromQ, toQ string) (*boardView, error) {
	now := s.clock.Now()
	today := calendar.DateOf(now)
	from, err := calendar.ParseDate(fromQ)
	if err != nil {
		from = today.AddDays(-89)
	}
	to, err := calendar.ParseDate(toQ)
	if err != nil {
		to = today
	}
	v := &boardView{From: from.String(), To: to.String()}
	// One catch-up of the read model for the tally, the tables and the
	// trend, not one each.
	rep := s.cfg.Report
	if rep != nil {
		if rep, err = rep.Current(ctx); err != nil {
			return nil, err
		}
	}
	c, err := s.boardCounts(ctx, rep, a)
	if err != nil {
		return nil, err
	}
	if !c.AsOf.IsZero() {
		v.AsOf = c.AsOf.In(calendar.Location()).Format("15:04:05")
	}
	for _, st := range listStates {
		v.States = append(v.States, countView{Tag: stateTag(st), Count: c.ByState[st], Href: "/cases?state=" + string(st)})
	}
	no := false
	escalated := c.ByState[financing.Escalated] + c.ByState[financing.Coordinating]
	v.Colours = []countView{
		{tag{"time.normal", "green"}, c.Normal, "/cases?state=routed&state=accepted"},
		{tag{"time.due_soon", "yellow"}, c.DueSoon, "/cases?due_soon=1"},
		{tag{"time.past_due", "red"}, c.PastDue, "/cases?past_due=1"},
		{tag{"time.paused", "grey"}, c.ByState[financing.InfoRequested], "/cases?state=info_requested"},
	}
	lists := []struct {
		key   string
		f     engine.CaseFilter
		count int
		href  string
	}{
		{"web.board.overdue", engine.CaseFilter{PastDue: yes()}, c.PastDue, "/cases?past_due=1"},
		{"web.board.escalated", engine.CaseFilter{States: []engine.State{financing.Escalated, financing.Coordinating}}, escalated, "/cases?escalated=1"},
		{"web.board.supervised", engine.CaseFilter{Mark: financing.ClockSupervision}, c.Supervised, "/cases?mark=supervision"},
		{"web.board.due_soon", engine.CaseFilter{DueSoon: yes(), PastDue: &no}, c.DueSoon, "/cases?due_soon=1"},
	}
	for _, l := range lists {
		bl := boardList{Key: l.key, Count: l.count, More: l.href}
		// A list its count says is empty is not read (a case that
		// entered it since the count shows on the next refresh).
		if l.count > 0 {
			l.f.Workflow, l.f.Limit = financing.Name, 5
			cases, err := s.engine.Cases(ctx, a, l.f)
			if err != nil {
				return nil, err
			}
			for _, cs := range cases {
				bl.Rows = append(bl.Rows, rowOf(cs))
			}
		}
		v.Lists = append(v.Lists, bl)
	}
	if err := periodTables(ctx, rep, a, from, to, today, v); err != nil {
		return nil, err
	}
	if v.Trend, err = trend(ctx, rep, a, today); err != nil {
		return nil, err
	}
	return v, nil
}

// periodTables fills the per-park and per-bank figures of [from, to] from
// the supervision side's statistics: the indicators' own definitions
// (docs/indicators.md), read from the per-day pre-aggregate, so that the
// board and the statistics page agree and neither reads the cases.
func periodTables(ctx context.Context, rep *report.Service, a engine.Actor, from, to, today calendar.Date, v *boardView) error {
	if rep == nil {
		return nil
	}
	p := report.Period{Label: from.String() + ".." + to.String(), First: from, Last: to}
	for _, by := range []struct {
		dim, key string
		out      *[]perfRow
	}{{report.ByPark, "park", &v.ByPark}, {report.ByBank, "bank", &v.ByBank}} {
		st, err := rep.Stats(ctx, a, report.Query{Period: p, By: by.dim})
		if err != nil {
			return err
		}
		rows := make([]perfRow, 0, len(st.Groups))
		for code, f := range st.Groups {
			if code == "" {
				continue
			}
			q := url.Values{by.key: {code}, "from": {from.String()}, "to": {to.String()}}
			rows = append(rows, perfRow{Code: code, Href: "/cases?" + q.Encode(), Received: int(f.Received),
				SignedInTime: int(f.SignedWithin1), AnsweredInTime: int(f.AnsweredOnTime), Late: int(f.AnsweredLate),
				OverdueOpen: int(f.OpenPastLimit), Escalated: int(f.Escalated)})
			if !to.Before(today) {
				// Open past the limit is judged now: the list of such cases.
				rows[len(rows)-1].PastDueHref = "/cases?" + url.Values{by.key: {code}, "past_due": {"1"}}.Encode()
			}
		}
		sort.Slice(rows, func(i, j int) bool {
			if rows[i].Received != rows[j].Received {
				return rows[i].Received > rows[j].Received
			}
			return rows[i].Code < rows[j].Code
		})
		*by.out = rows
	}
	return nil
}

// trend counts, for the last twelve weeks (Monday to Sunday, Beijing
// time), the cases received and the bank rounds whose limit fell without
// an answer in time.
func trend(ctx context.Context, rep *report.Service, a engine.Actor, today calendar.Date) (trendView, error) {
	if rep == nil {
		return trendView{}, nil
	}
	monday := today.AddDays(-((int(today.Weekday()) + 6) % 7))
	weeks, err := rep.Weekly(ctx, a, monday.AddDays(-7*11), 12)
	if err != nil {
		return trendView{}, err
	}
	labels := make([]string, len(weeks))
	received, late := make([]int64, len(weeks)), make([]int64, len(weeks))
	for i, w := range weeks {
		labels[i] = w.First.Start().In(calendar.Location()).Format("01-02")
		received[i], late[i] = w.Received, w.Late
	}
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	return trendView{Weeks: js(labels), Received: js(received), Overdue: js(late)}, nil
}

// boardTotals are the board's counts of the cases the actor sees.
type boardTotals struct {
	// AsOf is when the tally was read (zero when counted directly).
	AsOf                                 time.Time
	ByState                              map[engine.State]int
	Normal, DueSoon, PastDue, Supervised int
}

// boardCounts reads the board's counts from the supervision side's tally
// (a few rows per organisation, brought up to the ledger first) or, when
// the server has no supervision side or the actor's scope is not one the
// tally keeps, counts the cases.
func (s *Server) boardCounts(ctx context.Context, rep *report.Service, a engine.Actor) (boardTotals, error) {
	if rep != nil {
		t, ok, err := rep.Tally(ctx, a)
		if err != nil {
			return boardTotals{}, err
		}
		if ok {
			out := boardTotals{AsOf: t.AsOf, ByState: map[engine.State]int{}, Normal: int(t.Normal), DueSoon: int(t.DueSoon),
				PastDue: int(t.PastDue), Supervised: int(t.Supervised)}
			for st, n := range t.ByState {
				out.ByState[st] = int(n)
			}
			return out, nil
		}
	}
	count := func(f engine.CaseFilter) (engine.CaseCounts, error) {
		f.Workflow = financing.Name
		return s.engine.CaseCounts(ctx, a, f)
	}
	all, err := count(engine.CaseFilter{})
	if err != nil {
		return boardTotals{}, err
	}
	no := false
	normal, err := count(engine.CaseFilter{States: []engine.State{financing.Routed, financing.Accepted}, DueSoon: &no, PastDue: &no})
	if err != nil {
		return boardTotals{}, err
	}
	dueSoon, err := count(engine.CaseFilter{DueSoon: yes(), PastDue: &no})
	if err != nil {
		return boardTotals{}, err
	}
	supervised, err := count(engine.CaseFilter{Mark: financing.ClockSupervision})
	if err != nil {
		return boardTotals{}, err
	}
	return boardTotals{ByState: all.ByState, Normal: normal.Total, DueSoon: dueSoon.Total, PastDue: all.PastDue,
		Supervised: supervised.Total}, nil
}
