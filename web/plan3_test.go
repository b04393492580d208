package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/plan3"
)

// A plan-3 case whose deadline passed is under supervision: its state is
// red on the assigner's list and on the case page.
func TestPlan3SupervisedIsRed(t *testing.T) {
	e := MustEnv(t, testsvc.Database{Name: "sqlite", URL: testsvc.SQLiteURL}, time.Second)
	x := e.x
	x.Clock.Set(time.Date(2027, 2, 1, 9, 0, 0, 0, calendar.Location()))
	lgo := x.MustActor(t, "lgo-YSHJ")
	raw := `{"enterprise":"益阳某新材料有限公司","difficulty":"不动产登记迟滞","lead":"FGW","deadline":"2027-02-10"}`
	c, err := x.Engine.Open(t.Context(), engine.OpenRequest{Workflow: plan3.Name, Actor: lgo, Payload: json.RawMessage(raw)})
	if err != nil {
		t.Fatal(err)
	}
	x.Clock.Set(time.Date(2027, 2, 11, 0, 0, 0, 0, calendar.Location()))
	if _, err := x.Worker.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	office := e.MustSignIn("lgo-YSHJ")
	for _, path := range []string{"/duties/plan3", "/cases/" + c.ID} {
		status, body := office.get(path)
		if status != http.StatusOK || !strings.Contains(body, `<span class="tag tag-red">督办中</span>`) {
			t.Errorf("%s: %d, the supervised state is not red", path, status)
		}
	}
	// The list names its limit as plan 3 does, not as a bank's answer.
	if _, body := office.get("/duties/plan3"); !strings.Contains(body, "进展报送期限") || strings.Contains(body, "答复期限") {
		t.Error("the plan-3 list's limit column is not 进展报送期限")
	}
}
