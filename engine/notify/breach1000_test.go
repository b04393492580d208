package notify_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/internal/notifytest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
)

// 1,000 cases of ten parks breach at the same instant, on PostgreSQL: 1,000
// breach notices, each in its lead bank's inbox and its county office's,
// each at its lead bank's webhook; no bank hears of another's case, and the
// two banks that lead no park hear nothing.
func TestThousandBreaches(t *testing.T) {
	t.Parallel()
	e := MustEnv(t, testsvc.Databases()[1])
	parks := map[string]string{"GXQ": "ICBC", "LLGY": "ABC", "CCJK": "BOC", "YJGX": "CCB", "TJJK": "BOCOM",
		"NXJK": "PSBC", "AHJK": "ADBC", "DTHGY": "HNB", "HSGGY": "CSB", "YJCB": "YYRCB"}
	hooks := notifytest.StartReceiver(t, webhookSecret, e.clock)
	for _, bank := range []string{"ICBC", "ABC", "BOC", "CCB", "BOCOM", "PSBC", "ADBC", "HNB", "CSB", "YYRCB", "CEB", "CIB"} {
		if _, err := e.svc.AddRobot(e.ctx, notify.Robot{Org: bank, Channel: notify.Webhook, URL: hooks.URL + "/" + bank,
			Secret: webhookSecret, Kinds: []string{financing.NoticeBreach}}); err != nil {
			t.Fatal(err)
		}
	}
	// The inbox and the webhooks are what this test counts: no e-mail.
	users, err := e.x.Store.Users(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if err := e.svc.PutSettings(e.ctx, u.Name, notify.Settings{"*": {notify.Inbox}}, financing.NoticeKinds); err != nil {
			t.Fatal(err)
		}
	}
	var codes []string
	for p := range parks {
		codes = append(codes, p)
	}
	t0 := time.Now()
	leadOf := map[string]string{} // case number → lead bank
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := 0; i < 1000; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			park := codes[i%len(codes)]
			c := e.open(park, i)
			mu.Lock()
			leadOf[c.Number] = parks[park]
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	t.Logf("1,000 cases opened in %v", time.Since(t0).Round(time.Millisecond))
	// Routed notices are not what this test counts.
	if _, err := e.svc.Dispatch(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.x.Store.DB().Exec("DELETE FROM inbox")
	e.x.Store.DB().Exec("DELETE FROM deliveries")

	e.clock.Set(time.Date(2026, 11, 25, 0, 0, 1, 0, start.Location()))
	t1 := time.Now()
	if _, err := e.x.Worker.Drain(e.ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("2,000 timers fired in %v", time.Since(t1).Round(time.Millisecond))
	t2 := time.Now()
	if _, err := e.svc.Drain(e.ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("dispatched and sent in %v", time.Since(t2).Round(time.Millisecond))
	// One breach notice a case, each expanded and gone from the outbox.
	if got := e.count("SELECT count(DISTINCT notice_id) FROM inbox WHERE kind = 'breach'"); got != 1000 {
		t.Fatalf("%d breach notices in the inboxes, want 1000", got)
	}
	if got := e.count("SELECT count(*) FROM outbox"); got != 0 {
		t.Fatalf("%d notices left in the outbox after the drain", got)
	}
	type row struct {
		UserName   string
		CaseNumber string
	}
	var rows []row
	if err := e.x.Store.DB().Raw("SELECT user_name, case_number FROM inbox WHERE kind = 'breach'").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	perCase := map[string]int{}
	for _, r := range rows {
		perCase[r.CaseNumber]++
		bank := leadOf[r.CaseNumber]
		if r.UserName[:5] == "bank-" && r.UserName != "bank-"+bank {
			t.Fatalf("%s's breach went to %s, not its lead bank %s", r.CaseNumber, r.UserName, bank)
		}
		// AH's county sub-branch of the central bank leads its county's
		// cases with the county office, and hears of them too.
		branch := r.UserName == "pboc-AH" && strings.HasPrefix(r.CaseNumber, "AHJK-")
		if r.UserName[:5] != "bank-" && r.UserName[:7] != "county-" && !branch {
			t.Fatalf("%s's breach went to %s", r.CaseNumber, r.UserName)
		}
	}
	if len(perCase) != 1000 {
		t.Fatalf("breach notices in the inbox for %d cases, want 1000", len(perCase))
	}
	for n, k := range perCase {
		want := 2
		if strings.HasPrefix(n, "AHJK-") {
			want = 3
		}
		if k != want {
			t.Fatalf("%s: %d inbox rows, want %d (its bank, its county office and, in AH, the county sub-branch)", n, k, want)
		}
	}
	got := hooks.WaitFor(t, 1000, 10*time.Second)
	perBank := map[string]int{}
	for _, r := range got {
		var ev notify.WebhookEvent
		if err := json.Unmarshal(r.Body, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Kind != financing.NoticeBreach || ev.Case == nil || leadOf[ev.Case.Number] != ev.Org {
			t.Fatalf("webhook event %+v went to the wrong bank", ev)
		}
		perBank[ev.Org]++
	}
	if len(got) != 1000 || hooks.Duplicates() != 0 || hooks.BadSignatures != 0 {
		t.Fatalf("%d webhook deliveries, %d duplicates, %d bad signatures", len(got), hooks.Duplicates(), hooks.BadSignatures)
	}
	if perBank["CEB"] != 0 || perBank["CIB"] != 0 || len(perBank) != 10 {
		t.Fatalf("deliveries per bank %v", perBank)
	}
}
