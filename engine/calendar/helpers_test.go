package calendar_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/configs"
	"github.com/parkfin/parkfin/engine/calendar"
)

// MustDate parses a YYYY-MM-DD date or fails the test.
func MustDate(tb testing.TB, s string) calendar.Date {
	tb.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// MustTime parses an RFC 3339 instant or fails the test.
func MustTime(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// MustLoadDefault returns the embedded default calendar or fails the test.
func MustLoadDefault(tb testing.TB) *calendar.Calendar {
	tb.Helper()
	c, err := calendar.LoadDefault()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// MustParse builds a calendar from JSON or fails the test.
func MustParse(tb testing.TB, data string) *calendar.Calendar {
	tb.Helper()
	c, err := calendar.Parse([]byte(data))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// MustWithOverrides applies an override file to c or fails the test.
func MustWithOverrides(tb testing.TB, c *calendar.Calendar, data string) *calendar.Calendar {
	tb.Helper()
	o, err := c.WithOverrides([]byte(data))
	if err != nil {
		tb.Fatal(err)
	}
	return o
}

// MustIsWorkday answers IsWorkday or fails the test.
func MustIsWorkday(tb testing.TB, c *calendar.Calendar, d calendar.Date) bool {
	tb.Helper()
	ok, err := c.IsWorkday(d)
	if err != nil {
		tb.Fatalf("IsWorkday(%v): %v", d, err)
	}
	return ok
}

// MustAddWorkdays answers AddWorkdays or fails the test.
func MustAddWorkdays(tb testing.TB, c *calendar.Calendar, d calendar.Date, n int) calendar.Date {
	tb.Helper()
	r, err := c.AddWorkdays(d, n)
	if err != nil {
		tb.Fatalf("AddWorkdays(%v, %d): %v", d, n, err)
	}
	return r
}

// MustYearMissing checks that err is a *YearMissingError for year.
func MustYearMissing(tb testing.TB, err error, year int) {
	tb.Helper()
	var ym *calendar.YearMissingError
	if !errors.As(err, &ym) {
		tb.Fatalf("err = %v, want *YearMissingError{%d}", err, year)
	}
	if ym.Year != year {
		tb.Fatalf("YearMissingError.Year = %d, want %d", ym.Year, year)
	}
}

// MustDataError checks that err is a *DataError whose message names want.
func MustDataError(tb testing.TB, err error, want string) *calendar.DataError {
	tb.Helper()
	var de *calendar.DataError
	if !errors.As(err, &de) {
		tb.Fatalf("err = %v, want *DataError naming %q", err, want)
	}
	if !strings.Contains(err.Error(), want) {
		tb.Fatalf("err = %q, want it to name %q", err, want)
	}
	return de
}

// naive is a day-by-day model of the calendar, decoded from the reference
// file by the test itself and walked with the time package, to check the
// precomputed tables against.
type naive map[int]struct{ off, work map[string]bool }

// MustNaive decodes the embedded reference file into a naive model.
func MustNaive(tb testing.TB) naive {
	tb.Helper()
	data, err := fs.ReadFile(configs.Calendar, "calendar/cn-workdays.json")
	if err != nil {
		tb.Fatal(err)
	}
	var f struct {
		Years map[string]struct {
			Holidays []struct {
				Days []string `json:"days"`
			} `json:"holidays"`
			Makeup []string `json:"makeup_workdays"`
		} `json:"years"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		tb.Fatal(err)
	}
	m := naive{}
	for k, y := range f.Years {
		t, err := time.Parse("2006", k)
		if err != nil {
			tb.Fatal(err)
		}
		e := struct{ off, work map[string]bool }{map[string]bool{}, map[string]bool{}}
		for _, h := range y.Holidays {
			for _, d := range h.Days {
				e.off[d] = true
			}
		}
		for _, d := range y.Makeup {
			e.work[d] = true
		}
		m[t.Year()] = e
	}
	return m
}

// isWorkday reports whether t's date is a working day and whether its year
// is known.
func (m naive) isWorkday(t time.Time) (work, known bool) {
	y, ok := m[t.Year()]
	if !ok {
		return false, false
	}
	s := t.Format(time.DateOnly)
	if y.work[s] {
		return true, true
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday && !y.off[s], true
}

// add walks day by day to the nth working day after d; missing is the year
// without data it ran into, or 0.
func (m naive) add(d calendar.Date, n int) (r calendar.Date, missing int) {
	t := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		w, known := m.isWorkday(t)
		if !known {
			return calendar.Date{}, t.Year()
		}
		if w {
			n--
		}
	}
	y, mo, dd := t.Date()
	return calendar.Date{Year: y, Month: mo, Day: dd}, 0
}
