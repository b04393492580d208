package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/glebarez/go-sqlite"

	"github.com/parkfin/parkfin/workflows/all"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// openCase opens a case from the command line (another process's writes
// as far as serve is concerned).
func openCase(t *testing.T, name string) {
	t.Helper()
	check, _ := uscc.CheckChar("91430900MA4L00005")
	mustRun(t, "case", "open", "--as", "window-GXQ", "--park", "GXQ", "--enterprise", name,
		"--uscc", "91430900MA4L00005"+string(check), "--need", "流动资金贷款")
}

// `parkfin backup` copies the embedded database while serve runs (in
// another process) and checks the copy; `parkfin restore` puts it back
// after the database moved on, keeps the one it replaced, and the restored
// ledger verifies with exactly the cases of the backup. A copy whose ledger
// was tampered with is refused, and PostgreSQL is sent to pg_dump.
func TestBackupAndRestore(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PARKFIN_DATA_DIR", dir)
	t.Setenv("PARKFIN_DATABASE_URL", "")
	t.Setenv("PARKFIN_REDIS_URL", "")
	t.Setenv("PARKFIN_HTTP_ADDR", "127.0.0.1:0")
	m := mustServe(t, ServeOptions{HTTP: true, Worker: true})
	for i := 0; i < 5; i++ {
		openCase(t, "备份前企业")
	}
	backup := filepath.Join(t.TempDir(), "parkfin-backup.db")
	// The backup runs as its own process while serve holds the database.
	cmd := exec.Command(os.Args[0], "backup", backup, "--json")
	cmd.Env = append(os.Environ(), "PARKFIN_TEST_RUN_CLI=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("parkfin backup while serving: %v\n%s%s", err, out, stderr.String())
	}
	var b backupReport
	if err := json.Unmarshal(out, &b); err != nil || b.Cases < 5 || b.Entries < b.Cases || b.Bytes == 0 {
		t.Fatalf("backup report %s (%v)", out, err)
	}
	if _, _, code := run(t, "backup", backup); code == 0 {
		t.Fatal("a backup overwrote an existing file")
	}
	openCase(t, "备份后企业")
	m.Close()

	var r backupReport
	mustJSONOut(t, &r, "restore", backup)
	if r.Cases != b.Cases || r.Entries != b.Entries || r.Previous == "" {
		t.Fatalf("restore report %+v, backup %+v", r, b)
	}
	if _, err := os.Stat(r.Previous); err != nil {
		t.Fatalf("the replaced database is not kept: %v", err)
	}
	if out := mustRun(t, "ledger", "verify"); !strings.Contains(out, "5") {
		t.Fatalf("ledger verify after restore: %s", out)
	}
	// The backup's cases: the 5 financing cases and the duties the
	// server's schedule opened, listed workflow by workflow.
	var list []map[string]any
	financed := 0
	for _, d := range all.Definitions(all.Config{}) {
		var some []map[string]any
		mustJSONOut(t, &some, "case", "list", "--workflow", d.Name)
		if d.Name == financing.Name {
			financed = len(some)
		}
		list = append(list, some...)
	}
	if len(list) != b.Cases || financed != 5 {
		t.Fatalf("%d cases after restore (%d financing), want the backup's %d (5)", len(list), financed, b.Cases)
	}
	for _, c := range list {
		if strings.Contains(string(mustMarshal(t, c)), "备份后企业") {
			t.Fatal("a case opened after the backup survived the restore")
		}
	}

	// A copy whose ledger was changed is refused before anything is touched.
	tampered := filepath.Join(t.TempDir(), "tampered.db")
	if err := copyFile(backup, tampered); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", tampered)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DROP TRIGGER ledger_no_update", "UPDATE ledger SET actor_user = 'someone-else' WHERE seq = (SELECT min(seq) FROM ledger)"} {
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	before, _ := os.ReadFile(filepath.Join(dir, "parkfin.db"))
	if _, errOut, code := run(t, "restore", tampered); code == 0 || !strings.Contains(errOut, "ledger") {
		t.Fatalf("restore of a tampered copy: exit %d %s", code, errOut)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "parkfin.db"))
	if string(before) != string(after) {
		t.Fatal("a refused restore changed the database")
	}

	t.Setenv("PARKFIN_DATABASE_URL", "postgres://parkfin@127.0.0.1:5432/parkfin")
	if _, errOut, code := run(t, "backup", filepath.Join(t.TempDir(), "x.db")); code == 0 || !strings.Contains(errOut, "pg_dump") {
		t.Fatalf("backup on PostgreSQL: exit %d %s", code, errOut)
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
