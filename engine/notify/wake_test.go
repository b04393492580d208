package notify_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// A notice written by one process wakes the dispatcher of another over
// Redis at once: the other polls once an hour, yet has the notice in the
// inbox within seconds.
func TestWakeAcrossProcesses(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		x := enginetest.New(t, db, start)
		client := testsvc.RedisDB(t, benchRedisDB)
		prefix := testsvc.RedisPrefix(t, client)
		// The writing process (a CLI command, or serve without a
		// dispatcher): its engine wakes its service, which does not run.
		writer := notify.New(notify.Config{Store: x.Store, Clock: x.Clock, Redis: client, RedisPrefix: prefix})
		x.Engine.OnNotice(writer.Wake)
		reader := notify.New(notify.Config{Store: x.Store, Clock: x.Clock, Poll: time.Hour, Redis: client, RedisPrefix: prefix})
		inboxed := make(chan []string, 16)
		reader.OnInbox(func(ids []string) { inboxed <- ids })
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); reader.Run(ctx) }()
		defer func() { cancel(); <-done }()

		wake := prefix + "notify:wake"
		deadline := time.After(10 * time.Second)
		for client.PubSubNumSub(ctx, wake).Val()[wake] == 0 {
			select {
			case <-deadline:
				t.Fatal("the dispatcher did not subscribe to wake-ups")
			case <-time.After(5 * time.Millisecond):
			}
		}
		code, _ := uscc.CheckChar("91430900MA4L00001")
		raw, _ := json.Marshal(financing.OpenInput{Park: "GXQ", Enterprise: financing.Enterprise{Name: "益阳市示范机械制造有限公司",
			USCC: "91430900MA4L00001" + string(code)}, Need: "流动资金贷款"})
		u, err := x.Store.User(ctx, "window-GXQ")
		if err != nil {
			t.Fatal(err)
		}
		c, err := x.Engine.Open(ctx, engine.OpenRequest{Workflow: financing.Name, Actor: u.Actor(), Payload: raw})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case ids := <-inboxed:
			if len(ids) != 1 {
				t.Fatalf("dispatched %v, want the routed notice of %s", ids, c.Number)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the other process's notice waited for the hourly poll")
		}
	})
}
