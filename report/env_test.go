package report_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/report"
	"github.com/parkfin/parkfin/workflows/financing"
)

var shanghai = calendar.Location()

func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, shanghai)
}

// env is an engine on a fresh database with the report tables and service.
type env struct {
	t      testing.TB
	ctx    context.Context
	x      *enginetest.Env
	svc    *report.Service
	actors map[string]engine.Actor
}

func forEachDB(t *testing.T, fn func(t *testing.T, db testsvc.Database)) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) { fn(t, db) })
	}
}

func mustEnv(t testing.TB, db testsvc.Database, start time.Time) *env {
	t.Helper()
	x := enginetest.New(t, db, start)
	ctx := context.Background()
	pg := x.Store.Dialect() == sqlstore.Postgres
	if err := report.Migrate(ctx, x.Store.DB(), pg); err != nil {
		t.Fatal(err)
	}
	p := report.NewProjector(x.Store.DB(), x.Store, x.Overrides.Live(), x.Clock, pg)
	svc := report.New(report.Config{DB: x.Store.DB(), Engine: x.Engine, Projector: p})
	return &env{t: t, ctx: ctx, x: x, svc: svc, actors: map[string]engine.Actor{}}
}

func (e *env) actor(name string) engine.Actor {
	e.t.Helper()
	if a, ok := e.actors[name]; ok {
		return a
	}
	u, err := e.x.Store.User(e.ctx, name)
	if err != nil {
		e.t.Fatalf("user %s: %v", name, err)
	}
	e.actors[name] = u.Actor()
	return u.Actor()
}

func mustJSON(t testing.TB, v any) json.RawMessage {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// open registers a case at the park's window at the clock's instant.
func (e *env) open(park, name, uscc, amount string) *engine.Case {
	e.t.Helper()
	in := financing.OpenInput{Park: park, Enterprise: financing.Enterprise{Name: name, USCC: uscc}, Need: "流动资金贷款", Amount: amount}
	c, err := e.x.Engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: e.actor("window-" + park), Payload: mustJSON(e.t, in)})
	if err != nil {
		e.t.Fatalf("open: %v", err)
	}
	return c
}

func (e *env) fire(c *engine.Case, user string, ev engine.EventName, payload any) (*engine.Case, error) {
	var raw json.RawMessage
	if payload != nil {
		raw = mustJSON(e.t, payload)
	}
	return e.x.Engine.Fire(e.ctx, engine.FireRequest{CaseID: c.ID, Event: ev, Actor: e.actor(user), Payload: raw})
}

func (e *env) mustFire(c *engine.Case, user string, ev engine.EventName, payload any) *engine.Case {
	e.t.Helper()
	c2, err := e.fire(c, user, ev, payload)
	if err != nil {
		e.t.Fatalf("%s %s by %s: %v", c.Number, ev, user, err)
	}
	return c2
}

// usccs are valid credit codes for test enterprises.
var usccs = []string{"91430900MA4L000032"}

func jsonUnmarshal(raw []byte, v any) error { return json.Unmarshal(raw, v) }

func asErr(err error, target **engine.Error) bool { return errors.As(err, target) }
