package calendar_test

import "testing"

func TestRemaining(t *testing.T) {
	c := MustLoadDefault(t)
	// Received 2026-09-30 15:00, 5 working days: 10-08, 10-09, 10-10 (Sat),
	// 10-12, 10-13; due 2026-10-14 00:00.
	due, err := c.Deadline(MustTime(t, "2026-09-30T15:00:00+08:00"), 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, pausedAt string
		want           int
	}{
		{"PausedOnReceiptDay", "2026-09-30T16:00:00+08:00", 5},
		{"PausedOnHolidayBeforeAnyWorkday", "2026-10-03T10:00:00+08:00", 5},
		{"PausedOnFirstWorkday", "2026-10-08T09:00:00+08:00", 4},
		{"PausedOnSecondWorkday", "2026-10-09T10:00:00+08:00", 3},
		{"PausedOnMakeupSaturday", "2026-10-10T10:00:00+08:00", 2},
		{"PausedOnSunday", "2026-10-11T10:00:00+08:00", 2},
		{"PausedOnLastDay", "2026-10-13T09:00:00+08:00", 0},
		{"PausedAtDue", "2026-10-14T00:00:00+08:00", 0},
		{"PausedAfterDue", "2026-10-20T10:00:00+08:00", 0},
		{"PausedInUTC", "2026-10-09T02:00:00Z", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Remaining(MustTime(t, tc.pausedAt), due)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("Remaining(%s) = %d, want %d", tc.pausedAt, got, tc.want)
			}
		})
	}
	t.Run("ResumeGivesSameDueDate", func(t *testing.T) {
		// Paused on 10-09 with 3 left, resumed the same day: due unchanged.
		left, err := c.Remaining(MustTime(t, "2026-10-09T10:00:00+08:00"), due)
		if err != nil {
			t.Fatal(err)
		}
		again, err := c.Deadline(MustTime(t, "2026-10-09T11:00:00+08:00"), left)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Equal(due) {
			t.Fatalf("resumed deadline %v, want %v", again, due)
		}
	})
}
