package redistimer_test

import (
	"testing"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/timerindextest"
)

func newBenchIndex(tb testing.TB) engine.TimerIndex {
	x, _, _ := newIndex(tb)
	return x
}

func BenchmarkSchedule(b *testing.B) { timerindextest.BenchSchedule(b, newBenchIndex) }

func BenchmarkClaimAck(b *testing.B) { timerindextest.BenchClaimAck(b, newBenchIndex) }

func BenchmarkCancel(b *testing.B) { timerindextest.BenchCancel(b, newBenchIndex) }
