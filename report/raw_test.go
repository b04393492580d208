package report

import (
	"context"
	"errors"
	"sync"

	"gorm.io/gorm"

	"github.com/parkfin/parkfin/workflows/financing"
)

// ComputeRaw exposes computeRaw to the package's tests.
var ComputeRaw = computeRaw

// computeRaw is the statistics read from the fact rows alone, as before the
// per-day pre-aggregate: the reference the aggregated path is compared with.
func computeRaw(ctx context.Context, db *gorm.DB, q Query) (*Stats, error) {
	from, to := q.Period.From().UTC(), q.Period.To().UTC()
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
	// The aggregates run at once, each on its own connection (PostgreSQL);
	// SQLite takes them in turn.
	queries := []func() error{
		func() error {
			return run(newSel(casesReceived, q).and("received_at >= ? AND received_at < ?", from, to),
				"window_delay AS v, COUNT(*) AS n", "window_delay", &recv)
		},
		func() error {
			return run(newSel(casesClosed, q).and("closed_at >= ? AND closed_at < ?", from, to),
				"outcome, COUNT(*) AS n, COALESCE(SUM(CASE WHEN "+condFulfil+" THEN sought_fen ELSE 0 END), 0) AS sought, "+
					"COALESCE(SUM(CASE WHEN "+condFulfil+" THEN COALESCE(financed_fen, 0) ELSE 0 END), 0) AS financed",
				"outcome", &closed)
		},
		func() error {
			return run(newSel(rounds, q).and("accepted_at >= ? AND accepted_at < ?", from, to),
				"sign_workdays AS v, COUNT(*) AS n", "sign_workdays", &signed)
		},
		func() error {
			return run(newSel(rounds, q).and(condLimitFell, from, to, at),
				"COUNT(*) AS n, COALESCE(SUM(CASE WHEN "+condOnTime+" THEN 1 ELSE 0 END), 0) AS on_time", "", &due)
		},
		func() error {
			return run(newSel(rounds, q).and("answered_at >= ? AND answered_at < ?", from, to),
				"answer_workdays AS v, late, COUNT(*) AS n", "answer_workdays, late", &answered)
		},
		func() error {
			return run(newSel(rounds, q).and(condOpenPast, at, at, at), "COUNT(*) AS n", "", &open)
		},
		func() error {
			return run(newSel(events, q).and("at >= ? AND at < ?", from, to), "kind, value, COUNT(*) AS n", "kind, value", &evs)
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
