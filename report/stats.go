package report

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine/calendar"

	"github.com/parkfin/parkfin/workflows/financing"
)

// Filter narrows the cases: to one bank, park or county (any may be
// empty). A bank's figures are those of the rounds it had and of the cases
// it had last.
type Filter struct {
	Bank   string `json:"bank,omitempty"`
	Park   string `json:"park,omitempty"`
	County string `json:"county,omitempty"`
}

// Dimensions a breakdown may be cut by.
const (
	ByBank   = "bank"
	ByPark   = "park"
	ByCounty = "county"
)

// Query asks for the figures of a period.
type Query struct {
	Period Period
	Filter Filter
	// By cuts the figures by bank, park or county; empty for none.
	By string
	// AsOf is the instant "still open past the limit" is judged at
	// before the period ends; zero means the period's end.
	AsOf time.Time
}

// Stats are the figures of a query: in all, and per group when cut.
type Stats struct {
	Period string              `json:"period"`
	From   string              `json:"from"`
	To     string              `json:"to"`
	Filter Filter              `json:"filter"`
	By     string              `json:"by,omitempty"`
	Total  *Figures            `json:"total"`
	Groups map[string]*Figures `json:"groups,omitempty"`
}

// GroupKeys returns the groups' keys, sorted.
func (s *Stats) GroupKeys() []string {
	keys := make([]string, 0, len(s.Groups))
	for k := range s.Groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// table names a fact table and its bank column for a figure.
type table struct {
	name string
	bank string
}

var (
	casesReceived = table{"report_cases", "bank_first"}
	casesClosed   = table{"report_cases", "bank_last"}
	rounds        = table{"report_rounds", "bank"}
	events        = table{"report_events", "bank"}
	// dailyTable is the per-day pre-aggregate; its bank is the bank each
	// figure is charged to.
	dailyTable = table{"report_daily", "bank"}
)

// sel builds a query over one fact table for the filter and grouping.
type sel struct {
	t     table
	key   string
	where []string
	args  []any
}

func newSel(t table, q Query) *sel {
	s := &sel{t: t, key: "''"}
	switch q.By {
	case ByBank:
		s.key = t.bank
	case ByPark:
		s.key = "park"
	case ByCounty:
		s.key = "county"
	}
	if q.Filter.Bank != "" {
		s.and(t.bank+" = ?", q.Filter.Bank)
	}
	if q.Filter.Park != "" {
		s.and("park = ?", q.Filter.Park)
	}
	if q.Filter.County != "" {
		s.and("county = ?", q.Filter.County)
	}
	return s
}

func (s *sel) and(cond string, args ...any) *sel {
	s.where = append(s.where, cond)
	s.args = append(s.args, args...)
	return s
}

func (s *sel) sql(cols, group string) string {
	q := "SELECT " + s.key + " AS k, " + cols + " FROM " + s.t.name
	if len(s.where) > 0 {
		q += " WHERE " + strings.Join(s.where, " AND ")
	}
	var by []string
	if s.key != "''" {
		by = append(by, s.key)
	}
	if group != "" {
		by = append(by, group)
	}
	if len(by) > 0 {
		q += " GROUP BY " + strings.Join(by, ", ")
	}
	return q
}

// Figure conditions, shared by the counts and the drill-down lists.
const (
	condLimitFell = "due_at >= ? AND due_at < ? AND (due_at < ? OR answered_at IS NOT NULL) AND NOT (answered_at IS NULL AND ended_at IS NOT NULL AND ended_at < due_at)"
	condOnTime    = "answered_at IS NOT NULL AND NOT late"
	condOpenPast  = "due_at < ? AND routed_at < ? AND (settled_at IS NULL OR settled_at >= ?)"
	condFulfil    = "outcome IN ('financed', 'not_financed') AND sought_fen > 0"
)

// asOf is when "still open past the limit" is judged: the period's end,
// or the query's AsOf when it comes first.
func (q Query) asOf() time.Time {
	end := q.Period.To()
	if !q.AsOf.IsZero() && q.AsOf.Before(end) {
		return q.AsOf
	}
	return end
}

// compute runs the aggregates of the read model.
func compute(ctx context.Context, db *gorm.DB, q Query) (*Stats, error) {
	to := q.Period.To().UTC()
	at := q.asOf().UTC()
	groups := map[string]*Figures{}
	g := func(k string) *Figures {
		if groups[k] == nil {
			groups[k] = &Figures{}
		}
		return groups[k]
	}
	db = db.WithContext(ctx)
	run := func(s *sel, cols, group string, dest any) error {
		return db.Raw(s.sql(cols, group), s.args...).Scan(dest).Error
	}

	var recv []struct {
		K string
		V int
		N int64
	}
	var closed []struct {
		K        string
		Outcome  string
		N        int64
		Sought   int64
		Financed int64
	}
	var signed []struct {
		K string
		V *int
		N int64
	}
	var due []struct {
		K      string
		N      int64
		OnTime int64
	}
	var answered []struct {
		K    string
		V    *int
		Late bool
		N    int64
	}
	var open []struct {
		K string
		N int64
	}
	var evs []struct {
		K     string
		Kind  string
		Value string
		N     int64
	}
	// The per-day pre-aggregate answers every figure but the parts that
	// depend on the instant asked: the rounds whose limit falls on or after
	// the day of asOf (they count once it has fallen), and the rounds whose
	// limit fell or that settled on asOf's day before it (open past the
	// limit); those read the fact rows, a day or a few days' worth.
	cut := calendar.DateOf(at)
	if cut.Before(q.Period.First) {
		cut = q.Period.First
	}
	if next := q.Period.Last.AddDays(1); next.Before(cut) {
		cut = next
	}
	var daily []struct {
		K    string
		Fig  string
		Kind string
		V    int
		N    int64
		S1   int64
		S2   int64
	}
	queries := []func() error{
		func() error {
			s := newSel(dailyTable, q).and("day >= ? AND day <= ? AND n <> 0 AND fig NOT IN (?, ?) AND (fig <> ? OR day < ?)",
				q.Period.First.String(), q.Period.Last.String(), figDueAll, figDueSettled, figDue, cut.String())
			return run(s, "fig, k AS kind, v, SUM(n) AS n, SUM(s1) AS s1, SUM(s2) AS s2", "fig, k, v", &daily)
		},
		func() error {
			if !cut.Before(q.Period.Last.AddDays(1)) {
				return nil
			}
			return run(newSel(rounds, q).and(condLimitFell, cut.Start().UTC(), to, at),
				"COUNT(*) AS n, COALESCE(SUM(CASE WHEN "+condOnTime+" THEN 1 ELSE 0 END), 0) AS on_time", "", &due)
		},
		func() error {
			// Open past the limit at at: the rounds whose limit fell before
			// it less those that had also settled, summed per day before
			// at's day, plus at's own day from the rows.
			var sums []struct {
				K   string
				Fig string
				N   int64
			}
			s := newSel(dailyTable, q).and("day < ? AND fig IN (?, ?) AND n <> 0", calendar.DateOf(at).String(), figDueAll, figDueSettled)
			if err := run(s, "fig, SUM(n) AS n", "fig", &sums); err != nil {
				return err
			}
			day := calendar.DateOf(at).Start().UTC()
			var fell, settled []struct {
				K string
				N int64
			}
			if err := run(newSel(rounds, q).and("due_at >= ? AND due_at < ?", day, at), "COUNT(*) AS n", "", &fell); err != nil {
				return err
			}
			if err := run(newSel(rounds, q).and("settled_at IS NOT NULL AND due_at < ? AND settled_at < ? AND (due_at >= ? OR settled_at >= ?)", at, at, day, day),
				"COUNT(*) AS n", "", &settled); err != nil {
				return err
			}
			by := map[string]int64{}
			for _, r := range sums {
				if r.Fig == figDueAll {
					by[r.K] += r.N
				} else {
					by[r.K] -= r.N
				}
			}
			for _, r := range fell {
				by[r.K] += r.N
			}
			for _, r := range settled {
				by[r.K] -= r.N
			}
			for k, n := range by {
				if n != 0 {
					open = append(open, struct {
						K string
						N int64
					}{k, n})
				}
			}
			return nil
		},
	}
	errs := make([]error, len(queries))
	var wg sync.WaitGroup
	for i, fn := range queries {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = fn() }()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, r := range daily {
		var v *int
		if r.V != noValue {
			v = &r.V
		}
		switch r.Fig {
		case figReceived:
			recv = append(recv, struct {
				K string
				V int
				N int64
			}{r.K, r.V, r.N})
		case figClosed:
			closed = append(closed, struct {
				K        string
				Outcome  string
				N        int64
				Sought   int64
				Financed int64
			}{r.K, r.Kind, r.N, r.S1, r.S2})
		case figSigned:
			signed = append(signed, struct {
				K string
				V *int
				N int64
			}{r.K, v, r.N})
		case figAnswered:
			answered = append(answered, struct {
				K    string
				V    *int
				Late bool
				N    int64
			}{r.K, v, r.Kind == "late", r.N})
		case figDue:
			due = append(due, struct {
				K      string
				N      int64
				OnTime int64
			}{r.K, r.N, r.S1})
		case figDueAll, figDueSettled:
			// read by the open-past-limit query
		case figEvent:
			kind, value := splitEvent(r.Kind)
			evs = append(evs, struct {
				K     string
				Kind  string
				Value string
				N     int64
			}{r.K, kind, value, r.N})
		}
	}
	for _, r := range recv {
		f := g(r.K)
		f.Received += r.N
		f.WindowDelay.add(r.V, r.N)
	}

	for _, r := range closed {
		f := g(r.K)
		f.Closed += r.N
		if f.ByOutcome == nil {
			f.ByOutcome = map[string]int64{}
		}
		f.ByOutcome[r.Outcome] += r.N
		switch r.Outcome {
		case financing.OutcomeFinanced:
			f.ClosedFinanced += r.N
		case financing.OutcomeNotFinanced:
			f.ClosedNotFinanced += r.N
		}
		f.SoughtFen += r.Sought
		f.FinancedFen += r.Financed
	}

	for _, r := range signed {
		f := g(r.K)
		f.Signed += r.N
		if r.V != nil {
			f.SignDays.add(*r.V, r.N)
			if *r.V <= 1 {
				f.SignedWithin1 += r.N
			}
		}
	}

	for _, r := range due {
		f := g(r.K)
		f.LimitDue += r.N
		f.AnsweredOnTime += r.OnTime
	}

	for _, r := range answered {
		f := g(r.K)
		if r.V != nil {
			f.AnswerDays.add(*r.V, r.N)
		}
		if r.Late {
			f.AnsweredLate += r.N
		}
	}

	for _, r := range open {
		g(r.K).OpenPastLimit += r.N
	}

	for _, r := range evs {
		f := g(r.K)
		switch r.Kind {
		case KindReturn:
			f.Returned += r.N
		case KindExtension:
			f.Extended += r.N
		case KindEscalate:
			f.Escalated += r.N
		case KindRedo:
			f.Redone += r.N
		case KindFollowUp:
			f.FollowUps += r.N
			switch r.Value {
			case financing.Satisfied:
				f.Satisfied += r.N
			case financing.BasicSatisfied:
				f.BasicallySatisfied += r.N
			case financing.Dissatisfied:
				f.Dissatisfied += r.N
			}
		}
	}

	st := &Stats{Period: q.Period.Label, From: q.Period.First.String(), To: q.Period.Last.String(), Filter: q.Filter, By: q.By, Total: &Figures{}}
	for _, f := range groups {
		st.Total.merge(f)
	}
	st.Total.finish()
	if q.By != "" {
		st.Groups = groups
		for _, f := range groups {
			f.finish()
		}
	}
	return st, nil
}

// Drill-down figures: the names a list of cases can be asked for.
var drillFigures = []string{
	"received", "signed", "signed_within_1", "limit_due", "answered_on_time", "answered_late", "open_past_limit",
	"returned", "extended", "escalated", "redone", "closed", "closed_financed", "closed_not_financed", "fulfilment",
	"follow_ups", "satisfied", "basically_satisfied", "dissatisfied",
}

// DrillFigures lists the figures whose cases can be listed.
func DrillFigures() []string { return append([]string(nil), drillFigures...) }

// drill returns the selection behind a figure: the table and conditions
// its count uses.
func drill(q Query, figure string) (*sel, error) {
	from, to := q.Period.From().UTC(), q.Period.To().UTC()
	at := q.asOf().UTC()
	ev := func(kind string) *sel {
		return newSel(events, q).and("kind = ? AND at >= ? AND at < ?", kind, from, to)
	}
	switch figure {
	case "received":
		return newSel(casesReceived, q).and("received_at >= ? AND received_at < ?", from, to), nil
	case "closed":
		return newSel(casesClosed, q).and("closed_at >= ? AND closed_at < ?", from, to), nil
	case "closed_financed", "closed_not_financed":
		return newSel(casesClosed, q).and("closed_at >= ? AND closed_at < ? AND outcome = ?", from, to, strings.TrimPrefix(figure, "closed_")), nil
	case "fulfilment":
		return newSel(casesClosed, q).and("closed_at >= ? AND closed_at < ? AND "+condFulfil, from, to), nil
	case "signed":
		return newSel(rounds, q).and("accepted_at >= ? AND accepted_at < ?", from, to), nil
	case "signed_within_1":
		return newSel(rounds, q).and("accepted_at >= ? AND accepted_at < ? AND sign_workdays <= 1", from, to), nil
	case "limit_due":
		return newSel(rounds, q).and(condLimitFell, from, to, at), nil
	case "answered_on_time":
		return newSel(rounds, q).and(condLimitFell+" AND "+condOnTime, from, to, at), nil
	case "answered_late":
		return newSel(rounds, q).and("answered_at >= ? AND answered_at < ? AND late", from, to), nil
	case "open_past_limit":
		return newSel(rounds, q).and(condOpenPast, at, at, at), nil
	case "returned":
		return ev(KindReturn), nil
	case "extended":
		return ev(KindExtension), nil
	case "escalated":
		return ev(KindEscalate), nil
	case "redone":
		return ev(KindRedo), nil
	case "follow_ups":
		return ev(KindFollowUp), nil
	case "satisfied", "basically_satisfied", "dissatisfied":
		return ev(KindFollowUp).and("value = ?", figure), nil
	}
	return nil, fmt.Errorf("unknown figure %q", figure)
}
