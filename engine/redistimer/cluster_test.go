package redistimer_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/redistimer"
	"github.com/parkfin/parkfin/engine/timerindextest"
	"github.com/parkfin/parkfin/internal/testsvc"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testsvc.StopRedisCluster()
	os.Exit(code)
}

// The index's contract holds on a real Redis Cluster of three primaries:
// the scripts touch only keys of one hash tag, so each runs on one node.
func TestIndexOnCluster(t *testing.T) {
	rc := testsvc.StartRedisCluster(t)
	timerindextest.Exercise(t, func(t *testing.T) engine.TimerIndex {
		client := rc.Client(t)
		return redistimer.New(client, redistimer.Options{Prefix: testsvc.RedisPrefix(t, client)})
	})
}

// Indexes of different prefixes land on different nodes of the cluster and
// work side by side: the hash tag keeps each one's keys in one slot.
func TestClusterSpreadsPrefixes(t *testing.T) {
	rc := testsvc.StartRedisCluster(t)
	client := rc.Client(t)
	cc, ok := client.(*redis.ClusterClient)
	if !ok {
		t.Fatalf("client %T is not a cluster client", client)
	}
	ctx := context.Background()
	nodes := map[string]bool{}
	for i := 0; i < 12; i++ {
		prefix := testsvc.RedisPrefix(t, client)
		x := redistimer.New(client, redistimer.Options{Prefix: prefix})
		if err := x.Schedule(ctx, engine.TimerRef{ID: "a", DueAt: timerindextest.T0}); err != nil {
			t.Fatal(err)
		}
		got, err := x.Claim(ctx, timerindextest.T0, 10, time.Minute)
		if err != nil || len(got) != 1 {
			t.Fatalf("prefix %s: claimed %v (%v)", prefix, got, err)
		}
		slot, err := cc.ClusterKeySlot(ctx, "{"+prefix+"}:timers:waiting").Result()
		if err != nil {
			t.Fatal(err)
		}
		shards, err := cc.ClusterShards(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range shards {
			for _, r := range sh.Slots {
				if slot >= r.Start && slot <= r.End {
					nodes[sh.Nodes[0].ID] = true
				}
			}
		}
	}
	if len(nodes) < 2 {
		t.Fatalf("12 prefixes all on one node of three: the test proves nothing about slots")
	}
}
