package financing_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/memtimer"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

var shanghai = calendar.Location()

// at returns the instant of a Shanghai wall-clock time.
func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, shanghai)
}

// env is one engine with the financing workflow on a fresh database loaded
// with the demo data, a fake clock and an in-process timer index.
type env struct {
	t      *testing.T
	ctx    context.Context
	clock  *engine.FakeClock
	store  *sqlstore.Store
	index  *memtimer.Index
	engine *engine.Engine
	worker *engine.Worker
	// overrides is the calendar in force, with the administrator's entries.
	overrides *calendar.Overrides
}

// forEachDB runs fn as a subtest on SQLite and on PostgreSQL.
func forEachDB(t *testing.T, fn func(t *testing.T, db testsvc.Database)) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) { fn(t, db) })
	}
}

func MustEnv(t *testing.T, db testsvc.Database, start time.Time) *env {
	t.Helper()
	x := enginetest.New(t, db, start)
	return &env{t: t, ctx: context.Background(), clock: x.Clock, store: x.Store, index: x.Index, engine: x.Engine, worker: x.Worker, overrides: x.Overrides}
}

// actor returns the demo user's actor.
func (e *env) actor(name string) engine.Actor {
	e.t.Helper()
	u, err := e.store.User(e.ctx, name)
	if err != nil {
		e.t.Fatalf("user %s: %v", name, err)
	}
	if err := engine.ResolveUnit(e.ctx, e.store, u); err != nil {
		e.t.Fatal(err)
	}
	return u.Actor()
}

// validUSCC returns a valid credit code built from seventeen characters.
func validUSCC(t *testing.T, first17 string) string {
	t.Helper()
	c, err := uscc.CheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

func (e *env) openInput(park string) financing.OpenInput {
	return financing.OpenInput{
		Park:       park,
		Enterprise: financing.Enterprise{Name: "益阳市示范机械制造有限公司", USCC: validUSCC(e.t, "91430900MA4L00001")},
		Need:       "扩大生产线，需流动资金贷款，希望了解抵押条件和办理流程。",
		Amount:     "3000000",
	}
}

// open registers a case at the GXQ window (lead bank ICBC, county GX).
func (e *env) open(received time.Time) *engine.Case {
	e.t.Helper()
	return e.openAs("window-GXQ", e.openInput("GXQ"), received)
}

func (e *env) openAs(user string, in financing.OpenInput, received time.Time) *engine.Case {
	e.t.Helper()
	c, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: e.actor(user), Payload: mustJSON(e.t, in), ReceivedAt: received})
	if err != nil {
		e.t.Fatalf("open: %v", err)
	}
	return c
}

// fire fires an event as the user on the case's current version.
func (e *env) fire(c *engine.Case, user string, ev engine.EventName, payload any) (*engine.Case, error) {
	e.t.Helper()
	cur, err := e.store.Case(e.ctx, c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.engine.Fire(e.ctx, engine.FireRequest{CaseID: c.ID, Event: ev, Actor: e.actor(user), Version: cur.Version, Payload: mustJSON(e.t, payload)})
}

func (e *env) mustFire(c *engine.Case, user string, ev engine.EventName, payload any) *engine.Case {
	e.t.Helper()
	c, err := e.fire(c, user, ev, payload)
	if err != nil {
		e.t.Fatalf("%s by %s: %v", ev, user, err)
	}
	return c
}

// drain fires every timer due at the fake clock's instant.
func (e *env) drain() int {
	e.t.Helper()
	n, err := e.worker.Drain(e.ctx)
	if err != nil {
		e.t.Fatalf("drain: %v", err)
	}
	return n
}

func (e *env) reload(c *engine.Case) *engine.Case {
	e.t.Helper()
	c, err := e.store.Case(e.ctx, c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) events(c *engine.Case) []string {
	e.t.Helper()
	entries, err := e.store.CaseLedger(e.ctx, c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	out := make([]string, len(entries))
	for i, en := range entries {
		out[i] = en.Event
	}
	return out
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	if v == nil {
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// wantField checks err is validation_failed naming the field, with messages
// in both languages.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	wantCode(t, err, engine.EINVALID)
	var de *engine.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v is not a domain error", err)
	}
	for _, f := range de.Fields {
		if f.Field == field {
			if f.Message == "" || f.MessageZH == "" {
				t.Fatalf("field error %+v lacks a message", f)
			}
			return
		}
	}
	t.Fatalf("error %+v does not name field %s", de.Fields, field)
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := engine.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

var answerYes = financing.AnswerInput{CanHandle: "yes", Conditions: "提供厂房抵押，抵押率不超过七成。", Procedure: "提交申请→尽调→审批→签约放款。", Product: "流动资金贷款", AmountOffered: "2500000"}

// openRouted registers a paper record received and handed to the bank at
// the given instants (zero: now).
func (e *env) openRouted(received, routed time.Time) *engine.Case {
	e.t.Helper()
	c, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: e.actor("window-GXQ"),
		Payload: mustJSON(e.t, e.openInput("GXQ")), ReceivedAt: received, RoutedAt: routed})
	if err != nil {
		e.t.Fatalf("open: %v", err)
	}
	return c
}

// step is one event fired by its rightful user.
type step struct {
	user    string
	event   engine.EventName
	payload any
}

// run fires the steps in order.
func (e *env) run(c *engine.Case, steps ...step) *engine.Case {
	e.t.Helper()
	for _, s := range steps {
		c = e.mustFire(c, s.user, s.event, s.payload)
	}
	return c
}

// data decodes the case's record.
func (e *env) data(c *engine.Case) *financing.Data {
	e.t.Helper()
	d, err := financing.DataOf(e.reload(c))
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// lastEntry returns the case's newest ledger entry's event, actor and
// payload.
func (e *env) lastEntry(c *engine.Case) (event, actor string, payload map[string]any) {
	e.t.Helper()
	entries, err := e.store.CaseLedger(e.ctx, c.ID)
	if err != nil || len(entries) == 0 {
		e.t.Fatalf("ledger: %d entries (%v)", len(entries), err)
	}
	last := entries[len(entries)-1]
	if len(last.Payload) > 0 {
		if err := json.Unmarshal(last.Payload, &payload); err != nil {
			e.t.Fatal(err)
		}
	}
	return last.Event, last.ActorUser, payload
}

// timerStatus returns the status of the newest row of the named timer, or
// "".
func (e *env) timerStatus(c *engine.Case, name string) engine.TimerStatus {
	e.t.Helper()
	rows, err := e.store.CaseTimers(e.ctx, c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	var st engine.TimerStatus
	for _, r := range rows {
		if r.Name == name {
			st = r.Status
		}
	}
	return st
}

// The rightful steps of the plan's paths.
var (
	accept       = step{"bank-ICBC", financing.Accept, financing.NoteInput{Note: "已签收"}}
	inviteABC    = step{"bank-ICBC", financing.Invite, financing.InviteInput{Bank: "ABC"}}
	answer       = step{"bank-ICBC", financing.Answer, answerYes}
	requestInfo  = step{"bank-ICBC", financing.RequestInfo, financing.RequestInfoInput{Question: "请补充近两年财务报表。"}}
	supplyInfo   = step{"window-GXQ", financing.SupplyInfo, financing.SupplyInfoInput{Info: "已补充 2024、2025 年财务报表。"}}
	returnIt     = step{"bank-ICBC", financing.Return, financing.ReturnInput{Category: financing.ReturnWrongBank, Reason: "企业结算账户在中国银行，应由中行办理。"}}
	cannotSolve  = step{"bank-ICBC", financing.CannotSolve, financing.CannotSolveInput{Reason: "企业缺少有效抵押物，参与行亦无法解决。"}}
	askExtension = step{"bank-ICBC", financing.RequestExtension, financing.ExtensionInput{Workdays: 3, Reason: "需总行审批授信方案。"}}
	feedback     = step{"window-GXQ", financing.Feedback, financing.FeedbackInput{Outcome: financing.OutcomeFinanced, AmountFinanced: "2500000"}}
	unsatisfied  = step{"window-GXQ", financing.FollowUp, financing.FollowUpInput{Satisfaction: financing.Dissatisfied, Comments: "放款额度低于预期。"}}
)
