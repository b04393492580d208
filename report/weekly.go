package report

import (
	"context"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
)

// Week is one week of the offices' trend.
type Week struct {
	// First is the week's Monday.
	First calendar.Date
	// Received counts the cases received at the window in the week.
	Received int64
	// Late counts the bank rounds whose limit fell in the week, up to
	// today, and that were not answered within it (answered late, or
	// still unanswered).
	Late int64
}

// Weekly returns n weeks from first (a Monday) as the actor may see them:
// one grouped read of the per-day pre-aggregate, whatever the number of
// cases. A limit falls at 00:00, so the limits of today's date have all
// fallen; later ones are not counted yet.
func (s *Service) Weekly(ctx context.Context, a engine.Actor, first calendar.Date, n int) ([]Week, error) {
	f, _, err := s.scoped(a, Filter{})
	if err != nil {
		return nil, err
	}
	if err := s.catchUp(ctx); err != nil {
		return nil, err
	}
	end := first.AddDays(7 * n)
	today := calendar.DateOf(s.now())
	var rows []struct {
		K   string
		Day string
		Fig string
		N   int64
		S1  int64
	}
	sel := newSel(dailyTable, Query{Filter: f}).and("day >= ? AND day < ? AND n <> 0 AND (fig = ? OR (fig = ? AND day <= ?))",
		first.String(), end.String(), figReceived, figDue, today.String())
	if err := s.db.WithContext(ctx).Raw(sel.sql("day, fig, SUM(n) AS n, SUM(s1) AS s1", "day, fig"), sel.args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	weeks := make([]Week, n)
	for i := range weeks {
		weeks[i].First = first.AddDays(7 * i)
	}
	for _, r := range rows {
		d, err := calendar.ParseDate(r.Day)
		if err != nil {
			return nil, err
		}
		w := &weeks[int(d.Start().Sub(first.Start())/(24*time.Hour))/7]
		switch r.Fig {
		case figReceived:
			w.Received += r.N
		case figDue:
			w.Late += r.N - r.S1
		}
	}
	return weeks, nil
}
