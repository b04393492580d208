package calendar_test

import (
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
)

func TestPeriodNames(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cadence calendar.Cadence
		from    calendar.Date
		to      calendar.Date
		prev    string
		next    string
	}{
		{"2026Q3", calendar.Quarterly, calendar.Date{2026, 7, 1}, calendar.Date{2026, 9, 30}, "2026Q2", "2026Q4"},
		{"2026Q1", calendar.Quarterly, calendar.Date{2026, 1, 1}, calendar.Date{2026, 3, 31}, "2025Q4", "2026Q2"},
		{"2026H2", calendar.HalfYearly, calendar.Date{2026, 7, 1}, calendar.Date{2026, 12, 31}, "2026H1", "2027H1"},
		{"2027-02", calendar.Monthly, calendar.Date{2027, 2, 1}, calendar.Date{2027, 2, 28}, "2027-01", "2027-03"},
		{"2028-02", calendar.Monthly, calendar.Date{2028, 2, 1}, calendar.Date{2028, 2, 29}, "2028-01", "2028-03"},
		{"2026-12", calendar.Monthly, calendar.Date{2026, 12, 1}, calendar.Date{2026, 12, 31}, "2026-11", "2027-01"},
		{"2026", calendar.Yearly, calendar.Date{2026, 1, 1}, calendar.Date{2026, 12, 31}, "2025", "2027"},
	} {
		p, c, err := calendar.ParsePeriodName(tc.name)
		if err != nil || c != tc.cadence || p.From != tc.from || p.To != tc.to {
			t.Errorf("%s: %v %s %v", tc.name, p, c, err)
			continue
		}
		if got := c.Name(p); got != tc.name {
			t.Errorf("%s named %s", tc.name, got)
		}
		if got := c.Name(c.Prev(p)); got != tc.prev {
			t.Errorf("%s: previous %s, want %s", tc.name, got, tc.prev)
		}
		if got := c.Name(c.Next(p)); got != tc.next {
			t.Errorf("%s: next %s, want %s", tc.name, got, tc.next)
		}
		if got := c.PeriodIn(tc.to); got != p {
			t.Errorf("%s: period holding its last day is %v", tc.name, got)
		}
	}
	for _, bad := range []string{"", "2026Q5", "2026Q0", "2026H3", "2026-13", "2026-00", "26Q1", "2026-2", "2026q3", "20266", "2026-1x"} {
		if _, _, err := calendar.ParsePeriodName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestProvisionalEndOfLastWorkday(t *testing.T) {
	c := MustLoadDefault(t)
	at, prov, err := c.ProvisionalEndOfLastWorkday(calendar.HalfOf(2026, 2))
	if err != nil || prov || !at.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, calendar.Location())) {
		t.Fatalf("2026H2: %v %v %v", at, prov, err)
	}
	// 2030 has no published arrangement: its last Monday to Friday of June
	// is Friday the 28th.
	at, prov, err = c.ProvisionalEndOfLastWorkday(calendar.HalfOf(2030, 1))
	if err != nil || !prov || !at.Equal(time.Date(2030, 6, 29, 0, 0, 0, 0, calendar.Location())) {
		t.Fatalf("2030H1: %v %v %v", at, prov, err)
	}
}
