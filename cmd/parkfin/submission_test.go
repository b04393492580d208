package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/all"
)

// A bank's quarterly submission from the CLI: listed with --workflow,
// handed in with --file, shown with its limit and the file's SHA-256.
func TestCLISubmission(t *testing.T) {
	forEachDB(t, func(t *testing.T) {
		// The CLI and the test's engine append to one ledger with one key.
		key, value, _ := strings.Cut(testsvc.LedgerKeyEnv(), "=")
		t.Setenv(key, value)
		mustRun(t, "demo", "seed")
		ctx := context.Background()
		store, err := sqlstore.Open(ctx, os.Getenv("PARKFIN_DATABASE_URL"), sqlstore.Options{LedgerKeys: testsvc.LedgerKeys()})
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		if _, err := store.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		cal, err := calendar.LoadDefault()
		if err != nil {
			t.Fatal(err)
		}
		clock := engine.NewFakeClock(time.Date(2026, 9, 30, 12, 0, 0, 0, calendar.Location()))
		e := engine.New(engine.Config{Store: store, Clock: clock, Calendar: calendar.NewLive(cal)})
		all.Register(e, all.Config{})
		if _, err := e.OpenScheduled(ctx); err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Date(2026, 10, 1, 8, 0, 0, 0, calendar.Location()))
		if n, err := e.OpenScheduled(ctx); err != nil || n != 10 {
			t.Fatalf("opened %d, %v", n, err)
		}

		var list []caseView
		mustJSONOut(t, &list, "case", "list", "--workflow", "submission", "--as", "bank-ICBC")
		if len(list) != 1 || !strings.HasPrefix(list[0].Number, "TZ-2026Q3-") {
			t.Fatalf("ICBC lists %+v", list)
		}
		if _, errOut, code := run(t, "case", "list", "--workflow", "nosuch"); code == 0 || !strings.Contains(errOut, "submission") {
			t.Fatalf("an unknown workflow: exit %d, %s", code, errOut)
		}
		if _, errOut, code := run(t, "case", "fire", list[0].Number, "submit", "--as", "bank-ICBC"); code == 0 || !strings.Contains(errOut, "上传") {
			t.Fatalf("submitting without the workbook: exit %d, %s", code, errOut)
		}
		book := filepath.Join(t.TempDir(), "解决台账-2026Q3.xlsx")
		if err := os.WriteFile(book, []byte("PK\x03\x04 ledger"), 0o600); err != nil {
			t.Fatal(err)
		}
		out := mustRun(t, "case", "fire", list[0].Number, "submit", "--as", "bank-ICBC", "--set", "note=已核对", "--file", book)
		if !strings.Contains(out, "已报送，待审核") {
			t.Fatalf("after submitting:\n%s", out)
		}
		help := mustRun(t, "case", "fire", "--help")
		if !strings.Contains(help, "季度解决台账报送") || !strings.Contains(help, "--file PATH") {
			t.Fatalf("fire --help does not list the submission's events:\n%s", help)
		}
	})
}
