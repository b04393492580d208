package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/notifytest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

const (
	webhookSecret = "a-webhook-secret-of-some-length"
	baseURL       = "https://parkfin.example.cn"
)

// env is the engine with the financing workflow on a fresh database with
// the demo data, a fake clock, and the notify service sending to real
// servers: an SMTP server, a WeCom robot and a webhook receiver, the robot
// and the webhook both ICBC's (the lead bank of GXQ).
type env struct {
	t       *testing.T
	ctx     context.Context
	x       *enginetest.Env
	clock   *engine.FakeClock
	cfg     notify.Config
	svc     *notify.Service
	smtp    *notifytest.SMTPServer
	wecom   *notifytest.Receiver
	webhook *notifytest.Receiver
	// inTx: the engine expands notices with svc (forEachDB's inTx).
	inTx bool
}

// start is a Tuesday morning, a working day.
var start = time.Date(2026, 11, 17, 9, 0, 0, 0, calendar.Location())

// inTx is the name of PostgreSQL where the engine has the service expand
// notices in their own transactions (inline.go), as serve and worker do:
// each test of the service runs there too, besides SQLite and PostgreSQL
// with every notice going through the outbox.
const inTx = "postgres-in-tx"

func forEachDB(t *testing.T, fn func(t *testing.T, db testsvc.Database)) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) { fn(t, db) })
		if db.Name == "postgres" {
			db.Name = inTx
			t.Run(db.Name, func(t *testing.T) { fn(t, db) })
		}
	}
}

func MustEnv(t *testing.T, db testsvc.Database) *env {
	t.Helper()
	x := enginetest.New(t, db, start)
	e := &env{t: t, ctx: context.Background(), x: x, clock: x.Clock}
	e.smtp = notifytest.StartSMTP(t, "parkfin", "mail-pass")
	e.wecom = notifytest.StartReceiver(t, "", e.clock)
	e.wecom.WeCom = true
	e.webhook = notifytest.StartReceiver(t, webhookSecret, e.clock)
	mailer, err := notify.NewSMTPSender(notify.SMTPConfig{URL: e.smtp.URL(), From: "园区融资服务 <noreply@parkfin.example.cn>", Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	e.cfg = notify.Config{
		Store: x.Store, Clock: e.clock, BaseURL: baseURL,
		Senders: map[string]notify.Sender{
			notify.Email: mailer, notify.WeCom: notify.NewWeComSender(e.clock), notify.Webhook: notify.NewWebhookSender(e.clock),
		},
		Calendar: x.Calendar,
		Digest: notify.DigestConfig{Workflow: financing.Name, OpenStates: financing.OpenStates,
			Assignee: financing.RelLeadBank, Supervisor: financing.RelCounty},
	}
	e.inTx = db.Name == inTx
	e.svc = notify.New(e.cfg)
	e.attach()
	if _, err := e.svc.AddRobot(e.ctx, notify.Robot{Org: "ICBC", Channel: notify.WeCom, URL: e.wecom.URL + "/cgi-bin/webhook/send?key=k"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddRobot(e.ctx, notify.Robot{Org: "ICBC", Channel: notify.Webhook, URL: e.webhook.URL + "/hook", Secret: webhookSecret}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.ReadDirectory(e.ctx); err != nil {
		t.Fatal(err)
	}
	return e
}

// useTemplates has the service word its messages with tpl (an
// administrator's template files).
func (e *env) useTemplates(tpl *notify.Templates) {
	cfg := e.cfg
	cfg.Templates = tpl
	e.svc = notify.New(cfg)
	e.attach()
}

// attach has the engine wake the service's dispatcher and, in the
// variant inTx, expand notices with it.
func (e *env) attach() {
	e.x.Engine.OnNotice(e.svc.Wake)
	if e.inTx {
		e.x.Engine.ExpandNoticesWith(e.svc)
	}
}

func (e *env) actor(name string) engine.Actor {
	e.t.Helper()
	u, err := e.x.Store.User(e.ctx, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.Actor()
}

// open registers a case at the park's window.
func (e *env) open(park string, i int) *engine.Case {
	e.t.Helper()
	code, err := uscc.CheckChar("91430900MA4L" + pad5(i))
	if err != nil {
		e.t.Fatal(err)
	}
	in := financing.OpenInput{Park: park, Enterprise: financing.Enterprise{Name: "益阳市示范机械制造有限公司", USCC: "91430900MA4L" + pad5(i) + string(code)},
		Need: "流动资金贷款", Amount: "3000000"}
	raw, _ := json.Marshal(in)
	c, err := e.x.Engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: e.actor("window-" + park), Payload: raw})
	if err != nil {
		e.t.Fatalf("open: %v", err)
	}
	return c
}

func pad5(i int) string { return fmt.Sprintf("%05d", i) }

func (e *env) fire(c *engine.Case, user string, ev engine.EventName, payload any) {
	e.t.Helper()
	raw, _ := json.Marshal(payload)
	if payload == nil {
		raw = nil
	}
	if _, err := e.x.Engine.Fire(e.ctx, engine.FireRequest{CaseID: c.ID, Event: ev, Actor: e.actor(user), Payload: raw}); err != nil {
		e.t.Fatalf("%s by %s: %v", ev, user, err)
	}
}

// drain fires due timers, then dispatches and sends everything due.
func (e *env) drain() {
	e.t.Helper()
	if _, err := e.x.Worker.Drain(e.ctx); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.Drain(e.ctx); err != nil {
		e.t.Fatal(err)
	}
}

// inbox returns the user's messages of a kind.
func (e *env) inbox(user, kind string) []notify.Item {
	e.t.Helper()
	items, err := e.svc.Inbox(e.ctx, notify.InboxFilter{User: user, Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []notify.Item
	for _, it := range items {
		if kind == "" || it.Kind == kind {
			out = append(out, it)
		}
	}
	return out
}

// routed returns the routed notice in the lead bank's inbox and in the
// county office's, failing unless each has exactly one.
func (e *env) routed() (bank, county notify.Item) {
	e.t.Helper()
	b := e.inbox("bank-ICBC", financing.NoticeRouted)
	c := e.inbox("county-GX", financing.NoticeRouted)
	if len(b) != 1 || len(c) != 1 {
		e.t.Fatalf("inbox: bank %d, county %d routed notices, want 1 each", len(b), len(c))
	}
	return b[0], c[0]
}

func (e *env) count(sql string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.x.Store.DB().Raw(sql, args...).Scan(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}
