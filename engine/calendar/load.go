package calendar

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/parkfin/parkfin/configs"
)

// defaultFile is the embedded reference calendar.
const defaultFile = "calendar/cn-workdays.json"

// Parse builds a Calendar from data in the cn-workdays.json format:
//
//	{"source": "...",
//	 "years": {"2026": {"holidays": [{"name": "春节", "days": ["2026-02-15", ...]}],
//	                    "makeup_workdays": ["2026-02-14", ...],
//	                    "notice": "https://...", "status": "official ..."}}}
//
// A day is a working day if it is a make-up working day, or a Monday to
// Friday not listed in any holiday. Parse returns a *DataError naming the
// date at fault for a malformed date, a date listed under the wrong year, a
// day listed both off and as a make-up day, or a year without any day off.
func Parse(data []byte) (*Calendar, error) {
	years, err := parseSource(data, "")
	if err != nil {
		return nil, err
	}
	return build(years)
}

// WithOverrides returns a new Calendar: c with the years of data, in the
// same format as for Parse, applied on top. A year that c lacks is added. A
// year that c has is extended: the override's holidays become days off and
// its make-up days working days, even where c said the opposite; its notice
// and status, when given, replace c's. c itself is unchanged.
func (c *Calendar) WithOverrides(data []byte) (*Calendar, error) {
	return c.withOverrides(data, "")
}

func (c *Calendar) withOverrides(data []byte, file string) (*Calendar, error) {
	over, err := parseSource(data, file)
	if err != nil {
		return nil, err
	}
	merged, err := build(mergeYears(c.years, over))
	if err != nil {
		var de *DataError
		if errors.As(err, &de) {
			de.File = file
		}
		return nil, err
	}
	return merged, nil
}

// LoadDefault returns the Calendar of the reference data embedded in the
// binary (configs/calendar/cn-workdays.json).
func LoadDefault() (*Calendar, error) {
	data, err := fs.ReadFile(configs.Calendar, defaultFile)
	if err != nil {
		return nil, fmt.Errorf("calendar: read embedded %s: %w", defaultFile, err)
	}
	years, err := parseSource(data, "embedded "+defaultFile)
	if err != nil {
		return nil, err
	}
	return build(years)
}

// LoadFiles returns the default Calendar with the override files at paths
// applied in order, each as by WithOverrides: a later file wins over an
// earlier one. Errors name the file at fault.
func LoadFiles(paths ...string) (*Calendar, error) {
	c, err := LoadDefault()
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
		if c, err = c.withOverrides(data, p); err != nil {
			return nil, err
		}
	}
	return c, nil
}
