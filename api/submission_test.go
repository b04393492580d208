package api_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// A bank's quarterly submission through the one cases API: the schedule
// opens it, the bank finds it with ?workflow=submission, hands in its
// workbook in the event's body, and the city office reads the very bytes
// back by the SHA-256 the ledger names. Another bank sees nothing.
func TestSubmissionThroughTheCasesAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		e.clock.Set(time.Date(2026, 9, 30, 12, 0, 0, 0, shanghai))
		if _, err := e.engine.OpenScheduled(e.ctx); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(time.Date(2026, 10, 1, 0, 5, 0, 0, shanghai))
		if n, err := e.engine.OpenScheduled(e.ctx); err != nil || n != 10 {
			t.Fatalf("opened %d, %v", n, err)
		}
		page := e.do("bank-ICBC", http.MethodGet, "/api/v1/cases?workflow=submission", nil).want(t, http.StatusOK)
		items, _ := page.Body["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("ICBC lists %d submissions, want its own one: %s", len(items), page.Raw)
		}
		c := items[0].(map[string]any)
		if c["period"] != "2026Q3" || c["scheduled_for"] != "ICBC" || c["due_at"] != "2026-10-16T00:00:00+08:00" {
			t.Fatalf("case %v", c)
		}
		number := c["number"].(string)
		e.do("bank-ICBC", http.MethodGet, "/api/v1/cases?workflow=submission&park=GXQ", nil).want(t, http.StatusUnprocessableEntity, "validation_failed")
		e.do("bank-ICBC", http.MethodGet, "/api/v1/cases?workflow=nosuch", nil).want(t, http.StatusUnprocessableEntity, "validation_failed")
		if got := e.do("city", http.MethodGet, "/api/v1/cases/counts?workflow=submission", nil).want(t, http.StatusOK); got.num("total") != 10 {
			t.Fatalf("the city counts %d submissions, want 10", got.num("total"))
		}

		content := []byte("PK\x03\x04 2026Q3 resolution ledger of ICBC")
		sum := sha256.Sum256(content)
		sha := hex.EncodeToString(sum[:])
		body := map[string]any{"event": "submit", "version": 1, "payload": map[string]any{"note": "已核对"},
			"files": []map[string]any{{"name": "解决台账-2026Q3-工商银行.xlsx", "content_base64": base64.StdEncoding.EncodeToString(content)}}}
		bad := map[string]any{"event": "submit", "version": 1, "files": []map[string]any{{"name": "x.xlsx", "content_base64": "%%%"}}}
		e.do("bank-ICBC", http.MethodPost, "/api/v1/cases/"+number+"/events", bad).want(t, http.StatusUnprocessableEntity, "validation_failed")
		e.do("bank-ABC", http.MethodPost, "/api/v1/cases/"+number+"/events", body).want(t, http.StatusNotFound, "not_found")
		got := e.do("bank-ICBC", http.MethodPost, "/api/v1/cases/"+number+"/events", body).want(t, http.StatusOK)
		if got.str("state") != "submitted" {
			t.Fatalf("after submitting: %s", got.Raw)
		}
		file := e.do("city", http.MethodGet, "/api/v1/cases/"+number+"/files/"+sha, nil).want(t, http.StatusOK)
		if string(file.Raw) != string(content) || file.Header.Get("X-Content-SHA256") != sha {
			t.Fatalf("read back %q (%s)", file.Raw, file.Header.Get("X-Content-SHA256"))
		}
		e.do("bank-ABC", http.MethodGet, "/api/v1/cases/"+number+"/files/"+sha, nil).want(t, http.StatusNotFound, "not_found")
		ledger := e.do("city", http.MethodGet, "/api/v1/cases/"+number+"/ledger", nil).want(t, http.StatusOK)
		entries := ledger.Body["items"].([]any)
		last := entries[len(entries)-1].(map[string]any)["payload"].(map[string]any)
		files := last["files"].([]any)
		if files[0].(map[string]any)["sha256"] != sha {
			t.Fatalf("the ledger names %v", files)
		}
		e.do("city", http.MethodPost, "/api/v1/cases/"+number+"/events", map[string]any{"event": "accept", "version": 2}).want(t, http.StatusOK)
	})
}
