// Package plan3 declares plan 3's 三办一销号: a leading-group office assigns
// (交办) an enterprise's difficulty to a lead city department, with
// cooperating departments and a deadline; the lead department undertakes
// it (承办) and files its progress every month by the 30th (the last day of
// February); late progress or a passed deadline puts the case under
// supervision (督办): shown red, the assigner told, the department still
// filing, late (a late filing brings the case back under way, with the
// current month's progress due; a passed deadline stays past due). Cooperating departments add their input. The lead
// department applies for close-out (申请销号); the case is closed out (销号)
// only when the assigner confirms, or goes back to the department with the
// assigner's reason.
//
// The workflow declares the organisation types it adds (a city department,
// a leading-group office) and the roles acting for them.
package plan3

import (
	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/payload"
)

// Name identifies the workflow.
const Name = "plan3"

// words are the workflow's words in the catalogue (package locale).
const words = payload.Words(Name)

// Key returns the catalogue key of one of the workflow's words.
func Key(kind, name string) string { return words.Key(kind, name) }

// The organisation types the workflow adds.
const (
	// OrgCityDept is a city government department (市直部门: 市发改委,
	// 市工信局, ...), in the directory's organisations table.
	OrgCityDept engine.OrgType = "city_dept"
	// OrgLeadingGroup is a leading group's office (领导小组办公室), which
	// assigns difficulties.
	OrgLeadingGroup engine.OrgType = "leading_group"
)

// The roles the workflow adds.
const (
	// RoleCityDept is a city department's staff.
	RoleCityDept engine.Role = "city_dept"
	// RoleLeadingGroup is a leading-group office's staff.
	RoleLeadingGroup engine.Role = "leading_group"
)

// The states of an assigned difficulty.
const (
	// New is the case before it is assigned.
	New engine.State = "new"
	// Assigned waits for the lead department to undertake it (已交办).
	Assigned engine.State = "assigned"
	// Undertaking is the lead department's work, progress filed monthly
	// (承办中).
	Undertaking engine.State = "undertaking"
	// Supervised is a case whose progress was late or whose deadline
	// passed (督办中); the department still files.
	Supervised engine.State = "supervised"
	// Closing waits for the assigner to confirm the close-out (待销号).
	Closing engine.State = "closing"
	// Closed is closed out (已销号).
	Closed engine.State = "closed"
)

// The events of an assigned difficulty.
const (
	// Assign opens the case: the enterprise, its difficulty, the lead and
	// cooperating departments and the deadline (交办).
	Assign engine.EventName = "assign"
	// Undertake is the lead department's acceptance (承办).
	Undertake engine.EventName = "undertake"
	// Progress is the lead department's monthly progress.
	Progress engine.EventName = "progress"
	// Contribute is a cooperating department's input (协办意见).
	Contribute engine.EventName = "contribute"
	// RequestClose is the lead department's application for close-out
	// (申请销号).
	RequestClose engine.EventName = "request_close"
	// Confirm is the assigner's close-out (销号).
	Confirm engine.EventName = "confirm"
	// Return sends the application back with the assigner's reason.
	Return engine.EventName = "return"
	// RemindProgress tells the lead department its month's progress falls
	// due soon.
	RemindProgress engine.EventName = "remind_progress"
	// ProgressLate puts the case under supervision: the month's progress
	// was not filed by the 30th.
	ProgressLate engine.EventName = "progress_late"
	// DeadlinePassed puts the case under supervision: the deadline passed
	// before close-out was applied for.
	DeadlinePassed engine.EventName = "deadline_passed"
)

// The time limits of an assigned difficulty.
const (
	// ClockProgress is the month's progress: 24:00 of the 30th, or of the
	// month's last day.
	ClockProgress = "progress"
	// ClockDeadline is the assigner's deadline: 24:00 of the day given.
	ClockDeadline = "deadline"
)

// The timers of an assigned difficulty.
const (
	TimerProgress = "progress_limit"
	TimerRemind   = "progress_reminder"
	TimerDeadline = "deadline_limit"
)

// The relations of an assigned difficulty.
const (
	// RelAssigner is the leading-group office that assigned it.
	RelAssigner engine.Relation = "assigner"
	// RelLead is the lead department.
	RelLead engine.Relation = "lead"
	// RelCoop is a cooperating department.
	RelCoop engine.Relation = "coop"
)

// Config holds the workflow's numbers; zero fields take the plan's.
type Config struct {
	// ProgressDay is the day of the month progress is due by: 30.
	ProgressDay int
	// RemindWorkdays is the reminder before it: 3 working days.
	RemindWorkdays int
}

func (c Config) withDefaults() Config {
	if c.ProgressDay <= 0 {
		c.ProgressDay = 30
	}
	if c.RemindWorkdays <= 0 {
		c.RemindWorkdays = 3
	}
	return c
}

// Definition declares the workflow.
func Definition(cfg Config) engine.Definition {
	cfg = cfg.withDefaults()
	assigner := []engine.Grant{{Role: RoleLeadingGroup, Relation: RelAssigner}}
	lead := []engine.Grant{{Role: RoleCityDept, Relation: RelLead}}
	working := []engine.State{Undertaking, Supervised}
	open := []engine.State{Assigned, Undertaking, Supervised}
	return words.Describe(engine.Definition{
		Name: Name, Initial: New, OpenEvent: Assign,
		OrgTypes: []engine.OrgTypeDef{{Type: OrgCityDept}, {Type: OrgLeadingGroup}},
		Roles:    []engine.RoleDef{{Role: RoleCityDept, ActsFor: OrgCityDept}, {Role: RoleLeadingGroup, ActsFor: OrgLeadingGroup}},
		States: []engine.StateDef{{Name: New}, {Name: Assigned}, {Name: Undertaking}, {Name: Supervised},
			{Name: Closing}, {Name: Closed, Final: true}},
		Events: []engine.EventDef{
			{Name: Assign, From: []engine.State{New}, To: Assigned, Grants: []engine.Grant{{Role: RoleLeadingGroup}},
				Input: AssignInput{}, Apply: assign},
			{Name: Undertake, From: []engine.State{Assigned}, To: Undertaking, Grants: lead, Input: NoteInput{}, Apply: undertake},
			// A filing ends a supervision for late progress: back under
			// way, the next month's progress due; a filing in time arms
			// the next month's.
			{Name: Progress, From: working, To: Undertaking, Grants: lead, Input: ProgressInput{}, Apply: progress},
			{Name: Contribute, From: []engine.State{Assigned, Undertaking, Supervised, Closing},
				Grants: []engine.Grant{{Role: RoleCityDept, Relation: RelCoop}}, Input: NoteInput{}, Apply: contribute},
			{Name: RequestClose, From: working, To: Closing, Grants: lead, Input: CloseInput{}, Apply: requestClose},
			{Name: Confirm, From: []engine.State{Closing}, To: Closed, Grants: assigner, Input: NoteInput{}, Apply: confirm},
			{Name: Return, From: []engine.State{Closing}, To: Undertaking, Grants: assigner, Input: ReturnInput{}, Apply: returnIt},
			{Name: RemindProgress, From: working},
			{Name: ProgressLate, From: working, To: Supervised, Apply: supervise},
			{Name: DeadlinePassed, From: open, To: Supervised, Apply: supervise},
		},
		Clocks:    []engine.ClockDef{{Name: ClockProgress}, {Name: ClockDeadline}},
		MainClock: ClockProgress,
		Timers: []engine.TimerDef{
			// The month's progress: armed when the department undertakes
			// the case (or it comes back from close-out), again by each
			// filing, for the next month.
			{Name: TimerProgress, Kind: engine.TimerDeadline, Clock: ClockProgress, Due: engine.DueRule{Kind: engine.DueMonthDay, Day: cfg.ProgressDay},
				Event: ProgressLate, Start: Undertaking, StartOn: []engine.EventName{Progress}, Runs: working},
			{Name: TimerRemind, Kind: engine.TimerReminder, Clock: ClockProgress, Workdays: cfg.RemindWorkdays,
				Due: engine.DueRule{Kind: engine.DueBeforeDeadline}, Event: RemindProgress, Start: Undertaking,
				StartOn: []engine.EventName{Progress}, Runs: working},
			// The assigner's deadline: given with the assignment, armed
			// again when a close-out comes back.
			{Name: TimerDeadline, Kind: engine.TimerDeadline, Clock: ClockDeadline, FromInput: true, Event: DeadlinePassed,
				Start: Assigned, StartOn: []engine.EventName{Return}, Runs: open},
		},
		Notices: notices(),
	})
}
