package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// The embedded default makes its ledger key on first run; checkpoints
// written outside the database prove a dropped tail that the database alone
// cannot show; a rotated key signs new entries while the old one verifies
// the old.
func TestLedgerKeysAndCheckpoints(t *testing.T) {
	dir := t.TempDir()
	dbURL := "sqlite://" + filepath.Join(dir, "parkfin.db")
	t.Setenv("PARKFIN_DATA_DIR", dir)
	t.Setenv("PARKFIN_DATABASE_URL", dbURL)
	t.Setenv("PARKFIN_REDIS_URL", "")
	_, errOut, code := run(t, "demo", "seed")
	if code != 0 || !strings.Contains(errOut, "ledger key file made") {
		t.Fatalf("first run: exit %d, log %q", code, errOut)
	}
	keyFile := filepath.Join(dir, "ledger.key")
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	open := func(n string) {
		check, _ := uscc.CheckChar("91430900MA4L0000" + n)
		mustRun(t, "case", "open", "--as", "window-GXQ", "--park", "GXQ", "--enterprise", "益阳某某科技有限公司"+n,
			"--uscc", "91430900MA4L0000"+n+string(check), "--need", "设备更新贷款")
	}
	open("3")
	open("4")
	cpFile := filepath.Join(dir, "checkpoints.jsonl")
	mustRun(t, "ledger", "checkpoint", "--out", cpFile)
	t.Setenv("PARKFIN_LEDGER_CHECKPOINT", cpFile)
	mustRun(t, "ledger", "checkpoint")
	if out := mustRun(t, "ledger", "verify", "--checkpoint", cpFile); !strings.Contains(out, "ok: 2 entries, 2 cases; 2 checkpoints hold") {
		t.Fatalf("verify: %q", out)
	}

	// Rotation: a new SM3 key appended to the file signs what follows.
	line := strings.TrimSpace(mustRun(t, "ledger", "keygen", "--id", "k2", "--alg", "hmac-sm3"))
	f, err := os.OpenFile(keyFile, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(line + "\n")
	f.Close()
	open("5")
	var r struct {
		OK      bool   `json:"ok"`
		Entries int    `json:"entries"`
		Kind    string `json:"kind"`
	}
	mustJSONOut(t, &r, "ledger", "verify", "--checkpoint", cpFile)
	if !r.OK || r.Entries != 3 {
		t.Fatalf("after rotation: %+v", r)
	}

	// Drop the last case (the tail of the ledger) and roll the head back:
	// the database is consistent again, the checkpoint is not.
	mustRun(t, "ledger", "checkpoint")
	m := NewMain(Config{DataDir: dir, DatabaseURL: dbURL}, io.Discard)
	if err := m.Open(context.Background(), OpenOptions{}); err != nil {
		t.Fatal(err)
	}
	db := m.Store.DB()
	for _, q := range []string{"DROP TRIGGER ledger_no_delete",
		"DELETE FROM timers WHERE case_id = (SELECT case_id FROM ledger WHERE seq = 3)",
		"DELETE FROM case_parties WHERE case_id = (SELECT case_id FROM ledger WHERE seq = 3)",
		"DELETE FROM outbox WHERE case_id = (SELECT case_id FROM ledger WHERE seq = 3)",
		"DELETE FROM cases WHERE id = (SELECT case_id FROM ledger WHERE seq = 3)",
		"DELETE FROM ledger WHERE seq = 3",
		"UPDATE ledger_chain SET seq = 2, chain_hash = (SELECT chain_hash FROM ledger WHERE seq = 2)",
	} {
		if err := db.Exec(q).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	m.Close()
	if out := mustRun(t, "ledger", "verify"); !strings.HasPrefix(out, "ok: 2 entries") {
		t.Fatalf("without checkpoints: %q", out)
	}
	out, errOut, code := run(t, "ledger", "verify", "--checkpoint", cpFile)
	if code == 0 || !strings.Contains(errOut, "checkpoint_missing") || !strings.Contains(errOut, "entry 3") {
		t.Fatalf("verify against the checkpoints: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// On PostgreSQL each command's moves are sealed by its store (at the latest
// when it closes): the next command finds them numbered, a checkpoint covers
// them, and verification counts none unsealed.
func TestLedgerPostgresSealed(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PARKFIN_DATA_DIR", dir)
	t.Setenv("PARKFIN_DATABASE_URL", testsvc.PostgresURL(t))
	t.Setenv("PARKFIN_REDIS_URL", "")
	mustRun(t, "migrate")
	mustRun(t, "demo", "seed")
	for _, n := range []string{"3", "4"} {
		check, _ := uscc.CheckChar("91430900MA4L0000" + n)
		mustRun(t, "case", "open", "--as", "window-GXQ", "--park", "GXQ", "--enterprise", "益阳某某科技有限公司"+n,
			"--uscc", "91430900MA4L0000"+n+string(check), "--need", "设备更新贷款")
	}
	var r struct {
		OK       bool  `json:"ok"`
		Entries  int   `json:"entries"`
		HeadSeq  int64 `json:"head_seq"`
		Unsealed int   `json:"unsealed"`
	}
	mustJSONOut(t, &r, "ledger", "verify")
	if !r.OK || r.Entries != 2 || r.HeadSeq != 2 || r.Unsealed != 0 {
		t.Fatalf("verify: %+v", r)
	}
	cpFile := filepath.Join(dir, "checkpoints.jsonl")
	mustRun(t, "ledger", "checkpoint", "--out", cpFile)
	if out := mustRun(t, "ledger", "verify", "--checkpoint", cpFile); !strings.Contains(out, "ok: 2 entries, 2 cases; 1 checkpoints hold") {
		t.Fatalf("verify: %q", out)
	}
}
