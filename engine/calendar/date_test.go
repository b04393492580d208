package calendar_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
)

func TestParseDate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		d := MustDate(t, "2024-02-29")
		if want := (calendar.Date{Year: 2024, Month: time.February, Day: 29}); d != want {
			t.Fatalf("got %#v, want %#v", d, want)
		}
		if d.String() != "2024-02-29" {
			t.Fatalf("String() = %q", d.String())
		}
	})
	for _, s := range []string{"", "2026-02-29", "2026-13-01", "2026-1-05", "20260105", "2026-01-05T00:00:00Z", " 2026-01-05"} {
		t.Run("Bad "+s, func(t *testing.T) {
			if _, err := calendar.ParseDate(s); err == nil {
				t.Fatalf("ParseDate(%q) accepted", s)
			}
		})
	}
}

func TestDateArithmetic(t *testing.T) {
	// Every day from 1899 to 2201 against the time package.
	start := time.Date(1899, 1, 1, 0, 0, 0, 0, time.UTC)
	d := MustDate(t, "1899-01-01")
	for i := range 110_000 {
		tt := start.AddDate(0, 0, i)
		y, m, dd := tt.Date()
		want := calendar.Date{Year: y, Month: m, Day: dd}
		if got := d.AddDays(i); got != want {
			t.Fatalf("AddDays(%d) = %v, want %v", i, got, want)
		}
		if got := want.Weekday(); got != tt.Weekday() {
			t.Fatalf("%v.Weekday() = %v, want %v", want, got, tt.Weekday())
		}
		if !want.Valid() {
			t.Fatalf("%v not valid", want)
		}
		if back := want.AddDays(-i); back != d {
			t.Fatalf("%v.AddDays(%d) = %v, want %v", want, -i, back, d)
		}
	}
	if (calendar.Date{Year: 2026, Month: time.February, Day: 29}).Valid() {
		t.Fatal("2026-02-29 valid")
	}
	a, b := MustDate(t, "2026-12-31"), MustDate(t, "2027-01-01")
	if !a.Before(b) || !b.After(a) || a.Compare(b) != -1 || a.Compare(a) != 0 {
		t.Fatal("comparison of 2026-12-31 and 2027-01-01")
	}
}

func TestDateOf(t *testing.T) {
	t.Run("UTCEveningIsNextDayInShanghai", func(t *testing.T) {
		if got := calendar.DateOf(MustTime(t, "2026-10-09T17:30:00Z")); got != MustDate(t, "2026-10-10") {
			t.Fatalf("got %v, want 2026-10-10", got)
		}
	})
	t.Run("ShanghaiMidnight", func(t *testing.T) {
		if got := calendar.DateOf(MustTime(t, "2026-10-10T00:00:00+08:00")); got != MustDate(t, "2026-10-10") {
			t.Fatalf("got %v", got)
		}
		if got := calendar.DateOf(MustTime(t, "2026-10-09T23:59:59+08:00")); got != MustDate(t, "2026-10-09") {
			t.Fatalf("got %v", got)
		}
	})
	t.Run("Location", func(t *testing.T) {
		if calendar.Location().String() != "Asia/Shanghai" {
			t.Fatalf("Location() = %v", calendar.Location())
		}
		s := MustDate(t, "2026-10-10").Start()
		if s.Format(time.RFC3339) != "2026-10-10T00:00:00+08:00" {
			t.Fatalf("Start() = %v", s)
		}
	})
}

func TestDateJSON(t *testing.T) {
	b, err := json.Marshal(MustDate(t, "2026-01-04"))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `"2026-01-04"` {
		t.Fatalf("got %s", b)
	}
	var d calendar.Date
	if err := json.Unmarshal([]byte(`"2026-02-30"`), &d); err == nil {
		t.Fatal("2026-02-30 accepted")
	}
}
