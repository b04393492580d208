package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
)

// Period is a span of Beijing days: [From, To) as instants, From at 00:00
// of its first day and To at 24:00 of its last.
type Period struct {
	// Label is how it was asked for: "2026Q3", "2026H1", "2026-07",
	// "2026" or "2026-07-01..2026-09-30".
	Label string
	First calendar.Date
	Last  calendar.Date
}

// From is 00:00 of the first day, Asia/Shanghai.
func (p Period) From() time.Time { return p.First.Start() }

// To is 24:00 of the last day, Asia/Shanghai.
func (p Period) To() time.Time { return p.Last.AddDays(1).Start() }

// String returns the period as "2026-07-01 至 2026-09-30".
func (p Period) String() string { return p.First.String() + " 至 " + p.Last.String() }

var (
	reQuarter = regexp.MustCompile(`^(\d{4})[Qq]([1-4])$`)
	reHalf    = regexp.MustCompile(`^(\d{4})[Hh]([12])$`)
	reMonth   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	reYear    = regexp.MustCompile(`^(\d{4})$`)
)

// ParsePeriod reads a period: a quarter "2026Q3", a half-year "2026H1", a
// month "2026-07", a year "2026", or two dates "2026-07-01..2026-09-30"
// (both included). Errors are validation_failed on the field "period".
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	bad := func() (Period, error) {
		return Period{}, engine.Invalid(engine.FieldError{Field: "period", Code: "format",
			Message:   fmt.Sprintf("Period %q: write 2026Q3, 2026H1, 2026-07, 2026 or 2026-07-01..2026-09-30.", s),
			MessageZH: fmt.Sprintf("统计期间“%s”格式有误，应为 2026Q3、2026H1、2026-07、2026 或 2026-07-01..2026-09-30。", s)})
	}
	span := func(y, m1, months int) Period {
		first := calendar.Date{Year: y, Month: time.Month(m1), Day: 1}
		next := time.Date(y, time.Month(m1+months), 1, 0, 0, 0, 0, time.UTC)
		last := calendar.Date{Year: next.Year(), Month: next.Month(), Day: 1}.AddDays(-1)
		return Period{Label: s, First: first, Last: last}
	}
	if m := reQuarter.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		p := span(y, 3*q-2, 3)
		p.Label = fmt.Sprintf("%dQ%d", y, q)
		return p, nil
	}
	if m := reHalf.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		h, _ := strconv.Atoi(m[2])
		p := span(y, 6*h-5, 6)
		p.Label = fmt.Sprintf("%dH%d", y, h)
		return p, nil
	}
	if m := reMonth.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 {
			return bad()
		}
		return span(y, mo, 1), nil
	}
	if m := reYear.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		return span(y, 1, 12), nil
	}
	if a, b, ok := strings.Cut(s, ".."); ok {
		first, err1 := calendar.ParseDate(strings.TrimSpace(a))
		last, err2 := calendar.ParseDate(strings.TrimSpace(b))
		if err1 != nil || err2 != nil || last.Before(first) {
			return bad()
		}
		return Period{Label: first.String() + ".." + last.String(), First: first, Last: last}, nil
	}
	return bad()
}

// Quarters returns the four quarters of a year.
func Quarters(year int) []Period {
	out := make([]Period, 4)
	for q := 1; q <= 4; q++ {
		out[q-1], _ = ParsePeriod(fmt.Sprintf("%dQ%d", year, q))
	}
	return out
}
