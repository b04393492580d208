package calendar_test

import (
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
)

func TestPeriods(t *testing.T) {
	c := MustLoadDefault(t)
	sh := func(s string) time.Time { return MustTime(t, s) }
	t.Run("AfterPeriod", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			p    calendar.Period
			n    int
			want string
		}{
			// 10-08, 10-09, 10-10 (Saturday worked), 10-12 … 10-15.
			{"Q3-2026", calendar.QuarterOf(2026, 3), 7, "2026-10-16T00:00:00+08:00"},
			// New Year 2027 off (01-01 … 01-03): 01-04 … 01-08, 01-11, 01-12.
			{"Q4-2026", calendar.QuarterOf(2026, 4), 7, "2027-01-13T00:00:00+08:00"},
			{"H1-2026", calendar.HalfOf(2026, 1), 3, "2026-07-04T00:00:00+08:00"},
		} {
			got, prov, err := c.AfterPeriod(tc.p, tc.n)
			if err != nil || prov || !got.Equal(sh(tc.want)) {
				t.Errorf("%s: %v provisional %v (%v), want %s", tc.name, got, prov, err, tc.want)
			}
		}
		if _, prov, err := c.AfterPeriod(calendar.QuarterOf(2027, 4), 7); err != nil || !prov {
			t.Errorf("Q4 2027 reaches into 2028: provisional %v (%v)", prov, err)
		}
	})
	t.Run("LastWorkday", func(t *testing.T) {
		for _, tc := range []struct {
			p    calendar.Period
			want string
		}{
			{calendar.MonthOf(2027, time.February), "2027-02-26"}, // Spring Festival, then a Sunday month-end
			{calendar.MonthOf(2026, time.January), "2026-01-30"},  // the 31st is a Saturday
			{calendar.QuarterOf(2026, 3), "2026-09-30"},
			{calendar.HalfOf(2026, 2), "2026-12-31"},
			{calendar.YearOf(2025), "2025-12-31"},
			{calendar.Period{From: MustDate(t, "2026-10-01"), To: MustDate(t, "2026-10-10")}, "2026-10-10"}, // a Saturday worked
		} {
			got, err := c.LastWorkday(tc.p)
			if err != nil || got.String() != tc.want {
				t.Errorf("LastWorkday(%s) = %v (%v), want %s", tc.p, got, err, tc.want)
			}
		}
		if _, err := c.LastWorkday(calendar.Period{From: MustDate(t, "2026-10-01"), To: MustDate(t, "2026-10-07")}); err == nil {
			t.Error("National Day week has a working day?")
		}
		_, err := c.LastWorkday(calendar.MonthOf(2028, time.January))
		MustYearMissing(t, err, 2028)
		end, err := c.EndOfLastWorkday(calendar.HalfOf(2026, 1))
		if err != nil || !end.Equal(sh("2026-07-01T00:00:00+08:00")) {
			t.Errorf("end of H1 2026's last working day %v (%v)", end, err)
		}
	})
	t.Run("MonthDay", func(t *testing.T) {
		for _, tc := range []struct {
			y    int
			m    time.Month
			day  int
			want string
		}{
			{2027, time.February, 30, "2027-02-28"},
			{2028, time.February, 30, "2028-02-29"},
			{2027, time.March, 30, "2027-03-30"},
			{2027, time.April, 31, "2027-04-30"},
		} {
			if got := calendar.MonthDay(tc.y, tc.m, tc.day); got.String() != tc.want {
				t.Errorf("MonthDay(%d, %v, %d) = %s, want %s", tc.y, tc.m, tc.day, got, tc.want)
			}
		}
	})
}

// LastWorkday agrees with a day-by-day walk over every month of the data.
func TestLastWorkdayAgainstWalk(t *testing.T) {
	c := MustLoadDefault(t)
	for _, y := range c.Years() {
		for m := time.January; m <= time.December; m++ {
			p := calendar.MonthOf(y, m)
			want := calendar.Date{}
			for d := p.From; !d.After(p.To); d = d.AddDays(1) {
				if ok, err := c.IsWorkday(d); err == nil && ok {
					want = d
				}
			}
			if got, err := c.LastWorkday(p); err != nil || got != want {
				t.Fatalf("LastWorkday(%s) = %v (%v), walk says %v", p, got, err, want)
			}
		}
	}
}
