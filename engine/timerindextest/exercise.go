// Package timerindextest is the conformance suite of engine.TimerIndex. Every
// implementation runs it from its own tests:
//
//	func TestIndex(t *testing.T) {
//		timerindextest.Exercise(t, func(t *testing.T) engine.TimerIndex { return memtimer.New() })
//	}
//
// The index is synchronous, so the suite never sleeps: it passes explicit
// instants as now, far from the wall clock, which also proves the
// implementation takes its time from the caller and not from a server.
package timerindextest

import (
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
)

// T0 is the instant the suite's timers are arranged around. It is years away
// from the wall clock on purpose.
var T0 = time.Date(2031, time.January, 6, 9, 0, 0, 0, time.UTC)

// Exercise runs the whole contract against the implementation newIndex
// builds. newIndex is called once per subtest, from parallel subtests, and
// must return an empty index that no other subtest sees.
func Exercise(t *testing.T, newIndex func(t *testing.T) engine.TimerIndex) {
	t.Helper()
	cases := []struct {
		name string
		run  func(t *testing.T, x engine.TimerIndex)
	}{
		{"EmptyInputs", testEmptyInputs},
		{"InvalidInputs", testInvalidInputs},
		{"ClaimOnlyDue", testClaimOnlyDue},
		{"NeverEarlyWithinMicrosecond", testNeverEarlyWithinMicrosecond},
		{"ClockIsAnArgument", testClockIsAnArgument},
		{"ClaimLimitAndOrder", testClaimLimitAndOrder},
		{"LeaseExpiry", testLeaseExpiry},
		{"ExpiredLeaseAndDueTogether", testExpiredLeaseAndDueTogether},
		{"Ack", testAck},
		{"AckKeepsRescheduled", testAckKeepsRescheduled},
		{"Release", testRelease},
		{"ReleaseIgnoresUnclaimed", testReleaseIgnoresUnclaimed},
		{"Remove", testRemove},
		{"ScheduleIdempotent", testScheduleIdempotent},
		{"ScheduleMoves", testScheduleMoves},
		{"ScheduleMovesClaimedBack", testScheduleMovesClaimedBack},
		{"ScheduleLastDuplicateWins", testScheduleLastDuplicateWins},
		{"Next", testNext},
		{"IDs", testIDs},
		{"MicrosecondRoundTrip", testMicrosecondRoundTrip},
		{"ScheduleManyAtOnce", testScheduleManyAtOnce},
		{"ConcurrentClaimers", testConcurrentClaimers},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, newIndex(t))
		})
	}
}
