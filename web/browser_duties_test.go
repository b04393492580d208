package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// A bank's quarterly submission in the browser: the generic page of the
// workflow lists it with its limit, the case page draws the submit form
// with a file input from the declaration, the bank uploads its workbook,
// and the city office sees the file in the timeline with its SHA-256 and
// accepts it. Screenshots at 1280 and 375 px (SQLite run).
func TestBrowserSubmission(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	browser := MustBrowser(t)
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := MustEnv(t, db, 500*time.Millisecond)
			x := e.x
			x.Clock.Set(time.Date(2026, 9, 30, 12, 0, 0, 0, calendar.Location()))
			if _, err := x.Engine.OpenScheduled(t.Context()); err != nil {
				t.Fatal(err)
			}
			x.Clock.Set(time.Date(2026, 10, 9, 10, 0, 0, 0, calendar.Location()))
			if n, err := x.Engine.OpenScheduled(t.Context()); err != nil || n != 10 {
				t.Fatalf("opened %d, %v", n, err)
			}
			bank := e.MustPerson(t, browser, "bank-ICBC")
			city := e.MustPerson(t, browser, "city")
			shoot := func(p *person, name string) {
				if db.Name == "sqlite" {
					p.shoot(screenshotDir(t), name)
				}
			}
			bank.open("/duties/submission")
			list := bank.text("main")
			if !strings.Contains(list, "TZ-2026Q3-") || !strings.Contains(list, "2026-10-15 24:00") || !strings.Contains(list, "待报送") {
				t.Fatalf("the bank's submission list reads:\n%s", list)
			}
			if strings.Contains(list, "农业银行") {
				t.Fatal("the bank sees another bank's submission")
			}
			shoot(bank, "submissions")
			bank.do("open the submission", chromedp.Click(chromedp.CSS("td a.mono")), chromedp.WaitVisible(chromedp.CSS(".case-head")))
			path := eval[string](bank, `location.pathname`)
			if facts := bank.text(".sec-facts"); !strings.Contains(facts, "2026Q3") || !strings.Contains(facts, "季度解决台账报送") {
				t.Fatalf("the facts read %q", facts)
			}
			// Submitting without the workbook: the error stands under the file input.
			bank.fire("submit", map[string]string{"note": "请审核"})
			if msg := bank.text("#submit-files-err"); !strings.Contains(msg, "请上传") {
				t.Fatalf("the missing file is reported as %q", msg)
			}
			book := filepath.Join(t.TempDir(), "解决台账-2026Q3-工商银行.xlsx")
			if err := os.WriteFile(book, []byte("PK\x03\x04 workbook"), 0o600); err != nil {
				t.Fatal(err)
			}
			// The refused form stays open with what was typed; attach and send again.
			form := "details:has(input[name=_event][value=submit])"
			bank.do("attach the workbook and submit",
				chromedp.SetUploadFiles(chromedp.CSS("#submit-files"), []string{book}),
				chromedp.SetValue(chromedp.CSS(form+" [name=note]"), "本季度台账已核对"),
				chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`),
				chromedp.Click(chromedp.CSS(form+" button[type=submit]")),
				waitFor(`document.readyState === "complete" && document.body && !document.body.dataset.old`))
			if head := bank.text(".case-head"); !strings.Contains(head, "已报送，待审核") {
				t.Fatalf("after submitting the head reads %q", head)
			}
			shoot(bank, "submission")

			city.open(path)
			tl := city.text(".sec-timeline")
			if !strings.Contains(tl, "解决台账-2026Q3-工商银行.xlsx") || !strings.Contains(tl, "SHA-256") {
				t.Fatalf("the city's timeline reads %q", tl)
			}
			href := eval[string](city, `document.querySelector(".tl-files a").getAttribute("href")`)
			if !strings.HasPrefix(href, path+"/files/") {
				t.Fatalf("the file links to %q", href)
			}
			city.fire("accept", nil)
			if head := city.text(".case-head"); !strings.Contains(head, "已通过") {
				t.Fatalf("after accepting the head reads %q", head)
			}
			shoot(city, "submission-accepted")
		})
	}
}
