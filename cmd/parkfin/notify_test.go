package main

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/notifytest"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// The embedded default with PARKFIN_SMTP_URL set sends real mail to a local
// server: a case opened at the window reaches its lead bank's contact and
// its county office at their demo addresses, and a webhook an operator
// added with `parkfin notify robot add`.
func TestServeEmbeddedSendsMail(t *testing.T) {
	smtp := notifytest.StartSMTP(t, "parkfin", "mail-pass")
	hook := notifytest.StartReceiver(t, "a-cli-webhook-secret-123", engine.SystemClock{})
	t.Setenv("PARKFIN_DATA_DIR", t.TempDir())
	t.Setenv("PARKFIN_DATABASE_URL", "")
	t.Setenv("PARKFIN_REDIS_URL", "")
	t.Setenv("PARKFIN_HTTP_ADDR", "127.0.0.1:0")
	t.Setenv("PARKFIN_SMTP_URL", smtp.URL())
	t.Setenv("PARKFIN_SMTP_FROM", "园区融资服务 <noreply@parkfin.invalid>")
	t.Setenv("PARKFIN_BASE_URL", "https://parkfin.example.cn")
	t.Setenv("PARKFIN_NOTIFY_POLL", "50ms")
	mustRun(t, "demo", "seed")
	out := mustRun(t, "notify", "robot", "add", "--org", "ICBC", "--channel", "webhook", "--url", hook.URL+"/hook",
		"--secret", "a-cli-webhook-secret-123", "--kinds", "routed")
	if len(strings.TrimSpace(out)) != 36 {
		t.Fatalf("robot add printed %q, want its id", out)
	}
	cfg, err := LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(cfg, io.Discard)
	ctx := context.Background()
	if err := m.Open(ctx, OpenOptions{Migrate: true, Index: true}); err != nil {
		t.Fatal(err)
	}
	if err := m.Serve(ctx, ServeOptions{Worker: true}); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	check, _ := uscc.CheckChar("91430900MA4L00003")
	raw, _ := json.Marshal(financing.OpenInput{Park: "GXQ", Enterprise: financing.Enterprise{Name: "益阳某某科技有限公司",
		USCC: "91430900MA4L00003" + string(check)}, Need: "设备更新贷款"})
	c, err := m.Engine.Open(ctx, engine.OpenRequest{Workflow: financing.Name, Payload: raw,
		Actor: engine.Actor{User: "window-GXQ", Role: engine.RoleWindow, Org: "GXQ"}})
	if err != nil {
		t.Fatal(err)
	}
	// The case's own mails, to the bank and the county: a worker started
	// after the digest hour on a working day also sends that day's digest,
	// which names no case number in its subject.
	to := map[string]notifytest.Mail{}
	smtp.WaitUntil(t, "mail of the case to the bank and the county", 15*time.Second, func(mails []notifytest.Mail) bool {
		clear(to)
		for _, mm := range mails {
			if strings.Contains(mm.Subject, c.Number) {
				to[mm.To[0]] = mm
			}
		}
		return len(to) >= 2
	})
	bank, ok := to["bank-ICBC@demo.invalid"]
	if !ok || to["county-GX@demo.invalid"].Subject == "" {
		t.Fatalf("mail went to %v", to)
	}
	if bank.Subject != "新案件待签收："+c.Number+" 益阳某某科技有限公司" || !strings.Contains(bank.Text, "https://parkfin.example.cn/cases/"+c.Number) {
		t.Fatalf("subject %q, text %q", bank.Subject, bank.Text)
	}
	if got := hook.WaitFor(t, 1, 15*time.Second); len(got) != 1 || hook.BadSignatures != 0 {
		t.Fatalf("webhook %v, %d bad signatures", got, hook.BadSignatures)
	}
	var dead []any
	mustJSONOut(t, &dead, "notify", "dead")
	if len(dead) != 0 {
		t.Fatalf("dead letters %v", dead)
	}
}
