package calendar

import (
	"fmt"
	"time"
)

// AddWorkdays returns the nth working day strictly after d; for n == 0 it
// returns d itself. d never counts, whatever kind of day it is, and its own
// year need not have data; every day from the day after d to the result
// must. When one lacks data, AddWorkdays returns a *YearMissingError naming
// the first such year, rather than guessing.
func (c *Calendar) AddWorkdays(d Date, n int) (Date, error) {
	if !d.Valid() {
		return Date{}, invalidDate(d)
	}
	if n < 0 {
		return Date{}, negative(n)
	}
	if n == 0 {
		return d, nil
	}
	s := d.epochDay() + 1 - c.first // index of the first day examined
	if s < 0 || s >= c.span {
		return Date{}, &YearMissingError{Year: c.yearAt(s)}
	}
	// The result is workdays[prefix[s]+n-1]; compare before adding so that
	// a huge n cannot overflow.
	p := int(c.prefix[s])
	u := int(c.unknownFrom[s])
	if n > len(c.workdays)-p || int(c.workdays[p+n-1]) >= u {
		return Date{}, &YearMissingError{Year: c.yearAt(u)}
	}
	return dateOfEpochDay(c.first + int(c.workdays[p+n-1])), nil
}

// WorkdaysBetween returns the number of working days in (a, b]: a excluded,
// b included. It is 0 when b is not after a. Every day of (a, b] must lie in
// a year with data, or it returns a *YearMissingError.
func (c *Calendar) WorkdaysBetween(a, b Date) (int, error) {
	if !a.Valid() {
		return 0, invalidDate(a)
	}
	if !b.Valid() {
		return 0, invalidDate(b)
	}
	za, zb := a.epochDay(), b.epochDay()
	if zb <= za {
		return 0, nil
	}
	s, e := za+1-c.first, zb-c.first
	if s < 0 || s >= c.span {
		return 0, &YearMissingError{Year: c.yearAt(s)}
	}
	if u := int(c.unknownFrom[s]); e >= u {
		return 0, &YearMissingError{Year: c.yearAt(u)}
	}
	return int(c.prefix[e+1] - c.prefix[s]), nil
}

// Deadline returns the end of a limit of n working days that starts at
// from, under articles 201 and 203 of the Civil Code: the day of from (in
// Asia/Shanghai) does not count, and the limit ends at 24:00 of the nth
// working day after it. The result is therefore 00:00:00 Asia/Shanghai of
// the day following that working day. For n == 0 it is the end of from's
// own day.
func (c *Calendar) Deadline(from time.Time, n int) (time.Time, error) {
	last, err := c.AddWorkdays(DateOf(from), n)
	if err != nil {
		return time.Time{}, err
	}
	return last.next().Start(), nil
}

// Remaining returns the working days left on a running limit that ends at
// dueAt when it is paused at pausedAt: the working days after the day of
// pausedAt up to and including the last day the limit counts (the day of
// the instant just before dueAt). The day of the pause is used up. The
// result is never negative: it is 0 once the last day has begun.
func (c *Calendar) Remaining(pausedAt, dueAt time.Time) (int, error) {
	if !dueAt.After(pausedAt) {
		return 0, nil
	}
	return c.WorkdaysBetween(DateOf(pausedAt), DateOf(dueAt.Add(-time.Nanosecond)))
}

func negative(n int) error {
	return fmt.Errorf("calendar: negative number of working days %d", n)
}

// SubWorkdays returns the nth working day strictly before d; for n == 0 it
// returns d itself. Like AddWorkdays it costs the same whatever n, and
// returns a *YearMissingError when a day from the result to the day
// before d lies in a year without data.
func (c *Calendar) SubWorkdays(d Date, n int) (Date, error) {
	if !d.Valid() {
		return Date{}, invalidDate(d)
	}
	if n < 0 {
		return Date{}, negative(n)
	}
	if n == 0 {
		return d, nil
	}
	s := d.epochDay() - c.first // index of d; days below it are examined
	if s <= 0 || s > c.span {
		return Date{}, &YearMissingError{Year: c.yearAt(min(max(s-1, 0), c.span-1))}
	}
	p := int(c.prefix[s]) // working days at indices below s
	if n > p {
		return Date{}, &YearMissingError{Year: c.yearAt(0) - 1}
	}
	r := int(c.workdays[p-n])
	if u := int(c.unknownFrom[r]); u < s {
		return Date{}, &YearMissingError{Year: c.yearAt(u)}
	}
	return dateOfEpochDay(c.first + r), nil
}

// Before returns the end (24:00) of the nth working day before the last
// day of a limit that ends at due: a duty due at 24:00 on Thursday is
// reminded 1 working day before at 24:00 on Wednesday. For n == 0 it is
// due itself.
func (c *Calendar) Before(due time.Time, n int) (time.Time, error) {
	if n == 0 {
		return due, nil
	}
	d, err := c.SubWorkdays(DateOf(due.Add(-time.Nanosecond)), n)
	if err != nil {
		return time.Time{}, err
	}
	return d.next().Start(), nil
}
