package calendar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// The years a data file may describe. The bounds keep the per-day table of a
// Calendar small whatever a file says.
const (
	minDataYear = 1900
	maxDataYear = 2199
)

// fileJSON is the cn-workdays.json format: years → holidays and make-up
// working days.
type fileJSON struct {
	Source string              `json:"source"`
	Years  map[string]yearJSON `json:"years"`
}

type yearJSON struct {
	Holidays       []holidayJSON `json:"holidays"`
	MakeupWorkdays []string      `json:"makeup_workdays"`
	Notice         *string       `json:"notice"`
	Status         string        `json:"status"`
}

type holidayJSON struct {
	Name string   `json:"name"`
	Days []string `json:"days"`
}

// yearData is one year's arrangement, validated: every date exists and lies
// in the year, the days of each holiday and the make-up days are sorted and
// distinct, and no day is both off and a make-up working day.
type yearData struct {
	holidays []Holiday
	makeup   []Date
	notice   string
	status   string
}

// parseSource decodes and validates one data file. file names it in errors
// and may be empty.
func parseSource(data []byte, file string) (map[int]*yearData, error) {
	fail := func(year int, date, en, zh string) error {
		return &DataError{File: file, Year: year, Date: date, Problem: en, ProblemZH: zh}
	}
	var f fileJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	// A misspelt key ("makeup_workday") must not silently drop its days.
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fail(0, "", "not valid calendar JSON: "+err.Error(), "不是有效的日历 JSON："+err.Error())
	}
	if err := dec.Decode(new(json.RawMessage)); !errors.Is(err, io.EOF) {
		return nil, fail(0, "", "unexpected data after the JSON object", "JSON 对象之后还有多余内容")
	}
	if f.Years == nil {
		return nil, fail(0, "", `no "years" object`, `缺少 "years" 对象`)
	}

	// Validate in year order so that the error reported is always the same.
	keys := make([]string, 0, len(f.Years))
	for k := range f.Years {
		keys = append(keys, k)
	}
	slices.Sort(keys)

	out := make(map[int]*yearData, len(keys))
	for _, k := range keys {
		year, err := strconv.Atoi(k)
		if err != nil || len(k) != 4 || year < minDataYear || year > maxDataYear {
			return nil, fail(0, "", fmt.Sprintf("year key %q is not a year between %d and %d", k, minDataYear, maxDataYear),
				fmt.Sprintf("年份 %q 不是 %d 至 %d 之间的年份", k, minDataYear, maxDataYear))
		}
		yj := f.Years[k]
		yd := &yearData{status: strings.TrimSpace(yj.Status)}
		if yj.Notice != nil {
			yd.notice = strings.TrimSpace(*yj.Notice)
		}

		date := func(s string) (Date, error) {
			d, err := ParseDate(s)
			if err != nil {
				return Date{}, fail(year, s, "malformed date, want an existing YYYY-MM-DD date", "日期格式有误，应为实际存在的 YYYY-MM-DD 日期")
			}
			if d.Year != year {
				return Date{}, fail(year, s, fmt.Sprintf("date listed under the wrong year %d", year),
					fmt.Sprintf("日期被列在了错误的年份 %d 下", year))
			}
			return d, nil
		}

		off := make(map[Date]bool)
		for i, hj := range yj.Holidays {
			name := strings.TrimSpace(hj.Name)
			if name == "" {
				return nil, fail(year, "", fmt.Sprintf("holiday #%d has no name", i+1), fmt.Sprintf("第 %d 个节假日没有名称", i+1))
			}
			if len(hj.Days) == 0 {
				return nil, fail(year, "", fmt.Sprintf("holiday %s lists no days", name), fmt.Sprintf("节假日“%s”没有列出日期", name))
			}
			h := Holiday{Name: name}
			for _, s := range hj.Days {
				d, err := date(s)
				if err != nil {
					return nil, err
				}
				off[d] = true
				h.Days = append(h.Days, d)
			}
			// Two entries of one name (a notice split in two) are one holiday.
			if j := slices.IndexFunc(yd.holidays, func(x Holiday) bool { return x.Name == name }); j >= 0 {
				yd.holidays[j].Days = sortDates(append(yd.holidays[j].Days, h.Days...))
				continue
			}
			h.Days = sortDates(h.Days)
			yd.holidays = append(yd.holidays, h)
		}
		for _, s := range yj.MakeupWorkdays {
			d, err := date(s)
			if err != nil {
				return nil, err
			}
			if off[d] {
				return nil, fail(year, s, "listed both as a day off and as a make-up working day",
					"同时被列为放假日和调休上班日")
			}
			yd.makeup = append(yd.makeup, d)
		}
		yd.makeup = sortDates(yd.makeup)
		out[year] = yd
	}
	return out, nil
}

// sortDates sorts ds and removes repeated dates.
func sortDates(ds []Date) []Date {
	slices.SortFunc(ds, Date.Compare)
	return slices.Compact(ds)
}
