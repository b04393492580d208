package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
)

var tabCountRE = regexp.MustCompile(`href="/inbox\?tab=([a-z_]+)"[^>]*>[^<]*<span class="count">(\d+)</span>`)

// TestInboxTabsFromTally: the bank's tab counts, read from the
// supervision side's tally, are the counts of the cases each tab lists,
// as the fake clock walks the cases past their warning and their limit.
func TestInboxTabsFromTally(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := MustEnv(t, db, 0)
			ctx := context.Background()
			win := e.MustSignIn("window-GXQ")
			for _, name := range []string{"益阳市甲机械有限公司", "益阳市乙机械有限公司", "益阳市丙机械有限公司"} {
				MustRegister(t, win, name, nil)
			}
			bank := engine.Actor{User: "bank-ICBC", Role: engine.RoleBank, Org: "ICBC"}
			routed, err := e.x.Engine.Cases(ctx, bank, engine.CaseFilter{Workflow: financing.Name, States: []engine.State{financing.Routed}, Limit: 1})
			if err != nil || len(routed) != 1 {
				t.Fatalf("routed cases: %v, %v", routed, err)
			}
			if _, err := e.x.Engine.Fire(ctx, engine.FireRequest{CaseID: routed[0].ID, Event: financing.Accept, Version: routed[0].Version,
				Actor: bank, Payload: []byte(`{}`)}); err != nil {
				t.Fatal(err)
			}
			// The bank's scope is one the tally keeps, so the tabs read it.
			if _, ok, err := e.report.Tally(ctx, bank); err != nil || !ok {
				t.Fatalf("the tally does not keep the bank's scope: %v, %v", ok, err)
			}
			no := false
			truth := map[string]engine.CaseFilter{
				"routed":     {States: []engine.State{financing.Routed}},
				"working":    {States: []engine.State{financing.Accepted, financing.InfoRequested}},
				"due_soon":   {DueSoon: &[]bool{true}[0], PastDue: &no},
				"past_due":   {PastDue: &[]bool{true}[0]},
				"supervised": {Mark: financing.ClockSupervision},
			}
			seen := map[string]int{}
			for day := 0; day <= 10; day += 2 {
				e.x.Clock.Set(start.Add(time.Duration(day) * 24 * time.Hour))
				e.drain()
				// The counts are kept for countTTL of real time and served
				// stale for a few more while recounted: wait them out.
				time.Sleep(800 * time.Millisecond)
				status, body := e.MustSignIn("bank-ICBC").get("/inbox")
				if status != http.StatusOK {
					t.Fatalf("inbox: %d", status)
				}
				// The financing cases' column is the bank's answer limit.
				if !strings.Contains(body, "答复期限") || strings.Contains(body, "报备期限") {
					t.Errorf("day %d: the inbox's limit column is not 答复期限", day)
				}
				shown := map[string]int{}
				for _, m := range tabCountRE.FindAllStringSubmatch(body, -1) {
					shown[m[1]], _ = strconv.Atoi(m[2])
				}
				for tab, f := range truth {
					f.Workflow = financing.Name
					n, err := e.x.Engine.CaseCounts(ctx, bank, f)
					if err != nil {
						t.Fatal(err)
					}
					if got, ok := shown[tab]; !ok || got != n.Total {
						t.Errorf("day %d, tab %s: shows %d (present %v), the cases are %d", day, tab, got, ok, n.Total)
					}
					seen[tab] += n.Total
				}
			}
			for _, tab := range []string{"routed", "working", "due_soon", "past_due"} {
				if seen[tab] == 0 {
					t.Errorf("the walk never had a case in tab %s: the comparison proves nothing there", tab)
				}
			}
		})
	}
}
