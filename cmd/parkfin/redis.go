package main

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/parkfin/parkfin/engine/redisconn"
	"github.com/parkfin/parkfin/engine/redistimer"
)

// openRedisIndex connects the Redis timer index. Redis being down at start
// is not fatal: the database is the truth, and the worker repairs the index
// when Redis is back. A URL that does not parse is.
func (m *Main) openRedisIndex(ctx context.Context) error {
	client, err := redisconn.ParseURL(m.Config.RedisURL)
	if err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	m.closers = append(m.closers, client.Close)
	client.AddHook(m.Metrics.RedisHook())
	pingCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		m.Logger.Warn("redis unreachable at start; timers wait in the database until it is back", "err", err)
	}
	m.Index = redistimer.New(client, redistimer.Options{Prefix: m.Config.RedisPrefix})
	m.redis = client
	return nil
}

// pingRedis is the readiness check of the Redis index.
func pingRedis(client redis.UniversalClient) func(context.Context) error {
	return func(ctx context.Context) error { return client.Ping(ctx).Err() }
}
