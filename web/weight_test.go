package web_test

import (
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/parkfin/parkfin/internal/testsvc"
)

// TestInboxWeight checks the budget: the bank's inbox, with its
// CSS and JavaScript, weighs at most 150 KB compressed.
func TestInboxWeight(t *testing.T) {
	e := MustEnv(t, testsvc.Database{Name: "sqlite", URL: testsvc.SQLiteURL}, time.Second)
	bank := e.MustSignIn("bank-ICBC")
	fetch := func(path string) int {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := (&http.Transport{DisableCompression: true}).RoundTrip(withCookies(req, bank))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		return len(raw)
	}
	_, html := bank.get("/inbox")
	total := fetch("/inbox")
	for _, m := range regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`).FindAllStringSubmatch(html, -1) {
		total += fetch(m[1])
	}
	t.Logf("inbox: %d bytes compressed, with its CSS and JavaScript", total)
	if total > 150*1024 {
		t.Fatalf("the inbox weighs %d bytes compressed, more than 150 KB", total)
	}
}

func withCookies(req *http.Request, c *client) *http.Request {
	for _, ck := range c.http.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	return req
}
