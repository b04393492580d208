package engine

import (
	"fmt"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
)

// DueKind says how a timer's due instant is reckoned when it is armed.
type DueKind int

const (
	// DueAfterArming falls due at 24:00 of the Workdays-th working day
	// after the day the timer is armed (after the case's RoutedAt when the
	// open event arms it).
	DueAfterArming DueKind = iota
	// DueAfterPeriod falls due at 24:00 of the Workdays-th working day
	// after the last day of the case's Period: a quarter's resolution
	// ledger, 7 working days after the quarter ends.
	DueAfterPeriod
	// DueEndOfPeriod falls due at 24:00 of the last working day of the
	// case's Period: a half-year without a park visit.
	DueEndOfPeriod
	// DueMonthDay falls due at 24:00 of day Day of a month, or of the
	// month's last day when it has fewer days (plan 3's progress by the
	// 30th, 28 February). Armed by entering its start state it falls in
	// the month it is armed in, or the next when that day is past; armed
	// again by one of its StartOn events (this month's progress filed) it
	// falls in the next month.
	DueMonthDay
	// DueBeforeDeadline falls Workdays working days before its clock's
	// deadline: at 24:00 of the Workdays-th working day before the
	// deadline's last day (a duty's reminders, 5 and 1 working days before
	// it falls due). Only a reminder takes it; it is reckoned from the
	// deadline's pending row, so the deadline is declared, and armed,
	// before it. A reminder whose instant has passed when it is armed is
	// not armed: the duty is already that close.
	DueBeforeDeadline
)

// DueRule is a timer's due rule: its kind, and the day of the month for
// DueMonthDay.
type DueRule struct {
	Kind DueKind
	Day  int
}

// checkDue reports a timer whose due rule and working days disagree.
func (td *TimerDef) checkDue() error {
	bad := func(why string) error {
		return fmt.Errorf("timer %q: %s (working days %d, from input %v, due rule %d)", td.Name, why, td.Workdays, td.FromInput, td.Due.Kind)
	}
	switch {
	case td.Workdays < 0:
		return bad("negative working days")
	case td.FromInput:
		if td.Workdays != 0 || td.Due.Kind != DueAfterArming {
			return bad("a due instant from input takes no other rule")
		}
	case td.Due.Kind == DueAfterArming, td.Due.Kind == DueAfterPeriod:
		if td.Workdays == 0 {
			return bad("no working days to count")
		}
	case td.Due.Kind == DueEndOfPeriod:
		if td.Workdays != 0 {
			return bad("the end of a period counts no working days")
		}
	case td.Due.Kind == DueBeforeDeadline:
		if td.Workdays == 0 || td.Kind != TimerReminder {
			return bad("only a reminder falls a number of working days before its deadline")
		}
	case td.Due.Kind == DueMonthDay:
		if td.Workdays != 0 || td.Due.Day < 1 || td.Due.Day > 31 {
			return bad("a day of the month is 1 to 31 and counts no working days")
		}
	default:
		return bad("unknown due rule")
	}
	return nil
}

// dueOf reckons the due instant of td armed at base (now, or the case's
// RoutedAt for the open event) on c; byEvent says one of its StartOn events
// armed it. It returns the instant, whether it is provisional, and the
// base and working days a recomputation or an extension counts from (nil
// when the rule does not count working days).
func (e *Engine) dueOf(td *TimerDef, c *Case, base time.Time, byEvent bool) (time.Time, bool, *time.Time, int, error) {
	switch td.Due.Kind {
	case DueAfterPeriod, DueEndOfPeriod:
		p, _, err := calendar.ParsePeriodName(c.Period)
		if err != nil {
			return time.Time{}, false, nil, 0, Errorf(EINTERNAL, "计时器“%s”按期间计算，但案件没有期间。",
				"timer %q counts from a period, and the case has none (%v)", td.Name, err)
		}
		if td.Due.Kind == DueEndOfPeriod {
			at, prov, err := e.cal.ProvisionalEndOfLastWorkday(p)
			return at, prov, nil, 0, err
		}
		at, prov, err := e.cal.AfterPeriod(p, td.Workdays)
		from := p.To.Start()
		return at, prov, &from, td.Workdays, err
	case DueMonthDay:
		d := calendar.DateOf(base)
		y, m := d.Year, d.Month
		if byEvent {
			m++
		}
		for {
			if m > time.December {
				y, m = y+1, time.January
			}
			at := calendar.MonthDay(y, m, td.Due.Day).AddDays(1).Start()
			if at.After(base) {
				return at, false, nil, 0, nil
			}
			m++
		}
	default:
		at, prov, err := e.cal.ProvisionalDeadline(base, td.Workdays)
		return at, prov, &base, td.Workdays, err
	}
}
