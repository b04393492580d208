package audit

import (
	"context"
	"log/slog"

	"github.com/parkfin/parkfin/engine"
)

// Log records entries for the HTTP servers and the sign-in service. A nil
// Log records nothing.
type Log struct {
	Store  Store
	Clock  engine.Clock
	Logger *slog.Logger
}

// Record stores e, stamped now when e.At is zero. A failure to record is
// logged as an error, not returned: the action it describes has happened.
func (l *Log) Record(ctx context.Context, e Entry) {
	if l == nil || l.Store == nil {
		return
	}
	if e.At.IsZero() {
		e.At = l.Clock.Now()
	}
	if err := l.Store.AppendAudit(context.WithoutCancel(ctx), &e); err != nil {
		lg := l.Logger
		if lg == nil {
			lg = slog.Default()
		}
		lg.Error("recording a security audit entry failed", "action", e.Action, "actor", e.Actor, "err", err)
	}
}

// ActorEntry returns an entry of the actor's action with its result. An
// operator acting as a user is recorded as the user, with Via naming the
// operator ("operator:<os user> as <user>").
func ActorEntry(a engine.Actor, via, addr, action, target, result string) Entry {
	if a.Operator() != "" {
		via = a.User
	}
	return Entry{Actor: a.Name(), ActorRole: string(a.Role), ActorOrg: a.Org, Via: via, Addr: addr,
		Action: action, Target: target, Result: result}
}

// Who is the actor of a request with how and from where it came.
type Who struct {
	Actor engine.Actor
	// Via is "session", "token", "cli" or "operator:<os user> as <user>".
	Via  string
	Addr string
}

// Entry returns an entry of an action of w.
func (w Who) Entry(action, target, result, detail string) Entry {
	e := ActorEntry(w.Actor, w.Via, w.Addr, action, target, result)
	e.Detail = detail
	return e
}
