package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/internal/notifytest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
)

// A routed case reaches the lead bank's contact and the county office (in
// their inboxes and by e-mail, read back from a real SMTP server) and the
// bank's WeCom robot and webhook; nobody else hears of it.
func TestRoutedReachesBankAndCounty(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db)
		c := e.open("GXQ", 1)
		e.drain()

		bank, county := e.routed()
		if !strings.Contains(bank.Subject, c.Number) || strings.HasPrefix(bank.Subject, "【抄送】") {
			t.Errorf("bank's subject %q", bank.Subject)
		}
		if !strings.HasPrefix(county.Subject, "【抄送】") {
			t.Errorf("county's subject %q is not marked as a copy", county.Subject)
		}
		if got := e.count("SELECT count(*) FROM inbox WHERE user_name NOT IN ('bank-ICBC', 'county-GX')"); got != 0 {
			t.Errorf("%d inbox rows for others (the window that opened it included)", got)
		}

		mails := e.smtp.WaitFor(t, 2, 5*time.Second)
		if len(mails) != 2 {
			t.Fatalf("%d mails, want 2", len(mails))
		}
		byTo := map[string]bool{}
		for _, m := range mails {
			byTo[m.To[0]] = true
			if !strings.Contains(m.Subject, c.Number) || !strings.Contains(m.Subject, "新案件待签收") && !strings.Contains(m.Subject, "【抄送】") {
				t.Errorf("subject %q", m.Subject)
			}
			if !strings.Contains(string(m.Raw), "=?UTF-8?b?") && !strings.Contains(string(m.Raw), "=?UTF-8?B?") {
				t.Errorf("subject not RFC 2047-encoded in %q", m.Raw[:200])
			}
			link := baseURL + "/cases/" + c.Number
			if !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, `href="`+link+`"`) {
				t.Errorf("no link to the case in the text %q or the HTML", m.Text)
			}
			if !strings.Contains(m.Text, "请签收") {
				t.Errorf("text %q", m.Text)
			}
		}
		if !byTo["bank-ICBC@demo.invalid"] || !byTo["county-GX@demo.invalid"] {
			t.Errorf("mail went to %v", byTo)
		}

		if got := e.wecom.Effective(); len(got) != 1 || !strings.Contains(string(got[0].Body), `"msgtype":"markdown"`) {
			t.Errorf("WeCom robot got %d messages: %v", len(got), got)
		}
		hooks := e.webhook.Effective()
		if len(hooks) != 1 || e.webhook.BadSignatures != 0 {
			t.Fatalf("webhook: %d deliveries, %d bad signatures", len(hooks), e.webhook.BadSignatures)
		}
		if !strings.Contains(string(hooks[0].Body), `"number":"`+c.Number+`"`) || !strings.Contains(string(hooks[0].Body), `"kind":"routed"`) {
			t.Errorf("webhook body %s", hooks[0].Body)
		}
	})
}

// Breach: the bank and the county office, nobody else; the warning before
// it the bank alone.
func TestWarningAndBreach(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db)
		c := e.open("GXQ", 1)
		e.drain()
		e.clock.Set(time.Date(2026, 11, 21, 0, 0, 1, 0, start.Location()))
		e.drain()
		if w, cw := e.inbox("bank-ICBC", financing.NoticeWarning), e.inbox("county-GX", financing.NoticeWarning); len(w) != 1 || len(cw) != 0 {
			t.Fatalf("warning: bank %d, county %d", len(w), len(cw))
		}
		e.clock.Set(time.Date(2026, 11, 25, 0, 0, 1, 0, start.Location()))
		e.drain()
		b, cb := e.inbox("bank-ICBC", financing.NoticeBreach), e.inbox("county-GX", financing.NoticeBreach)
		if len(b) != 1 || len(cb) != 1 {
			t.Fatalf("breach: bank %d, county %d, want 1 each", len(b), len(cb))
		}
		if strings.HasPrefix(cb[0].Subject, "【抄送】") {
			t.Errorf("the county must act on a breach, not be copied: %q", cb[0].Subject)
		}
		if !strings.Contains(b[0].Body, "2026-11-24 24:00") {
			t.Errorf("breach body %q does not give the limit", b[0].Body)
		}
		if got := e.count("SELECT count(*) FROM inbox WHERE kind = 'breach' AND case_id = ?", c.ID); got != 2 {
			t.Errorf("%d breach rows", got)
		}
	})
}

// Who must act next hears of each step: the window of a request for
// materials, the bank of the materials, the county of a return.
func TestNextActor(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db)
		c := e.open("GXQ", 1)
		e.fire(c, "bank-ICBC", financing.Accept, nil)
		e.fire(c, "bank-ICBC", financing.RequestInfo, map[string]string{"question": "请提供近三年财务报表"})
		e.drain()
		got := e.inbox("window-GXQ", financing.NoticeRequestInfo)
		if len(got) != 1 || !strings.Contains(got[0].Body, "请提供近三年财务报表") {
			t.Fatalf("window's request for materials: %+v", got)
		}
		e.fire(c, "window-GXQ", financing.SupplyInfo, map[string]string{"info": "已上传"})
		e.drain()
		if len(e.inbox("bank-ICBC", financing.NoticeInfoSupplied)) != 1 {
			t.Fatal("the bank did not hear of the materials")
		}
		e.fire(c, "bank-ICBC", financing.Return, map[string]string{"category": "wrong_bank", "reason": "非本行业务"})
		e.drain()
		if r := e.inbox("county-GX", financing.NoticeReturn); len(r) != 1 || !strings.Contains(r[0].Body, "非本行业务") {
			t.Fatalf("county's return notice: %+v", r)
		}
		if n, _ := e.svc.UnreadCount(e.ctx, "county-GX"); n != 2 {
			t.Errorf("county has %d unread, want 2 (routed, returned)", n)
		}
	})
}

// The in-app inbox: newest first, unread count, mark read, mark all read;
// rows older than 180 days go.
func TestInbox(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db)
		for i := 0; i < 3; i++ {
			e.open("GXQ", i)
			e.clock.Advance(time.Minute)
		}
		e.drain()
		items, err := e.svc.Inbox(e.ctx, notify.InboxFilter{User: "bank-ICBC", Limit: 2})
		if err != nil || len(items) != 2 || !items[0].CreatedAt.After(items[1].CreatedAt) {
			t.Fatalf("first page %v %v", items, err)
		}
		rest, err := e.svc.Inbox(e.ctx, notify.InboxFilter{User: "bank-ICBC", After: items[1].ID})
		if err != nil || len(rest) != 1 {
			t.Fatalf("second page %v %v", rest, err)
		}
		if _, err := e.svc.MarkRead(e.ctx, "bank-ICBC", items[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.MarkRead(e.ctx, "county-GX", items[1].ID); err == nil {
			t.Fatal("a user marked another's message read")
		}
		if n, _ := e.svc.UnreadCount(e.ctx, "bank-ICBC"); n != 2 {
			t.Fatalf("unread %d, want 2", n)
		}
		if n, _ := e.svc.MarkAllRead(e.ctx, "bank-ICBC"); n != 2 {
			t.Fatalf("mark all read: %d", n)
		}
		e.clock.Advance(181 * 24 * time.Hour)
		if n, err := e.svc.PurgeInbox(e.ctx); err != nil || n != 6 {
			t.Fatalf("purged %d, %v; want 6 (3 cases × bank and county)", n, err)
		}
	})
}

// A user who chose the inbox alone for new cases gets no e-mail for them.
func TestChannelChoices(t *testing.T) {
	t.Parallel()
	e := MustEnv(t, testsvc.Databases()[0])
	err := e.svc.PutSettings(e.ctx, "bank-ICBC", notify.Settings{financing.NoticeRouted: {notify.Inbox}}, financing.NoticeKinds)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.PutSettings(e.ctx, "bank-ICBC", notify.Settings{"nonsense": {"pigeon"}}, financing.NoticeKinds); err == nil {
		t.Fatal("an unknown kind and channel were accepted")
	}
	e.open("GXQ", 1)
	e.drain()
	mails := e.smtp.WaitFor(t, 1, 5*time.Second)
	if len(mails) != 1 || mails[0].To[0] != "county-GX@demo.invalid" {
		t.Fatalf("mails %v", mails)
	}
	if len(e.inbox("bank-ICBC", financing.NoticeRouted)) != 1 {
		t.Fatal("no inbox message")
	}
}

// Several dispatchers racing over the same notices write each inbox row
// once.
func TestInboxExactlyOnce(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db)
		for i := 0; i < 40; i++ {
			e.open("GXQ", i)
		}
		done := make(chan error, 4)
		for i := 0; i < 4; i++ {
			go func() { _, err := e.svc.Dispatch(e.ctx); done <- err }()
		}
		for i := 0; i < 4; i++ {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		if got := e.count("SELECT count(*) FROM inbox"); got != 80 {
			t.Fatalf("%d inbox rows, want 80", got)
		}
		if got := e.count("SELECT count(*) FROM deliveries WHERE channel = 'email'"); got != 80 {
			t.Fatalf("%d e-mail deliveries, want 80", got)
		}
	})
}

// A DingTalk group robot with signing (加签) gets the markdown message with
// a valid timestamp and sign; a robot configured with the wrong secret is
// refused by DingTalk and its delivery dies at once.
func TestDingTalkRobot(t *testing.T) {
	t.Parallel()
	e := MustEnv(t, testsvc.Databases()[0])
	svc, ding := e.dingTalk("ICBC")
	if _, err := svc.AddRobot(e.ctx, notify.Robot{Org: "ICBC", Channel: notify.DingTalk, URL: ding.URL + "/robot/send?access_token=u",
		Secret: "SECwrong"}); err != nil {
		t.Fatal(err)
	}
	e.open("GXQ", 1)
	if _, err := svc.Drain(e.ctx); err != nil {
		t.Fatal(err)
	}
	got := ding.Effective()
	if len(got) != 1 || !strings.Contains(string(got[0].Body), `"title":"新案件待签收`) || ding.BadSignatures != 1 {
		t.Fatalf("DingTalk got %d (bad signatures %d): %v", len(got), ding.BadSignatures, got)
	}
	if dead, _ := svc.DeadLetters(e.ctx, 0); len(dead) != 1 || !strings.Contains(dead[0].LastError, "310000") {
		t.Fatalf("dead letters %+v", dead)
	}
}

// A dispatcher keeps the directory it read while nothing in it changes;
// a change by anyone — a user's choices, a robot, a user disabled or
// added — is seen by its next dispatch.
func TestDirectoryChangesSeenAtOnce(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db)
		countyInbox := func() int { return len(e.inbox("county-GX", financing.NoticeRouted)) }
		e.open("GXQ", 1)
		e.drain()
		if n := len(e.inbox("bank-ICBC", financing.NoticeRouted)); n != 1 || countyInbox() != 1 {
			t.Fatalf("first case: bank %d, county %d inbox messages, want 1 each", n, countyInbox())
		}
		// The bank chooses e-mail alone for new cases.
		if err := e.svc.PutSettings(e.ctx, "bank-ICBC", notify.Settings{financing.NoticeRouted: {notify.Email}}, financing.NoticeKinds); err != nil {
			t.Fatal(err)
		}
		e.open("GXQ", 2)
		e.drain()
		if n := len(e.inbox("bank-ICBC", financing.NoticeRouted)); n != 1 {
			t.Fatalf("after choosing e-mail alone the bank has %d inbox messages, want still 1", n)
		}
		// The county's user is disabled, another added: the next case
		// reaches the new one only.
		if got := e.count("SELECT count(*) FROM users WHERE name = 'county-GX'"); got != 1 {
			t.Fatalf("county-GX: %d rows", got)
		}
		if err := e.x.Store.DB().Exec("UPDATE users SET disabled = true WHERE name = 'county-GX'").Error; err != nil {
			t.Fatal(err)
		}
		if err := e.x.Store.DB().Exec(`INSERT INTO users (name, display_name, role, org_code, created_at)
			SELECT 'county-GX-2', display_name, role, org_code, created_at FROM users WHERE name = 'county-GX'`).Error; err != nil {
			t.Fatal(err)
		}
		e.open("GXQ", 3)
		e.drain()
		if n := countyInbox(); n != 2 {
			t.Fatalf("disabled county user has %d inbox messages, want still 2", n)
		}
		if n := len(e.inbox("county-GX-2", financing.NoticeRouted)); n != 1 {
			t.Fatalf("the new county user has %d inbox messages, want 1", n)
		}
	})
}

// The county level is a double lead: the county's financial office and the
// county sub-branch of the central bank (人民银行安化县支行, demo user
// pboc-AH, working in county AH) both hear of the county's cases — its
// users in their inboxes, its group robot too — and the sub-branch hears
// nothing of another county's.
func TestCountySubBranchHearsWithTheCountyOffice(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db)
		svc, ding := e.dingTalk("PBOC-AH")
		c := e.open("AHJK", 1)
		e.open("GXQ", 2)
		if _, err := svc.Drain(e.ctx); err != nil {
			t.Fatal(err)
		}
		office, branch := e.inbox("county-AH", financing.NoticeRouted), e.inbox("pboc-AH", financing.NoticeRouted)
		if len(office) != 1 || len(branch) != 1 {
			t.Fatalf("routed notices: county office %d, county sub-branch %d, want 1 each", len(office), len(branch))
		}
		if !strings.HasPrefix(branch[0].Subject, "【抄送】") || !strings.Contains(branch[0].Subject, c.Number) {
			t.Errorf("the sub-branch's subject %q", branch[0].Subject)
		}
		if got := ding.Effective(); len(got) != 1 || !strings.Contains(string(got[0].Body), c.Number) {
			t.Fatalf("the sub-branch's robot got %d messages: %v", len(got), got)
		}
	})
}

// dingTalk starts a DingTalk receiver and a notification service that
// sends to DingTalk, with one signing robot of the organisation's on the
// receiver (secret SECdingtalk-secret, access token t).
func (e *env) dingTalk(org string) (*notify.Service, *notifytest.Receiver) {
	e.t.Helper()
	ding := notifytest.StartReceiver(e.t, "SECdingtalk-secret", e.clock)
	ding.DingTalk = true
	svc := notify.New(notify.Config{Store: e.x.Store, Clock: e.clock, Senders: map[string]notify.Sender{
		notify.DingTalk: notify.NewDingTalkSender(e.clock)}})
	if _, err := svc.AddRobot(e.ctx, notify.Robot{Org: org, Channel: notify.DingTalk, URL: ding.URL + "/robot/send?access_token=t",
		Secret: "SECdingtalk-secret"}); err != nil {
		e.t.Fatal(err)
	}
	return svc, ding
}
