package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/ledger"
	"github.com/parkfin/parkfin/engine/memtimer"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// The drill workflow is the engine's own throwaway workflow: small enough to
// read at a glance, and shaped to reach every timer rule the engine knows. A
// park window opens a case for a bank, which accepts it (its reply limit
// keeps running), puts it on hold (the limit pauses) or gives it back (the
// limit stops; the bank becomes a former party that traces its own entries).
// The window reroutes it to another bank or transfers it (the limit is armed
// afresh), extends the limit, and chases the answer once given. The city
// office sends notices with a reply-by date.
const flowName = "drill"

// The drill's states.
const (
	sNew      engine.State = "new"
	sWaiting  engine.State = "waiting"  // the bank has it; the reply limit starts here
	sWorking  engine.State = "working"  // the bank works on it; the reply limit runs
	sOnHold   engine.State = "on_hold"  // the bank waits for the window; the reply limit pauses
	sReturned engine.State = "returned" // the bank gave it back; the reply limit stops
	sAnswered engine.State = "answered" // the bank answered; the window may chase a follow-up
	sClosed   engine.State = "closed"
)

// The drill's events.
const (
	evOpen            engine.EventName = "open"
	evAccept          engine.EventName = "accept"
	evHold            engine.EventName = "hold"
	evResume          engine.EventName = "resume"
	evAnswer          engine.EventName = "answer"
	evGiveBack        engine.EventName = "give_back"
	evReroute         engine.EventName = "reroute"
	evTransfer        engine.EventName = "transfer"
	evExtend          engine.EventName = "extend"
	evNotify          engine.EventName = "notify"
	evReplyNotice     engine.EventName = "reply_notice"
	evChase           engine.EventName = "chase"
	evFollowed        engine.EventName = "followed"
	evClose           engine.EventName = "close"
	evRemind          engine.EventName = "remind"
	evLapse           engine.EventName = "lapse"
	evNoticeOverdue   engine.EventName = "notice_overdue"
	evFollowUpOverdue engine.EventName = "followup_overdue"
)

// The drill's relations, clocks and timers.
const (
	relPark   engine.Relation = "park"
	relBank   engine.Relation = "bank"
	relFormer engine.Relation = "former"

	clockReply    = "reply"
	clockNotice   = "notice"
	clockFollowUp = "followup"

	tmReminder = "reminder"
	tmLimit    = "limit"
	tmNotice   = "notice_limit"
	tmFollowUp = "followup_limit"
)

// The drill's numbers of working days.
const (
	reminderDays = 2
	limitDays    = 5
	followUpDays = 3
)

// The actors of the drill's tests. The engine needs no directory rows: the
// drill's Apply functions read none.
var (
	windowP1   = engine.Actor{User: "window-p1", Role: engine.RoleWindow, Org: "P1"}
	windowP2   = engine.Actor{User: "window-p2", Role: engine.RoleWindow, Org: "P2"}
	bankB1     = engine.Actor{User: "bank-b1", Role: engine.RoleBank, Org: "B1"}
	bankB2     = engine.Actor{User: "bank-b2", Role: engine.RoleBank, Org: "B2"}
	bankB3     = engine.Actor{User: "bank-b3", Role: engine.RoleBank, Org: "B3"}
	bankB9     = engine.Actor{User: "bank-b9", Role: engine.RoleBank, Org: "B9"}
	cityOffice = engine.Actor{User: "city", Role: engine.RoleCity, Org: "city"}
)

// applyFunc is an event's Apply.
type applyFunc = func(ctx context.Context, t *engine.Transition) error

// flowWith returns the drill definition under another name, with the
// Apply of one event replaced by wrap of it (nil where the event has none).
func flowWith(name string, event engine.EventName, wrap func(apply applyFunc) applyFunc) engine.Definition {
	d := flowDefinition()
	d.Name = name
	for i := range d.Events {
		if ev := &d.Events[i]; ev.Name == event {
			ev.Apply = wrap(ev.Apply)
		}
	}
	return d
}

// flowDefinition returns a fresh drill definition: its slices are new on
// every call, so that a test may break one without touching another.
func flowDefinition() engine.Definition {
	window := engine.Grant{Role: engine.RoleWindow, Relation: relPark}
	bank := engine.Grant{Role: engine.RoleBank, Relation: relBank}
	city := engine.Grant{Role: engine.RoleCity}
	withBank := []engine.State{sWaiting, sWorking, sOnHold}
	replyRuns := []engine.State{sWaiting, sWorking}
	return engine.Definition{
		Name:      flowName,
		Initial:   sNew,
		OpenEvent: evOpen,
		States: []engine.StateDef{
			{Name: sNew, Doc: "新建"},
			{Name: sWaiting, Doc: "待银行签收"},
			{Name: sWorking, Doc: "银行办理中"},
			{Name: sOnHold, Doc: "暂停计时"},
			{Name: sReturned, Doc: "银行退回"},
			{Name: sAnswered, Doc: "已答复"},
			{Name: sClosed, Doc: "已办结", Final: true},
		},
		Events: []engine.EventDef{
			{Name: evOpen, From: []engine.State{sNew}, To: sWaiting, Grants: []engine.Grant{window}, Apply: applyOpen},
			{Name: evAccept, From: []engine.State{sWaiting}, To: sWorking, Grants: []engine.Grant{bank}},
			{Name: evHold, From: []engine.State{sWorking}, To: sOnHold, Grants: []engine.Grant{bank}},
			{Name: evResume, From: []engine.State{sOnHold}, To: sWorking, Grants: []engine.Grant{window}},
			{Name: evAnswer, From: []engine.State{sWorking, sOnHold}, To: sAnswered, Grants: []engine.Grant{bank}},
			{Name: evGiveBack, From: []engine.State{sWaiting, sWorking}, To: sReturned, Grants: []engine.Grant{bank}, Apply: applyGiveBack},
			{Name: evReroute, From: []engine.State{sReturned}, To: sWaiting, Grants: []engine.Grant{window}, Apply: applyReroute},
			{Name: evTransfer, From: []engine.State{sWorking, sOnHold}, To: sWaiting, Grants: []engine.Grant{window}, Apply: applyTransfer},
			{Name: evExtend, From: withBank, Grants: []engine.Grant{window}, Extends: clockReply, Apply: applyExtend},
			{Name: evNotify, From: withBank, Grants: []engine.Grant{city}, Apply: applyNotify},
			{Name: evReplyNotice, From: withBank, Grants: []engine.Grant{bank}},
			{Name: evChase, From: []engine.State{sAnswered}, Grants: []engine.Grant{window}},
			{Name: evFollowed, From: []engine.State{sAnswered}, Grants: []engine.Grant{window}},
			{Name: evClose, From: []engine.State{sAnswered}, To: sClosed, Grants: []engine.Grant{window}},
			{Name: evRemind, From: replyRuns},
			{Name: evLapse, From: replyRuns},
			{Name: evNoticeOverdue, From: withBank},
			{Name: evFollowUpOverdue, From: []engine.State{sAnswered}},
		},
		Viewers: []engine.Grant{city},
		Tracers: []engine.Grant{{Role: engine.RoleBank, Relation: relFormer}},
		Clocks: []engine.ClockDef{
			{Name: clockReply, Doc: "银行答复期限"},
			{Name: clockNotice, Doc: "通知回复期限"},
			{Name: clockFollowUp, Doc: "回访期限"},
		},
		MainClock: clockReply,
		Timers: []engine.TimerDef{
			{Name: tmReminder, Kind: engine.TimerWarning, Clock: clockReply, Workdays: reminderDays, Event: evRemind,
				Start: sWaiting, Runs: replyRuns, Pauses: []engine.State{sOnHold}},
			{Name: tmLimit, Kind: engine.TimerDeadline, Clock: clockReply, Workdays: limitDays, Event: evLapse,
				Start: sWaiting, Runs: replyRuns, Pauses: []engine.State{sOnHold}},
			{Name: tmNotice, Kind: engine.TimerDeadline, Clock: clockNotice, FromInput: true, Event: evNoticeOverdue,
				StartOn: []engine.EventName{evNotify}, StopOn: []engine.EventName{evReplyNotice}, Runs: withBank},
			{Name: tmFollowUp, Kind: engine.TimerDeadline, Clock: clockFollowUp, Workdays: followUpDays, Event: evFollowUpOverdue,
				StartOn: []engine.EventName{evChase}, StopOn: []engine.EventName{evFollowed}, Runs: []engine.State{sAnswered}},
		},
	}
}

// flowInput is every payload of the drill, each event reading its fields.
type flowInput struct {
	Title   string     `json:"title,omitempty"`
	Bank    string     `json:"bank,omitempty"`
	Days    int        `json:"days,omitempty"`
	ReplyBy *time.Time `json:"reply_by,omitempty"`
	Note    string     `json:"note,omitempty"`
}

func decodeFlow(t *engine.Transition) (flowInput, error) {
	var in flowInput
	if len(t.Payload) == 0 || string(t.Payload) == "null" {
		return in, nil
	}
	dec := json.NewDecoder(bytes.NewReader(t.Payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return in, engine.Invalid(engine.FieldError{Field: "payload", Code: "malformed", Message: err.Error(), MessageZH: "内容格式有误。"})
	}
	return in, nil
}

func needBank(in flowInput) error {
	if in.Bank == "" {
		return engine.Invalid(engine.FieldError{Field: "bank", Code: "required", Message: "Name the bank.", MessageZH: "请填写银行。"})
	}
	return nil
}

func applyOpen(_ context.Context, t *engine.Transition) error {
	in, err := decodeFlow(t)
	if err != nil {
		return err
	}
	if err := needBank(in); err != nil {
		return err
	}
	t.Case.Title, t.Case.Number, t.Case.Data = in.Title, "DR-", json.RawMessage(`{}`)
	t.Case.AddParty(t.Actor.Org, relPark)
	t.Case.AddParty(in.Bank, relBank)
	return nil
}

// applyGiveBack turns the bank into a former party: it loses sight of the
// case but traces its own entries.
func applyGiveBack(_ context.Context, t *engine.Transition) error {
	if _, err := decodeFlow(t); err != nil {
		return err
	}
	t.Case.RemoveParty(t.Actor.Org, relBank)
	t.Case.AddParty(t.Actor.Org, relFormer)
	return nil
}

func applyReroute(_ context.Context, t *engine.Transition) error {
	in, err := decodeFlow(t)
	if err != nil {
		return err
	}
	if err := needBank(in); err != nil {
		return err
	}
	t.Case.AddParty(in.Bank, relBank)
	return nil
}

// applyTransfer replaces the bank outright: the old one keeps no relation,
// so it neither sees nor traces the case.
func applyTransfer(_ context.Context, t *engine.Transition) error {
	in, err := decodeFlow(t)
	if err != nil {
		return err
	}
	if err := needBank(in); err != nil {
		return err
	}
	t.Case.RemoveParty(t.Case.PartyOf(relBank), relBank)
	t.Case.AddParty(in.Bank, relBank)
	return nil
}

func applyExtend(_ context.Context, t *engine.Transition) error {
	in, err := decodeFlow(t)
	if err != nil {
		return err
	}
	t.ExtendBy = in.Days
	return nil
}

// applyNotify gives the notice timer its reply-by instant. Without one it
// deliberately sets nothing, so that a test sees the engine refuse to arm
// a FromInput timer with no due instant.
func applyNotify(_ context.Context, t *engine.Transition) error {
	in, err := decodeFlow(t)
	if err != nil {
		return err
	}
	if in.ReplyBy != nil {
		t.SetDue(tmNotice, *in.ReplyBy)
	}
	return nil
}

// at returns the instant of a wall-clock time in Asia/Shanghai.
func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, calendar.Location())
}

// forEachDB runs fn as a subtest on SQLite and on PostgreSQL.
func forEachDB(t *testing.T, fn func(t *testing.T, db testsvc.Database)) {
	t.Helper()
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) { fn(t, db) })
	}
}

// flowEnv is one engine with only the drill workflow, over one fresh
// database, with a fake clock and an in-process timer index.
type flowEnv struct {
	t         *testing.T
	ctx       context.Context
	url       string
	clock     *engine.FakeClock
	store     *sqlstore.Store
	overrides *calendar.Overrides
	index     *memtimer.Index
	engine    *engine.Engine
	worker    *engine.Worker
}

// MustFlowEnv migrates a fresh database of the kind db names and builds the
// engine with the drill registered, its clock standing at start.
func MustFlowEnv(t *testing.T, db testsvc.Database, start time.Time) *flowEnv {
	t.Helper()
	ctx := context.Background()
	url := db.URL(t)
	store, err := sqlstore.Open(ctx, url, sqlstore.Options{LedgerKeys: testsvc.LedgerKeys()})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	cal, err := calendar.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	over, err := calendar.NewOverrides(ctx, cal, store)
	if err != nil {
		t.Fatal(err)
	}
	e := &flowEnv{t: t, ctx: ctx, url: url, clock: engine.NewFakeClock(start), store: store, overrides: over, index: memtimer.New()}
	e.engine = engine.New(engine.Config{Store: store, Clock: e.clock, Calendar: over.Live(), Index: e.index})
	e.engine.Register(flowDefinition())
	e.worker = engine.NewWorker(e.engine, e.index, engine.WorkerConfig{})
	return e
}

// MustJSON encodes v; nil stays nil (no payload).
func MustJSON(t *testing.T, v any) json.RawMessage {
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

// MustOpen opens a case at the P1 window for the bank, at the clock's now.
func (e *flowEnv) MustOpen(bank string) *engine.Case {
	e.t.Helper()
	c, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: flowName, Actor: windowP1,
		Payload: MustJSON(e.t, flowInput{Title: "drill case", Bank: bank})})
	if err != nil {
		e.t.Fatalf("open: %v", err)
	}
	return c
}

// Fire fires an event as the actor on the case's current version.
func (e *flowEnv) Fire(c *engine.Case, a engine.Actor, ev engine.EventName, payload any) (*engine.Case, error) {
	e.t.Helper()
	return e.engine.Fire(e.ctx, engine.FireRequest{CaseID: c.ID, Event: ev, Actor: a,
		Version: e.MustCase(c).Version, Payload: MustJSON(e.t, payload)})
}

// MustFire is Fire that fails the test on an error.
func (e *flowEnv) MustFire(c *engine.Case, a engine.Actor, ev engine.EventName, payload any) *engine.Case {
	e.t.Helper()
	c, err := e.Fire(c, a, ev, payload)
	if err != nil {
		e.t.Fatalf("%s by %s: %v", ev, a.User, err)
	}
	return c
}

// MustDrain fires every timer due at the fake clock's instant.
func (e *flowEnv) MustDrain() int {
	e.t.Helper()
	n, err := e.worker.Drain(e.ctx)
	if err != nil {
		e.t.Fatalf("drain: %v", err)
	}
	return n
}

// MustWalk advances the clock by step until end, draining due timers at
// every instant on the way (the clock's own instant included).
func (e *flowEnv) MustWalk(end time.Time, step time.Duration) {
	e.t.Helper()
	for now := e.clock.Now(); !now.After(end); now = e.clock.Advance(step) {
		e.MustDrain()
	}
	e.clock.Set(end)
}

// MustCase reloads the case from the store.
func (e *flowEnv) MustCase(c *engine.Case) *engine.Case {
	e.t.Helper()
	got, err := e.store.Case(e.ctx, c.ID)
	if err != nil {
		e.t.Fatalf("case %s: %v", c.ID, err)
	}
	return got
}

// MustTimers returns the case's timer rows named name, oldest first.
func (e *flowEnv) MustTimers(c *engine.Case, name string) []engine.Timer {
	e.t.Helper()
	rows, err := e.store.CaseTimers(e.ctx, c.ID)
	if err != nil {
		e.t.Fatalf("timers of %s: %v", c.ID, err)
	}
	var out []engine.Timer
	for _, r := range rows {
		if r.Name == name {
			out = append(out, r)
		}
	}
	return out
}

// MustTimer returns the newest row of the case's timer.
func (e *flowEnv) MustTimer(c *engine.Case, name string) engine.Timer {
	e.t.Helper()
	rows := e.MustTimers(c, name)
	if len(rows) == 0 {
		e.t.Fatalf("case %s has no %s timer", c.ID, name)
	}
	return rows[len(rows)-1]
}

// MustLedger returns the case's ledger entries, oldest first.
func (e *flowEnv) MustLedger(c *engine.Case) []ledger.Entry {
	e.t.Helper()
	entries, err := e.store.CaseLedger(e.ctx, c.ID)
	if err != nil {
		e.t.Fatalf("ledger of %s: %v", c.ID, err)
	}
	return entries
}

// Events lists the events of the case's ledger, oldest first.
func (e *flowEnv) Events(c *engine.Case) []string {
	e.t.Helper()
	var out []string
	for _, en := range e.MustLedger(c) {
		out = append(out, en.Event)
	}
	return out
}

// FiredAt lists the instants of the case's ledger entries of the event.
func (e *flowEnv) FiredAt(c *engine.Case, ev engine.EventName) []time.Time {
	e.t.Helper()
	var out []time.Time
	for _, en := range e.MustLedger(c) {
		if en.Event == string(ev) {
			out = append(out, en.At)
		}
	}
	return out
}

// InIndex reports whether the timer index holds the timer.
func (e *flowEnv) InIndex(id string) bool {
	e.t.Helper()
	ids, err := e.index.IDs(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// MustNext returns the earliest due instant in the index.
func (e *flowEnv) MustNext() time.Time {
	e.t.Helper()
	next, ok, err := e.index.Next(e.ctx)
	if err != nil || !ok {
		e.t.Fatalf("index next: %v (ok %v)", err, ok)
	}
	return next
}

// wantInstant fails unless got is want.
func wantInstant(t *testing.T, what string, got *time.Time, want time.Time) {
	t.Helper()
	if got == nil || !got.Equal(want) {
		t.Fatalf("%s = %v, want %v", what, got, want.In(calendar.Location()))
	}
}

// wantInstants fails unless got lists exactly want.
func wantInstants(t *testing.T, what string, got []time.Time, want ...time.Time) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i].Equal(want[i])
	}
	if !ok {
		t.Fatalf("%s at %v, want %v", what, got, want)
	}
}

// wantEvents fails unless the case's ledger lists exactly want.
func (e *flowEnv) wantEvents(c *engine.Case, want ...string) {
	e.t.Helper()
	got := e.Events(c)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		e.t.Fatalf("ledger events %v, want %v", got, want)
	}
}

// wantCode fails unless err carries the code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := engine.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

// wantLimit fails unless the case's limit on the clock has the flags.
func wantLimit(t *testing.T, c *engine.Case, clock string, want engine.Limit) {
	t.Helper()
	l := c.Limit(clock)
	if l == nil {
		t.Fatalf("case has no %s limit: %+v", clock, c.Limits)
	}
	if l.Running != want.Running || l.Paused != want.Paused || l.DueSoon != want.DueSoon || l.PastDue != want.PastDue ||
		l.Overdue != want.Overdue || l.Provisional != want.Provisional || l.Remaining != want.Remaining {
		t.Fatalf("%s limit %+v, want flags of %+v", clock, *l, want)
	}
	if want.DueAt != nil {
		wantInstant(t, clock+" due", l.DueAt, *want.DueAt)
	}
	if want.WarnAt != nil {
		wantInstant(t, clock+" warning", l.WarnAt, *want.WarnAt)
	}
}

func ptr(t time.Time) *time.Time { return &t }

// Register refuses, at start-up, a definition that breaks one of the rules
// of clocks and timers.
func TestRegisterRejectsBrokenTimerRules(t *testing.T) {
	timer := func(d *engine.Definition, name string) *engine.TimerDef {
		for i := range d.Timers {
			if d.Timers[i].Name == name {
				return &d.Timers[i]
			}
		}
		panic("no timer " + name)
	}
	cases := []struct {
		name   string
		mutate func(*engine.Definition)
		want   string
	}{
		{"ClockUndeclared", func(d *engine.Definition) { timer(d, tmLimit).Clock = "nowhere" }, "undeclared clock"},
		{"MainClockUndeclared", func(d *engine.Definition) { d.MainClock = "nowhere" }, "main clock"},
		{"ClockTwice", func(d *engine.Definition) { d.Clocks = append(d.Clocks, d.Clocks[0]) }, "declared twice"},
		{"TwoDeadlinesOnOneClock", func(d *engine.Definition) { timer(d, tmNotice).Clock = clockReply }, "two timers of its kind"},
		{"TwoWarningsOnOneClock", func(d *engine.Definition) {
			d.Timers = append(d.Timers, engine.TimerDef{Name: "reminder2", Kind: engine.TimerWarning, Clock: clockReply,
				Workdays: 1, Event: evRemind, Start: sWaiting, Runs: []engine.State{sWaiting}})
		}, "two timers of its kind"},
		{"ClockWithoutDeadline", func(d *engine.Definition) { timer(d, tmFollowUp).Kind = engine.TimerWarning }, "no deadline timer"},
		{"FromInputWithWorkdays", func(d *engine.Definition) { timer(d, tmNotice).Workdays = 3 }, "a due instant from input takes no other rule"},
		{"WorkdaysMissing", func(d *engine.Definition) { timer(d, tmFollowUp).Workdays = 0 }, "no working days to count"},
		{"MonthDayOutOfRange", func(d *engine.Definition) {
			tm := timer(d, tmFollowUp)
			tm.Workdays, tm.Due = 0, engine.DueRule{Kind: engine.DueMonthDay, Day: 32}
		}, "a day of the month is 1 to 31"},
		{"EndOfPeriodWithWorkdays", func(d *engine.Definition) {
			timer(d, tmFollowUp).Due = engine.DueRule{Kind: engine.DueEndOfPeriod}
		}, "the end of a period counts no working days"},
		{"StartOnUndeclared", func(d *engine.Definition) { timer(d, tmNotice).StartOn = []engine.EventName{"ghost"} }, "undeclared event"},
		{"StopOnUndeclared", func(d *engine.Definition) { timer(d, tmNotice).StopOn = []engine.EventName{"ghost"} }, "undeclared event"},
		{"ExtendsUndeclared", func(d *engine.Definition) {
			for i := range d.Events {
				if d.Events[i].Name == evExtend {
					d.Events[i].Extends = "nowhere"
				}
			}
		}, "extends undeclared clock"},
		{"ReservedEvent", func(d *engine.Definition) {
			d.Events = append(d.Events, engine.EventDef{Name: engine.EventRecompute, From: []engine.State{sWaiting}})
		}, "engine's own"},
		{"NoStart", func(d *engine.Definition) {
			tm := timer(d, tmFollowUp)
			tm.Start, tm.StartOn = "", nil
		}, "no start state and no start event"},
		{"RunsInFinalState", func(d *engine.Definition) {
			tm := timer(d, tmFollowUp)
			tm.Runs = append(tm.Runs, sClosed)
		}, "final state"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := flowDefinition()
			tc.mutate(&d)
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("Register accepted a broken definition")
				}
				if msg, _ := r.(string); !strings.Contains(msg, tc.want) {
					t.Fatalf("panic %q does not mention %q", r, tc.want)
				}
			}()
			engine.New(engine.Config{}).Register(d)
		})
	}
	t.Run("OK", func(t *testing.T) {
		e := engine.New(engine.Config{})
		e.Register(flowDefinition())
		if _, ok := e.Workflow(flowName); !ok {
			t.Fatal("the drill is not registered")
		}
	})
}
