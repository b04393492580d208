package logsink

import (
	"strings"
	"sync"
	"testing"
)

// Writes from several goroutines at once all land whole, and String reads
// while they go on.
func TestBufferConcurrentWrites(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 100 {
				if _, err := b.Write([]byte{'a' + byte(i), '\n'}); err != nil {
					t.Error(err)
				}
				_ = b.String()
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 800 {
		t.Fatalf("%d lines, want 800", len(lines))
	}
	for _, l := range lines {
		if len(l) != 1 {
			t.Fatalf("a write was split or merged: %q", l)
		}
	}
}
