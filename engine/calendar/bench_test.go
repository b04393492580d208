package calendar_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
)

func BenchmarkAddWorkdays(b *testing.B) {
	c := MustLoadDefault(b)
	from := MustDate(b, "2024-01-02")
	for _, n := range []int{1, 5, 100, 500} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			MustAddWorkdays(b, c, from, n)
			for b.Loop() {
				if _, err := c.AddWorkdays(from, n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDeadline(b *testing.B) {
	c := MustLoadDefault(b)
	from := MustTime(b, "2024-01-02T07:00:00Z")
	for _, n := range []int{5, 500} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := c.Deadline(from, n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWorkdaysBetween(b *testing.B) {
	c := MustLoadDefault(b)
	from, to := MustDate(b, "2024-01-02"), MustDate(b, "2027-12-01")
	for b.Loop() {
		if _, err := c.WorkdaysBetween(from, to); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadDefault(b *testing.B) {
	for b.Loop() {
		MustLoadDefault(b)
	}
}

// BenchmarkLastWorkday: the last working day of a period is a table lookup,
// whatever the period's length.
func BenchmarkLastWorkday(b *testing.B) {
	c, err := calendar.LoadDefault()
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range []struct {
		name string
		p    calendar.Period
	}{{"month", calendar.MonthOf(2027, time.February)}, {"year", calendar.YearOf(2026)}, {"four-years", calendar.Period{From: calendar.YearOf(2024).From, To: calendar.YearOf(2027).To}}} {
		b.Run(p.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := c.LastWorkday(p.p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
