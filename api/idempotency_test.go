package api_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/internal/testsvc"
)

func TestIdempotency(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		body := newCase(t, "GXQ")
		e.token("window-GXQ")
		t.Run("Race", func(t *testing.T) {
			const n = 100
			var (
				wg      sync.WaitGroup
				mu      sync.Mutex
				ids     = map[string]int{}
				failure []string
			)
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := e.do("window-GXQ", "POST", "/api/v1/cases", body, "Idempotency-Key", "race-1")
					mu.Lock()
					defer mu.Unlock()
					if r.Status != http.StatusCreated {
						failure = append(failure, string(r.Raw))
						return
					}
					ids[r.str("id")]++
				}()
			}
			wg.Wait()
			if len(failure) > 0 {
				t.Fatalf("%d of %d requests failed, first: %s", len(failure), n, failure[0])
			}
			if len(ids) != 1 {
				t.Fatalf("%d different cases for one key: %v", len(ids), ids)
			}
			r := e.do("city", "GET", "/api/v1/cases?limit=200", nil).want(t, http.StatusOK)
			if got := len(r.Body["items"].([]any)); got != 1 {
				t.Fatalf("%d cases exist, want 1", got)
			}
		})
		t.Run("SameBodyOtherSpacing", func(t *testing.T) {
			first := e.do("window-GXQ", "POST", "/api/v1/cases", body, "Idempotency-Key", "k2").want(t, http.StatusCreated)
			raw := `{ "need": "` + body["need"].(string) + `", "park": "GXQ", "enterprise": {"uscc": "` +
				body["enterprise"].(map[string]any)["uscc"].(string) + `", "name": "益阳市示范机械制造有限公司"}, "amount": "3000000", "received_at": "` +
				body["received_at"].(string) + `"}`
			again := e.do("window-GXQ", "POST", "/api/v1/cases", raw, "Idempotency-Key", "k2").want(t, http.StatusCreated)
			if first.str("id") != again.str("id") || again.Header.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("replay gave %s, first %s", again.str("id"), first.str("id"))
			}
		})
		t.Run("ErrOtherBody", func(t *testing.T) {
			other := newCase(t, "GXQ")
			other["need"] = "另一个需求"
			e.do("window-GXQ", "POST", "/api/v1/cases", other, "Idempotency-Key", "race-1").
				want(t, http.StatusUnprocessableEntity, "idempotency_conflict")
		})
		t.Run("FailedRequestReleasesKey", func(t *testing.T) {
			bad := newCase(t, "LLGY") // another park's window: forbidden
			e.do("window-GXQ", "POST", "/api/v1/cases", bad, "Idempotency-Key", "k3").want(t, http.StatusForbidden, "forbidden")
			e.do("window-GXQ", "POST", "/api/v1/cases", body, "Idempotency-Key", "k3").want(t, http.StatusCreated)
		})
		t.Run("KeysArePerUser", func(t *testing.T) {
			a := e.do("window-GXQ", "POST", "/api/v1/cases", body, "Idempotency-Key", "shared").want(t, http.StatusCreated)
			b := e.do("window-LLGY", "POST", "/api/v1/cases", newCase(t, "LLGY"), "Idempotency-Key", "shared").want(t, http.StatusCreated)
			if a.str("id") == b.str("id") {
				t.Fatal("two users' keys collided")
			}
		})
	})
}
