package calendar_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
)

func TestAddWorkdays(t *testing.T) {
	c := MustLoadDefault(t)
	for _, tc := range []struct {
		name, from string
		want       []string // 1st, 2nd, ... working day after from
	}{
		{"NationalDay", "2026-09-30", []string{"2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12", "2026-10-13"}},
		{"ReceivedOnHoliday", "2026-10-03", []string{"2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12", "2026-10-13"}},
		{"ReceivedOnLastHoliday", "2026-10-07", []string{"2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12", "2026-10-13"}},
		// 2026-10-10 is a Saturday worked: receipt on it does not count.
		{"ReceivedOnMakeupDay", "2026-10-10", []string{"2026-10-12", "2026-10-13", "2026-10-14", "2026-10-15", "2026-10-16"}},
		{"ReceivedOnSaturday", "2026-03-07", []string{"2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13"}},
		{"ReceivedOnSunday", "2026-03-08", []string{"2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13"}},
		// 春节: 02-14 (Sat) worked, 02-15..23 off, 02-28 (Sat) worked.
		{"SpringFestival", "2026-02-12", []string{"2026-02-13", "2026-02-14", "2026-02-24", "2026-02-25", "2026-02-26", "2026-02-27", "2026-02-28", "2026-03-02"}},
		{"ReceivedOnSpringFestival", "2026-02-17", []string{"2026-02-24", "2026-02-25", "2026-02-26", "2026-02-27", "2026-02-28", "2026-03-02"}},
		// 2026-12-31 (Thu) → 2027: 01-01..03 off, 01-04 Mon.
		{"YearBoundary", "2026-12-29", []string{"2026-12-30", "2026-12-31", "2027-01-04", "2027-01-05", "2027-01-06"}},
		// 2025-12-31 (Wed) → 2026: 01-01..03 off, 01-04 (Sun) worked.
		{"YearBoundaryMakeupSunday", "2025-12-30", []string{"2025-12-31", "2026-01-04", "2026-01-05"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := MustDate(t, tc.from)
			for i, w := range tc.want {
				if got := MustAddWorkdays(t, c, from, i+1); got != MustDate(t, w) {
					t.Errorf("AddWorkdays(%s, %d) = %v, want %s", tc.from, i+1, got, w)
				}
			}
		})
	}
	t.Run("Zero", func(t *testing.T) {
		for _, s := range []string{"2026-10-01", "2026-10-10", "2026-10-12"} {
			if got := MustAddWorkdays(t, c, MustDate(t, s), 0); got != MustDate(t, s) {
				t.Errorf("AddWorkdays(%s, 0) = %v", s, got)
			}
		}
	})
	t.Run("Negative", func(t *testing.T) {
		if _, err := c.AddWorkdays(MustDate(t, "2026-10-12"), -1); err == nil {
			t.Fatal("n = -1 accepted")
		}
	})
	t.Run("HugeN", func(t *testing.T) {
		_, err := c.AddWorkdays(MustDate(t, "2026-10-12"), math.MaxInt)
		MustYearMissing(t, err, 2028)
	})
	t.Run("InvalidDate", func(t *testing.T) {
		if _, err := c.AddWorkdays(calendar.Date{Year: 2026, Month: 2, Day: 30}, 1); err == nil {
			t.Fatal("2026-02-30 accepted")
		}
	})
}

func TestDeadline(t *testing.T) {
	c := MustLoadDefault(t)
	for _, tc := range []struct {
		name, from string
		n          int
		want       string
	}{
		{"NationalDay5", "2026-09-30T15:00:00+08:00", 5, "2026-10-14T00:00:00+08:00"},
		{"NationalDay3EndsOnMakeupSaturday", "2026-09-30T15:00:00+08:00", 3, "2026-10-11T00:00:00+08:00"},
		{"ReceivedAtMidnight", "2026-09-30T00:00:00+08:00", 5, "2026-10-14T00:00:00+08:00"},
		{"ReceivedJustBeforeMidnight", "2026-09-30T23:59:59.999+08:00", 5, "2026-10-14T00:00:00+08:00"},
		{"ReceivedOnHoliday", "2026-10-02T09:00:00+08:00", 5, "2026-10-14T00:00:00+08:00"},
		{"ReceivedOnMakeupDay", "2026-10-10T09:00:00+08:00", 1, "2026-10-13T00:00:00+08:00"},
		{"ReceivedOnSaturday", "2026-03-07T09:00:00+08:00", 5, "2026-03-14T00:00:00+08:00"},
		{"SpringFestival", "2026-02-13T10:00:00+08:00", 5, "2026-02-28T00:00:00+08:00"},
		{"YearBoundary", "2026-12-30T10:00:00+08:00", 5, "2027-01-08T00:00:00+08:00"},
		{"ZeroIsEndOfDay", "2026-10-03T10:00:00+08:00", 0, "2026-10-04T00:00:00+08:00"},
		// 17:30 UTC on 10-09 is 01:30 on 10-10 in Shanghai: receipt on the
		// make-up Saturday.
		{"UTCInstantIsNextDayInShanghai", "2026-10-09T17:30:00Z", 1, "2026-10-13T00:00:00+08:00"},
		{"UTCInstantSameDay", "2026-10-09T15:59:59Z", 1, "2026-10-11T00:00:00+08:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Deadline(MustTime(t, tc.from), tc.n)
			if err != nil {
				t.Fatal(err)
			}
			if s := got.Format(time.RFC3339); s != tc.want {
				t.Fatalf("Deadline(%s, %d) = %s, want %s", tc.from, tc.n, s, tc.want)
			}
			if got.Location().String() != "Asia/Shanghai" {
				t.Fatalf("deadline in %v, want Asia/Shanghai", got.Location())
			}
		})
	}
	t.Run("SameInstantInTwoZones", func(t *testing.T) {
		utc := MustTime(t, "2026-09-30T07:00:00Z")
		cst := MustTime(t, "2026-09-30T15:00:00+08:00")
		ny := utc.In(MustZone(t, "America/New_York"))
		a, err1 := c.Deadline(utc, 5)
		b, err2 := c.Deadline(cst, 5)
		d, err3 := c.Deadline(ny, 5)
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatal(err1, err2, err3)
		}
		if a != b || a != d {
			t.Fatalf("deadlines differ: %v, %v, %v", a, b, d)
		}
		if a.Location() != calendar.Location() {
			t.Fatalf("deadline in %v", a.Location())
		}
	})
}

// MustZone loads a time zone or fails the test.
func MustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestYearMissing(t *testing.T) {
	c := MustLoadDefault(t)
	t.Run("AddWorkdaysRunsOffLastYear", func(t *testing.T) {
		// 12-29, 12-30, 12-31 are the last three working days of 2027.
		if got := MustAddWorkdays(t, c, MustDate(t, "2027-12-28"), 3); got != MustDate(t, "2027-12-31") {
			t.Fatalf("got %v, want 2027-12-31", got)
		}
		_, err := c.AddWorkdays(MustDate(t, "2027-12-28"), 5)
		MustYearMissing(t, err, 2028)
	})
	t.Run("AddWorkdaysFromLastDay", func(t *testing.T) {
		_, err := c.AddWorkdays(MustDate(t, "2027-12-31"), 1)
		MustYearMissing(t, err, 2028)
	})
	t.Run("Deadline", func(t *testing.T) {
		_, err := c.Deadline(MustTime(t, "2027-12-28T10:00:00+08:00"), 5)
		MustYearMissing(t, err, 2028)
	})
	t.Run("IsWorkday", func(t *testing.T) {
		_, err := c.IsWorkday(MustDate(t, "2028-03-01"))
		MustYearMissing(t, err, 2028)
		_, err = c.IsWorkday(MustDate(t, "2023-12-29"))
		MustYearMissing(t, err, 2023)
	})
	t.Run("BeforeFirstYear", func(t *testing.T) {
		_, err := c.AddWorkdays(MustDate(t, "2023-06-01"), 1)
		MustYearMissing(t, err, 2023)
		// The day of receipt itself is not examined.
		if got := MustAddWorkdays(t, c, MustDate(t, "2023-12-31"), 1); got != MustDate(t, "2024-01-02") {
			t.Fatalf("got %v, want 2024-01-02", got)
		}
	})
	t.Run("WorkdaysBetween", func(t *testing.T) {
		_, err := c.WorkdaysBetween(MustDate(t, "2027-12-01"), MustDate(t, "2028-01-10"))
		MustYearMissing(t, err, 2028)
		_, err = c.WorkdaysBetween(MustDate(t, "2023-12-01"), MustDate(t, "2024-01-10"))
		MustYearMissing(t, err, 2023)
	})
	t.Run("Messages", func(t *testing.T) {
		_, err := c.IsWorkday(MustDate(t, "2028-03-01"))
		ym := err.(*calendar.YearMissingError)
		if !strings.Contains(err.Error(), "2028") {
			t.Errorf("Error() = %q does not name the year", err)
		}
		if ym.ErrorCode() != "calendar_year_missing" {
			t.Errorf("ErrorCode() = %q", ym.ErrorCode())
		}
		if zh := ym.LocalizedMessage("zh"); zh != "2028 年的法定节假日安排尚未录入，无法计算工作日，请管理员导入该年度的国务院放假通知。" {
			t.Errorf("zh message %q", zh)
		}
		if en := ym.LocalizedMessage("en"); !strings.Contains(en, "2028") || strings.Contains(en, "年") {
			t.Errorf("en message %q", en)
		}
	})
}
