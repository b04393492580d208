// Package engine is parkfin's generic case engine. It knows cases, workflow
// definitions, events, actors, timers and the resolution ledger, and nothing
// of financing: workflows declare, the engine executes.
//
// Every move of a case is one database transaction that checks the actor's
// role and scope, checks the version the actor saw, runs the workflow's
// state machine (looplab/fsm), writes the case, appends a hash-chained ledger
// entry and cancels or arms timer rows. After the commit the timer index is
// told; if that fails, the reconciler repairs it from the rows.
package engine

import (
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/looplab/fsm"
)

// Config holds what an Engine is built from.
type Config struct {
	Store    Store
	Clock    Clock
	Calendar Calendar
	// Index is told of armed and disarmed timers after each commit. Nil
	// means no index (a process that only reads, or tests of the rows).
	Index  TimerIndex
	Logger *slog.Logger
	// OpenBatch is how many concurrent openings (Open) one transaction
	// takes at most (openbatch.go); 1 opens each in a transaction of its
	// own. Default 64: a transaction of openings costs some round trips
	// and a commit whatever it holds, and under a stream faster than the
	// transactions keep up with, a larger cap lets them catch up instead
	// of the queue growing (at 1,500 openings a second the batches of a
	// cap of 32 stayed full).
	OpenBatch int
	// OpenCommitters is how many transactions of openings run at once;
	// the openings arriving meanwhile wait for the next. Default 1: the
	// openings of a park's year take their numbers one transaction after
	// the other anyway (the counter's row is locked to the commit), so a
	// second transaction mostly waits for the first, and the batches are
	// smaller.
	OpenCommitters int
}

// Engine runs workflows over a Store.
type Engine struct {
	store     Store
	clock     Clock
	cal       Calendar
	index     TimerIndex
	log       *slog.Logger
	workflows map[string]*workflow
	// onSchedule is called after timers were put in the index.
	onSchedule atomic.Pointer[func(time.Time)]
	// onTransition is told of the transitions each commit made.
	onTransition atomic.Pointer[func([]Move)]
	// onNotice is called after notices were committed.
	onNotice atomic.Pointer[func()]
	// expander turns notices into what they become in their own
	// transaction, where it can (ExpandNoticesWith).
	expander atomic.Pointer[NoticeExpander]
	// opens queues concurrent openings for shared transactions; nil
	// when each opens alone.
	opens *openQueue
	// onOpenBatch is told of each batch of openings a committer took.
	onOpenBatch atomic.Pointer[func(openings int, held time.Duration)]
}

// New returns an Engine with no workflows registered.
func New(cfg Config) *Engine {
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.OpenBatch <= 0 {
		cfg.OpenBatch = 64
	}
	if cfg.OpenCommitters <= 0 {
		cfg.OpenCommitters = 1
	}
	e := &Engine{
		store:     cfg.Store,
		clock:     cfg.Clock,
		cal:       cfg.Calendar,
		index:     cfg.Index,
		log:       cfg.Logger,
		workflows: make(map[string]*workflow),
	}
	if cfg.OpenBatch > 1 {
		e.opens = newOpenQueue(cfg.OpenCommitters, cfg.OpenBatch)
	}
	return e
}

// Store returns the engine's store.
func (e *Engine) Store() Store { return e.store }

// Clock returns the engine's clock.
func (e *Engine) Clock() Clock { return e.clock }

// now reads the clock once for a transition, at the microsecond precision
// every database here keeps.
func (e *Engine) now() time.Time { return e.clock.Now().Truncate(time.Microsecond) }

// workflow is a registered Definition with its lookup tables and the
// looplab/fsm event descriptions built from it.
type workflow struct {
	def       Definition
	states    map[State]*StateDef
	events    map[EventName]*EventDef
	timers    map[string]*TimerDef
	clocks    map[string]*ClockDef
	notices   map[EventName]*NoticeDef
	fsmEvents fsm.Events
	// machines keeps built state machines for reuse (workflow.machine).
	machines sync.Pool
}

// Register adds a workflow. It panics if the definition is broken: a state
// or event named twice or not declared, a timer whose event cannot fire in
// the states it runs in. A broken graph is a programming error, found at
// start-up.
func (e *Engine) Register(d Definition) {
	w, err := compile(d)
	if err != nil {
		panic(fmt.Sprintf("engine: workflow %q: %v", d.Name, err))
	}
	if _, dup := e.workflows[d.Name]; dup {
		panic(fmt.Sprintf("engine: workflow %q registered twice", d.Name))
	}
	e.workflows[d.Name] = w
}

// Workflows lists the names of the registered workflows, sorted.
func (e *Engine) Workflows() []string {
	out := make([]string, 0, len(e.workflows))
	for name := range e.workflows {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Workflow returns the registered definition with the name.
func (e *Engine) Workflow(name string) (Definition, bool) {
	w, ok := e.workflows[name]
	if !ok {
		return Definition{}, false
	}
	return w.def, true
}

func compile(d Definition) (*workflow, error) {
	if d.Name == "" {
		return nil, fmt.Errorf("no name")
	}
	if err := declareDefinition(&d); err != nil {
		return nil, err
	}
	w := &workflow{
		def:    d,
		states: make(map[State]*StateDef),
		events: make(map[EventName]*EventDef),
		timers: make(map[string]*TimerDef),
		clocks: make(map[string]*ClockDef),
	}
	for i := range d.States {
		s := &d.States[i]
		if _, dup := w.states[s.Name]; dup || s.Name == "" {
			return nil, fmt.Errorf("state %q empty or declared twice", s.Name)
		}
		w.states[s.Name] = s
	}
	if w.states[d.Initial] == nil {
		return nil, fmt.Errorf("initial state %q not declared", d.Initial)
	}
	for i := range d.Events {
		ev := &d.Events[i]
		if _, dup := w.events[ev.Name]; dup || ev.Name == "" {
			return nil, fmt.Errorf("event %q empty or declared twice", ev.Name)
		}
		if len(ev.From) == 0 {
			return nil, fmt.Errorf("event %q leaves no state", ev.Name)
		}
		for _, s := range ev.From {
			if w.states[s] == nil {
				return nil, fmt.Errorf("event %q leaves undeclared state %q", ev.Name, s)
			}
			if w.states[s].Final && ev.To != "" {
				return nil, fmt.Errorf("event %q leaves final state %q", ev.Name, s)
			}
		}
		if ev.To != "" && w.states[ev.To] == nil {
			return nil, fmt.Errorf("event %q enters undeclared state %q", ev.Name, ev.To)
		}
		for _, g := range ev.Grants {
			if !g.Role.Valid() {
				return nil, fmt.Errorf("event %q grants unknown role %q", ev.Name, g.Role)
			}
		}
		w.events[ev.Name] = ev
		for _, s := range ev.From {
			dst := ev.To
			if dst == "" {
				dst = s
			}
			w.fsmEvents = append(w.fsmEvents, fsm.EventDesc{Name: string(ev.Name), Src: []string{string(s)}, Dst: string(dst)})
		}
	}
	open := w.events[d.OpenEvent]
	if open == nil || !contains(open.From, d.Initial) || open.To == "" || open.Apply == nil {
		return nil, fmt.Errorf("open event %q must leave %q for another state and have an Apply", d.OpenEvent, d.Initial)
	}
	for i := range d.Clocks {
		cd := &d.Clocks[i]
		if _, dup := w.clocks[cd.Name]; dup || cd.Name == "" {
			return nil, fmt.Errorf("clock %q empty or declared twice", cd.Name)
		}
		w.clocks[cd.Name] = cd
	}
	if len(d.Timers) > 0 && w.clocks[d.MainClock] == nil {
		return nil, fmt.Errorf("main clock %q not declared", d.MainClock)
	}
	for _, ev := range d.Events {
		if ev.Name == EventRecompute {
			return nil, fmt.Errorf("event %q is the engine's own", ev.Name)
		}
		if ev.Extends != "" && w.clocks[ev.Extends] == nil {
			return nil, fmt.Errorf("event %q extends undeclared clock %q", ev.Name, ev.Extends)
		}
		if ev.While != "" && w.clocks[ev.While] == nil {
			return nil, fmt.Errorf("event %q waits on undeclared clock %q", ev.Name, ev.While)
		}
	}
	kinds := make(map[string]map[TimerKind]bool)
	for i := range d.Timers {
		td := &d.Timers[i]
		if _, dup := w.timers[td.Name]; dup || td.Name == "" {
			return nil, fmt.Errorf("timer %q empty or declared twice", td.Name)
		}
		if w.clocks[td.Clock] == nil {
			return nil, fmt.Errorf("timer %q belongs to undeclared clock %q", td.Name, td.Clock)
		}
		if err := td.checkDue(); err != nil {
			return nil, err
		}
		if td.Kind != TimerWarning && td.Kind != TimerDeadline && td.Kind != TimerReminder {
			return nil, fmt.Errorf("timer %q has no kind", td.Name)
		}
		if td.Due.Kind == DueBeforeDeadline && !kinds[td.Clock][TimerDeadline] {
			return nil, fmt.Errorf("timer %q falls before its clock's deadline, and clock %q declares none before it", td.Name, td.Clock)
		}
		if td.Kind != TimerReminder {
			if kinds[td.Clock] == nil {
				kinds[td.Clock] = make(map[TimerKind]bool)
			}
			if kinds[td.Clock][td.Kind] {
				return nil, fmt.Errorf("timer %q: clock %q has two timers of its kind", td.Name, td.Clock)
			}
			kinds[td.Clock][td.Kind] = true
		}
		ev := w.events[td.Event]
		if ev == nil || len(ev.Grants) != 0 {
			return nil, fmt.Errorf("timer %q fires %q, which is not a system-only event", td.Name, td.Event)
		}
		if td.Start == "" && len(td.StartOn) == 0 {
			return nil, fmt.Errorf("timer %q has no start state and no start event", td.Name)
		}
		if td.Start != "" && !contains(td.Runs, td.Start) {
			return nil, fmt.Errorf("timer %q does not run in its start state %q", td.Name, td.Start)
		}
		for _, name := range append(append([]EventName{}, td.StartOn...), td.StopOn...) {
			if w.events[name] == nil {
				return nil, fmt.Errorf("timer %q starts or stops on undeclared event %q", td.Name, name)
			}
		}
		for _, s := range append(append([]State{}, td.Runs...), td.Pauses...) {
			if w.states[s] == nil || w.states[s].Final {
				return nil, fmt.Errorf("timer %q runs or pauses in undeclared or final state %q", td.Name, s)
			}
		}
		for _, s := range td.Runs {
			if !contains(ev.From, s) {
				return nil, fmt.Errorf("timer %q runs in %q, where its event %q cannot fire", td.Name, s, td.Event)
			}
		}
		w.timers[td.Name] = td
	}
	for name, k := range kinds {
		if !k[TimerDeadline] {
			return nil, fmt.Errorf("clock %q has no deadline timer", name)
		}
	}
	if err := compileNotices(w); err != nil {
		return nil, err
	}
	for _, s := range w.states {
		if s.Name != d.Initial && !s.Final && len(w.outgoing(s.Name)) == 0 {
			return nil, fmt.Errorf("state %q is not final but no event leaves it", s.Name)
		}
	}
	return w, nil
}

// outgoing lists the events that can fire in state s, sorted.
func (w *workflow) outgoing(s State) []EventName {
	var out []EventName
	for name, ev := range w.events {
		if contains(ev.From, s) {
			out = append(out, name)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// stateLabel returns the state's description for people (its Doc), or its
// name.
func (w *workflow) stateLabel(s State) string {
	if d := w.states[s]; d != nil && d.Doc != "" {
		return d.Doc
	}
	return string(s)
}

// clockOpen reports whether the case's limit on the clock is open: running,
// paused or past due.
func clockOpen(c *Case, clock string) bool {
	l := c.Limit(clock)
	return l != nil && (l.Running || l.Paused || l.PastDue)
}

// clockLabel returns the clock's description for people, or its name.
func (w *workflow) clockLabel(name string) string {
	if d := w.clocks[name]; d != nil && d.Doc != "" {
		return d.Doc
	}
	return name
}

// eventLabel returns the event's description for people (its Doc), or its
// name.
func (w *workflow) eventLabel(ev EventName) string {
	if ev == EventRecompute {
		return EventRecomputeDoc
	}
	if d := w.events[ev]; d != nil && d.Doc != "" {
		return d.Doc
	}
	return string(ev)
}

func (e *Engine) workflowOf(name string) (*workflow, error) {
	w, ok := e.workflows[name]
	if !ok {
		return nil, Errorf(ENOTFOUND, "未知的业务流程“%s”。", "Unknown workflow %q.", name)
	}
	return w, nil
}
