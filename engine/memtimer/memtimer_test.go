package memtimer_test

import (
	"testing"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/memtimer"
	"github.com/parkfin/parkfin/engine/timerindextest"
)

func TestIndex(t *testing.T) {
	timerindextest.Exercise(t, func(t *testing.T) engine.TimerIndex { return memtimer.New() })
}
