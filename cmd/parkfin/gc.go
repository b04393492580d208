package main

import (
	"log/slog"
	"runtime/debug"

	"github.com/parkfin/parkfin/engine/password"
)

// The collector's defaults for the commands that run for long (serve,
// worker). A server keeps little alive — about 10 MB under a stream of
// case openings — and allocates much per request: at Go's default GOGC=100
// the collector ran so often that it took a sixth of serve's CPU. At 300 it
// runs a third as often; the soft memory limit keeps the heap within
// bounds whatever GOGC lets it grow to, so that serve stays well under
// 100 MB resident. The password hashes running (sign-ins, password
// changes) are given room above the limit for the memory they hold, which
// the collector cannot free while they run: under a flood of sign-ins a
// limit without that room had the collector run flat out and the pages it
// freed go back to the kernel, only to be faulted in again by the next hash
// (four hashes at once on two cores: 11 passwords checked a second, 54
// with the room; docs/benchmarks.md). An operator's GOGC or GOMEMLIMIT is
// left as it is.
const (
	defaultGOGC       = 300
	defaultGOMEMLIMIT = 64 << 20
)

// gcDefaults applies the defaults the environment does not override, and
// logs the settings in force.
func gcDefaults(getenv func(string) string, log *slog.Logger) (gogc int, memLimit int64) {
	gogc = debug.SetGCPercent(-1)
	debug.SetGCPercent(gogc)
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGOGC)
		gogc = defaultGOGC
	}
	if getenv("GOMEMLIMIT") == "" {
		password.ObserveMemory(func(hashing int64) { debug.SetMemoryLimit(defaultGOMEMLIMIT + hashing) })
	} else {
		password.ObserveMemory(nil)
	}
	memLimit = debug.SetMemoryLimit(-1)
	log.Info("garbage collector", "gogc", gogc, "memory_limit_mib", memLimit>>20)
	return gogc, memLimit
}
