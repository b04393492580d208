package calendar

import (
	"errors"
	"fmt"
	"time"
)

// Period is a span of civil dates, both ends included: a month, a quarter,
// a half-year, a year, or any two dates. Duties that fall due by period
// (a quarter's resolution ledger, a half-year's park visit, plan 3's
// monthly progress) count from them.
type Period struct {
	From, To Date
}

// MonthOf returns the month of year y.
func MonthOf(y int, m time.Month) Period {
	return Period{Date{y, m, 1}, Date{y, m, daysIn(y, m)}}
}

// QuarterOf returns quarter q (1–4) of year y.
func QuarterOf(y, q int) Period {
	first := time.Month(3*(q-1) + 1)
	return Period{Date{y, first, 1}, Date{y, first + 2, daysIn(y, first+2)}}
}

// HalfOf returns half-year h (1 or 2) of year y.
func HalfOf(y, h int) Period {
	first := time.Month(6*(h-1) + 1)
	return Period{Date{y, first, 1}, Date{y, first + 5, daysIn(y, first+5)}}
}

// YearOf returns the calendar year y.
func YearOf(y int) Period { return Period{Date{y, time.January, 1}, Date{y, time.December, 31}} }

// String names the period by its dates.
func (p Period) String() string { return p.From.String() + "/" + p.To.String() }

// AfterPeriod returns the end (24:00, Asia/Shanghai) of the nth working
// day after the period's last day: a quarter's resolution ledger is due 7
// working days after the quarter ends (Q3 2026: 2026-10-16 00:00, National
// Day and the Saturday of 10-10 between). Provisional as ProvisionalDeadline
// is, when it reaches into a year without data.
func (c *Calendar) AfterPeriod(p Period, n int) (due time.Time, provisional bool, err error) {
	if !p.To.Valid() {
		return time.Time{}, false, invalidDate(p.To)
	}
	return c.ProvisionalDeadline(p.To.Start(), n)
}

// LastWorkday returns the period's last working day, in constant time. It
// returns a *YearMissingError when the period's end lies in a year without
// data, and an error when the period holds no working day.
func (c *Calendar) LastWorkday(p Period) (Date, error) {
	if !p.From.Valid() || !p.To.Valid() || p.To.Before(p.From) {
		return Date{}, fmt.Errorf("calendar: invalid period %s", p)
	}
	s, e := p.From.epochDay()-c.first, p.To.epochDay()-c.first
	if s < 0 || e >= c.span {
		y := p.From.Year
		if s >= 0 {
			y = p.To.Year
		}
		return Date{}, &YearMissingError{Year: y}
	}
	if u := int(c.unknownFrom[s]); e >= u {
		return Date{}, &YearMissingError{Year: c.yearAt(u)}
	}
	// prefix[e+1] working days lie at indices ≤ e: the last of them is
	// workdays[prefix[e+1]-1].
	k := int(c.prefix[e+1]) - 1
	if k < 0 || int(c.workdays[k]) < s {
		return Date{}, fmt.Errorf("calendar: period %s has no working day", p)
	}
	return dateOfEpochDay(c.first + int(c.workdays[k])), nil
}

// EndOfLastWorkday is the end (24:00) of the period's last working day: a
// half-year without a park visit shows red from then.
func (c *Calendar) EndOfLastWorkday(p Period) (time.Time, error) {
	d, err := c.LastWorkday(p)
	if err != nil {
		return time.Time{}, err
	}
	return d.next().Start(), nil
}

// MonthDay returns the given day of the month, or the month's last day
// when it has fewer days: plan 3's monthly progress by the 30th falls on
// 28 or 29 February.
func MonthDay(y int, m time.Month, day int) Date {
	return Date{y, m, min(max(day, 1), daysIn(y, m))}
}

// ProvisionalEndOfLastWorkday is EndOfLastWorkday, except that a period
// ending in a year without a published arrangement takes its last Monday
// to Friday, and says so.
func (c *Calendar) ProvisionalEndOfLastWorkday(p Period) (time.Time, bool, error) {
	at, err := c.EndOfLastWorkday(p)
	var missing *YearMissingError
	if !errors.As(err, &missing) {
		return at, false, err
	}
	for d := p.To; !d.Before(p.From); d = d.AddDays(-1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return d.next().Start(), true, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("calendar: period %s has no working day", p)
}
