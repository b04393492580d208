package calendar

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// Calendar tells working days from days off. It is immutable once built and
// safe for concurrent use.
//
// At construction it lays out a table over every day from 1 January of its
// first year to 31 December of its last: a running count of working days and
// the list of the working days. Counting is then array arithmetic whose cost
// does not depend on the number of days counted. Days of a year in the span
// without data (a gap) are marked unknown.
type Calendar struct {
	years map[int]*yearData
	list  []int // the years of years, ascending

	// first is the day number (days since 1970-01-01) of table index 0;
	// span is the number of days in the table.
	first, span int
	// prefix[i] is the number of working days at indices below i; it has
	// span+1 entries.
	prefix []int32
	// unknownFrom[i] is the smallest index j ≥ i of a day without data, or
	// span if there is none; it has span+1 entries.
	unknownFrom []int32
	// workdays holds the indices of the working days, ascending.
	workdays []int32
}

// build validates the merged years and lays out the tables.
func build(years map[int]*yearData) (*Calendar, error) {
	list := slices.Sorted(maps.Keys(years))
	if len(list) == 0 {
		return nil, &DataError{Problem: "no year has data", ProblemZH: "没有任何年份的数据"}
	}
	for _, y := range list {
		if !hasDayOff(years[y]) {
			// Every real notice has days off; a year without any would be
			// plain Monday to Friday, which is what an unknown year must
			// never silently become.
			return nil, &DataError{Year: y, Problem: "lists no day off: a year's arrangement needs its holidays",
				ProblemZH: "没有列出任何放假日，年度安排必须包含法定节假日"}
		}
	}

	c := &Calendar{years: years, list: list}
	c.first = Date{list[0], time.January, 1}.epochDay()
	c.span = Date{list[len(list)-1], time.December, 31}.epochDay() - c.first + 1
	c.prefix = make([]int32, c.span+1)
	c.unknownFrom = make([]int32, c.span+1)
	c.workdays = make([]int32, 0, c.span*5/7)

	i := 0
	for y := list[0]; y <= list[len(list)-1]; y++ {
		yd := years[y]
		days := 365
		if daysIn(y, time.February) == 29 {
			days = 366
		}
		if yd == nil {
			for range days {
				c.unknownFrom[i] = -1 // filled below
				c.prefix[i+1] = c.prefix[i]
				i++
			}
			continue
		}
		off, work := yd.daySets()
		d := Date{y, time.January, 1}
		wd := d.Weekday()
		for range days {
			isWork := work[d] || (wd != time.Saturday && wd != time.Sunday && !off[d])
			c.prefix[i+1] = c.prefix[i]
			if isWork {
				c.prefix[i+1]++
				c.workdays = append(c.workdays, int32(i))
			}
			i++
			d = d.next()
			wd = (wd + 1) % 7
		}
	}
	next := int32(c.span)
	c.unknownFrom[c.span] = next
	for j := c.span - 1; j >= 0; j-- {
		if c.unknownFrom[j] == -1 {
			next = int32(j)
		}
		c.unknownFrom[j] = next
	}
	return c, nil
}

func hasDayOff(yd *yearData) bool {
	for _, h := range yd.holidays {
		if len(h.Days) > 0 {
			return true
		}
	}
	return false
}

// daySets returns the days off and the make-up working days of the year.
func (yd *yearData) daySets() (off, work map[Date]bool) {
	off = make(map[Date]bool)
	for _, h := range yd.holidays {
		for _, d := range h.Days {
			off[d] = true
		}
	}
	work = make(map[Date]bool, len(yd.makeup))
	for _, d := range yd.makeup {
		work[d] = true
	}
	return off, work
}

// next returns the day after d.
func (d Date) next() Date {
	switch {
	case d.Day < daysIn(d.Year, d.Month):
		return Date{d.Year, d.Month, d.Day + 1}
	case d.Month < time.December:
		return Date{d.Year, d.Month + 1, 1}
	}
	return Date{d.Year + 1, time.January, 1}
}

// Years returns the years that have data, ascending.
func (c *Calendar) Years() []int { return slices.Clone(c.list) }

// IsWorkday reports whether d is a working day. It returns a
// *YearMissingError if d's year has no data.
func (c *Calendar) IsWorkday(d Date) (bool, error) {
	if !d.Valid() {
		return false, invalidDate(d)
	}
	i := d.epochDay() - c.first
	if i < 0 || i >= c.span || int(c.unknownFrom[i]) == i {
		return false, &YearMissingError{Year: d.Year}
	}
	return c.prefix[i+1] > c.prefix[i], nil
}

// yearAt returns the year of table index i, which may lie outside the
// table.
func (c *Calendar) yearAt(i int) int { return dateOfEpochDay(c.first + i).Year }

func invalidDate(d Date) error {
	return fmt.Errorf("calendar: invalid date %04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}
