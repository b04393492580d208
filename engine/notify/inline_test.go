package notify_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
)

// Where the engine expands notices with the service (inTx), a new case's
// inbox rows and deliveries commit with it and nothing waits in the
// outbox; elsewhere the notice waits there for a dispatcher, and nobody
// has it until a dispatch.
func TestNoticeExpandedWithItsTransition(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db)
		c := e.open("GXQ", 1)
		outbox := e.count("SELECT count(*) FROM outbox WHERE case_id = ?", c.ID)
		inbox := e.count("SELECT count(*) FROM inbox WHERE case_id = ? AND user_name IN ('bank-ICBC', 'county-GX')", c.ID)
		deliveries := e.count("SELECT count(*) FROM deliveries WHERE case_id = ?", c.ID)
		if e.inTx {
			// Two inboxes, two e-mails, ICBC's WeCom robot and webhook.
			if outbox != 0 || inbox != 2 || deliveries != 4 {
				t.Fatalf("before any dispatch: %d in the outbox, %d inbox rows, %d deliveries; want 0, 2, 4", outbox, inbox, deliveries)
			}
		} else if outbox != 1 || inbox != 0 || deliveries != 0 {
			t.Fatalf("before any dispatch: %d in the outbox, %d inbox rows, %d deliveries; want 1, 0, 0", outbox, inbox, deliveries)
		}
		e.drain()
		e.routed()
		if got := e.count("SELECT count(*) FROM inbox WHERE case_id = ?", c.ID); got != 2 {
			t.Errorf("%d inbox rows after the dispatch, want 2", got)
		}
		if mails := e.smtp.WaitFor(t, 2, 5*time.Second); len(mails) != 2 {
			t.Errorf("%d mails, want 2", len(mails))
		}
	})
}

// A notice expanded in its transaction gives the rows a dispatch gives:
// the same people, subjects, bodies, links and messages on every channel,
// but for what names the case itself.
func TestExpandedAsDispatched(t *testing.T) {
	t.Parallel()
	db := testsvc.Database{Name: inTx, URL: testsvc.PostgresURL}
	e := MustEnv(t, db)
	// The first through the outbox and a dispatch, the second in its
	// transaction.
	e.x.Engine.ExpandNoticesWith(nil)
	a := e.open("GXQ", 1)
	e.drain()
	e.x.Engine.ExpandNoticesWith(e.svc)
	b := e.open("GXQ", 2)
	if got := e.count("SELECT count(*) FROM outbox WHERE case_id = ?", b.ID); got != 0 {
		t.Fatalf("the second case's notice went to the outbox (%d rows)", got)
	}
	e.drain()
	if got := len(e.smtp.WaitFor(t, 4, 5*time.Second)); got != 4 {
		t.Fatalf("%d mails, want 4", got)
	}
	want, got := e.expansion(a), e.expansion(b)
	if len(want) == 0 || strings.Join(want, "\n") != strings.Join(got, "\n") {
		t.Fatalf("dispatched:\n%s\nexpanded in the transaction:\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
	for _, r := range got {
		if strings.Contains(r, b.Number) || strings.Contains(r, b.ID) {
			t.Fatalf("%q still names the case", r)
		}
	}
}

var usccPattern = regexp.MustCompile(`91430900MA4L[0-9]{5}[0-9A-Z]`)

// expansion returns the case's inbox rows and deliveries, each as one
// line, with its number, ID, notice, credit code and times replaced.
func (e *env) expansion(c *engine.Case) []string {
	e.t.Helper()
	var notice string
	if err := e.x.Store.DB().Raw("SELECT notice_id FROM inbox WHERE case_id = ? LIMIT 1", c.ID).Scan(&notice).Error; err != nil || notice == "" {
		e.t.Fatalf("no inbox row of %s: %v", c.Number, err)
	}
	var rows []string
	if err := e.x.Store.DB().Raw(`SELECT concat_ws(' | ', user_name, kind, subject, body, link) FROM inbox WHERE case_id = ?
		UNION ALL SELECT concat_ws(' | ', channel, destination, recipient, kind, status, attempts, message) FROM deliveries WHERE case_id = ?
		ORDER BY 1`, c.ID, c.ID).Scan(&rows).Error; err != nil {
		e.t.Fatal(err)
	}
	for i, r := range rows {
		r = strings.NewReplacer(c.Number, "<number>", c.ID, "<id>", notice, "<notice>").Replace(r)
		rows[i] = usccPattern.ReplaceAllString(r, "<uscc>")
	}
	return rows
}

// The directory a notice is expanded with is the one its transaction
// commits with: a contact added to the bank hears of the next case,
// whether it went through the outbox (the service held an older
// directory) or was expanded in its transaction; an expansion from a
// directory that changed before the commit is rolled back with it and
// done again; a contact disabled hears of nothing more; a lock-out does
// not count as a change.
func TestExpandedWithTheDirectoryOfTheCommit(t *testing.T) {
	t.Parallel()
	e := MustEnv(t, testsvc.Database{Name: inTx, URL: testsvc.PostgresURL})
	routedTo := func(c *engine.Case, user string) int {
		return e.count("SELECT count(*) FROM inbox WHERE case_id = ? AND user_name = ? AND kind = ?", c.ID, user, financing.NoticeRouted)
	}
	version := func() int {
		return e.count("SELECT version FROM directory_version WHERE id = 1")
	}
	inOutbox := func(c *engine.Case) int { return e.count("SELECT count(*) FROM outbox WHERE case_id = ?", c.ID) }

	first := e.open("GXQ", 1)
	if inOutbox(first) != 0 || routedTo(first, "bank-ICBC") != 1 {
		t.Fatalf("the first case: %d in the outbox, %d for the bank", inOutbox(first), routedTo(first, "bank-ICBC"))
	}

	// Another contact at ICBC, added by another process: the store still
	// keeps the parks at the old version, and the service holds the
	// directory at it. The opening's first attempt expands the notice from
	// it; check_kept refuses the old version at the commit, and the
	// attempt is rolled back and run again.
	before := version()
	if err := e.x.Store.DB().Exec(`INSERT INTO users (name, display_name, role, org_code, created_at)
		SELECT 'bank-ICBC-2', '工行第二联系人', role, org_code, created_at FROM users WHERE name = 'bank-ICBC'`).Error; err != nil {
		t.Fatal(err)
	}
	if version() <= before {
		t.Fatalf("adding a user left the directory's version at %d", version())
	}
	reruns, _ := e.x.Store.Reruns()
	second := e.open("GXQ", 2)
	if again, _ := e.x.Store.Reruns(); again != reruns+1 {
		t.Errorf("the opening ran %d times again, want once", again-reruns)
	}
	e.drain()
	if routedTo(second, "bank-ICBC-2") != 1 || routedTo(second, "bank-ICBC") != 1 || routedTo(second, "county-GX") != 1 {
		t.Fatalf("the second case reached bank-ICBC-2 %d, bank-ICBC %d, county-GX %d times; want once each",
			routedTo(second, "bank-ICBC-2"), routedTo(second, "bank-ICBC"), routedTo(second, "county-GX"))
	}

	// Once the service read the directory again, the next case is
	// expanded in its transaction, for the new contact too.
	if err := e.svc.ReadDirectory(e.ctx); err != nil {
		t.Fatal(err)
	}
	third := e.open("GXQ", 3)
	if inOutbox(third) != 0 || routedTo(third, "bank-ICBC-2") != 1 {
		t.Fatalf("the third case: %d in the outbox, %d for bank-ICBC-2 before any dispatch", inOutbox(third), routedTo(third, "bank-ICBC-2"))
	}

	// A lock-out is no change of the directory; disabling the contact is.
	before = version()
	if err := e.x.Store.DB().Exec("UPDATE users SET locked_until = now() WHERE name = 'bank-ICBC'").Error; err != nil {
		t.Fatal(err)
	}
	if version() != before {
		t.Errorf("a lock-out raised the directory's version")
	}
	if err := e.x.Store.DB().Exec("UPDATE users SET disabled = true WHERE name = 'bank-ICBC-2'").Error; err != nil {
		t.Fatal(err)
	}
	if version() <= before {
		t.Fatalf("disabling a user left the directory's version at %d", version())
	}
	if err := e.svc.ReadDirectory(e.ctx); err != nil {
		t.Fatal(err)
	}
	fourth := e.open("GXQ", 4)
	e.drain()
	if inOutbox(fourth) != 0 || routedTo(fourth, "bank-ICBC-2") != 0 || routedTo(fourth, "bank-ICBC") != 1 {
		t.Fatalf("the fourth case: %d in the outbox, %d for the disabled contact, %d for bank-ICBC",
			inOutbox(fourth), routedTo(fourth, "bank-ICBC-2"), routedTo(fourth, "bank-ICBC"))
	}
}
