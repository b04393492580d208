package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// run executes the CLI and returns stdout, stderr and the exit status.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Execute(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), code
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := run(t, args...)
	if code != 0 {
		t.Fatalf("parkfin %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	return out
}

func mustJSONOut(t *testing.T, v any, args ...string) {
	t.Helper()
	out := mustRun(t, append(args, "--json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("parkfin %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// withDatabase points the CLI at a fresh database of each kind.
func forEachDB(t *testing.T, fn func(t *testing.T)) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			t.Setenv("PARKFIN_DATA_DIR", t.TempDir())
			t.Setenv("PARKFIN_DATABASE_URL", db.URL(t))
			t.Setenv("PARKFIN_REDIS_URL", "")
			if db.Name == "postgres" {
				mustRun(t, "migrate")
			}
			fn(t)
		})
	}
}

func TestCLI(t *testing.T) {
	forEachDB(t, func(t *testing.T) {
		mustRun(t, "demo", "seed")
		if out := mustRun(t, "demo", "seed"); !strings.Contains(out, "0 pairings and 0 users added") {
			t.Fatalf("second seed: %s", out)
		}
		var parks []struct{ Code, Name, County string }
		mustJSONOut(t, &parks, "park", "list")
		if len(parks) != 10 || parks[0].Code == "" || parks[0].County == "" {
			t.Fatalf("parks %+v", parks)
		}
		var users []struct{ Name, Role, Org string }
		mustJSONOut(t, &users, "user", "list")
		roles := map[string]bool{}
		for _, u := range users {
			roles[u.Role] = true
		}
		for _, r := range []string{"window", "bank", "county", "city", "pboc", "admin"} {
			if !roles[r] {
				t.Fatalf("no %s user in %+v", r, users)
			}
		}

		check, _ := uscc.CheckChar("91430900MA4L00003")
		received := time.Now().Add(-2 * time.Hour).Format(time.RFC3339)
		var opened struct {
			ID, Number, State string
			Version           int
			LeadBank          string `json:"lead_bank"`
			DueAt             string `json:"due_at"`
		}
		mustJSONOut(t, &opened, "case", "open", "--as", "window-GXQ", "--park", "GXQ", "--enterprise", "益阳某某科技有限公司",
			"--uscc", "91430900MA4L00003"+string(check), "--need", "设备更新贷款", "--amount", "800000", "--received-at", received)
		if opened.State != "routed" || opened.Version != 1 || opened.LeadBank == "" || opened.DueAt == "" || !strings.HasPrefix(opened.Number, "GXQ-") {
			t.Fatalf("opened %+v", opened)
		}

		// Errors go to stderr with a non-zero exit.
		_, errOut, code := run(t, "case", "fire", "--as", "window-GXQ", opened.ID, "answer", "--set", "can_handle=yes")
		if code == 0 || !strings.Contains(errOut, "forbidden") {
			t.Fatalf("window answering: exit %d %s", code, errOut)
		}
		_, errOut, code = run(t, "case", "open", "--as", "window-GXQ", "--park", "GXQ", "--enterprise", "x", "--uscc", "91430900MA4L00003X", "--need", "x")
		if code == 0 || !strings.Contains(errOut, "统一社会信用代码") {
			t.Fatalf("bad credit code: exit %d %s", code, errOut)
		}

		mustRun(t, "case", "fire", "--as", "bank-ICBC", opened.Number, "accept")
		mustRun(t, "case", "fire", "--as", "bank-ICBC", opened.ID, "answer", "--version", "2",
			"--set", "can_handle=yes", "--set", "conditions=抵押", "--set", "procedure=申请-审批-放款")
		var shown struct {
			ID, State string
			Version   int
			Ledger    []struct {
				Seq             int64
				Event, From, To string
				Actor, At       string
			}
		}
		mustJSONOut(t, &shown, "case", "show", opened.ID)
		if shown.State != "answered" || shown.Version != 3 || len(shown.Ledger) != 3 || shown.Ledger[2].Event != "answer" || shown.Ledger[2].Actor != operator()+" as bank-ICBC" || shown.Ledger[0].At == "" {
			t.Fatalf("shown %+v", shown)
		}
		var listed []struct{ ID, State string }
		mustJSONOut(t, &listed, "case", "list", "--state", "answered")
		if len(listed) != 1 || listed[0].ID != opened.ID {
			t.Fatalf("listed %+v", listed)
		}
		mustJSONOut(t, &listed, "case", "list", "--as", "bank-ABC")
		if len(listed) != 0 {
			t.Fatalf("another bank sees %+v", listed)
		}
		if out := mustRun(t, "ledger", "verify"); strings.TrimSpace(out) != "ok: 3 entries, 1 cases" {
			t.Fatalf("ledger verify: %q", out)
		}
	})
}

func TestCalendarCommands(t *testing.T) {
	t.Setenv("PARKFIN_DATA_DIR", t.TempDir())
	out := mustRun(t, "calendar", "add", "--from", "2026-09-30T15:00:00+08:00", "--workdays", "5")
	if fields := strings.Fields(out); len(fields) != 2 || fields[0] != "2026-10-13" || fields[1] != "2026-10-14T00:00:00+08:00" {
		t.Fatalf("calendar add: %q", out)
	}
	out = mustRun(t, "calendar", "show", "2026")
	for _, want := range []string{"国庆节", "2026-10-07", "调休上班  2026-10-10 星期六", "248 个工作日"} {
		if !strings.Contains(out, want) {
			t.Fatalf("calendar show 2026 lacks %q:\n%s", want, out)
		}
	}
	_, errOut, code := run(t, "calendar", "show", "2028")
	if code == 0 || !strings.Contains(errOut, "2028") {
		t.Fatalf("calendar show 2028: exit %d %q", code, errOut)
	}
	_, errOut, code = run(t, "calendar", "add", "--from", "2027-12-28T10:00:00+08:00", "--workdays", "5")
	if code == 0 || !strings.Contains(errOut, "2028") || !strings.Contains(errOut, "calendar_year_missing") {
		t.Fatalf("calendar add into 2028: exit %d %q", code, errOut)
	}
}

// A local calendar file in <data_dir>/calendar changes the days without a
// rebuild.
func TestCalendarOverrideFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PARKFIN_DATA_DIR", dir)
	writeFile(t, filepath.Join(dir, "calendar", "local.json"), `{"years": {"2026": {"holidays": [{"name": "地方假日", "days": ["2026-10-08"]}], "makeup_workdays": []}}}`)
	out := mustRun(t, "calendar", "add", "--from", "2026-09-30T15:00:00+08:00", "--workdays", "5")
	if !strings.HasPrefix(out, "2026-10-14 ") {
		t.Fatalf("with 10-08 off, the 5th working day is 10-14: %q", out)
	}
}

// serve runs the embedded default: migrates, loads the demo data on first
// run, answers /healthz and /readyz, and stops on cancel.
func TestServeEmbedded(t *testing.T) {
	t.Setenv("PARKFIN_DATA_DIR", t.TempDir())
	t.Setenv("PARKFIN_DATABASE_URL", "")
	t.Setenv("PARKFIN_HTTP_ADDR", "127.0.0.1:0")
	m := mustServe(t, ServeOptions{HTTP: true, Worker: true})
	ctx := context.Background()
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get("http://" + m.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "ok") {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
	parks, err := m.Store.Parks(ctx)
	if err != nil || len(parks) != 10 {
		t.Fatalf("demo data on first run: %d parks (%v)", len(parks), err)
	}
	// The first page is the web application's sign-in page, with the demo
	// accounts; the API stays under /api/.
	for path, want := range map[string]string{"/": "window-GXQ", "/api/v1/openapi.yaml": "openapi"} {
		resp, err := http.Get("http://" + m.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Fatalf("%s: %d, no %q", path, resp.StatusCode, want)
		}
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigRejectsIncoherent(t *testing.T) {
	t.Setenv("PARKFIN_DATA_DIR", t.TempDir())
	t.Setenv("PARKFIN_REDIS_URL", "redis://127.0.0.1:6379/0")
	t.Setenv("PARKFIN_DATABASE_URL", "")
	if _, err := LoadConfig(""); err == nil || !strings.Contains(err.Error(), "SQLite") {
		t.Fatalf("redis with sqlite: %v", err)
	}
	t.Setenv("PARKFIN_REDIS_URL", "")
	t.Setenv("PARKFIN_LIMIT_WORKDAYS", "2")
	if _, err := LoadConfig(""); err == nil || !strings.Contains(err.Error(), "reminder") {
		t.Fatalf("limit before reminder: %v", err)
	}
	t.Setenv("PARKFIN_LIMIT_WORKDAYS", "")
	t.Setenv("PARKFIN_OFFICE_LIMIT_WORKDAYS", "7")
	if _, err := LoadConfig(""); err == nil || !strings.Contains(err.Error(), "offices' reminder") {
		t.Fatalf("offices' limit at their reminder: %v", err)
	}
	t.Setenv("PARKFIN_OFFICE_LIMIT_WORKDAYS", "")
	t.Setenv("PARKFIN_SUPPLY_WORKDAYS", "0")
	if _, err := LoadConfig(""); err == nil || !strings.Contains(err.Error(), "supply_workdays") {
		t.Fatalf("no time to supply materials: %v", err)
	}
	t.Setenv("PARKFIN_SUPPLY_WORKDAYS", "")
	t.Setenv("PARKFIN_DATABASE_URL", "postgres://u:secret@127.0.0.1/x")
	cfg, err := LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(cfg.String(), "secret") {
		t.Fatal("configuration shows the password")
	}
}

// ledger verify names the first bad entry and exits non-zero.
func TestLedgerVerifyBroken(t *testing.T) {
	dir := t.TempDir()
	url := "sqlite://" + filepath.Join(dir, "parkfin.db")
	t.Setenv("PARKFIN_DATA_DIR", dir)
	t.Setenv("PARKFIN_DATABASE_URL", url)
	mustRun(t, "demo", "seed")
	check, _ := uscc.CheckChar("91430900MA4L00003")
	mustRun(t, "case", "open", "--as", "window-GXQ", "--park", "GXQ", "--enterprise", "益阳某某科技有限公司",
		"--uscc", "91430900MA4L00003"+string(check), "--need", "设备更新贷款")
	m := NewMain(Config{DataDir: dir, DatabaseURL: url}, io.Discard)
	if err := m.Open(context.Background(), OpenOptions{}); err != nil {
		t.Fatal(err)
	}
	db := m.Store.DB()
	for _, q := range []string{"DROP TRIGGER ledger_no_update", `UPDATE ledger SET payload = '{"need":"改过了"}' WHERE seq = 1`} {
		if err := db.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	m.Close()
	out, errOut, code := run(t, "ledger", "verify")
	if code == 0 || !strings.Contains(errOut, "entry 1") || strings.Contains(out, "ok:") {
		t.Fatalf("verify of an edited ledger: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// token issue prints the token alone, and the token signs requests in.
func TestTokenIssue(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PARKFIN_DATA_DIR", dir)
	t.Setenv("PARKFIN_DATABASE_URL", "")
	t.Setenv("PARKFIN_HTTP_ADDR", "127.0.0.1:0")
	mustRun(t, "demo", "seed")
	out := mustRun(t, "token", "issue", "--user", "window-GXQ")
	token := strings.TrimSpace(out)
	if token == "" || strings.ContainsAny(token, " \n\t") || strings.Count(out, "\n") != 1 {
		t.Fatalf("token issue printed %q", out)
	}
	_, errOut, code := run(t, "token", "issue", "--user", "nobody")
	if code == 0 || !strings.Contains(errOut, "nobody") {
		t.Fatalf("token for an unknown user: exit %d %q", code, errOut)
	}
	cfg, err := LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(cfg, io.Discard)
	ctx := context.Background()
	if err := m.Open(ctx, OpenOptions{Migrate: true, Index: true}); err != nil {
		t.Fatal(err)
	}
	if err := m.Serve(ctx, ServeOptions{HTTP: true}); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, tc := range []struct {
		token string
		want  int
	}{{token, 200}, {token + "x", 401}} {
		req, _ := http.NewRequest("GET", "http://"+m.Addr()+"/api/v1/cases", nil)
		req.Header.Set("Authorization", "Bearer "+tc.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Fatalf("GET /api/v1/cases with token: %d, want %d", resp.StatusCode, tc.want)
		}
	}
}

// Demo data only on the embedded database: auto resolves by the database,
// and PostgreSQL refuses it outright.
func TestDemoOnlyEmbedded(t *testing.T) {
	t.Setenv("PARKFIN_DATA_DIR", t.TempDir())
	t.Setenv("PARKFIN_REDIS_URL", "")
	for _, tc := range []struct {
		db, demo string
		want     bool
		refused  bool
	}{
		{"", "", true, false},
		{"", "false", false, false},
		{"postgres://u@127.0.0.1/x", "", false, false},
		{"postgres://u@127.0.0.1/x", "auto", false, false},
		{"postgres://u@127.0.0.1/x", "true", false, true},
		{"", "perhaps", false, true},
	} {
		t.Setenv("PARKFIN_DATABASE_URL", tc.db)
		t.Setenv("PARKFIN_DEMO", tc.demo)
		cfg, err := LoadConfig("")
		if tc.refused {
			if err == nil || !strings.Contains(err.Error(), "demo") {
				t.Errorf("%q demo=%q: %v, want refused", tc.db, tc.demo, err)
			}
			continue
		}
		if err != nil || cfg.Demo != tc.want {
			t.Errorf("%q demo=%q: demo %v (%v), want %v", tc.db, tc.demo, cfg.Demo, err, tc.want)
		}
	}
}

// The first administrator without demo data: user create with the
// password piped on stdin, the policy enforced, passwd and disable.
func TestUserCommands(t *testing.T) {
	forEachDB(t, func(t *testing.T) {
		runIn := func(stdin string, args ...string) (string, string, int) {
			var out, errOut bytes.Buffer
			code := Execute(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
			return out.String(), errOut.String(), code
		}
		if _, errOut, code := runIn("short\n", "user", "create", "--role", "admin", "--org", "ADMIN", "root-admin"); code == 0 || !strings.Contains(errOut, "至少需要 10 个字符") {
			t.Fatalf("weak password: exit %d %s", code, errOut)
		}
		if _, errOut, code := runIn("Root-admin-2026\n", "user", "create", "--role", "admin", "--org", "ADMIN", "root-admin"); code == 0 || !strings.Contains(errOut, "用户名") {
			t.Fatalf("password with the name: exit %d %s", code, errOut)
		}
		if out, errOut, code := runIn("Str0ng-Passw0rd\n", "user", "create", "--role", "admin", "--org", "ADMIN", "root-admin"); code != 0 || !strings.Contains(out, "root-admin") {
			t.Fatalf("create: exit %d %s %s", code, out, errOut)
		}
		if _, _, code := runIn("Str0ng-Passw0rd\n", "user", "create", "--role", "admin", "--org", "ADMIN", "root-admin"); code == 0 {
			t.Fatal("created the same user twice")
		}
		if _, errOut, code := runIn("", "user", "passwd", "root-admin"); code == 0 || !strings.Contains(errOut, "标准输入") {
			t.Fatalf("passwd without a password: exit %d %s", code, errOut)
		}
		mustRun(t, "user", "disable", "root-admin")
		var users []struct {
			Name     string
			Role     string
			Disabled bool
		}
		mustJSONOut(t, &users, "user", "list")
		if len(users) != 1 || users[0].Name != "root-admin" || users[0].Role != "admin" || !users[0].Disabled {
			t.Fatalf("users %+v", users)
		}
	})
}

// mustServe starts a Main with the configuration the environment gives
// (defaults, then the test's t.Setenv), migrated, demo data loaded where the
// configuration asks for it, serving what opts say; it is closed when the
// test ends.
func mustServe(t *testing.T, opts ServeOptions) *Main {
	t.Helper()
	cfg, err := LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(cfg, io.Discard)
	ctx := context.Background()
	if err := m.Open(ctx, OpenOptions{Migrate: true, Index: true}); err != nil {
		t.Fatal(err)
	}
	if err := m.SeedDemoIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Serve(ctx, opts); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}
