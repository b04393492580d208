package main

import (
	"io"
	"log/slog"
	"math"
	"runtime/debug"
	"testing"

	"github.com/parkfin/parkfin/engine/password"
)

// The long-running commands collect garbage at GOGC=300 under a 64 MiB
// soft limit, with room above it for the password hashes running, unless
// the operator chose otherwise.
func TestGCDefaults(t *testing.T) {
	oldGOGC, oldLimit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	defer func() { debug.SetGCPercent(oldGOGC); debug.SetMemoryLimit(oldLimit) }()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	gogc, limit := gcDefaults(func(string) string { return "" }, log)
	if gogc != 300 || limit != 64<<20 || debug.SetGCPercent(300) != 300 {
		t.Fatalf("defaults: GOGC %d, limit %d", gogc, limit)
	}
	// Two hashes of 19 MiB running: the limit makes room for them, and
	// takes it back when they end.
	room := password.ObserveMemory(nil)
	if room == nil {
		t.Fatal("no room made for the password hashes")
	}
	room(2 * 19 << 20)
	if l := debug.SetMemoryLimit(-1); l != (64+2*19)<<20 {
		t.Fatalf("two hashes running: limit %d MiB", l>>20)
	}
	room(0)
	if l := debug.SetMemoryLimit(-1); l != 64<<20 {
		t.Fatalf("no hash running: limit %d MiB", l>>20)
	}

	debug.SetGCPercent(150)
	debug.SetMemoryLimit(math.MaxInt64)
	env := map[string]string{"GOGC": "150", "GOMEMLIMIT": "off"}
	gogc, limit = gcDefaults(func(k string) string { return env[k] }, log)
	if gogc != 150 || limit != math.MaxInt64 || debug.SetGCPercent(150) != 150 {
		t.Fatalf("with GOGC and GOMEMLIMIT set: GOGC %d, limit %d", gogc, limit)
	}
	if password.ObserveMemory(nil) != nil {
		t.Fatal("the operator's GOMEMLIMIT is moved by the password hashes")
	}
}
