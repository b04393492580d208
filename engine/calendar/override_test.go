package calendar_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/engine/calendar"
)

// A plausible 2028 arrangement, for tests only.
const override2028 = `{
  "source": "test",
  "years": {
    "2028": {
      "holidays": [
        {"name": "元旦", "days": ["2028-01-01", "2028-01-02", "2028-01-03"]},
        {"name": "春节", "days": ["2028-01-25", "2028-01-26", "2028-01-27", "2028-01-28", "2028-01-29", "2028-01-30", "2028-01-31"]}
      ],
      "makeup_workdays": ["2028-01-22"],
      "notice": null,
      "status": "test data"
    }
  }
}`

func TestOverrides(t *testing.T) {
	base := MustLoadDefault(t)

	t.Run("LocalDayOff", func(t *testing.T) {
		c := MustWithOverrides(t, base, `{"years": {"2026": {"holidays": [{"name": "益阳市地方假日", "days": ["2026-03-04"]}]}}}`)
		if MustIsWorkday(t, c, MustDate(t, "2026-03-04")) {
			t.Fatal("2026-03-04 still a working day")
		}
		if got := MustAddWorkdays(t, c, MustDate(t, "2026-03-03"), 1); got != MustDate(t, "2026-03-05") {
			t.Fatalf("AddWorkdays = %v, want 2026-03-05", got)
		}
		// The base calendar is unchanged.
		if !MustIsWorkday(t, base, MustDate(t, "2026-03-04")) {
			t.Fatal("base calendar changed")
		}
		info, err := c.Year(2026)
		if err != nil {
			t.Fatal(err)
		}
		if info.Workdays != workdays2026-1 || len(info.Holidays) != 8 || info.Holidays[7].Name != "益阳市地方假日" {
			t.Fatalf("year info %+v", info)
		}
	})
	t.Run("MakeupDayAdded", func(t *testing.T) {
		c := MustWithOverrides(t, base, `{"years": {"2026": {"makeup_workdays": ["2026-03-07"]}}}`)
		if !MustIsWorkday(t, c, MustDate(t, "2026-03-07")) {
			t.Fatal("2026-03-07 not a working day")
		}
		if got := MustAddWorkdays(t, c, MustDate(t, "2026-03-06"), 1); got != MustDate(t, "2026-03-07") {
			t.Fatalf("AddWorkdays = %v", got)
		}
	})
	t.Run("OverrideWinsOverBase", func(t *testing.T) {
		// 10-07 was off in the base, 10-10 a make-up day.
		c := MustWithOverrides(t, base, `{"years": {"2026": {
			"holidays": [{"name": "国庆节", "days": ["2026-10-10"]}],
			"makeup_workdays": ["2026-10-07"],
			"status": "local override"}}}`)
		if !MustIsWorkday(t, c, MustDate(t, "2026-10-07")) {
			t.Error("2026-10-07 not a working day")
		}
		if MustIsWorkday(t, c, MustDate(t, "2026-10-10")) {
			t.Error("2026-10-10 still a working day")
		}
		info, err := c.Year(2026)
		if err != nil {
			t.Fatal(err)
		}
		var nd []string
		for _, h := range info.Holidays {
			if h.Name == "国庆节" {
				for _, d := range h.Days {
					nd = append(nd, d.String())
				}
			}
		}
		want := []string{"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-10"}
		if !slices.Equal(nd, want) {
			t.Errorf("国庆节 days %v, want %v", nd, want)
		}
		for _, d := range info.MakeupWorkdays {
			if d == MustDate(t, "2026-10-10") {
				t.Error("2026-10-10 still listed as a make-up day")
			}
		}
		if !slices.Contains(info.MakeupWorkdays, MustDate(t, "2026-10-07")) {
			t.Error("2026-10-07 not listed as a make-up day")
		}
		if info.Status != "local override" || info.Notice == "" {
			t.Errorf("status %q notice %q", info.Status, info.Notice)
		}
		if info.Workdays != workdays2026 {
			t.Errorf("Workdays = %d, want %d (one gained, one lost)", info.Workdays, workdays2026)
		}
	})
	t.Run("NewYear", func(t *testing.T) {
		c := MustWithOverrides(t, base, override2028)
		if !MustIsWorkday(t, c, MustDate(t, "2028-03-01")) {
			t.Fatal("2028-03-01 not a working day")
		}
		// 2027-12-29, 30, 31, then 2028-01-04, 01-05.
		if got := MustAddWorkdays(t, c, MustDate(t, "2027-12-28"), 5); got != MustDate(t, "2028-01-05") {
			t.Fatalf("AddWorkdays = %v, want 2028-01-05", got)
		}
		if got := c.Years(); !slices.Equal(got, []int{2024, 2025, 2026, 2027, 2028}) {
			t.Fatalf("Years() = %v", got)
		}
		_, err := c.IsWorkday(MustDate(t, "2029-01-02"))
		MustYearMissing(t, err, 2029)
	})
	t.Run("LoadFiles", func(t *testing.T) {
		dir := t.TempDir()
		p1 := filepath.Join(dir, "2028.json")
		p2 := filepath.Join(dir, "local.json")
		MustWrite(t, p1, override2028)
		MustWrite(t, p2, `{"years": {"2028": {"holidays": [{"name": "地方假日", "days": ["2028-03-01"]}]}}}`)
		c, err := calendar.LoadFiles(p1, p2)
		if err != nil {
			t.Fatal(err)
		}
		if MustIsWorkday(t, c, MustDate(t, "2028-03-01")) {
			t.Fatal("2028-03-01 is a working day despite the local file")
		}
		if !MustIsWorkday(t, c, MustDate(t, "2028-01-22")) {
			t.Fatal("2028-01-22 make-up day of the first file lost")
		}
	})
	t.Run("LoadFilesBadFileNamed", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "bad.json")
		MustWrite(t, p, `{"years": {"2028": {"holidays": [{"name": "元旦", "days": ["2028-02-30"]}]}}}`)
		_, err := calendar.LoadFiles(p)
		de := MustDataError(t, err, "2028-02-30")
		if de.File != p || !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not name the file", err)
		}
		if _, err := calendar.LoadFiles(filepath.Join(t.TempDir(), "missing.json")); err == nil {
			t.Fatal("missing file accepted")
		}
	})
}

func TestGap(t *testing.T) {
	// Data for 2024 and 2026, not 2025.
	c := MustParse(t, `{"years": {
		"2024": {"holidays": [{"name": "元旦", "days": ["2024-01-01"]}]},
		"2026": {"holidays": [{"name": "元旦", "days": ["2026-01-01", "2026-01-02", "2026-01-03"]}],
		         "makeup_workdays": ["2026-01-04"]}}}`)
	if got := c.Years(); !slices.Equal(got, []int{2024, 2026}) {
		t.Fatalf("Years() = %v", got)
	}
	t.Run("IsWorkdayInGap", func(t *testing.T) {
		_, err := c.IsWorkday(MustDate(t, "2025-06-03"))
		MustYearMissing(t, err, 2025)
	})
	t.Run("AddWorkdaysIntoGap", func(t *testing.T) {
		// 2024-12-30 Mon, 31 Tue, then 2025.
		if got := MustAddWorkdays(t, c, MustDate(t, "2024-12-27"), 2); got != MustDate(t, "2024-12-31") {
			t.Fatalf("got %v", got)
		}
		_, err := c.AddWorkdays(MustDate(t, "2024-12-27"), 3)
		MustYearMissing(t, err, 2025)
		_, err = c.AddWorkdays(MustDate(t, "2024-12-27"), 500)
		MustYearMissing(t, err, 2025)
	})
	t.Run("AddWorkdaysOutOfGap", func(t *testing.T) {
		// Received on the last day of the gap: only 2026 days count, and
		// 2026-01-04 is a Sunday worked.
		if got := MustAddWorkdays(t, c, MustDate(t, "2025-12-31"), 1); got != MustDate(t, "2026-01-04") {
			t.Fatalf("got %v, want 2026-01-04", got)
		}
		_, err := c.AddWorkdays(MustDate(t, "2025-12-30"), 1)
		MustYearMissing(t, err, 2025)
	})
	t.Run("WorkdaysBetweenAcrossGap", func(t *testing.T) {
		_, err := c.WorkdaysBetween(MustDate(t, "2024-12-01"), MustDate(t, "2026-01-10"))
		MustYearMissing(t, err, 2025)
		n, err := c.WorkdaysBetween(MustDate(t, "2025-12-31"), MustDate(t, "2026-01-05"))
		if err != nil || n != 2 {
			t.Fatalf("got %d, %v; want 2", n, err)
		}
	})
	t.Run("YearInGap", func(t *testing.T) {
		_, err := c.Year(2025)
		MustYearMissing(t, err, 2025)
	})
	t.Run("GapFilledByOverride", func(t *testing.T) {
		f := MustWithOverrides(t, c, `{"years": {"2025": {"holidays": [{"name": "元旦", "days": ["2025-01-01"]}]}}}`)
		if got := MustAddWorkdays(t, f, MustDate(t, "2024-12-27"), 3); got != MustDate(t, "2025-01-02") {
			t.Fatalf("got %v", got)
		}
	})
}

func TestInvalidData(t *testing.T) {
	base := MustLoadDefault(t)
	for _, tc := range []struct {
		name, data, names string
	}{
		{"MalformedDate", `{"years": {"2026": {"holidays": [{"name": "春节", "days": ["2026-02-30"]}]}}}`, "2026-02-30"},
		{"NotADate", `{"years": {"2026": {"holidays": [{"name": "春节", "days": ["2026/02/16"]}]}}}`, "2026/02/16"},
		{"MalformedMakeupDay", `{"years": {"2026": {"holidays": [{"name": "x", "days": ["2026-02-16"]}], "makeup_workdays": ["2026-2-14"]}}}`, "2026-2-14"},
		{"WrongYear", `{"years": {"2026": {"holidays": [{"name": "元旦", "days": ["2025-12-31", "2026-01-01"]}]}}}`, "2025-12-31"},
		{"WrongYearMakeup", `{"years": {"2026": {"holidays": [{"name": "元旦", "days": ["2026-01-01"]}], "makeup_workdays": ["2027-01-04"]}}}`, "2027-01-04"},
		{"OffAndMakeup", `{"years": {"2026": {"holidays": [{"name": "地方假日", "days": ["2026-03-04"]}], "makeup_workdays": ["2026-03-04"]}}}`, "2026-03-04"},
		{"BadYearKey", `{"years": {"26": {"holidays": [{"name": "元旦", "days": ["2026-01-01"]}]}}}`, `"26"`},
		{"UnknownField", `{"years": {"2026": {"makeup_workday": ["2026-03-07"]}}}`, "makeup_workday"},
		{"NotJSON", `{"years": `, "JSON"},
		{"TrailingData", `{"years": {}} {}`, "after"},
		{"NoYears", `{"source": "x"}`, "years"},
		{"NamelessHoliday", `{"years": {"2026": {"holidays": [{"name": " ", "days": ["2026-03-04"]}]}}}`, "no name"},
		{"NewYearWithoutDaysOff", `{"years": {"2028": {"makeup_workdays": ["2028-01-22"]}}}`, "2028"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := base.WithOverrides([]byte(tc.data))
			MustDataError(t, err, tc.names)
		})
	}
	t.Run("ParseEmpty", func(t *testing.T) {
		_, err := calendar.Parse([]byte(`{"years": {}}`))
		MustDataError(t, err, "no year")
	})
	t.Run("LocalizedMessage", func(t *testing.T) {
		_, err := calendar.Parse([]byte(`{"years": {"2026": {"holidays": [{"name": "地方假日", "days": ["2026-03-04"]}], "makeup_workdays": ["2026-03-04"]}}}`))
		de := MustDataError(t, err, "2026-03-04")
		if de.ErrorCode() != "validation_failed" {
			t.Errorf("ErrorCode() = %q", de.ErrorCode())
		}
		if zh := de.LocalizedMessage("zh"); !strings.Contains(zh, "2026-03-04") || !strings.Contains(zh, "调休上班日") {
			t.Errorf("zh message %q", zh)
		}
	})
}

// MustWrite writes data to path or fails the test.
func MustWrite(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}
