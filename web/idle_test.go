package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/internal/testsvc"
)

// A list refreshing itself does not keep an idle session alive: after 30
// minutes without the user's own request the session ends, however often
// the open inbox polled meanwhile; the user's own request does keep it.
func TestRefreshIsNotActivity(t *testing.T) {
	db := testsvc.Databases()[0]
	e := MustEnv(t, db, time.Second)
	bank := e.MustSignIn("bank-ICBC")
	refresh := func() int {
		req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/inbox", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("HX-Request", "true")
		req.Header.Set("X-Parkfin-Refresh", "1")
		res, err := bank.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	start := e.x.Clock.Now()
	// The user's own request at minute 20 keeps the session.
	e.x.Clock.Set(start.Add(20 * time.Minute))
	if code, body := bank.get("/inbox"); code != http.StatusOK || !strings.Contains(body, "待签收") {
		t.Fatalf("the user's own request at minute 20: %d", code)
	}
	// From then on only the list polls, every few minutes.
	for m := 25; m <= 45; m += 5 {
		e.x.Clock.Set(start.Add(time.Duration(m) * time.Minute))
		if code := refresh(); code != http.StatusOK {
			t.Fatalf("poll at minute %d: %d", m, code)
		}
	}
	// Minute 51: 31 minutes after the user's last own request.
	e.x.Clock.Set(start.Add(51 * time.Minute))
	code, body := bank.get("/inbox")
	if code == http.StatusOK && strings.Contains(body, "待签收") {
		t.Fatal("the polling list kept the idle session alive")
	}
}
