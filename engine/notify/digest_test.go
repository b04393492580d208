package notify_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
)

func shanghaiAt(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, calendar.Location())
}

// The daily digest goes at 08:30 on working days of the calendar: not at
// 08:29, not on a Saturday, but on a make-up working Saturday; once a day
// however often it runs. Each bank gets its open cases by colour, each
// county office its overdue list.
func TestDigest(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db)
		e.open("GXQ", 1) // ICBC, county GX
		e.clock.Set(shanghaiAt(2026, 11, 25, 8, 29))
		e.open("GXQ", 2) // opened late: yellow, not red, on the 25th
		e.drain()        // the first case breaches
		mustDigest := func(want int) {
			t.Helper()
			n, err := e.svc.Digest(e.ctx)
			if err != nil || n != want {
				t.Fatalf("digest wrote %d notices (%v), want %d at %s", n, err, want, e.clock.Now().In(calendar.Location()))
			}
		}
		mustDigest(0) // 08:29
		e.clock.Set(shanghaiAt(2026, 11, 25, 8, 30))
		mustDigest(2) // ICBC's open cases, GX's overdue list
		mustDigest(0) // once a day
		e.drain()
		bank := e.inbox("bank-ICBC", notify.KindDigest)
		if len(bank) != 1 || !strings.Contains(bank[0].Subject, "2 件未办结") || !strings.Contains(bank[0].Body, "超期 1 件") ||
			!strings.Contains(bank[0].Body, "GXQ-2026-00001") {
			t.Fatalf("bank's digest %+v", bank)
		}
		county := e.inbox("county-GX", notify.KindDigest)
		if len(county) != 1 || !strings.Contains(county[0].Body, "GXQ-2026-00001") || strings.Contains(county[0].Body, "GXQ-2026-00002") {
			t.Fatalf("county's digest %+v", county)
		}
		if got := e.count("SELECT count(*) FROM inbox WHERE kind = 'digest'"); got != 2 {
			t.Fatalf("%d digests in all, want 2", got)
		}
		e.clock.Set(shanghaiAt(2026, 11, 28, 9, 0)) // a Saturday
		mustDigest(0)
		// 2026-09-20, a Sunday, is a make-up working day (National Day).
		if ok, _ := e.x.Calendar.IsWorkday(calendar.Date{Year: 2026, Month: 9, Day: 20}); ok {
			e.clock.Set(shanghaiAt(2026, 9, 20, 9, 0))
			if n, _ := e.svc.Digest(e.ctx); n == 0 {
				t.Fatal("no digest on a make-up working day")
			}
		}
	})
}

// An administrator's template file overrides the catalogue without a
// rebuild.
func TestTemplateOverride(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tpl := notify.NewTemplates(dir)
	n := &engine.Notice{ID: "n1", Kind: financing.NoticeBreach, Workflow: financing.Name, Event: financing.Breach,
		CaseNumber: "GXQ-2026-00001", CaseTitle: "某公司", State: financing.Accepted, Actor: engine.System, At: start}
	m, err := tpl.Render("zh-CN", n, false, "https://x/cases/GXQ-2026-00001")
	if err != nil || !strings.HasPrefix(m.Subject, "答复超期") {
		t.Fatalf("default subject %q, %v", m.Subject, err)
	}
	err = os.WriteFile(filepath.Join(dir, "zh-CN.json"), []byte(`{"notify.financing.breach.subject": "【超期】{{.Number}}"}`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := tpl.Reload(); err != nil {
		t.Fatal(err)
	}
	if m, _ = tpl.Render("zh-CN", n, false, ""); m.Subject != "【超期】GXQ-2026-00001" {
		t.Fatalf("overridden subject %q", m.Subject)
	}
	if err := os.WriteFile(filepath.Join(dir, "zh-CN.json"), []byte(`{"notify.financing.breach.subject": "{{.Number"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(filepath.Join(dir, "zh-CN.json"), time.Now().Add(time.Hour), time.Now().Add(time.Hour))
	if err := tpl.Reload(); err == nil {
		t.Fatal("a broken template was accepted")
	}
	if m, _ = tpl.Render("zh-CN", n, false, ""); m.Subject != "【超期】GXQ-2026-00001" {
		t.Fatalf("after a broken file the subject is %q; the previous text should stay", m.Subject)
	}
	if m, _ = tpl.Render("en", n, false, ""); !strings.HasPrefix(m.Subject, "Time limit passed") {
		t.Fatalf("English subject %q", m.Subject)
	}
}

// The bank asked to act and the county office copied share one wording,
// the copy marked by its prefix (TestRoutedReachesBankAndCounty), unless
// the template words a copy apart: then each is worded by it.
func TestCopyWordedByItsTemplate(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db)
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "zh-CN.json"),
			[]byte(`{"notify.financing.routed.body": "{{if .Copy}}抄送县金融办：{{end}}{{.Number}} 请签收。"}`), 0o600); err != nil {
			t.Fatal(err)
		}
		e.useTemplates(notify.NewTemplates(dir))
		c := e.open("GXQ", 1)
		e.drain()
		bank, county := e.routed()
		if bank.Body != c.Number+" 请签收。" || strings.HasPrefix(bank.Subject, "【抄送】") {
			t.Errorf("bank: %q, %q", bank.Subject, bank.Body)
		}
		if county.Body != "抄送县金融办："+c.Number+" 请签收。" || !strings.HasPrefix(county.Subject, "【抄送】") {
			t.Errorf("county: %q, %q", county.Subject, county.Body)
		}
	})
}

// A case that reaches a bank again is worded by what sent it there, not
// as a new case from the window; and an operator acting as a user at the
// command line is named as that user.
func TestRoutedWordedByItsEvent(t *testing.T) {
	t.Parallel()
	tpl := notify.NewTemplates(t.TempDir())
	n := &engine.Notice{ID: "n1", Kind: financing.NoticeRouted, Workflow: financing.Name, Event: financing.Open,
		CaseNumber: "GXQ-2026-00001", CaseTitle: "某公司", State: financing.Routed,
		Actor: engine.Actor{User: "window-GXQ", Role: engine.RoleWindow, Org: "GXQ"}, At: start}
	body := func(lang string, ev engine.EventName) string {
		t.Helper()
		n.Event = ev
		m, err := tpl.Render(lang, n, false, "")
		if err != nil {
			t.Fatal(err)
		}
		return m.Body
	}
	if got := body("zh-CN", financing.Open); !strings.HasPrefix(got, "园区窗口转来企业融资需求 GXQ-2026-00001") {
		t.Fatalf("opened: %q", got)
	}
	if got := body("zh-CN", financing.Reopen); !strings.HasPrefix(got, "重办：企业融资需求 GXQ-2026-00001") || strings.Contains(got, "园区窗口转来") {
		t.Fatalf("reopened: %q", got)
	}
	if got := body("en", financing.Reroute); strings.Contains(got, "park window") || !strings.Contains(got, "GXQ-2026-00001") {
		t.Fatalf("rerouted, in English: %q", got)
	}

	n.Kind, n.Workflow, n.Event = "duty_submitted", "submission", "submit"
	n.Actor = engine.Actor{User: engine.OperatorAs("operator:alice", "bank-ICBC"), Role: engine.RoleBank, Org: "ICBC"}
	m, err := tpl.Render("zh-CN", n, false, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.Body, "bank-ICBC 已报送") || strings.Contains(m.Body, "operator:") {
		t.Fatalf("submitted by an operator as the bank: %q", m.Body)
	}
}

// A notice leaves the outbox once its inbox rows and deliveries are
// written: the outbox holds what waits, not every notice ever sent. A
// digest's notice, whose key refuses a second digest of the day, stays
// marked done, as does a notice that cannot be read; the purge deletes
// both once older than the retention, and not before.
func TestDispatchedNoticesLeaveTheOutbox(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db)
		e.x.Engine.ExpandNoticesWith(nil) // the dispatcher's way, through the outbox
		e.open("GXQ", 1)
		e.open("GXQ", 2)
		if got := e.count("SELECT count(*) FROM outbox WHERE status = 'pending'"); got == 0 {
			t.Fatal("opening wrote no notice")
		}
		e.drain()
		if got := len(e.inbox("bank-ICBC", financing.NoticeRouted)); got != 2 {
			t.Fatalf("%d routed notices in the bank's inbox, want 2", got)
		}
		if got := e.count("SELECT count(*) FROM outbox"); got != 0 {
			t.Fatalf("%d notices left in the outbox once dispatched", got)
		}

		e.clock.Set(shanghaiAt(2026, 11, 25, 8, 30))
		e.drain() // the breaches, gone too once dispatched
		if n, err := e.svc.Digest(e.ctx); err != nil || n != 2 {
			t.Fatalf("digest wrote %d notices (%v), want 2", n, err)
		}
		unreadable := sqlstore.NoticeRow{ID: "unreadable-1", Kind: "routed", Workflow: financing.Name, Event: "route",
			CaseID: "c", CaseNumber: "GXQ-2026-99999", State: "routed", At: e.clock.Now().UTC(),
			Recipients: "{not json", Payload: "null", Status: "pending", NextAt: e.clock.Now().UTC()}
		if err := e.x.Store.DB().Create(&unreadable).Error; err != nil {
			t.Fatal(err)
		}
		e.drain()
		if got := len(e.inbox("bank-ICBC", notify.KindDigest)); got != 1 {
			t.Fatalf("%d digests in the bank's inbox, want 1", got)
		}
		kept := func() int {
			t.Helper()
			return e.count("SELECT count(*) FROM outbox WHERE status = 'done' AND (dedupe_key IS NOT NULL OR id = 'unreadable-1')")
		}
		if got, all := kept(), e.count("SELECT count(*) FROM outbox"); got != 3 || all != 3 {
			t.Fatalf("outbox holds %d rows, %d of them the digests and the unreadable notice marked done; want 3 and 3", all, got)
		}
		// The kept keys still refuse the day's second digest.
		if n, err := e.svc.Digest(e.ctx); err != nil || n != 0 {
			t.Fatalf("a second digest the same day wrote %d notices (%v)", n, err)
		}

		e.clock.Advance(179 * 24 * time.Hour)
		if _, err := e.svc.PurgeInbox(e.ctx); err != nil {
			t.Fatal(err)
		}
		if got := kept(); got != 3 {
			t.Fatalf("the purge left %d of the 3 notices kept done before the retention passed", got)
		}
		e.clock.Advance(2 * 24 * time.Hour)
		if _, err := e.svc.PurgeInbox(e.ctx); err != nil {
			t.Fatal(err)
		}
		if got := e.count("SELECT count(*) FROM outbox WHERE at < ?", e.clock.Now().Add(-180*24*time.Hour).UTC()); got != 0 {
			t.Fatalf("%d notices older than the retention left after the purge", got)
		}
	})
}

// A dispatch that finds one of its rows written already (two dispatchers
// read the same notice at once where the database cannot lock what they
// read) runs its batch again leaving that row as it is: every user still
// gets one message, and the notice still leaves the outbox.
func TestDispatchLeavesARowWrittenAlready(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db)
		e.x.Engine.ExpandNoticesWith(nil) // the dispatcher's way, through the outbox
		c := e.open("GXQ", 1)
		var id string
		if err := e.x.Store.DB().Raw("SELECT id FROM outbox WHERE case_id = ? AND status = 'pending'", c.ID).Scan(&id).Error; err != nil || id == "" {
			t.Fatalf("the routed notice: %q %v", id, err)
		}
		// The bank's row, as another dispatcher wrote it.
		if err := e.x.Store.DB().Exec(`INSERT INTO inbox (id, user_name, notice_id, kind, case_id, case_number, subject, body, link, created_at)
			VALUES (?, 'bank-ICBC', ?, ?, ?, ?, 'written before', '', '', ?)`,
			id+":bank-ICBC", id, financing.NoticeRouted, c.ID, c.Number, e.clock.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
		e.drain()
		bank, county := e.inbox("bank-ICBC", financing.NoticeRouted), e.inbox("county-GX", financing.NoticeRouted)
		if len(bank) != 1 || bank[0].Subject != "written before" {
			t.Fatalf("the bank's inbox %+v, want the one row written before", bank)
		}
		if len(county) != 1 {
			t.Fatalf("the county's inbox holds %d routed notices, want 1", len(county))
		}
		if got := e.count("SELECT count(*) FROM outbox"); got != 0 {
			t.Fatalf("%d notices left in the outbox", got)
		}
	})
}
