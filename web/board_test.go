package web_test

import (
	"encoding/json"
	"html"
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

// parkReceived reads the received count of a park's row in the board's
// per-park table, by the link it drills down to.
func parkReceived(t *testing.T, body, park string) int {
	t.Helper()
	m := regexp.MustCompile(`data-label="受理数" class="num"><a href="/cases\?from=[0-9-]+&amp;park=` + park + `&amp;to=[0-9-]+">(\d+)</a>`).FindStringSubmatch(body)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// trendReceived reads the weekly trend's received counts.
func trendReceived(t *testing.T, body string) []int {
	t.Helper()
	m := regexp.MustCompile(`data-received="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the board has no trend")
	}
	var out []int
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &out); err != nil || len(out) != 12 {
		t.Fatalf("trend %q: %v", m[1], err)
	}
	return out
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
			parkBefore, trendBefore := parkReceived(t, body, "GXQ"), trendReceived(t, body)
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
			// The period tables and the trend come from the statistics'
			// per-day figures: the new case counts for its park and week.
			if got := parkReceived(t, body, "GXQ"); got != parkBefore+1 {
				t.Errorf("GXQ received %d after registering a case, was %d", got, parkBefore)
			}
			if got := trendReceived(t, body); got[11] != trendBefore[11]+1 {
				t.Errorf("this week's trend %v after registering a case, was %v", got, trendBefore)
			}
			_, body = e.MustSignIn("county-HS").get("/board?from=2026-01-02")
			if strings.Contains(body, "park=GXQ") {
				t.Errorf("county HS's tables name GX's park GXQ")
			}
			if got := figure(t, body, "/cases?state=routed"); got != 0 {
				t.Errorf("county HS counts %d routed cases of GX's parks", got)
			}
		})
	}
}

// The county sub-branch of the central bank (pboc-AH) leads its county's
// cases with the county office: its board counts AH's cases and not
// another county's, its list shows them, and a case's page offers it the
// offices' forms; another county's case is not found.
func TestCountySubBranchBoard(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := MustEnv(t, db, 0)
			ah := MustRegister(t, e.MustSignIn("window-AHJK"), "安化县示范茶业有限公司", nil)
			gx := MustRegister(t, e.MustSignIn("window-GXQ"), "益阳市示范机械制造有限公司", nil)
			branch := e.MustSignIn("pboc-AH")
			status, body := branch.get("/board?from=2026-01-01")
			if status != http.StatusOK || !strings.Contains(body, `id="as-of"`) {
				t.Fatalf("the sub-branch's board: %d", status)
			}
			if got := figure(t, body, "/cases?state=routed"); got != 1 {
				t.Errorf("the sub-branch's board counts %d routed cases, want AH's one", got)
			}
			if strings.Contains(body, "park=GXQ") {
				t.Errorf("the sub-branch's board names GX's park")
			}
			_, body = branch.get("/cases")
			if !strings.Contains(body, ah) || strings.Contains(body, gx) {
				t.Errorf("the sub-branch's list lacks %s or shows GX's %s", ah, gx)
			}
			status, body = branch.get(ah)
			if status != http.StatusOK || !strings.Contains(body, "督办") {
				t.Errorf("the sub-branch's case page: %d, offers no 督办", status)
			}
			if status, _ := branch.get(gx); status != http.StatusNotFound {
				t.Errorf("the sub-branch reads GX's case: %d", status)
			}
		})
	}
}
