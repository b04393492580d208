package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/engine/audit"
)

// Every change the command line makes to users and tokens goes through the
// administrator's path and leaves its audit entry naming the operator; a
// user it creates or whose password it sets must change the password at
// the next sign-in; disabling a user revokes its tokens.
func TestCLIChangesAudited(t *testing.T) {
	forEachDB(t, func(t *testing.T) {
		ctx := context.Background()
		runIn := func(stdin string, args ...string) (string, string, int) {
			var out, errOut bytes.Buffer
			code := Execute(ctx, args, strings.NewReader(stdin), &out, &errOut)
			return out.String(), errOut.String(), code
		}
		if _, errOut, code := runIn("Str0ng-Passw0rd\n", "user", "create", "--role", "boss", "--org", "X", "x"); code == 0 ||
			!strings.Contains(errOut, "auditor（安全审计员）") || !strings.Contains(errOut, "window（园区窗口）") {
			t.Fatalf("an unknown role: exit %d %s", code, errOut)
		}
		for _, args := range [][]string{
			{"user", "create", "--role", "admin", "--org", "ADMIN", "root-admin"},
			{"user", "create", "--role", "auditor", "--org", "AUDIT", "--display-name", "审计员", "auditor-1"},
		} {
			if out, errOut, code := runIn("Str0ng-Passw0rd\n", args...); code != 0 {
				t.Fatalf("%v: exit %d %s %s", args, code, out, errOut)
			}
		}

		cfg, err := LoadConfig("")
		if err != nil {
			t.Fatal(err)
		}
		m := NewMain(cfg, io.Discard)
		if err := m.Open(ctx, OpenOptions{}); err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		h := m.handler(ctx)
		signIn := func(name, pw string) (int, string) {
			body, _ := json.Marshal(map[string]string{"user": name, "password": pw})
			req := httptest.NewRequest(http.MethodPost, "/api/v1/session", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var info struct {
				PasswordState string `json:"password_state"`
			}
			_ = json.Unmarshal(rec.Body.Bytes(), &info)
			return rec.Code, info.PasswordState
		}
		if code, state := signIn("auditor-1", "Str0ng-Passw0rd"); code != http.StatusCreated || state != "required" {
			t.Fatalf("first sign-in of a user created at the command line: %d, password state %q", code, state)
		}

		if _, errOut, code := runIn("An0ther-Passw0rd\n", "user", "passwd", "auditor-1"); code != 0 {
			t.Fatalf("passwd: %s", errOut)
		}
		if code, state := signIn("auditor-1", "An0ther-Passw0rd"); code != http.StatusCreated || state != "required" {
			t.Fatalf("sign-in after passwd: %d, password state %q", code, state)
		}
		mustRun(t, "token", "issue", "--user", "auditor-1", "--name", "export job")
		tokens, err := m.Store.Tokens(ctx, "auditor-1")
		if err != nil || len(tokens) != 1 || tokens[0].RevokedAt != nil {
			t.Fatalf("tokens %+v %v", tokens, err)
		}
		mustRun(t, "user", "disable", "auditor-1")
		if tokens, _ = m.Store.Tokens(ctx, "auditor-1"); tokens[0].RevokedAt == nil {
			t.Fatal("user disable left the user's token valid")
		}
		mustRun(t, "user", "enable", "auditor-1")
		if tokens, _ = m.Store.Tokens(ctx, "auditor-1"); tokens[0].RevokedAt == nil {
			t.Fatal("user enable revived a revoked token")
		}
		mustRun(t, "token", "issue", "--user", "root-admin")
		tokens, _ = m.Store.Tokens(ctx, "root-admin")
		mustRun(t, "token", "revoke", tokens[0].ID)

		entries, err := m.Store.AuditEntries(ctx, audit.Filter{Actor: operator()})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i := len(entries) - 1; i >= 0; i-- {
			e := entries[i]
			if e.Via != "cli" || e.Result != audit.OK {
				t.Errorf("entry %+v", e)
			}
			got = append(got, e.Action+" "+e.Target)
		}
		want := []string{
			"user.change root-admin", "password.change root-admin",
			"user.change auditor-1", "password.change auditor-1",
			"user.change auditor-1", "password.change auditor-1",
			"token.issue auditor-1",
			"user.change auditor-1", "user.disable auditor-1",
			"user.change auditor-1",
			"token.issue root-admin", "token.revoke root-admin",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("audit entries of the operator:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if out := mustRun(t, "audit", "verify"); !strings.Contains(out, "intact") {
			t.Fatalf("verify: %q", out)
		}
	})
}
