package benchload

import (
	"context"
	"database/sql"
	"os"
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
	return StatCPU(string(raw))
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

// StatCPU returns utime+stime of a /proc/PID/stat line. The command name
// may hold spaces, so fields are counted after its closing parenthesis:
// utime and stime are the 14th and 15th fields of the line.
func StatCPU(s string) time.Duration {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * clockTick
}

// MachineCPU returns the time all of the machine's cores have spent busy
// and the time they have been counted, both summed over the cores, from
// /proc/stat's first line: busy is everything but idle and waiting for
// I/O. Two samples give how many cores were busy between them.
func MachineCPU() (busy, total time.Duration) {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	return MachineStat(string(raw))
}

// MachineStat returns busy and total of a /proc/stat text (MachineCPU).
func MachineStat(s string) (busy, total time.Duration) {
	line, _, _ := strings.Cut(s, "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return 0, 0
	}
	var idle int64
	// user nice system idle iowait irq softirq steal: guest time is
	// already counted in user.
	for i, v := range f[1:min(len(f), 9)] {
		n, _ := strconv.ParseInt(v, 10, 64)
		total += time.Duration(n) * clockTick
		if i == 3 || i == 4 {
			idle += n
		}
	}
	return total - time.Duration(idle)*clockTick, total
}
