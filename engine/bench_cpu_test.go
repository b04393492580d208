package engine_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/internal/benchload"
)

// cpuUse is the CPU time (user + system) spent so far by this process, by
// the PostgreSQL server processes working for it and by the Redis server,
// read from /proc. The services run on this machine (loopback), so the three
// together show where the cores went during a benchmark.
type cpuUse struct {
	self, postgres, redis time.Duration
	// machine is the busy time of all cores, from /proc/stat: what is not
	// one of the three above is another program's, noise in the figures.
	machine time.Duration
}

// readCPU samples cpuUse. PostgreSQL's share is that of the backends whose
// process IDs are in backends (the store's connections, which it keeps
// open) plus the server's own processes (WAL writer, checkpointer, ...);
// backends serving other clients of the shared server are left out, and
// show up as other programs' time.
func readCPU(backends map[int]bool) cpuUse {
	var u cpuUse
	u.self = benchload.ProcessCPU(os.Getpid())
	u.machine = benchload.MachineCPU().Occupied()
	for pid, p := range benchload.Processes() {
		switch {
		case p.Comm == "postgres":
			if backends[pid] || !benchload.ClientBackend(pid) {
				u.postgres += p.CPU
			}
		case strings.HasPrefix(p.Comm, "redis-server"):
			u.redis += p.CPU
		}
	}
	return u
}

// sub returns the CPU time spent between two samples.
func (u cpuUse) sub(before cpuUse) cpuUse {
	return cpuUse{self: u.self - before.self, postgres: u.postgres - before.postgres,
		redis: u.redis - before.redis, machine: u.machine - before.machine}
}

// add returns the sum of two spans' CPU times.
func (u cpuUse) add(v cpuUse) cpuUse {
	return cpuUse{self: u.self + v.self, postgres: u.postgres + v.postgres,
		redis: u.redis + v.redis, machine: u.machine + v.machine}
}

// report reports the CPU time per unit of work, in microseconds, how many
// cores this process and the two servers kept busy over wall, and how many
// other programs did (noise).
func (u cpuUse) report(b *testing.B, units int, unit string, wall time.Duration) {
	per := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) / float64(units) }
	b.ReportMetric(per(u.self), "go-cpu-us/"+unit)
	b.ReportMetric(per(u.postgres), "pg-cpu-us/"+unit)
	b.ReportMetric(per(u.redis), "redis-cpu-us/"+unit)
	if wall > 0 {
		total := u.self + u.postgres + u.redis
		b.ReportMetric(float64(total)/float64(wall), "cores-busy")
		b.ReportMetric(float64(max(u.machine-total, 0))/float64(wall), "other-cores")
	}
}
