// Package greenchannel declares the green channel (绿色通道) of plan 6,
// rule 7: credit projects of park enterprises get a fast track. A
// financing case whose bank answered that the need can be handled (yes or
// partly) and that turns into a loan application is tracked on as a
// project of its own, one per financing case and bank, opened from the
// financing case by its lead bank or a participating bank it invited (the
// financing workflow's green_channel event opens it in its own
// transaction). The bank records the steps 立项 (project set-up), 申报
// (application), 授信 (credit line), 审批 (approval) and 放款
// (disbursement), each with its date and, from 申报 on, its amount; it may
// stop (终止) the project with a reason at any step before 放款. The time
// each step took — working days from the engine's calendar and calendar
// days, from the previous step's date — is reported per project and, per
// bank, on average.
package greenchannel

import (
	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/payload"
)

// Name identifies the workflow.
const Name = "greenchannel"

// words are the workflow's words in the catalogue (package locale).
const words = payload.Words(Name)

// Key returns the catalogue key of one of the workflow's words.
func Key(kind, name string) string { return words.Key(kind, name) }

// The states of a project.
const (
	// New is the project before its financing case opens it.
	New engine.State = "new"
	// Opened: the green channel is open, the project not yet set up
	// (已开通，待立项).
	Opened engine.State = "opened"
	// SetUp: the bank set the credit project up (已立项).
	SetUp engine.State = "set_up"
	// Applied: the application was filed (已申报).
	Applied engine.State = "applied"
	// Credited: the credit line was granted (已授信).
	Credited engine.State = "credited"
	// Approved: the loan was approved (已审批).
	Approved engine.State = "approved"
	// Disbursed: the loan was disbursed (已放款); the project ends.
	Disbursed engine.State = "disbursed"
	// Stopped: the bank stopped the project (已终止), with a reason.
	Stopped engine.State = "stopped"
)

// The events of a project.
const (
	// Open is fired inside the financing case's green_channel event.
	Open engine.EventName = "open"
	// RecordSetUp records 立项 and its date.
	RecordSetUp engine.EventName = "set_up"
	// RecordApply records 申报: its date and the amount applied for.
	RecordApply engine.EventName = "apply"
	// RecordCredit records 授信: its date and the credit line.
	RecordCredit engine.EventName = "credit"
	// RecordApprove records 审批: its date and the amount approved.
	RecordApprove engine.EventName = "approve"
	// RecordDisburse records 放款: its date and the amount disbursed; it
	// ends the project.
	RecordDisburse engine.EventName = "disburse"
	// Stop ends the project before 放款, with its date and a reason.
	Stop engine.EventName = "stop"
)

// Steps lists the steps in their order, by their events.
var Steps = []engine.EventName{RecordSetUp, RecordApply, RecordCredit, RecordApprove, RecordDisburse}

// stepStates is the state each step enters.
var stepStates = map[engine.EventName]engine.State{RecordSetUp: SetUp, RecordApply: Applied,
	RecordCredit: Credited, RecordApprove: Approved, RecordDisburse: Disbursed}

// The relations of a project.
const (
	// RelBank is the bank whose credit project it is: it records the steps.
	RelBank engine.Relation = "bank"
	// RelPark is the park whose window registered the financing case; it
	// reads.
	RelPark engine.Relation = "park"
	// RelCounty is the park's county office; it reads.
	RelCounty engine.Relation = "county"
)

// Definition declares the workflow.
func Definition() engine.Definition {
	bank := []engine.Grant{{Role: engine.RoleBank, Relation: RelBank}}
	events := []engine.EventDef{
		// The open event takes no input of its own: the financing case's
		// green_channel event writes its payload (see financing.GreenChannelOpening).
		{Name: Open, From: []engine.State{New}, To: Opened, Grants: bank, Apply: open},
	}
	from := Opened
	for _, ev := range Steps {
		var in any = StepInput{}
		if ev == RecordSetUp {
			in = SetUpInput{}
		}
		events = append(events, engine.EventDef{Name: ev, From: []engine.State{from}, To: stepStates[ev],
			Grants: bank, Input: in, Apply: recordStep})
		from = stepStates[ev]
	}
	events = append(events, engine.EventDef{Name: Stop, From: []engine.State{Opened, SetUp, Applied, Credited, Approved},
		To: Stopped, Grants: bank, Input: StopInput{}, Apply: stop})
	return words.Describe(engine.Definition{
		Name: Name, Initial: New, OpenEvent: Open,
		States: []engine.StateDef{{Name: New}, {Name: Opened}, {Name: SetUp}, {Name: Applied}, {Name: Credited},
			{Name: Approved}, {Name: Disbursed, Final: true}, {Name: Stopped, Final: true}},
		Events: events,
		// The park's window and the county office are parties; the city
		// office and the central bank see every project.
		Viewers: []engine.Grant{{Role: engine.RoleWindow, Relation: RelPark}, {Role: engine.RoleCounty, Relation: RelCounty}, {Role: engine.RoleCountyPBoC, Relation: RelCounty},
			{Role: engine.RoleCity}, {Role: engine.RolePBoC}},
		Notices: notices(),
	})
}
