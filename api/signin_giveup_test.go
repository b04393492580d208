package api_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/password"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// A sign-in whose client goes away while it waits its turn for a password
// hash (a flood of sign-ins) leaves the queue: its hash is not computed and
// nothing is counted against the account; the attempts after it are
// counted as before. (A given-up attempt was never counted — its failure's
// write fails with the request's context — but it took its turn and a full
// hash from those still waiting.)
func TestSignInGivenUpLeavesQueue(t *testing.T) {
	// A stored hash slow to check (32 MiB, 40 passes: about a second),
	// so that one sign-in holds the only place under the bound long enough
	// for another to queue behind it and give up. No password matches it:
	// the sign-in holding the place fails, and only has to take its time.
	const slow = "$argon2id$v=19$m=32768,t=40,p=1$c2xvdy1zYWx0LTE2Ynl0ZQ$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	password.SetMaxConcurrent(1)
	defer password.SetMaxConcurrent(0)
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		if err := e.store.PutUser(e.ctx, engine.User{Name: "window-slow", DisplayName: "慢速校验窗口", Role: engine.RoleWindow,
			Org: "GXQ", PasswordHash: slow, CreatedAt: e.clock.Now()}, nil); err != nil {
			t.Fatal(err)
		}
		failed := func() int {
			entries, err := e.store.AuditEntries(context.Background(), audit.Filter{Action: audit.SignIn, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, en := range entries {
				if en.Target == "bank-ICBC" && en.Result == audit.Failed {
					n++
				}
			}
			return n
		}
		waitLoad := func(what string, ok func(running, waiting int) bool) {
			t.Helper()
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(time.Millisecond) {
				if running, waiting, _ := password.Load(); ok(running, waiting) {
					return
				}
				if time.Now().After(deadline) {
					running, waiting, _ := password.Load()
					t.Fatalf("%s: %d running, %d waiting", what, running, waiting)
				}
			}
		}

		// Each hash started is a rise in the memory the running hashes hold.
		var started int
		var last int64
		password.ObserveMemory(func(b int64) {
			if b > last {
				started++
			}
			last = b
		})
		defer password.ObserveMemory(nil)
		hashes := func() int {
			password.ObserveMemory(nil) // the observer's calls end before
			n := started
			started, last = 0, 0
			return n
		}

		holder := make(chan int, 1)
		go func() {
			r, err := e.srv.Client().Post(e.srv.URL+"/api/v1/session", "application/json",
				bytes.NewReader([]byte(`{"user":"window-slow","password":"Slow-and-wrong-1"}`)))
			if err != nil {
				holder <- 0
				return
			}
			r.Body.Close()
			holder <- r.StatusCode
		}()
		waitLoad("the slow sign-in never started its hash", func(running, _ int) bool { return running == 1 })

		// A wrong password, queued behind it; its client gives up.
		ctx, cancel := context.WithCancel(context.Background())
		req, err := http.NewRequestWithContext(ctx, "POST", e.srv.URL+"/api/v1/session",
			bytes.NewReader([]byte(`{"user":"bank-ICBC","password":"Wrong-guess-1"}`)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		gone := make(chan error, 1)
		go func() {
			r, err := e.srv.Client().Do(req)
			if err == nil {
				r.Body.Close()
			}
			gone <- err
		}()
		waitLoad("the wrong sign-in never queued", func(_, waiting int) bool { return waiting == 1 })
		cancel()
		if err := <-gone; err == nil {
			t.Fatal("the given-up request was answered")
		}
		// The server gives up its place in the queue while the slow hash
		// still runs: it never hashes the wrong password.
		waitLoad("the server kept the given-up sign-in waiting", func(running, waiting int) bool { return waiting == 0 })
		if running, _, _ := password.Load(); running != 1 {
			t.Fatal("the slow hash ended before the given-up sign-in left the queue; make it slower")
		}
		if status := <-holder; status != http.StatusUnauthorized {
			t.Fatalf("the slow sign-in: %d", status)
		}
		if n := failed(); n != 0 {
			t.Fatalf("%d failed sign-ins counted for a sign-in given up", n)
		}
		if n := hashes(); n != 1 {
			t.Fatalf("%d hashes computed: the slow sign-in's, and the one given up?", n)
		}
		// Counted as before when the client waits for its answer.
		e.do("", "POST", "/api/v1/session", map[string]any{"user": "bank-ICBC", "password": "Wrong-guess-1"}).
			want(t, http.StatusUnauthorized, "unauthenticated")
		if n := failed(); n != 1 {
			t.Fatalf("%d failed sign-ins counted after one wrong password", n)
		}
	})
}
