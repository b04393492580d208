package calendar_test

import (
	"errors"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
)

// SubWorkdays agrees with a day-by-day walk backwards from every day of
// the data, for limits of 0 to 12 working days; where the walk leaves the
// data it reports the missing year instead.
func TestSubWorkdaysAgainstWalk(t *testing.T) {
	c := MustLoadDefault(t)
	years := c.Years()
	first := calendar.Date{Year: years[0], Month: time.January, Day: 1}
	last := calendar.Date{Year: years[len(years)-1], Month: time.December, Day: 31}
	for d := first; !d.After(last.AddDays(1)); d = d.AddDays(1) {
		for n := 0; n <= 12; n++ {
			want, known := d, true
			for k := n; k > 0; {
				want = want.AddDays(-1)
				if want.Before(first) {
					known = false
					break
				}
				if ok, err := c.IsWorkday(want); err != nil {
					t.Fatal(err)
				} else if ok {
					k--
				}
			}
			got, err := c.SubWorkdays(d, n)
			var missing *calendar.YearMissingError
			switch {
			case !known && !errors.As(err, &missing):
				t.Fatalf("SubWorkdays(%s, %d) = %s, %v; want a missing year", d, n, got, err)
			case known && (err != nil || got != want):
				t.Fatalf("SubWorkdays(%s, %d) = %s, %v; want %s", d, n, got, err, want)
			}
		}
	}
}

// Before counts back from the last day of a limit: Q3 2026's resolution
// ledger, due 2026-10-16 00:00 (its last day Thursday 10-15), is reminded
// 1 working day before at 10-15 00:00 and 5 before at 10-10 00:00 (the
// make-up Saturday counts, Sunday 10-11 does not); 7 before is the quarter's end. A limit in a year
// without data counts Monday to Friday and says so.
func TestBefore(t *testing.T) {
	c := MustLoadDefault(t)
	due := time.Date(2026, 10, 16, 0, 0, 0, 0, calendar.Location())
	for n, want := range map[int]time.Time{
		0: due,
		1: time.Date(2026, 10, 15, 0, 0, 0, 0, calendar.Location()),
		5: time.Date(2026, 10, 10, 0, 0, 0, 0, calendar.Location()),
		7: time.Date(2026, 10, 1, 0, 0, 0, 0, calendar.Location()), // the end of 09-30: the quarter's end
	} {
		got, prov, err := c.ProvisionalBefore(due, n)
		if err != nil || prov || !got.Equal(want) {
			t.Errorf("ProvisionalBefore(%v, %d) = %v, %v, %v; want %v", due, n, got, prov, err, want)
		}
	}
	next := c.Years()[len(c.Years())-1] + 1
	// 10 January of a year without data is a Monday or not; either way
	// Before walks Monday to Friday.
	far := time.Date(next, 1, 10, 0, 0, 0, 0, calendar.Location())
	got, prov, err := c.ProvisionalBefore(far, 3)
	if err != nil || !prov {
		t.Fatalf("ProvisionalBefore in %d = %v, provisional %v, %v; want provisional", next, got, prov, err)
	}
	if d := calendar.DateOf(got.Add(-time.Nanosecond)); d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		t.Fatalf("ProvisionalBefore in %d ends on a %v", next, d.Weekday())
	}
	if _, err := c.SubWorkdays(calendar.Date{Year: next, Month: 1, Day: 10}, 3); err == nil {
		t.Fatal("SubWorkdays answered from a year without data")
	}
}
