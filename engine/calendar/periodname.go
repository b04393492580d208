package calendar

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Cadence is how often a duty recurs: every month, quarter, half-year or
// year.
type Cadence string

// The cadences of scheduled duties.
const (
	Monthly    Cadence = "month"
	Quarterly  Cadence = "quarter"
	HalfYearly Cadence = "half"
	Yearly     Cadence = "year"
)

// Valid reports whether c is a known cadence.
func (c Cadence) Valid() bool {
	switch c {
	case Monthly, Quarterly, HalfYearly, Yearly:
		return true
	}
	return false
}

// PeriodIn returns the period of cadence c that holds the day d.
func (c Cadence) PeriodIn(d Date) Period {
	switch c {
	case Monthly:
		return MonthOf(d.Year, d.Month)
	case Quarterly:
		return QuarterOf(d.Year, (int(d.Month)-1)/3+1)
	case HalfYearly:
		return HalfOf(d.Year, (int(d.Month)-1)/6+1)
	default:
		return YearOf(d.Year)
	}
}

// Name names a period of the cadence the way people write it: 2026-02,
// 2026Q3, 2026H2 or 2026.
func (c Cadence) Name(p Period) string {
	d := p.From
	switch c {
	case Monthly:
		return fmt.Sprintf("%04d-%02d", d.Year, int(d.Month))
	case Quarterly:
		return fmt.Sprintf("%04dQ%d", d.Year, (int(d.Month)-1)/3+1)
	case HalfYearly:
		return fmt.Sprintf("%04dH%d", d.Year, (int(d.Month)-1)/6+1)
	default:
		return fmt.Sprintf("%04d", d.Year)
	}
}

// Prev returns the period of the cadence just before p.
func (c Cadence) Prev(p Period) Period { return c.PeriodIn(p.From.AddDays(-1)) }

// Next returns the period of the cadence just after p.
func (c Cadence) Next(p Period) Period { return c.PeriodIn(p.To.AddDays(1)) }

// ParsePeriodName reads a named period — 2026-02, 2026Q3, 2026H2 or 2026 —
// and returns it with its cadence.
func ParsePeriodName(s string) (Period, Cadence, error) {
	bad := fmt.Errorf("calendar: period %q: write 2026-02, 2026Q3, 2026H2 or 2026", s)
	year := func(t string) (int, bool) {
		y, err := strconv.Atoi(t)
		return y, err == nil && len(t) == 4 && y >= 1900 && y <= 9999
	}
	switch {
	case len(s) == 4:
		if y, ok := year(s); ok {
			return YearOf(y), Yearly, nil
		}
	case len(s) == 6 && (s[4] == 'Q' || s[4] == 'H'):
		y, ok := year(s[:4])
		n, err := strconv.Atoi(s[5:])
		if !ok || err != nil {
			return Period{}, "", bad
		}
		if s[4] == 'Q' && n >= 1 && n <= 4 {
			return QuarterOf(y, n), Quarterly, nil
		}
		if s[4] == 'H' && n >= 1 && n <= 2 {
			return HalfOf(y, n), HalfYearly, nil
		}
	case len(s) == 7 && s[4] == '-':
		y, ok := year(s[:4])
		m, err := strconv.Atoi(strings.TrimPrefix(s[5:], "0"))
		if ok && err == nil && m >= 1 && m <= 12 && s[5] >= '0' && s[5] <= '1' {
			return MonthOf(y, time.Month(m)), Monthly, nil
		}
	}
	return Period{}, "", bad
}
