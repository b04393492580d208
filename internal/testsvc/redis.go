package testsvc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/parkfin/parkfin/engine/redisconn"
)

// DefaultRedisDB is the database index Redis tests use unless
// PARKFIN_TEST_REDIS_DB says otherwise: away from 0, where a developer's own
// data lives.
const DefaultRedisDB = 9

// Redis returns a client on the test Redis server (PARKFIN_TEST_REDIS_URL,
// default redis://127.0.0.1:6379, in any form engine/redisconn accepts), in
// database PARKFIN_TEST_REDIS_DB (default DefaultRedisDB), closed when the
// test ends. See RedisDB.
func Redis(t testing.TB) redis.UniversalClient {
	t.Helper()
	db := DefaultRedisDB
	if s := Env("PARKFIN_TEST_REDIS_DB", ""); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			t.Fatalf("PARKFIN_TEST_REDIS_DB=%q: want a database index", s)
		}
		db = n
	}
	return RedisDB(t, db)
}

// RedisDB returns a client on database db of the test Redis server, which it
// pings first (Unavailable if that fails). The database replaces any the URL
// names. It is flushed once per test process, on first use, so that a run
// starts clean while parallel tests of the process keep their keys: tests
// must still keep apart by key prefix (RedisPrefix). Packages whose tests may
// run at the same time as another package's (go test ./...) should each use
// their own db, since one process's flush would wipe the other's keys. On a
// Cluster, which has only database 0, nothing is selected or flushed.
func RedisDB(t testing.TB, db int) redis.UniversalClient {
	t.Helper()
	raw := Env("PARKFIN_TEST_REDIS_URL", "redis://127.0.0.1:6379")
	mode, err := redisconn.ModeOf(raw)
	if err != nil {
		t.Fatalf("PARKFIN_TEST_REDIS_URL: %v", err)
	}
	if mode != redisconn.Cluster {
		raw, err = withDB(raw, db)
		if err != nil {
			t.Fatalf("PARKFIN_TEST_REDIS_URL: %v", err)
		}
	}
	client, err := redisconn.ParseURL(raw)
	if err != nil {
		t.Fatalf("PARKFIN_TEST_REDIS_URL: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		Unavailable(t, "Redis", err)
	}
	t.Cleanup(func() { client.Close() })
	if mode != redisconn.Cluster {
		if err := flushOnce(ctx, client, raw); err != nil {
			t.Fatalf("flush test Redis database %d: %v", db, err)
		}
	}
	return client
}

// RedisPrefix returns a key prefix no other test uses, built from the test's
// name and random bytes, without the braces of a Redis hash tag. When the
// test ends, client deletes every key that contains it.
func RedisPrefix(t testing.TB, client redis.UniversalClient) string {
	t.Helper()
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, t.Name())
	if len(name) > 48 {
		name = name[len(name)-48:]
	}
	prefix := "test-" + name + "-" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := deleteMatching(ctx, client, "*"+prefix+"*"); err != nil {
			t.Logf("delete Redis keys of %s: %v", prefix, err)
		}
	})
	return prefix
}

var (
	flushMu sync.Mutex
	flushed = map[string]bool{}
)

// flushOnce empties the database behind url the first time this process
// asks for it.
func flushOnce(ctx context.Context, client redis.UniversalClient, url string) error {
	flushMu.Lock()
	defer flushMu.Unlock()
	if flushed[url] {
		return nil
	}
	if err := client.FlushDB(ctx).Err(); err != nil {
		return err
	}
	flushed[url] = true
	return nil
}

// withDB returns rawURL with its database set to db through the "db" option,
// which go-redis reads for standalone and Sentinel URLs.
func withDB(rawURL string, db int) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("db", strconv.Itoa(db))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// deleteMatching deletes the keys matching pattern, on every primary of a
// Cluster, one key at a time so that keys of different slots are fine.
func deleteMatching(ctx context.Context, client redis.UniversalClient, pattern string) error {
	del := func(ctx context.Context, c redis.Cmdable) error {
		iter := c.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			if err := c.Unlink(ctx, iter.Val()).Err(); err != nil {
				return err
			}
		}
		return iter.Err()
	}
	if cc, ok := client.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return del(ctx, c) })
	}
	return del(ctx, client)
}
