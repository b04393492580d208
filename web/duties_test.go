package web_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/submission"
)

// TestSubmissionLedgerDownload: a quarter's submission case offers the
// bank its generated resolution ledger of the quarter to review; the
// workbook downloads as .xlsx, and another bank cannot ask for it.
func TestSubmissionLedgerDownload(t *testing.T) {
	e := MustEnv(t, testsvc.Database{Name: "sqlite", URL: testsvc.SQLiteURL}, 0)
	ctx := context.Background()
	e.x.Clock.Set(time.Date(2026, 9, 30, 12, 0, 0, 0, calendar.Location()))
	if _, err := e.x.Engine.OpenScheduled(ctx); err != nil {
		t.Fatal(err)
	}
	e.x.Clock.Set(time.Date(2026, 10, 9, 10, 0, 0, 0, calendar.Location()))
	if _, err := e.x.Engine.OpenScheduled(ctx); err != nil {
		t.Fatal(err)
	}
	cases, err := e.x.Engine.Cases(ctx, engine.System, engine.CaseFilter{Workflow: submission.Name, Period: "2026Q3", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var icbc *engine.Case
	for _, c := range cases {
		if c.ScheduledFor == "ICBC" {
			icbc = c
		}
	}
	if icbc == nil {
		t.Fatalf("no 2026Q3 submission for ICBC among %d", len(cases))
	}
	bank := e.MustSignIn("bank-ICBC")
	status, body := bank.get("/cases/" + icbc.ID)
	m := regexp.MustCompile(`<a href="(/stats/export\?[^"]+)" download>`).FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("the submission page (%d) offers no ledger download", status)
	}
	href := strings.ReplaceAll(m[1], "&amp;", "&")
	for _, want := range []string{"period=2026Q3", "kind=ledger", "format=xlsx", "bank=ICBC"} {
		if !strings.Contains(href, want) {
			t.Errorf("the download %s lacks %s", href, want)
		}
	}
	res, err := bank.http.Get(e.srv.URL + href)
	if err != nil {
		t.Fatal(err)
	}
	xlsx, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(string(xlsx), "PK") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("download: %d %q, %d bytes starting %q", res.StatusCode, res.Header.Get("Content-Disposition"), len(xlsx), xlsx[:min(4, len(xlsx))])
	}
	if status, _ := e.MustSignIn("bank-ABC").get(href); status != http.StatusForbidden {
		t.Fatalf("another bank downloads ICBC's ledger: %d", status)
	}
}
