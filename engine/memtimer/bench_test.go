package memtimer_test

import (
	"testing"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/memtimer"
	"github.com/parkfin/parkfin/engine/timerindextest"
)

func newBenchIndex(testing.TB) engine.TimerIndex { return memtimer.New() }

func BenchmarkSchedule(b *testing.B) { timerindextest.BenchSchedule(b, newBenchIndex) }

func BenchmarkClaimAck(b *testing.B) { timerindextest.BenchClaimAck(b, newBenchIndex) }

func BenchmarkCancel(b *testing.B) { timerindextest.BenchCancel(b, newBenchIndex) }
