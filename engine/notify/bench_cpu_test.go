package notify_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/benchload"
)

// The benchmarks' CPU accounting, read from /proc (as the engine's
// benchmarks do): where the cores went while the notifications ran, so that
// a figure measured on a machine other programs keep busy can be read for
// what it costs rather than only for how long it took.

// benchApp names the benchmarks' PostgreSQL connections (application_name),
// by which their server processes are told from other clients'.
const benchApp = "parkfin-notify-bench"

// cpuSample is the CPU time spent so far by this process, by each
// PostgreSQL process and by the Redis server, and the busy time of all
// cores.
type cpuSample struct {
	self, redis, machine time.Duration
	postgres             map[int]time.Duration
	// server is the PostgreSQL processes serving no client (WAL writer,
	// checkpointer, …): counted as the benchmark's.
	server map[int]bool
}

func sampleCPU() cpuSample {
	u := cpuSample{self: benchload.ProcessCPU(os.Getpid()), machine: benchload.MachineCPU().Occupied(), postgres: map[int]time.Duration{}, server: map[int]bool{}}
	for pid, p := range benchload.Processes() {
		switch {
		case p.Comm == "postgres":
			u.postgres[pid] = p.CPU
			if !benchload.ClientBackend(pid) {
				u.server[pid] = true
			}
		case strings.HasPrefix(p.Comm, "redis-server"):
			u.redis += p.CPU
		}
	}
	return u
}

// benchBackends returns the process IDs of the benchmark's connections.
func benchBackends(b *testing.B, store *sqlstore.Store) map[int]bool {
	b.Helper()
	var pids []int
	if err := store.DB().Raw("SELECT pid FROM pg_stat_activity WHERE application_name = ?", benchApp).Scan(&pids).Error; err != nil {
		b.Fatal(err)
	}
	out := map[int]bool{}
	for _, p := range pids {
		out[p] = true
	}
	return out
}

// reportCPU reports the CPU time per unit between two samples, the cores
// the benchmark kept busy, and those other programs did (noise): ours are
// this process, the backends of its connections, the PostgreSQL server's
// own processes and the Redis server.
func reportCPU(b *testing.B, before, after cpuSample, ours map[int]bool, units int, unit string, wall time.Duration) {
	var pg time.Duration
	for pid, t := range after.postgres {
		if ours[pid] || after.server[pid] {
			pg += t - before.postgres[pid]
		}
	}
	self, redis := after.self-before.self, after.redis-before.redis
	per := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) / float64(units) }
	b.ReportMetric(per(self), "go-cpu-us/"+unit)
	b.ReportMetric(per(pg), "pg-cpu-us/"+unit)
	b.ReportMetric(per(redis), "redis-cpu-us/"+unit)
	total := self + pg + redis
	b.ReportMetric(float64(total)/float64(wall), "cores-busy")
	b.ReportMetric(float64(max(after.machine-before.machine-total, 0))/float64(wall), "other-cores")
}
