// Package logsink holds a process's or a service's log output for a test
// to read while the goroutines that log go on writing it.
package logsink

import (
	"bytes"
	"sync"
)

// Buffer is an io.Writer that several goroutines may write at once, and
// String reads at any time. Its zero value is ready.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns what was written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
