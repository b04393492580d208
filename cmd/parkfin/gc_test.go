package main

import (
	"io"
	"log/slog"
	"math"
	"runtime/debug"
	"testing"
)

// The long-running commands collect garbage at GOGC=300 under a 64 MiB
// soft limit, unless the operator chose otherwise.
func TestGCDefaults(t *testing.T) {
	oldGOGC, oldLimit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	defer func() { debug.SetGCPercent(oldGOGC); debug.SetMemoryLimit(oldLimit) }()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	gogc, limit := gcDefaults(func(string) string { return "" }, log)
	if gogc != 300 || limit != 64<<20 || debug.SetGCPercent(300) != 300 {
		t.Fatalf("defaults: GOGC %d, limit %d", gogc, limit)
	}

	debug.SetGCPercent(150)
	debug.SetMemoryLimit(math.MaxInt64)
	env := map[string]string{"GOGC": "150", "GOMEMLIMIT": "off"}
	gogc, limit = gcDefaults(func(k string) string { return env[k] }, log)
	if gogc != 150 || limit != math.MaxInt64 || debug.SetGCPercent(150) != 150 {
		t.Fatalf("with GOGC and GOMEMLIMIT set: GOGC %d, limit %d", gogc, limit)
	}
}
