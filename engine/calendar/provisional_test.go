package calendar_test

import (
	"testing"
	"time"
)

func TestProvisionalDeadline(t *testing.T) {
	c := MustLoadDefault(t) // data for 2024–2027
	sh := func(s string) time.Time { return MustTime(t, s) }
	for _, tc := range []struct {
		name        string
		from        string
		n           int
		want        string
		provisional bool
	}{
		// Inside the data: exact, as Deadline.
		{"Exact", "2026-09-30T15:00:00+08:00", 5, "2026-10-14T00:00:00+08:00", false},
		// 2027-12-28 (Tue): 12-29, 12-30, 12-31 are 2027 working days;
		// 2028 has no data: Mon 01-03 and Tue 01-04 count as weekdays
		// (01-01 is a Saturday).
		{"IntoMissingYear", "2027-12-28T10:00:00+08:00", 5, "2028-01-05T00:00:00+08:00", true},
		{"EndsBeforeMissingYear", "2027-12-28T10:00:00+08:00", 3, "2028-01-01T00:00:00+08:00", false},
		{"WhollyMissing", "2028-03-01T10:00:00+08:00", 2, "2028-03-04T00:00:00+08:00", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, prov, err := c.ProvisionalDeadline(sh(tc.from), tc.n)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(sh(tc.want)) || prov != tc.provisional {
				t.Fatalf("ProvisionalDeadline(%s, %d) = %v provisional %v, want %s provisional %v",
					tc.from, tc.n, got, prov, tc.want, tc.provisional)
			}
		})
	}
	t.Run("Negative", func(t *testing.T) {
		if _, _, err := c.ProvisionalDeadline(sh("2027-12-28T10:00:00+08:00"), -1); err == nil {
			t.Fatal("n = -1 accepted")
		}
	})
}

func TestProvisionalRemaining(t *testing.T) {
	c := MustLoadDefault(t)
	sh := func(s string) time.Time { return MustTime(t, s) }
	// Paused on Wed 2027-12-29 with a limit ending at 24:00 of Wed
	// 2028-01-05 (provisional): 12-30, 12-31, then Mon 01-03 to Wed 01-05.
	left, prov, err := c.ProvisionalRemaining(sh("2027-12-29T10:00:00+08:00"), sh("2028-01-06T00:00:00+08:00"))
	if err != nil || left != 5 || !prov {
		t.Fatalf("left %d provisional %v (%v), want 5 provisional", left, prov, err)
	}
	left, prov, err = c.ProvisionalRemaining(sh("2026-11-04T14:00:00+08:00"), sh("2026-11-10T00:00:00+08:00"))
	if err != nil || left != 3 || prov {
		t.Fatalf("exact: left %d provisional %v (%v), want 3 exact", left, prov, err)
	}
}

func TestMissingNextYear(t *testing.T) {
	c := MustLoadDefault(t)
	sh := func(s string) time.Time { return MustTime(t, s) }
	if y, ok := c.MissingNextYear(sh("2027-10-31T23:59:00+08:00")); ok {
		t.Fatalf("October reports %d missing", y)
	}
	if y, ok := c.MissingNextYear(sh("2027-11-01T00:00:00+08:00")); !ok || y != 2028 {
		t.Fatalf("1 November 2027: %d %v, want 2028 missing", y, ok)
	}
	if y, ok := c.MissingNextYear(sh("2026-12-01T00:00:00+08:00")); ok {
		t.Fatalf("2027 has data, yet %d reported missing", y)
	}
}
