package benchload

import (
	"database/sql"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/parkfin/parkfin/internal/testsvc"
)

func TestMachineStat(t *testing.T) {
	// user nice system idle iowait irq softirq steal guest guest_nice
	stat := "cpu  100 5 40 800 20 3 2 9 7 0\ncpu0 50 2 20 400 10 1 1 4 3 0\n"
	got := MachineStat(stat)
	want := CPUTimes{Busy: 150 * clockTick, Steal: 9 * clockTick, Total: 979 * clockTick}
	if got != want {
		t.Errorf("MachineStat %+v, want %+v", got, want)
	}
	if got.Occupied() != 159*clockTick {
		t.Errorf("Occupied %v, want busy and steal, %v", got.Occupied(), 159*clockTick)
	}
	later := MachineStat("cpu  130 5 50 900 20 3 2 19 7 0\n")
	if d, want := later.Sub(got), (CPUTimes{Busy: 40 * clockTick, Steal: 10 * clockTick, Total: 150 * clockTick}); d != want {
		t.Errorf("Sub %+v, want %+v", d, want)
	}
	if c := MachineStat("intr 1 2 3\n"); c != (CPUTimes{}) {
		t.Errorf("a text without the cpu line: %+v", c)
	}
}

func TestParseStatCPU(t *testing.T) {
	// The command name holds a space and a parenthesis.
	line := "4242 (parkfin (x) serve) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 12 0 1000 0 0"
	if got, want := ParseStat(line).CPU, 325*clockTick; got != want {
		t.Errorf("ParseStat's CPU %v, want %v", got, want)
	}
	if got := ParseStat("garbage"); got != (Proc{}) {
		t.Errorf("ParseStat of garbage %+v", got)
	}
}

func TestElsewhere(t *testing.T) {
	before := map[int]Proc{
		1: {Comm: "parkfin", CPU: 100 * time.Millisecond, Start: 10},
		2: {Comm: "beam.smp", CPU: 50 * time.Millisecond, Start: 10},
		3: {Comm: "kworker/u8:0-events", CPU: 10 * time.Millisecond, Start: 2},
		4: {Comm: "sh", CPU: 5 * time.Millisecond, Start: 50}, // ended in between
		5: {Comm: "old", CPU: 70 * time.Millisecond, Start: 60},
	}
	after := map[int]Proc{
		1: {Comm: "parkfin", CPU: 400 * time.Millisecond, Start: 10},
		2: {Comm: "beam.smp", CPU: 90 * time.Millisecond, Start: 10},
		// A kernel worker renamed by the work it took: the same process.
		3: {Comm: "kworker/u8:0-writeback", CPU: 30 * time.Millisecond, Start: 2},
		5: {Comm: "new", CPU: 20 * time.Millisecond, Start: 90},      // the pid taken again: counts from its start
		6: {Comm: "beam.smp", CPU: 15 * time.Millisecond, Start: 95}, // started in between
	}
	ours := func(pid int, comm string) bool { return comm == "parkfin" }
	others, unsampled := Elsewhere(before, after, time.Second, ours)
	want := []Spent{{"beam.smp", 55 * time.Millisecond}, {"kworker/u8:0-writeback", 20 * time.Millisecond}, {"new", 20 * time.Millisecond}}
	if !slices.Equal(others, want) {
		t.Errorf("others %v, want %v", others, want)
	}
	if got, want := CommSpent(before, after, "beam.smp"), 55*time.Millisecond; got != want {
		t.Errorf("CommSpent %v, want %v", got, want)
	}
	// 300 + 40 + 20 + 20 + 15 ms sampled of a busy second.
	if want := 605 * time.Millisecond; unsampled != want {
		t.Errorf("unsampled %v, want %v", unsampled, want)
	}
}

func TestProcessesSeesItself(t *testing.T) {
	procs := Processes()
	self, ok := procs[os.Getpid()]
	if !ok || self.Comm == "" {
		t.Fatalf("this process (%d) not among %d: %+v", os.Getpid(), len(procs), self)
	}
	if got := ParseStat("7 (a (b) c) S 1").Comm; got != "a (b) c" {
		t.Errorf("ParseStat's command name %q", got)
	}
	line := "4242 (parkfin (x) serve) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 12 0 123456 0 0"
	if got := ParseStat(line).Start; got != 123456 {
		t.Errorf("ParseStat's start %d", got)
	}
}

// A client's backend is told from the server's own processes by its title,
// on a real server; a process that is gone counts as a client's.
func TestClientBackend(t *testing.T) {
	db, err := sql.Open("pgx", testsvc.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var client, checkpointer int
	if err := db.QueryRow("SELECT pg_backend_pid()").Scan(&client); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'").Scan(&checkpointer); err != nil {
		t.Fatal(err)
	}
	if !ClientBackend(client) {
		t.Errorf("this test's backend %d not told as a client's", client)
	}
	if ClientBackend(checkpointer) {
		t.Errorf("the checkpointer %d told as a client's", checkpointer)
	}
	if !ClientBackend(1 << 30) {
		t.Error("a process that is gone not counted as a client's")
	}
}
