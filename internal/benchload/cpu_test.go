package benchload

import (
	"testing"
	"time"
)

func TestMachineStat(t *testing.T) {
	// user nice system idle iowait irq softirq steal guest guest_nice
	stat := "cpu  100 5 40 800 20 3 2 9 7 0\ncpu0 50 2 20 400 10 1 1 4 3 0\n"
	got := MachineStat(stat)
	want := CPUTimes{Busy: 150 * clockTick, Steal: 9 * clockTick, Total: 979 * clockTick}
	if got != want {
		t.Errorf("MachineStat %+v, want %+v", got, want)
	}
	later := MachineStat("cpu  130 5 50 900 20 3 2 19 7 0\n")
	if d, want := later.Sub(got), (CPUTimes{Busy: 40 * clockTick, Steal: 10 * clockTick, Total: 150 * clockTick}); d != want {
		t.Errorf("Sub %+v, want %+v", d, want)
	}
	if c := MachineStat("intr 1 2 3\n"); c != (CPUTimes{}) {
		t.Errorf("a text without the cpu line: %+v", c)
	}
}

func TestStatCPU(t *testing.T) {
	// The command name holds a space and a parenthesis.
	line := "4242 (parkfin (x) serve) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 12 0 1000 0 0"
	if got, want := StatCPU(line), 325*clockTick; got != want {
		t.Errorf("StatCPU %v, want %v", got, want)
	}
	if got := StatCPU("garbage"); got != time.Duration(0) {
		t.Errorf("StatCPU of garbage %v", got)
	}
}
