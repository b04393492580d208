// Package contacts declares the contacts register (联络人报备) of plan 6:
// every lead bank and every park keeps one standing register of its first
// responsible person (第一责任人: the bank president, the park leader), its
// second (第二责任人: the vice-president for credit, the deputy), its
// contact department (联系部门) and its liaison (联络员). A change of any of
// them is filed within 3 working days of the day it takes effect, to the
// city financial office and the central-bank branch. A change announced in
// advance (预报变更) arms that limit, with reminders 5 and 1 working days
// before it; a filing after the limit is recorded as late (迟报). The
// liaisons' details are published on the public contacts page.
package contacts

import (
	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/payload"
)

// Name identifies the workflow.
const Name = "contacts"

// words are the workflow's words in the catalogue (package locale).
const words = payload.Words(Name)

// Key returns the catalogue key of one of the workflow's words.
func Key(kind, name string) string { return words.Key(kind, name) }

// The states of a register.
const (
	// New is the register before its first registration.
	New engine.State = "new"
	// Registered holds the contacts in force, no change pending (已登记).
	Registered engine.State = "registered"
	// Changing waits for the filing of an announced change (变更待报备).
	Changing engine.State = "changing"
)

// The events of a register.
const (
	// Register is the organisation's first registration of its contacts.
	Register engine.EventName = "register"
	// Announce announces a change and the day it takes effect, which arms
	// the filing limit.
	Announce engine.EventName = "announce"
	// File files a change: the full contact set and its effective date.
	File engine.EventName = "file"
	// Cancel withdraws an announced change that did not happen.
	Cancel engine.EventName = "cancel"
	// Remind tells the organisation its filing falls due soon.
	Remind engine.EventName = "remind"
	// Lapse marks the announced change's filing late.
	Lapse engine.EventName = "lapse"
)

// ClockFiling is the filing limit of an announced change.
const ClockFiling = "filing"

// The timers of a register.
const (
	// TimerLimit falls due at 24:00 of the 3rd working day after the
	// announced change takes effect.
	TimerLimit = "filing_limit"
	// TimerRemindEarly and TimerRemindLast remind 5 and 1 working days
	// before it.
	TimerRemindEarly = "filing_reminder_5"
	TimerRemindLast  = "filing_reminder_1"
)

// The relations of a register.
const (
	// RelBank is the bank whose register it is.
	RelBank engine.Relation = "bank"
	// RelPark is the park whose register it is (its financing window).
	RelPark engine.Relation = "park"
	// RelCounty is the county office of a park's register.
	RelCounty engine.Relation = "county"
)

// MarkLate marks a register whose latest filing was late (迟报); an in-time
// filing clears it.
const MarkLate = "late"

// Config holds the workflow's numbers; zero fields take plan 6's.
type Config struct {
	// Workdays after the effective date: 3.
	Workdays int
	// RemindWorkdays before the limit: 5 and 1.
	RemindEarly, RemindLast int
	// MaxAheadDays bounds how far ahead a change may take effect: 90
	// calendar days.
	MaxAheadDays int
	// MaxBackDays bounds how long ago a filed change took effect: 366
	// calendar days (anything older is a typing mistake).
	MaxBackDays int
}

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.Workdays, 3)
	def(&c.RemindEarly, 5)
	def(&c.RemindLast, 1)
	def(&c.MaxAheadDays, 90)
	def(&c.MaxBackDays, 366)
	return c
}

// Definition declares the workflow.
func Definition(cfg Config) engine.Definition {
	cfg = cfg.withDefaults()
	r := &rules{cfg}
	own := []engine.Grant{{Role: engine.RoleBank, Relation: RelBank}, {Role: engine.RoleWindow, Relation: RelPark}}
	changing := []engine.State{Changing}
	return words.Describe(engine.Definition{
		Name: Name, Initial: New, OpenEvent: Register,
		States: []engine.StateDef{{Name: New}, {Name: Registered}, {Name: Changing}},
		Events: []engine.EventDef{
			{Name: Register, From: []engine.State{New}, To: Registered, Grants: own, Input: RegisterInput{}, Apply: r.register},
			{Name: Announce, From: []engine.State{Registered}, To: Changing, Grants: own, Input: AnnounceInput{}, Apply: r.announce},
			{Name: File, From: []engine.State{Registered, Changing}, To: Registered, Grants: own, Input: FileInput{}, Apply: r.file},
			{Name: Cancel, From: changing, To: Registered, Grants: own, Input: CancelInput{}, Apply: r.cancel},
			{Name: Remind, From: changing},
			{Name: Lapse, From: changing},
		},
		// The offices watch every register; administrators keep the
		// directory and fire no event.
		Viewers:   []engine.Grant{{Role: engine.RoleCounty}, {Role: engine.RoleCountyPBoC}, {Role: engine.RoleCity}, {Role: engine.RolePBoC}},
		Clocks:    []engine.ClockDef{{Name: ClockFiling}},
		MainClock: ClockFiling,
		Timers: []engine.TimerDef{
			{Name: TimerLimit, Kind: engine.TimerDeadline, Clock: ClockFiling, FromInput: true, Event: Lapse,
				Start: Changing, Runs: changing},
			{Name: TimerRemindEarly, Kind: engine.TimerReminder, Clock: ClockFiling, Workdays: cfg.RemindEarly,
				Due: engine.DueRule{Kind: engine.DueBeforeDeadline}, Event: Remind, Start: Changing, Runs: changing},
			{Name: TimerRemindLast, Kind: engine.TimerReminder, Clock: ClockFiling, Workdays: cfg.RemindLast,
				Due: engine.DueRule{Kind: engine.DueBeforeDeadline}, Event: Remind, Start: Changing, Runs: changing},
		},
		Notices: notices(),
	})
}

// rules are the workflow's checks and updates with its numbers.
type rules struct{ cfg Config }
