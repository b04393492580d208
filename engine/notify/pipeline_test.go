package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/internal/notifytest"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// Run sends through the pipeline (claimer, senders, recorder): every
// delivery arrives once and is recorded sent at its first attempt, in
// batches smaller than the backlog; stopped while sends are in flight and
// more are queued, it leaves no delivery claimed: the queued are put back
// at once, the interrupted recorded as failed attempts to retry.
func TestRunPipeline(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db)
		recv := notifytest.StartReceiver(t, webhookSecret, e.clock)
		svc := notify.New(notify.Config{Store: e.x.Store, Clock: e.clock, Batch: 8, Concurrency: 4, Poll: time.Hour,
			Senders: map[string]notify.Sender{notify.Webhook: notify.NewWebhookSender(e.clock)}})
		if _, err := svc.AddRobot(e.ctx, notify.Robot{Org: "ICBC", Channel: notify.Webhook, URL: recv.URL + "/run", Secret: webhookSecret}); err != nil {
			t.Fatal(err)
		}
		run := func() (context.CancelFunc, chan struct{}) {
			ctx, cancel := context.WithCancel(e.ctx)
			done := make(chan struct{})
			go func() { defer close(done); svc.Run(ctx) }()
			return cancel, done
		}
		const n = 30
		for i := 0; i < n; i++ {
			e.open("GXQ", i)
		}
		cancel, done := run()
		recv.WaitFor(t, n, 30*time.Second)
		// The receiver has them all; the recorder writes them down.
		sent := "SELECT count(*) FROM deliveries WHERE destination IN (SELECT id FROM notify_robots WHERE url LIKE '%/run') AND status = 'sent' AND attempts = 1 AND claim = ''"
		deadline := time.After(30 * time.Second)
		for e.count(sent) != n {
			select {
			case <-deadline:
				t.Fatalf("%d of %d deliveries recorded sent at their first attempt", e.count(sent), n)
			case <-time.After(10 * time.Millisecond):
			}
		}
		cancel()
		<-done
		if recv.Duplicates() != 0 || recv.BadSignatures != 0 {
			t.Fatalf("%d duplicates, %d bad signatures", recv.Duplicates(), recv.BadSignatures)
		}

		// Stopped with 4 sends held and more queued: nothing stays leased.
		recv.Hold()
		for i := n; i < 2*n; i++ {
			e.open("GXQ", i)
		}
		cancel, done = run()
		recv.WaitUntil(t, "4 sends in flight", 30*time.Second, func() bool { return recv.InFlight() >= 4 })
		cancel()
		<-done
		recv.Release()
		if got := e.count("SELECT count(*) FROM deliveries WHERE claim <> ''"); got != 0 {
			t.Fatalf("%d deliveries still claimed after the service stopped", got)
		}
		if got := e.count("SELECT count(*) FROM deliveries WHERE channel = 'webhook' AND status = 'pending' AND attempts > 0 AND destination IN (SELECT id FROM notify_robots WHERE url LIKE '%/run')"); got > 4 {
			t.Fatalf("%d deliveries counted an attempt; only the 4 in flight were tried", got)
		}
	})
}
