package calendar

import (
	"errors"
	"time"
)

// ProvisionalDeadline is Deadline for work that must not wait for next
// year's notice: where a counted day lies in a year without a published
// arrangement, it counts Monday to Friday as working days and reports the
// result as provisional. A deadline that needs no such day is exact, and is
// computed as fast as Deadline.
func (c *Calendar) ProvisionalDeadline(from time.Time, n int) (due time.Time, provisional bool, err error) {
	due, err = c.Deadline(from, n)
	var missing *YearMissingError
	if !errors.As(err, &missing) {
		return due, false, err
	}
	if n < 0 {
		return time.Time{}, false, negative(n)
	}
	// A year without data: walk day by day, which costs O(n) days. Limits
	// are a handful of working days, and this path runs only while a
	// year's notice is missing.
	d := DateOf(from)
	for k := n; k > 0; {
		d = d.next()
		if c.workdayOrWeekday(d, &provisional) {
			k--
		}
	}
	return d.next().Start(), provisional, nil
}

// ProvisionalRemaining is Remaining for a limit that may reach into a year
// without a published arrangement: such days count Monday to Friday, and the
// result is reported as provisional.
func (c *Calendar) ProvisionalRemaining(pausedAt, dueAt time.Time) (left int, provisional bool, err error) {
	left, err = c.Remaining(pausedAt, dueAt)
	var missing *YearMissingError
	if !errors.As(err, &missing) {
		return left, false, err
	}
	last := DateOf(dueAt.Add(-time.Nanosecond))
	for d := DateOf(pausedAt).next(); !d.After(last); d = d.next() {
		if c.workdayOrWeekday(d, &provisional) {
			left++
		}
	}
	return left, provisional, nil
}

// workdayOrWeekday reports whether d is a working day, counting Monday to
// Friday in a year without data and setting *provisional when it does.
func (c *Calendar) workdayOrWeekday(d Date, provisional *bool) bool {
	ok, err := c.IsWorkday(d)
	if err != nil {
		*provisional = true
		wd := d.Weekday()
		return wd != time.Saturday && wd != time.Sunday
	}
	return ok
}

// MissingNextYear reports the year after now's (in Asia/Shanghai) when the
// calendar has no arrangement for it and now is on or after 1 November, when
// the State Council's notice is usually out and deadlines start to reach
// into the new year.
func (c *Calendar) MissingNextYear(now time.Time) (year int, missing bool) {
	d := DateOf(now)
	if d.Month < time.November {
		return 0, false
	}
	if _, ok := c.years[d.Year+1]; ok {
		return 0, false
	}
	return d.Year + 1, true
}

// ProvisionalBefore is Before for a limit in or next to a year without a
// published arrangement: such days count Monday to Friday, and the result
// is reported as provisional.
func (c *Calendar) ProvisionalBefore(due time.Time, n int) (time.Time, bool, error) {
	at, err := c.Before(due, n)
	var missing *YearMissingError
	if !errors.As(err, &missing) {
		return at, false, err
	}
	provisional := false
	d := DateOf(due.Add(-time.Nanosecond))
	for k := n; k > 0; {
		d = d.AddDays(-1)
		if c.workdayOrWeekday(d, &provisional) {
			k--
		}
	}
	return d.next().Start(), provisional, nil
}
