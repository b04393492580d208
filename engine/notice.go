package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Audience names who a notice is for, in the words of a workflow: the
// organisations standing in Relation to the case (optionally only their
// users with Role), or, with Relation empty, every user with Role (the city
// office, the central bank).
type Audience struct {
	Relation Relation
	Role     Role
}

// NoticeDef declares that an event tells people: To are those who must act
// next, Copy those kept informed. Kind names the notice's templates and is
// what a user chooses channels for; it defaults to the event's name, and
// several events may share one (every way a case reaches a bank is "routed").
type NoticeDef struct {
	Event EventName
	Kind  string
	To    []Audience
	Copy  []Audience
}

// Recipient is an Audience resolved against one case at the instant of its
// transition: an organisation (Org, its users with Role when Role is set) or
// every user with Role (Org empty).
type Recipient struct {
	Org  string `json:"org,omitempty"`
	Role Role   `json:"role,omitempty"`
	// Copy is set for those kept informed rather than asked to act.
	Copy bool `json:"copy,omitempty"`
}

// Notice is one row of the outbox: something that happened to a case and
// who is to hear of it. It is written in the transaction of the transition
// it tells of, so that it commits with it or not at all; engine/notify turns
// it into deliveries after the commit.
type Notice struct {
	// ID is the notice's idempotency key; every delivery derives its own
	// from it.
	ID       string
	Kind     string
	Workflow string
	Event    EventName
	// CaseID is empty for notices of no single case (a daily digest).
	CaseID     string
	CaseNumber string
	CaseTitle  string
	// State is the case's state after the transition.
	State State
	// Actor fired the event; deliveries skip the actor's own user.
	Actor      Actor
	At         time.Time
	DueAt      *time.Time
	Recipients []Recipient
	// Payload is the event's payload as the ledger records it, or the
	// digest's content.
	Payload json.RawMessage
	// DedupeKey, when set, makes a second notice with the same key a
	// no-op (one digest per organisation and day, however many processes
	// run the digest).
	DedupeKey string
}

// compileNotices checks the workflow's notice declarations.
func compileNotices(w *workflow) error {
	w.notices = make(map[EventName]*NoticeDef)
	for i := range w.def.Notices {
		nd := &w.def.Notices[i]
		if w.events[nd.Event] == nil {
			return fmt.Errorf("notice of undeclared event %q", nd.Event)
		}
		if w.notices[nd.Event] != nil {
			return fmt.Errorf("event %q declares two notices", nd.Event)
		}
		if len(nd.To) == 0 {
			return fmt.Errorf("notice of %q is for nobody", nd.Event)
		}
		for _, a := range append(append([]Audience{}, nd.To...), nd.Copy...) {
			if a.Role != "" && !a.Role.Valid() {
				return fmt.Errorf("notice of %q: unknown role %q", nd.Event, a.Role)
			}
			if a.Relation == "" && a.Role == "" {
				return fmt.Errorf("notice of %q: an audience needs a relation or a role", nd.Event)
			}
		}
		if nd.Kind == "" {
			nd.Kind = string(nd.Event)
		}
		w.notices[nd.Event] = nd
	}
	return nil
}

// recipients resolves a notice's audiences against the case's parties. An
// organisation asked to act is not also copied.
func recipients(nd *NoticeDef, c *Case) []Recipient {
	var out []Recipient
	seen := make(map[Recipient]bool)
	add := func(as []Audience, cp bool) {
		for _, a := range as {
			var rs []Recipient
			if a.Relation == "" {
				rs = append(rs, Recipient{Role: a.Role})
			}
			for _, p := range c.Parties {
				if a.Relation != "" && p.Relation == a.Relation {
					rs = append(rs, Recipient{Org: p.Org, Role: a.Role})
				}
			}
			for _, r := range rs {
				if seen[r] {
					continue
				}
				seen[r] = true
				r.Copy = cp
				out = append(out, r)
			}
		}
	}
	add(nd.To, false)
	add(nd.Copy, true)
	return out
}

// notice builds the outbox row of the transition that just moved c with
// event name, if the workflow declares one for it.
func (w *workflow) notice(c *Case, name EventName, actor Actor, payload json.RawMessage, now time.Time) (*Notice, error) {
	nd := w.notices[name]
	if nd == nil {
		return nil, nil
	}
	rs := recipients(nd, c)
	if len(rs) == 0 {
		return nil, nil
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	n := &Notice{
		ID: id.String(), Kind: nd.Kind, Workflow: w.def.Name, Event: name,
		CaseID: c.ID, CaseNumber: c.Number, CaseTitle: c.Title, State: c.State,
		Actor: actor, At: now, Recipients: rs, Payload: payload,
	}
	if c.DueAt != nil {
		due := *c.DueAt
		n.DueAt = &due
	}
	return n, nil
}

// NoticeOf returns the notice the definition declares for an event, its
// Kind filled in.
func (d Definition) NoticeOf(ev EventName) (NoticeDef, bool) {
	for _, nd := range d.Notices {
		if nd.Event == ev {
			if nd.Kind == "" {
				nd.Kind = string(nd.Event)
			}
			return nd, true
		}
	}
	return NoticeDef{}, false
}

// OnNotice registers fn to be called after a transaction that wrote notices
// committed: a notice dispatcher in the same process wakes at once rather
// than at its next poll.
func (e *Engine) OnNotice(fn func()) { e.onNotice.Store(&fn) }

// NoticeExpander turns a transition's notice into what it becomes — its
// inbox rows, its deliveries — in the transition's own transaction, so that
// the notice is not written to the outbox only to be read, expanded and
// deleted by a dispatcher in another transaction. It may decline (done
// false), and the notice then goes to the outbox as without it: an
// expander answers from what it holds and reads nothing of the database
// in the transition's transaction. after, when not nil, runs once the
// transaction committed. A notice with a DedupeKey is never offered.
type NoticeExpander interface {
	ExpandInTx(ctx context.Context, tx Tx, n *Notice) (after func(), done bool, err error)
}

// ExpandNoticesWith has x expand the transitions' notices in their own
// transactions where it can (NoticeExpander); nil stops it.
func (e *Engine) ExpandNoticesWith(x NoticeExpander) {
	if x == nil {
		e.expander.Store(nil)
		return
	}
	e.expander.Store(&x)
}

// EnqueueNotices writes notices that belong to no transition (a daily
// digest) in a transaction of their own; a notice whose DedupeKey is taken
// already is skipped. It reports how many it wrote.
func (e *Engine) EnqueueNotices(ctx context.Context, ns []Notice) (int, error) {
	written := 0
	err := e.store.InTx(ctx, func(tx Tx) error {
		written = 0
		for i := range ns {
			ok, err := tx.InsertNotice(ctx, &ns[i])
			if err != nil {
				return err
			}
			if ok {
				written++
			}
		}
		return nil
	})
	if err == nil && written > 0 {
		e.noticesWritten()
	}
	return written, err
}

func (e *Engine) noticesWritten() {
	if fn := e.onNotice.Load(); fn != nil {
		(*fn)()
	}
}
