package calendar_test

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestAgainstNaiveWalk checks the precomputed tables against a day-by-day
// walk over the reference data, from every start day of 2024–2027.
func TestAgainstNaiveWalk(t *testing.T) {
	c := MustLoadDefault(t)
	m := MustNaive(t)
	for d := MustDate(t, "2023-12-25"); d.Year <= 2027; d = d.AddDays(1) {
		for n := 1; n <= 10; n++ {
			want, missing := m.add(d, n)
			got, err := c.AddWorkdays(d, n)
			if missing != 0 {
				MustYearMissing(t, err, missing)
				continue
			}
			if err != nil || got != want {
				t.Fatalf("AddWorkdays(%v, %d) = %v, %v; naive walk gives %v", d, n, got, err, want)
			}
			between, err := c.WorkdaysBetween(d, got)
			if err != nil || between != n {
				t.Fatalf("WorkdaysBetween(%v, %v) = %d, %v; want %d", d, got, between, err, n)
			}
			// The day before the result is fewer than n working days away.
			if before, err := c.WorkdaysBetween(d, got.AddDays(-1)); err != nil || before != n-1 {
				t.Fatalf("WorkdaysBetween(%v, %v) = %d, %v; want %d", d, got.AddDays(-1), before, err, n-1)
			}
		}
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := MustLoadDefault(t)
	for _, tc := range []struct {
		name, a, b string
		want       int
	}{
		{"Empty", "2026-10-12", "2026-10-12", 0},
		{"Reversed", "2026-10-13", "2026-10-12", 0},
		{"ReversedAcrossUnknownYears", "2030-01-01", "2020-01-01", 0},
		{"OneDay", "2026-10-12", "2026-10-13", 1},
		{"NationalDay", "2026-09-30", "2026-10-13", 5},
		{"AExcludedBIncluded", "2026-10-09", "2026-10-10", 1},
		// Counted by hand: weekdays − weekdays off + make-up days.
		{"Year2024", "2023-12-31", "2024-12-31", 262 - 19 + 8},
		{"Year2025", "2024-12-31", "2025-12-31", 261 - 18 + 5},
		{"Year2027", "2026-12-31", "2027-12-31", 261 - 18 + 5},
		{"AllFourYears", "2023-12-31", "2027-12-31", 251 + 248 + workdays2026 + 248},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.WorkdaysBetween(MustDate(t, tc.a), MustDate(t, tc.b))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("WorkdaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

// TestConcurrentUse runs queries from many goroutines; run with -race.
func TestConcurrentUse(t *testing.T) {
	c := MustLoadDefault(t)
	from := MustDate(t, "2026-01-05")
	want := MustAddWorkdays(t, c, from, 100)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				got, err := c.AddWorkdays(from, 100)
				if err != nil || got != want {
					errs <- fmt.Errorf("got %v, %v; want %v", got, err, want)
					return
				}
				if _, err := c.Year(2026); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent AddWorkdays: %v", err)
	}
}

// TestYearWorkdays checks each year's count of working days against the
// naive model.
func TestYearWorkdays(t *testing.T) {
	c := MustLoadDefault(t)
	m := MustNaive(t)
	for _, y := range c.Years() {
		t.Run(fmt.Sprint(y), func(t *testing.T) {
			want := 0
			for d := time.Date(y, 1, 1, 12, 0, 0, 0, time.UTC); d.Year() == y; d = d.AddDate(0, 0, 1) {
				if w, _ := m.isWorkday(d); w {
					want++
				}
			}
			info, err := c.Year(y)
			if err != nil {
				t.Fatal(err)
			}
			if info.Workdays != want {
				t.Fatalf("Workdays = %d, naive count %d", info.Workdays, want)
			}
		})
	}
}
