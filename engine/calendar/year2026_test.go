package calendar_test

import (
	"slices"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
)

// The 2026 arrangement (国务院办公厅关于2026年部分节假日安排的通知), written
// out here independently of the data file.
var (
	holidays2026 = []struct {
		name     string
		from, to string
	}{
		{"元旦", "2026-01-01", "2026-01-03"},
		{"春节", "2026-02-15", "2026-02-23"},
		{"清明节", "2026-04-04", "2026-04-06"},
		{"劳动节", "2026-05-01", "2026-05-05"},
		{"端午节", "2026-06-19", "2026-06-21"},
		{"中秋节", "2026-09-25", "2026-09-27"},
		{"国庆节", "2026-10-01", "2026-10-07"},
	}
	makeup2026 = []string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}
)

// 365 days from a Thursday: 261 weekdays, 19 of them off, 6 make-up days.
const workdays2026 = 248

func TestYear2026(t *testing.T) {
	c := MustLoadDefault(t)

	off := map[calendar.Date]string{}
	for _, h := range holidays2026 {
		for d := MustDate(t, h.from); !d.After(MustDate(t, h.to)); d = d.AddDays(1) {
			off[d] = h.name
		}
	}
	work := map[calendar.Date]bool{}
	for _, s := range makeup2026 {
		work[MustDate(t, s)] = true
	}

	t.Run("DaysOff", func(t *testing.T) {
		for d, name := range off {
			t.Run(d.String(), func(t *testing.T) {
				if MustIsWorkday(t, c, d) {
					t.Fatalf("%v (%s) is a working day", d, name)
				}
			})
		}
	})
	t.Run("MakeupWorkdays", func(t *testing.T) {
		for d := range work {
			t.Run(d.String(), func(t *testing.T) {
				if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
					t.Fatalf("%v is a %v, not a weekend day", d, wd)
				}
				if !MustIsWorkday(t, c, d) {
					t.Fatalf("make-up day %v is not a working day", d)
				}
			})
		}
	})
	t.Run("ReferenceFile", func(t *testing.T) {
		ref := MustNaive(t)[2026]
		for s := range ref.off {
			if MustIsWorkday(t, c, MustDate(t, s)) {
				t.Errorf("day off %s is a working day", s)
			}
		}
		for s := range ref.work {
			if !MustIsWorkday(t, c, MustDate(t, s)) {
				t.Errorf("make-up day %s is not a working day", s)
			}
		}
		if len(ref.off) != len(off) || len(ref.work) != len(work) {
			t.Errorf("reference file: %d days off and %d make-up days, want %d and %d",
				len(ref.off), len(ref.work), len(off), len(work))
		}
	})
	t.Run("EveryDay", func(t *testing.T) {
		for d := MustDate(t, "2026-01-01"); d.Year == 2026; d = d.AddDays(1) {
			wd := d.Weekday()
			want := work[d] || (wd != time.Saturday && wd != time.Sunday && off[d] == "")
			if got := MustIsWorkday(t, c, d); got != want {
				t.Errorf("IsWorkday(%v, %v) = %v, want %v", d, wd, got, want)
			}
		}
	})
	t.Run("YearInfo", func(t *testing.T) {
		info, err := c.Year(2026)
		if err != nil {
			t.Fatal(err)
		}
		if info.Workdays != workdays2026 {
			t.Errorf("Workdays = %d, want %d", info.Workdays, workdays2026)
		}
		n, err := c.WorkdaysBetween(MustDate(t, "2025-12-31"), MustDate(t, "2026-12-31"))
		if err != nil || n != workdays2026 {
			t.Errorf("WorkdaysBetween over 2026 = %d, %v; want %d", n, err, workdays2026)
		}
		// The data file agrees with the facts written out above.
		var names []string
		fileOff := map[calendar.Date]string{}
		for _, h := range info.Holidays {
			names = append(names, h.Name)
			for _, d := range h.Days {
				fileOff[d] = h.Name
			}
		}
		var wantNames []string
		for _, h := range holidays2026 {
			wantNames = append(wantNames, h.name)
		}
		if !slices.Equal(names, wantNames) {
			t.Errorf("holidays %v, want %v", names, wantNames)
		}
		if len(fileOff) != len(off) {
			t.Errorf("file lists %d days off, want %d", len(fileOff), len(off))
		}
		for d, name := range off {
			if fileOff[d] != name {
				t.Errorf("%v: file says %q, want %q", d, fileOff[d], name)
			}
		}
		var mk []string
		for _, d := range info.MakeupWorkdays {
			mk = append(mk, d.String())
		}
		if !slices.Equal(mk, makeup2026) {
			t.Errorf("make-up days %v, want %v", mk, makeup2026)
		}
		if info.Notice == "" || info.Status == "" {
			t.Errorf("notice %q, status %q: want both", info.Notice, info.Status)
		}
	})
	t.Run("Years", func(t *testing.T) {
		if got := c.Years(); !slices.Equal(got, []int{2024, 2025, 2026, 2027}) {
			t.Fatalf("Years() = %v", got)
		}
	})
	t.Run("YearMissing", func(t *testing.T) {
		_, err := c.Year(2028)
		MustYearMissing(t, err, 2028)
	})
}
