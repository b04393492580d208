package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/report"
	"github.com/parkfin/parkfin/workflows/financing"
)

// pageSize is the number of rows of a list page (每页 20 条).
const pageSize = 20

// caseRow is one case in a list.
type caseRow struct {
	ID, Number, Title   string
	Park, Bank          string
	State, Time         tag
	Received, Deadline  string
	Amount              string
	Supervised, Extends bool
}

func rowOf(c *engine.Case) caseRow {
	r := caseRow{ID: c.ID, Number: c.Number, Title: c.Title, State: stateTag(c.State), Time: timeTag(c),
		Received: fmtTime(c.ReceivedAt), Supervised: c.HasMark(financing.ClockSupervision),
		Extends: c.HasMark(financing.ClockExtension)}
	if c.DueAt != nil && c.State != financing.Closed {
		r.Deadline = deadlineText(*c.DueAt)
	}
	if d, err := financing.DataOf(c); err == nil {
		r.Park, r.Bank = d.Park, d.LeadBank
		if d.Amount != "" {
			r.Amount = wan(d.Amount)
		}
	}
	return r
}

// tabView is one tab of a list, with its count.
type tabView struct {
	Key, Href string
	Count     int
	Active    bool
}

// listView is a list page: tabs, the search form's values, the rows and
// the pager.
type listView struct {
	TitleKey string
	Tabs     []tabView
	Query    url.Values
	Rows     []caseRow
	Total    int
	// Next is the link to the next page; First to the first when this is
	// not it.
	Next, First string
	// Filters shows the full filter form (offices); the others get the
	// text box alone.
	Filters bool
	States  []engine.State
	Parks   []engine.Park
	Banks   []engine.Bank
}

// tabDef is a tab: its key and the filter it applies.
type tabDef struct {
	Name, Key string
	Filter    func(*engine.CaseFilter)
	// Tally counts the tab from the supervision side's tally of the
	// actor's scope; nil when the tally cannot tell.
	Tally func(*report.Tally) int64
}

func yes() *bool { v := true; return &v }

// parkTabs are the window's tabs (办理中 / 待反馈 / 待回访 / 已办结).
var parkTabs = []tabDef{
	{"open", "web.tab.open", func(f *engine.CaseFilter) {
		f.States = []engine.State{financing.Routed, financing.Accepted, financing.InfoRequested, financing.Returned,
			financing.WithWindow, financing.Escalated, financing.Coordinating}
	}, nil},
	{"answered", "web.tab.answered", func(f *engine.CaseFilter) { f.States = []engine.State{financing.Answered} }, nil},
	{"follow_up", "web.tab.follow_up", func(f *engine.CaseFilter) {
		f.States = []engine.State{financing.Closed}
		f.Mark = financing.ClockFollowUp
	}, nil},
	{"closed", "web.tab.closed", func(f *engine.CaseFilter) { f.States = []engine.State{financing.Closed} }, nil},
}

// inboxTabs are the bank's tabs (待签收 / 办理中 / 临期 / 超期 / 督办). 临期
// is past the warning and not yet past the limit, as on the board.
var inboxTabs = []tabDef{
	{"routed", "web.tab.routed", func(f *engine.CaseFilter) { f.States = []engine.State{financing.Routed} },
		func(t *report.Tally) int64 { return t.ByState[financing.Routed] }},
	{"working", "web.tab.working", func(f *engine.CaseFilter) {
		f.States = []engine.State{financing.Accepted, financing.InfoRequested}
	}, func(t *report.Tally) int64 { return t.ByState[financing.Accepted] + t.ByState[financing.InfoRequested] }},
	{"due_soon", "web.tab.due_soon", func(f *engine.CaseFilter) { no := false; f.DueSoon, f.PastDue = yes(), &no },
		func(t *report.Tally) int64 { return t.DueSoon }},
	{"past_due", "web.tab.past_due", func(f *engine.CaseFilter) { f.PastDue = yes() },
		func(t *report.Tally) int64 { return t.PastDue }},
	{"supervised", "web.tab.supervised", func(f *engine.CaseFilter) { f.Mark = financing.ClockSupervision },
		func(t *report.Tally) int64 { return t.Supervised }},
}

func (s *Server) parkCases(c echo.Context) error {
	return s.tabbedList(c, "/park", "web.nav.park", parkTabs)
}

func (s *Server) inbox(c echo.Context) error {
	return s.tabbedList(c, "/inbox", "web.nav.inbox", inboxTabs)
}

// tabbedList shows a list with tabs and their counts; q narrows by number
// or enterprise.
func (s *Server) tabbedList(c echo.Context, base, title string, tabs []tabDef) error {
	q := c.QueryParams()
	cur := q.Get("tab")
	v := listView{TitleKey: title, Query: q}
	var active tabDef
	counts, err := s.tabCounts(c, base, tabs)
	if err != nil {
		return err
	}
	for i, t := range tabs {
		if cur == "" && i == 0 {
			cur = t.Name
		}
		v.Tabs = append(v.Tabs, tabView{Key: t.Key, Href: base + "?tab=" + t.Name, Count: counts[i], Active: t.Name == cur})
		if t.Name == cur {
			active = t
			v.Total = counts[i]
		}
	}
	if active.Filter == nil {
		return echo.ErrNotFound
	}
	f := engine.CaseFilter{Workflow: financing.Name, Text: strings.TrimSpace(q.Get("q"))}
	active.Filter(&f)
	if err := s.fillRows(c, &v, f); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "list", v)
}

// countTTL is how old a list's counts may be; the rows themselves are
// always read afresh, so a new case shows at once.
func (s *Server) countTTL() time.Duration { return s.cfg.BoardTTL * 2 / 5 }

// tabCounts counts the cases of each tab, within the actor's scope.
func (s *Server) tabCounts(c echo.Context, base string, tabs []tabDef) ([]int, error) {
	a := actorOf(c)
	q := strings.TrimSpace(c.QueryParam("q"))
	v, err := s.memo.get("tabs|"+string(a.Role)+"|"+a.Org+"|"+base+"|"+q, s.countTTL(), func() (any, error) {
		ctx := context.WithoutCancel(c.Request().Context())
		out := make([]int, len(tabs))
		if counted, err := s.tabsFromTally(ctx, a, q, tabs, out); err != nil || counted {
			return out, err
		}
		for i, t := range tabs {
			f := engine.CaseFilter{Workflow: financing.Name, Text: q}
			t.Filter(&f)
			n, err := s.engine.CaseCounts(ctx, a, f)
			if err != nil {
				return nil, err
			}
			out[i] = n.Total
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]int), nil
}

// tabsFromTally fills out from the supervision side's tally when every tab
// can be read from it and no text narrows the list: a few rows, where
// counting would walk the scope's cases. It reports whether it did.
func (s *Server) tabsFromTally(ctx context.Context, a engine.Actor, q string, tabs []tabDef, out []int) (bool, error) {
	if q != "" || s.cfg.Report == nil {
		return false, nil
	}
	for _, t := range tabs {
		if t.Tally == nil {
			return false, nil
		}
	}
	t, ok, err := s.cfg.Report.Tally(ctx, a)
	if err != nil || !ok {
		return false, err
	}
	for i, tab := range tabs {
		out[i] = int(tab.Tally(t))
	}
	return true, nil
}

// total counts the cases of a filter within the actor's scope; key names
// the filter.
func (s *Server) total(c echo.Context, key string, f engine.CaseFilter) (int, error) {
	a := actorOf(c)
	v, err := s.memo.get("total|"+string(a.Role)+"|"+a.Org+"|"+key, s.countTTL(), func() (any, error) {
		n, err := s.engine.CaseCounts(context.WithoutCancel(c.Request().Context()), a, f)
		return n.Total, err
	})
	if err != nil {
		return 0, err
	}
	return v.(int), nil
}

// fillRows reads one page of f after the cursor in the query, and the pager
// links.
func (s *Server) fillRows(c echo.Context, v *listView, f engine.CaseFilter) error {
	if a := c.QueryParam("after"); a != "" {
		cur, err := engine.ParseCursor(a)
		if err != nil {
			return err
		}
		f.After = cur
	}
	f.Limit = pageSize + 1
	cases, err := s.engine.Cases(c.Request().Context(), actorOf(c), f)
	if err != nil {
		return err
	}
	if len(cases) > pageSize {
		cases = cases[:pageSize]
		q := cloneQuery(c.QueryParams())
		q.Set("after", engine.CursorAfter(cases[pageSize-1]))
		v.Next = c.Request().URL.Path + "?" + q.Encode()
	}
	if f.After != nil {
		q := cloneQuery(c.QueryParams())
		q.Del("after")
		v.First = c.Request().URL.Path + "?" + q.Encode()
	}
	for _, cs := range cases {
		v.Rows = append(v.Rows, rowOf(cs))
	}
	return nil
}

func cloneQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// listStates are the states offered in the offices' filter.
var listStates = []engine.State{financing.Routed, financing.Accepted, financing.InfoRequested, financing.Returned,
	financing.WithWindow, financing.Answered, financing.Escalated, financing.Coordinating, financing.Closed}

// caseList is the offices' list with the full filter form; the board's
// figures drill down to it. Every filter is in the URL.
func (s *Server) caseList(c echo.Context) error {
	q := c.QueryParams()
	f, err := filterOf(q)
	if err != nil {
		return err
	}
	v := listView{TitleKey: "web.nav.cases", Query: q, Filters: true, States: listStates}
	_, v.Banks, v.Parks = s.orgs(c.Request().Context())
	q2 := cloneQuery(q)
	q2.Del("after")
	if v.Total, err = s.total(c, "cases?"+q2.Encode(), f); err != nil {
		return err
	}
	if err := s.fillRows(c, &v, f); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "list", v)
}

// filterOf reads a list's filters from the query: state, park, bank,
// due_soon, past_due, overdue, mark, escalated, from and to (dates), q.
func filterOf(q url.Values) (engine.CaseFilter, error) {
	f := engine.CaseFilter{Workflow: financing.Name, Text: strings.TrimSpace(q.Get("q"))}
	for _, st := range q["state"] {
		if st != "" {
			f.States = append(f.States, engine.State(st))
		}
	}
	if q.Get("escalated") == "1" {
		f.States = []engine.State{financing.Escalated, financing.Coordinating}
	}
	if p := q.Get("park"); p != "" {
		f.Party = &engine.Party{Org: p, Relation: financing.RelPark}
	} else if b := q.Get("bank"); b != "" {
		f.Party = &engine.Party{Org: b, Relation: financing.RelLeadBank}
	}
	if q.Get("due_soon") == "1" {
		f.DueSoon = yes()
	}
	if q.Get("past_due") == "1" {
		f.PastDue = yes()
	}
	if q.Get("overdue") == "1" {
		f.Overdue = yes()
	}
	if m := q.Get("mark"); m != "" {
		f.Mark = m
	}
	if d, err := calendar.ParseDate(q.Get("from")); err == nil {
		f.ReceivedFrom = d.Start()
	}
	if d, err := calendar.ParseDate(q.Get("to")); err == nil {
		f.ReceivedTo = d.AddDays(1).Start()
	}
	return f, nil
}

// Selected reports whether the query has value v for key k (for the
// filter form's options).
func (v listView) Selected(k, val string) bool {
	for _, x := range v.Query[k] {
		if x == val {
			return true
		}
	}
	return false
}
