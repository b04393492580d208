package main

import (
	"bytes"
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/internal/notifytest"
)

// Proof 7 (issue 11): a `parkfin worker` process is SIGKILLed while it
// holds claimed webhook deliveries in flight; after their lease another
// sender delivers every one of them, and the receiver, de-duplicating by
// idempotency key, has each exactly once.
func TestProofSenderKilled(t *testing.T) {
	p := MustProof(t)
	const secret = "proof-webhook-secret-0123456789"
	recv := notifytest.StartReceiver(t, secret, engine.SystemClock{})
	recv.Hold()
	svc := notify.New(notify.Config{Store: p.store, Lease: 2 * time.Second, Poll: 50 * time.Millisecond,
		Senders: map[string]notify.Sender{notify.Webhook: notify.NewWebhookSender(engine.SystemClock{})}})
	if _, err := svc.AddRobot(p.ctx, notify.Robot{Org: "ICBC", Channel: notify.Webhook, URL: recv.URL + "/hook", Secret: secret}); err != nil {
		t.Fatal(err)
	}
	const n = 20
	p.openCases(p.engine, n, time.Now()) // each routed to ICBC: one webhook delivery each
	child := p.startWorker("PARKFIN_NOTIFY_LEASE=2s", "PARKFIN_NOTIFY_POLL=50ms")
	recv.WaitUntil(t, "the worker to hold deliveries in flight", 30*time.Second, func() bool { return recv.InFlight() >= 8 })
	if err := child.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-child.done
	killedAt := time.Now()
	held := p.count("SELECT count(*) FROM deliveries WHERE channel = 'webhook' AND kind = 'routed' AND status = 'pending' AND claim <> ''")
	if held == 0 {
		t.Fatal("the killed worker held no claims")
	}
	// The receiver learns that the sender is gone when its server sees the
	// connections closed, a moment after the kill: releasing before that
	// would accept a request nobody waits for any more.
	recv.WaitUntil(t, "the receiver to see the killed worker's connections closed", 10*time.Second, func() bool { return recv.InFlight() == 0 })
	recv.Release()

	ctx, cancel := context.WithCancel(p.ctx)
	done := make(chan struct{})
	go func() { defer close(done); svc.Run(ctx) }()
	defer func() { cancel(); <-done }()
	// Only the cases' own notices are counted: a worker started after the
	// digest hour on a working day also sends that day's digest.
	routed := func() []notifytest.Request {
		var out []notifytest.Request
		for _, r := range recv.Effective() {
			if bytes.Contains(r.Body, []byte(`"kind":"routed"`)) {
				out = append(out, r)
			}
		}
		return out
	}
	recv.WaitUntil(t, "every case's notice delivered", 30*time.Second, func() bool { return len(routed()) >= n })
	p.waitUntil("every delivery recorded as sent", 30*time.Second, func() bool {
		return p.count("SELECT count(*) FROM deliveries WHERE kind = 'routed' AND status = 'sent'") == n
	})
	first := time.Time{}
	for _, r := range routed() {
		if r.At.After(killedAt) && (first.IsZero() || r.At.Before(first)) {
			first = r.At
		}
	}
	if got := len(routed()); got != n || recv.BadSignatures != 0 {
		t.Fatalf("%d effective deliveries, %d bad signatures; want %d, 0", got, recv.BadSignatures, n)
	}
	if !first.IsZero() && first.Sub(killedAt) < 500*time.Millisecond {
		t.Fatalf("a held delivery went %v after the kill, before its 2s lease could expire", first.Sub(killedAt))
	}
	t.Logf("%d claims held at the kill; redelivered %v after it; %d duplicate deliveries absorbed by the receiver",
		held, first.Sub(killedAt).Round(time.Millisecond), recv.Duplicates())
}
