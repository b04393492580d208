package benchload

import (
	"cmp"
	"context"
	"database/sql"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of utime and stime in /proc/PID/stat (USER_HZ,
// 100 on Linux x86-64).
const clockTick = 10 * time.Millisecond

// ProcessCPU returns the CPU time (user + system) the process has spent so
// far, or 0 once it is gone.
func ProcessCPU(pid int) time.Duration {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	return ParseStat(string(raw)).CPU
}

// Backends returns, for each PostgreSQL backend of this machine whose
// client named itself app (application_name), the CPU time it has spent
// so far. db is any connection to the server.
func Backends(ctx context.Context, db *sql.DB, app string) (map[int]time.Duration, error) {
	rows, err := db.QueryContext(ctx, "SELECT pid FROM pg_stat_activity WHERE application_name = $1", app)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	spent := map[int]time.Duration{}
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			return nil, err
		}
		spent[pid] = ProcessCPU(pid)
	}
	return spent, rows.Err()
}

// BackendsSpent returns the CPU time the backends of after spent since
// before was sampled (a backend started since counts from its start; one
// that ended in between is not counted).
func BackendsSpent(before, after map[int]time.Duration) time.Duration {
	var total time.Duration
	for pid, t := range after {
		total += t - before[pid]
	}
	return total
}

// CPUTimes are what the machine's cores did, from /proc/stat's first line.
type CPUTimes struct {
	// Busy is the time the cores ran this machine's work: user, nice,
	// system, irq and softirq.
	Busy time.Duration
	// Steal is the time a core of this virtual machine was ready but the
	// hypervisor ran another: the host's load, not this machine's. On a
	// busy host it rises and falls from one minute to the next, and the
	// latencies measured here with it.
	Steal time.Duration
	// Total is every state's time, idle and I/O wait included.
	Total time.Duration
}

// Occupied is the cores' time this machine could not use for itself:
// its own work and the host's steal.
func (c CPUTimes) Occupied() time.Duration { return c.Busy + c.Steal }

// Sub returns the times spent between an earlier sample and c.
func (c CPUTimes) Sub(earlier CPUTimes) CPUTimes {
	return CPUTimes{Busy: c.Busy - earlier.Busy, Steal: c.Steal - earlier.Steal, Total: c.Total - earlier.Total}
}

// MachineCPU returns the machine's CPU times so far. Two samples give how
// many cores were busy between them, and how much the host took.
func MachineCPU() CPUTimes {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return CPUTimes{}
	}
	return MachineStat(string(raw))
}

// MachineStat returns the CPU times of a /proc/stat text (MachineCPU).
func MachineStat(s string) CPUTimes {
	line, _, _ := strings.Cut(s, "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return CPUTimes{}
	}
	var c CPUTimes
	// user nice system idle iowait irq softirq steal: guest time is
	// already counted in user.
	for i, v := range f[1:min(len(f), 9)] {
		n, _ := strconv.ParseInt(v, 10, 64)
		d := time.Duration(n) * clockTick
		c.Total += d
		switch i {
		case 3, 4: // idle, iowait
		case 7:
			c.Steal += d
		default:
			c.Busy += d
		}
	}
	return c
}

// Proc is a process as /proc/PID/stat shows it: its command name and the
// CPU time it has spent so far.
type Proc struct {
	Comm string
	CPU  time.Duration
	// Start is when it started, in clock ticks after the machine's boot:
	// a pid taken again by another process has another. (A kernel
	// worker's name changes with the work it does: not the name, then,
	// tells one process from the next.)
	Start int64
}

// Processes returns every process of the machine, kernel threads included,
// by pid.
func Processes() map[int]Proc {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	procs := make(map[int]Proc, len(entries))
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		raw, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // ended meanwhile
		}
		procs[pid] = ParseStat(string(raw))
	}
	return procs
}

// ParseStat reads a /proc/PID/stat line: the command name, which may itself
// hold spaces and parentheses, then the fields after its closing
// parenthesis — utime and stime the 14th and 15th of the line, starttime
// the 22nd. A line it cannot read gives what it could.
func ParseStat(s string) Proc {
	i, j := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if i < 0 || j < i {
		return Proc{}
	}
	p := Proc{Comm: s[i+1 : j]}
	f := strings.Fields(s[j+1:])
	if len(f) >= 13 {
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		p.CPU = time.Duration(ut+st) * clockTick
	}
	if len(f) >= 20 {
		p.Start, _ = strconv.ParseInt(f[19], 10, 64)
	}
	return p
}

// ClientBackend reports whether the PostgreSQL process pid serves a client
// connection: its title names the client's address ("host(port)") or
// "[local]", where the server's own processes (WAL writer, checkpointer,
// …) name their task only. A process whose title cannot be read (it
// ended) counts as a client's, not as the server's own work.
func ClientBackend(pid int) bool {
	title, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return true
	}
	return strings.Contains(string(title), ")") || strings.Contains(string(title), "[local]")
}

// spentSince returns the CPU time p (pid in a later sample) spent since
// the earlier sample before: all of it if it started in between.
func spentSince(before map[int]Proc, pid int, p Proc) time.Duration {
	if b, ok := before[pid]; ok && b.Start == p.Start {
		return p.CPU - b.CPU
	}
	return p.CPU
}

// CommSpent returns the CPU time the processes named comm spent between
// two samples of Processes (one started in between counts from its start).
func CommSpent(before, after map[int]Proc, comm string) time.Duration {
	var total time.Duration
	for pid, p := range after {
		if p.Comm == comm {
			total += spentSince(before, pid, p)
		}
	}
	return total
}

// Spent is CPU time spent by the processes of one command name.
type Spent struct {
	Comm string
	CPU  time.Duration
}

// Elsewhere returns the CPU time the processes that ours does not claim
// spent between two samples of Processes, by command name, largest first
// (a process started in between counts from its start), and what the
// machine's busy time between the samples holds beyond every process
// sampled: the processes that started and ended in between, or ended
// before the second sample, and what the kernel did outside any.
func Elsewhere(before, after map[int]Proc, busy time.Duration, ours func(pid int, comm string) bool) (others []Spent, unsampled time.Duration) {
	byComm := map[string]time.Duration{}
	var sampled time.Duration
	for pid, p := range after {
		d := spentSince(before, pid, p)
		sampled += d
		if d > 0 && !ours(pid, p.Comm) {
			byComm[p.Comm] += d
		}
	}
	for comm, d := range byComm {
		others = append(others, Spent{Comm: comm, CPU: d})
	}
	slices.SortFunc(others, func(a, b Spent) int {
		if c := cmp.Compare(b.CPU, a.CPU); c != 0 {
			return c
		}
		return strings.Compare(a.Comm, b.Comm)
	})
	return others, max(busy-sampled, 0)
}
