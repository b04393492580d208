package web_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/internal/testsvc"
)

// figure reads one of the board's figures by the list it drills down to.
func figure(t *testing.T, body, href string) int {
	t.Helper()
	m := regexp.MustCompile(`href="` + regexp.QuoteMeta(href) + `"><span class="n">(\d+)</span>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the board has no figure for %s", href)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestBoardFromTally: the board reads the supervision side's tally, says
// when it was taken, and counts a case registered a moment before.
func TestBoardFromTally(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := MustEnv(t, db, 0)
			county := e.MustSignIn("county-GX")
			status, body := county.get("/board")
			if status != http.StatusOK {
				t.Fatalf("board: %d", status)
			}
			if !strings.Contains(body, `id="as-of"`) || !strings.Contains(body, "数据截至 10:00:00") {
				t.Errorf("the board does not say when its figures were taken:\n%s", body)
			}
			before := figure(t, body, "/cases?state=routed")
			MustRegister(t, e.MustSignIn("window-GXQ"), "益阳市示范机械制造有限公司", nil)
			// Another period is another computation: the tally is caught up
			// before it is read.
			_, body = county.get("/board?from=2026-01-01")
			if got := figure(t, body, "/cases?state=routed"); got != before+1 {
				t.Errorf("routed %d after registering a case, was %d", got, before)
			}
			if got := figure(t, body, "/cases?state=routed&amp;state=accepted"); got != before+1 {
				t.Errorf("in time %d, want %d", got, before+1)
			}
			_, body = e.MustSignIn("county-HS").get("/board?from=2026-01-02")
			if got := figure(t, body, "/cases?state=routed"); got != 0 {
				t.Errorf("county HS counts %d routed cases of GX's parks", got)
			}
		})
	}
}
