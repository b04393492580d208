package calendar

import "time"

// The conversions between civil dates and day numbers (days since
// 1970-01-01) are done with integer arithmetic on the proleptic Gregorian
// calendar, counting years from March so that the leap day falls last; they
// cost a few nanoseconds, far less than going through time.Time.

const (
	daysPer400Years = 146097
	// marchShift is the day number of 0000-03-01.
	marchShift = 719468
)

// epochDay returns the number of days from 1970-01-01 to d.
func (d Date) epochDay() int {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400              // year of era, 0..399
	mp := (m + 9) % 12              // month from March, 0..11
	doy := (153*mp+2)/5 + d.Day - 1 // day of the March-based year, 0..365
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*daysPer400Years + doe - marchShift
}

// dateOfEpochDay is the inverse of epochDay.
func dateOfEpochDay(z int) Date {
	z += marchShift
	era := floorDiv(z, daysPer400Years)
	doe := z - era*daysPer400Years
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return Date{Year: y, Month: time.Month(m), Day: day}
}

// daysIn returns the number of days of month m of year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }
