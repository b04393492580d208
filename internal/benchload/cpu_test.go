package benchload

import (
	"testing"
	"time"
)

func TestMachineStat(t *testing.T) {
	// user nice system idle iowait irq softirq steal guest guest_nice
	stat := "cpu  100 5 40 800 20 3 2 0 7 0\ncpu0 50 2 20 400 10 1 1 0 3 0\n"
	busy, total := MachineStat(stat)
	if want := 150 * clockTick; busy != want {
		t.Errorf("busy %v, want %v", busy, want)
	}
	if want := 970 * clockTick; total != want {
		t.Errorf("total %v, want %v", total, want)
	}
	if b, tot := MachineStat("intr 1 2 3\n"); b != 0 || tot != 0 {
		t.Errorf("a text without the cpu line: %v %v", b, tot)
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
