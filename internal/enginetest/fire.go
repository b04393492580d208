package enginetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
)

// MustActor returns the actor of the demo user with the name.
func (x *Env) MustActor(t testing.TB, name string) engine.Actor {
	t.Helper()
	u, err := x.Store.User(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	if err := engine.ResolveUnit(context.Background(), x.Store, u); err != nil {
		t.Fatal(err)
	}
	return u.Actor()
}

// Fire fires the event on the case's current version as the demo user,
// with in marshalled as its payload (nil for none).
func (x *Env) Fire(t testing.TB, c *engine.Case, user string, ev engine.EventName, in any) (*engine.Case, error) {
	t.Helper()
	var raw json.RawMessage
	if in != nil {
		var err error
		if raw, err = json.Marshal(in); err != nil {
			t.Fatal(err)
		}
	}
	cur, err := x.Store.Case(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return x.Engine.Fire(context.Background(), engine.FireRequest{CaseID: c.ID, Event: ev, Actor: x.MustActor(t, user), Version: cur.Version, Payload: raw})
}

// MustFire is Fire failing the test on an error.
func (x *Env) MustFire(t testing.TB, c *engine.Case, user string, ev engine.EventName, in any) *engine.Case {
	t.Helper()
	c, err := x.Fire(t, c, user, ev, in)
	if err != nil {
		t.Fatalf("%s by %s: %v", ev, user, err)
	}
	return c
}

// DrainAt sets the clock and fires every timer due by then.
func (x *Env) DrainAt(t testing.TB, at time.Time) {
	t.Helper()
	x.Clock.Set(at)
	if _, err := x.Worker.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}
