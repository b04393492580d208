package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// The embedded default (SQLite, in-process timer index): a case opened by
// another process — the command line — while serve runs has its due timers
// fired by serve within a second, not at the next reconcile a minute later.
// The case is a paper record handed to the bank three weeks ago, so its
// reminder and its limit are both due when it is opened.
func TestEmbeddedTimerArmedByCLIFiresWithinASecond(t *testing.T) {
	t.Setenv("PARKFIN_DATA_DIR", t.TempDir())
	t.Setenv("PARKFIN_DATABASE_URL", "")
	t.Setenv("PARKFIN_REDIS_URL", "")
	t.Setenv("PARKFIN_HTTP_ADDR", "127.0.0.1:0")
	m := mustServe(t, ServeOptions{HTTP: true, Worker: true})

	check, _ := uscc.CheckChar("91430900MA4L00007")
	at := time.Now().Add(-21 * 24 * time.Hour).Format(time.RFC3339)
	cmd := exec.Command(os.Args[0], "case", "open", "--as", "window-GXQ", "--park", "GXQ", "--enterprise", "命令行定时测试企业",
		"--uscc", "91430900MA4L00007"+string(check), "--need", "流动资金贷款", "--received-at", at, "--routed-at", at, "--json")
	cmd.Env = append(os.Environ(), "PARKFIN_TEST_RUN_CLI=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("parkfin case open: %v\n%s", err, out)
	}
	armed := time.Now()
	var cs struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(out, &cs); err != nil || cs.ID == "" {
		t.Fatalf("case open printed %s (%v)", out, err)
	}

	breached := func() bool {
		var n int
		if err := m.Store.DB().Raw("SELECT count(*) FROM ledger WHERE case_id = ? AND event = 'breach'", cs.ID).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	for !breached() {
		if time.Since(armed) > 5*time.Second {
			t.Fatalf("the limit of case %s, armed by another process, had not fired after 5s", cs.ID)
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(armed)
	if took > time.Second {
		t.Fatalf("the limit armed by another process fired after %v, want within 1s", took)
	}
	var pending int
	if err := m.Store.DB().Raw("SELECT count(*) FROM timers WHERE case_id = ? AND status = 'pending' AND due_at <= ?", cs.ID, time.Now().UTC()).Scan(&pending).Error; err != nil || pending != 0 {
		t.Fatalf("%d due timers of the case still pending (%v)", pending, err)
	}
	t.Logf("armed by `parkfin case open` in another process, fired by serve %v later", took.Round(time.Millisecond))
}
