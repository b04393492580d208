package calendar

import (
	"sync/atomic"
	"time"
)

// Live is a calendar that an administrator's change replaces while it is in
// use: readers always see one whole Calendar, the old or the new.
type Live struct {
	cur atomic.Pointer[Calendar]
}

// NewLive returns a Live holding c.
func NewLive(c *Calendar) *Live {
	l := &Live{}
	l.cur.Store(c)
	return l
}

// Current returns the calendar in force.
func (l *Live) Current() *Calendar { return l.cur.Load() }

// Set puts c in force.
func (l *Live) Set(c *Calendar) { l.cur.Store(c) }

// Deadline is Current().Deadline.
func (l *Live) Deadline(from time.Time, n int) (time.Time, error) {
	return l.Current().Deadline(from, n)
}

// Remaining is Current().Remaining.
func (l *Live) Remaining(pausedAt, dueAt time.Time) (int, error) {
	return l.Current().Remaining(pausedAt, dueAt)
}

// ProvisionalDeadline is Current().ProvisionalDeadline.
func (l *Live) ProvisionalDeadline(from time.Time, n int) (time.Time, bool, error) {
	return l.Current().ProvisionalDeadline(from, n)
}

// ProvisionalRemaining is Current().ProvisionalRemaining.
func (l *Live) ProvisionalRemaining(pausedAt, dueAt time.Time) (int, bool, error) {
	return l.Current().ProvisionalRemaining(pausedAt, dueAt)
}

// AfterPeriod is Current().AfterPeriod.
func (l *Live) AfterPeriod(p Period, n int) (time.Time, bool, error) {
	return l.Current().AfterPeriod(p, n)
}

// ProvisionalEndOfLastWorkday is Current().ProvisionalEndOfLastWorkday.
func (l *Live) ProvisionalEndOfLastWorkday(p Period) (time.Time, bool, error) {
	return l.Current().ProvisionalEndOfLastWorkday(p)
}

// ProvisionalBefore is Current().ProvisionalBefore.
func (l *Live) ProvisionalBefore(due time.Time, n int) (time.Time, bool, error) {
	return l.Current().ProvisionalBefore(due, n)
}
