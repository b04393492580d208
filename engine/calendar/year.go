package calendar

import (
	"slices"
	"time"
)

// Holiday is one holiday of a year's arrangement and its days off, as the
// notice lists them (weekend days included when it lists them).
type Holiday struct {
	// Name is the holiday's name, e.g. 春节.
	Name string `json:"name"`
	// Days are the days off, ascending.
	Days []Date `json:"days"`
}

// YearInfo describes the arrangement of one year, overrides applied, as
// `parkfin calendar show <year>` prints it.
type YearInfo struct {
	// Year is the calendar year.
	Year int `json:"year"`
	// Holidays are the holidays in the order of the data, each with its
	// days off.
	Holidays []Holiday `json:"holidays"`
	// MakeupWorkdays are the weekend days worked (调休上班), ascending.
	MakeupWorkdays []Date `json:"makeup_workdays"`
	// Notice is the address of the State Council notice, if known.
	Notice string `json:"notice,omitempty"`
	// Status says how trustworthy the data is (official, single source...).
	Status string `json:"status,omitempty"`
	// Workdays is the number of working days of the year.
	Workdays int `json:"workdays"`
}

// Year returns the arrangement of year y, or a *YearMissingError if y has no
// data. The returned value is a copy; changing it does not change c.
func (c *Calendar) Year(y int) (YearInfo, error) {
	yd, ok := c.years[y]
	if !ok {
		return YearInfo{}, &YearMissingError{Year: y}
	}
	info := YearInfo{
		Year:           y,
		MakeupWorkdays: slices.Clone(yd.makeup),
		Notice:         yd.notice,
		Status:         yd.status,
	}
	for _, h := range yd.holidays {
		info.Holidays = append(info.Holidays, Holiday{Name: h.Name, Days: slices.Clone(h.Days)})
	}
	n, err := c.WorkdaysBetween(Date{y - 1, time.December, 31}, Date{y, time.December, 31})
	if err != nil {
		return YearInfo{}, err
	}
	info.Workdays = n
	return info, nil
}
