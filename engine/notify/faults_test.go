package notify_test

import (
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/internal/notifytest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
)

// advanceDraining walks the fake clock forward by step until until has
// passed, draining at each step.
func (e *env) advanceDraining(step, until time.Duration) {
	e.t.Helper()
	for walked := time.Duration(0); walked <= until; walked += step {
		e.clock.Advance(step)
		e.drain()
	}
}

// The SMTP server refuses every message for 2 minutes of fake time, then
// accepts: every message arrives, once.
func TestSMTPRefusesTwoMinutes(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db)
		until := e.clock.Now().Add(2 * time.Minute)
		e.smtp.Refuse(func() error {
			if e.clock.Now().Before(until) {
				return notifytest.TempFail
			}
			return nil
		})
		const n = 10
		for i := 0; i < n; i++ {
			e.open("GXQ", i)
		}
		e.drain()
		if got := len(e.smtp.Mails()); got != 0 {
			t.Fatalf("%d mails while refusing", got)
		}
		if got := len(e.webhook.Effective()); got != n {
			t.Fatalf("the webhook got %d of %d while mail was down: a down channel held up another", got, n)
		}
		e.advanceDraining(10*time.Second, 10*time.Minute)
		mails := e.smtp.Mails()
		if len(mails) != 2*n {
			t.Fatalf("%d mails, want %d", len(mails), 2*n)
		}
		seen := map[string]bool{}
		for _, m := range mails {
			if seen[m.MessageID] {
				t.Fatalf("message %s arrived twice", m.MessageID)
			}
			seen[m.MessageID] = true
		}
		if got := e.count("SELECT count(*) FROM deliveries WHERE channel = 'email' AND status = 'sent' AND attempts > 1"); got != 2*n {
			t.Errorf("%d e-mail deliveries took more than one attempt, want all %d", got, 2*n)
		}
	})
}

// The webhook answers 500 three times, then 200: one effective delivery,
// four attempts, every attempt signed.
func TestWebhookFailsThreeTimes(t *testing.T) {
	t.Parallel()
	e := MustEnv(t, testsvc.Databases()[0])
	e.webhook.Fail(func(_ string, attempt int) int {
		if attempt <= 3 {
			return http.StatusInternalServerError
		}
		return 0
	})
	e.open("GXQ", 1)
	e.drain()
	e.advanceDraining(30*time.Second, 5*time.Minute)
	if got := e.webhook.Effective(); len(got) != 1 {
		t.Fatalf("%d effective deliveries, want 1", len(got))
	}
	if got := len(e.webhook.Requests()); got != 4 {
		t.Fatalf("%d requests, want 4", got)
	}
	if e.webhook.BadSignatures != 0 || e.webhook.Duplicates() != 0 {
		t.Fatalf("bad signatures %d, duplicates %d", e.webhook.BadSignatures, e.webhook.Duplicates())
	}
}

// WeCom robots take 20 messages a minute: 30 notices at once go out 20 in
// the first minute and 10 in the next; none is dropped.
func TestWeComRateLimit(t *testing.T) {
	t.Parallel()
	e := MustEnv(t, testsvc.Databases()[0])
	for i := 0; i < 30; i++ {
		e.open("GXQ", i)
	}
	e.drain()
	if got := len(e.wecom.Effective()); got != 20 {
		t.Fatalf("%d robot messages in the first minute, want 20", got)
	}
	if got := len(e.webhook.Effective()); got != 30 {
		t.Fatalf("the webhook got %d: the robot's limit held it up", got)
	}
	e.clock.Advance(59 * time.Second)
	e.drain()
	if got := len(e.wecom.Effective()); got != 20 {
		t.Fatalf("%d robot messages before the minute ended", got)
	}
	e.clock.Advance(2 * time.Second)
	e.drain()
	if got := len(e.wecom.Effective()); got != 30 {
		t.Fatalf("%d robot messages after a minute, want 30", got)
	}
}

// A delivery that fails for a day lands in the dead-letter list; an
// administrator retries it (and it goes) or discards it.
func TestDeadLetters(t *testing.T) {
	t.Parallel()
	e := MustEnv(t, testsvc.Databases()[0])
	e.webhook.Fail(func(string, int) int { return http.StatusServiceUnavailable })
	e.open("GXQ", 1)
	e.open("GXQ", 2)
	e.drain()
	e.advanceDraining(30*time.Minute, 25*time.Hour)
	dead, err := e.svc.DeadLetters(e.ctx, 0)
	if err != nil || len(dead) != 2 {
		t.Fatalf("dead letters %v, %v; want 2", dead, err)
	}
	if dead[0].Channel != notify.Webhook || !strings.Contains(dead[0].LastError, "503") || dead[0].Attempts < 10 {
		t.Errorf("dead letter %+v", dead[0])
	}
	if dead[0].DiedAt.Sub(dead[0].CreatedAt) > 25*time.Hour || dead[0].DiedAt.Sub(dead[0].CreatedAt) < 23*time.Hour {
		t.Errorf("died %v after it was written, want about 24h", dead[0].DiedAt.Sub(dead[0].CreatedAt))
	}
	e.webhook.Fail(nil)
	if err := e.svc.Retry(e.ctx, dead[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Discard(e.ctx, dead[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Discard(e.ctx, dead[1].ID); err == nil {
		t.Fatal("discarded twice")
	}
	e.drain()
	if got := e.webhook.Effective(); len(got) != 1 || got[0].Delivery != dead[0].ID {
		t.Fatalf("after retry: %v", got)
	}
	if left, _ := e.svc.DeadLetters(e.ctx, 0); len(left) != 0 {
		t.Fatalf("%d dead letters left", len(left))
	}
}

// A refused recipient (5xx) dies at once, without a day of retries.
func TestPermanentFailure(t *testing.T) {
	t.Parallel()
	e := MustEnv(t, testsvc.Databases()[0])
	e.webhook.Fail(func(string, int) int { return http.StatusGone })
	e.open("GXQ", 1)
	e.drain()
	dead, _ := e.svc.DeadLetters(e.ctx, 0)
	if len(dead) != 1 || dead[0].Attempts != 1 {
		t.Fatalf("dead letters %+v", dead)
	}
}

// The mail server is gone altogether: the inbox and the robots go on.
func TestMailServerGone(t *testing.T) {
	t.Parallel()
	e := MustEnv(t, testsvc.Databases()[0])
	mailer, err := notify.NewSMTPSender(notify.SMTPConfig{URL: "smtp://u:p@127.0.0.1:1", From: "noreply@parkfin.example.cn", Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	svc := notify.New(notify.Config{Store: e.x.Store, Clock: e.clock, Senders: map[string]notify.Sender{
		notify.Email: mailer, notify.Webhook: notify.NewWebhookSender(e.clock)}})
	e.open("GXQ", 1)
	if _, err := svc.Drain(e.ctx); err != nil {
		t.Fatal(err)
	}
	if len(e.webhook.Effective()) != 1 || len(e.inbox("bank-ICBC", financing.NoticeRouted)) != 1 {
		t.Fatal("a dead mail server held up the webhook or the inbox")
	}
	if got := e.count("SELECT count(*) FROM deliveries WHERE channel = 'email' AND status = 'pending' AND last_error <> ''"); got != 2 {
		t.Fatalf("%d e-mails waiting to be retried, want 2", got)
	}
}

// E-mail over implicit TLS (smtps://) and over STARTTLS (smtp://), with
// AUTH PLAIN, to servers with a certificate the sender is told to trust;
// a sender that does not trust it sends nothing.
func TestSMTPOverTLS(t *testing.T) {
	t.Parallel()
	for _, implicit := range []bool{true, false} {
		name := map[bool]string{true: "smtps", false: "starttls"}[implicit]
		t.Run(name, func(t *testing.T) {
			e := MustEnv(t, testsvc.Databases()[0])
			srv, trust := notifytest.StartSMTPTLS(t, "parkfin", "tls-pass", implicit)
			mailer, err := notify.NewSMTPSender(notify.SMTPConfig{URL: srv.URL(), From: "noreply@parkfin.example.cn", TLS: trust, Clock: e.clock})
			if err != nil {
				t.Fatal(err)
			}
			d := &notify.Delivery{ID: "n1:email:bank-ICBC", Message: notify.Message{Subject: "答复超期：GXQ-2026-00001", Text: "正文", HTML: "<p>正文</p>", To: "bank-ICBC@demo.invalid"}}
			if err := mailer.Send(e.ctx, d); err != nil {
				t.Fatal(err)
			}
			if m := srv.WaitFor(t, 1, 5*time.Second); m[0].Subject != "答复超期：GXQ-2026-00001" || m[0].Text != "正文" {
				t.Fatalf("mail %+v", m[0])
			}
			untrusting, _ := notify.NewSMTPSender(notify.SMTPConfig{URL: srv.URL(), From: "noreply@parkfin.example.cn", Clock: e.clock, Timeout: 2 * time.Second})
			if err := untrusting.Send(e.ctx, d); err == nil {
				t.Fatal("sent to a server whose certificate it does not trust")
			}
		})
	}
}

// Two senders that share nothing but the database (two processes) send to
// one WeCom robot: 50 notices go out at most 20 in any minute of fake
// time, every one exactly once, none dropped.
func TestWeComRateLimitTwoSenders(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db)
		other := notify.New(notify.Config{Store: e.x.Store, Clock: e.clock, BaseURL: baseURL,
			Senders: map[string]notify.Sender{notify.WeCom: notify.NewWeComSender(e.clock)}})
		const n = 50
		for i := 0; i < n; i++ {
			e.open("GXQ", i)
		}
		if _, err := e.svc.Dispatch(e.ctx); err != nil {
			t.Fatal(err)
		}
		for step := 0; step < 30 && len(e.wecom.Effective()) < n; step++ {
			var wg sync.WaitGroup
			for _, svc := range []*notify.Service{e.svc, other} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := svc.Drain(e.ctx); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			e.clock.Advance(10 * time.Second)
		}
		reqs := e.wecom.Requests()
		if len(reqs) != n || len(e.wecom.Effective()) != n {
			t.Fatalf("%d requests, %d distinct messages; want %d of each", len(reqs), len(e.wecom.Effective()), n)
		}
		sort.Slice(reqs, func(i, j int) bool { return reqs[i].ClockAt.Before(reqs[j].ClockAt) })
		for i := 0; i+20 < len(reqs); i++ {
			if d := reqs[i+20].ClockAt.Sub(reqs[i].ClockAt); d < time.Minute {
				t.Fatalf("21 messages within %v (from %v)", d, reqs[i].ClockAt)
			}
		}
		if got := e.count("SELECT count(*) FROM deliveries WHERE channel = 'wecom' AND (status <> 'sent' OR attempts <> 1)"); got != 0 {
			t.Errorf("%d robot deliveries not sent at their first attempt", got)
		}
		first, last := reqs[0].ClockAt, reqs[n-1].ClockAt
		if last.Sub(first) > 3*time.Minute {
			t.Errorf("50 messages took %v: the queue waited longer than the limit asks", last.Sub(first))
		}
	})
}
