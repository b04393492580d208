package main

import (
	"context"
	"errors"
)

// openRedisIndex connects the Redis timer index.
func (m *Main) openRedisIndex(ctx context.Context) error {
	return errors.New("redis timer index: not wired yet")
}
