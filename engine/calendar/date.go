package calendar

import (
	"fmt"
	"time"
	// The zone database is embedded so that Asia/Shanghai loads on hosts
	// without zoneinfo (scratch images, Windows).
	_ "time/tzdata"
)

// shanghai is the zone of every date of this package.
var shanghai = mustLoadShanghai()

func mustLoadShanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		// Unreachable with time/tzdata linked in.
		panic("calendar: load Asia/Shanghai: " + err.Error())
	}
	return loc
}

// Location returns the Asia/Shanghai zone, in which all dates and deadlines
// of this package are expressed.
func Location() *time.Location { return shanghai }

// Date is a civil date (year, month, day) without a time of day or a zone.
// The zero Date is not a valid date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of the instant t in Asia/Shanghai.
func DateOf(t time.Time) Date {
	y, m, d := t.In(shanghai).Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses a date written YYYY-MM-DD and checks that it exists.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: date %q is not a valid YYYY-MM-DD date", s)
	}
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}, nil
}

// String returns the date as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText returns the date as YYYY-MM-DD, so that it reads as such in
// JSON.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses a YYYY-MM-DD date.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Valid reports whether d is a date that exists (month 1–12, day within the
// month).
func (d Date) Valid() bool {
	return d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	return time.Weekday(floorMod(d.epochDay()+int(time.Thursday), 7))
}

// AddDays returns the date n calendar days after d (before it if n < 0).
func (d Date) AddDays(n int) Date { return dateOfEpochDay(d.epochDay() + n) }

// Compare returns -1 if d is before e, 0 if they are the same day and +1 if
// d is after e.
func (d Date) Compare(e Date) int {
	a, b := d.epochDay(), e.epochDay()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Start returns 00:00:00 of d in Asia/Shanghai.
func (d Date) Start() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, shanghai)
}
