// Package financing is the core workflow of parkfin: an enterprise's
// financing need or question registered at a park's financing service window
// (企业融资服务窗口), routed at once to the park's lead bank (主联系行) with the
// county financial office copied, answered by the bank within the working-day
// time limit or escalated to the city financial office and the central-bank
// branch, fed back to the enterprise and closed.
package financing

import "github.com/parkfin/parkfin/engine"

// Name is the workflow's name, stored with every case.
const Name = "financing"

// The states of a financing case.
const (
	// Submitted: registered at the window, not yet routed (only inside the
	// opening transaction).
	Submitted engine.State = "submitted"
	// Routed: sent to the lead bank and copied to the county office; the
	// time limit runs.
	Routed engine.State = "routed"
	// Accepted: the lead bank signed for it (签收); the time limit runs.
	Accepted engine.State = "accepted"
	// InfoRequested: the bank needs more from the enterprise; the time limit
	// is paused until the window supplies it.
	InfoRequested engine.State = "info_requested"
	// Answered: the bank (or, after escalation, the city) gave its handling
	// opinion (办理意见); the window feeds it back.
	Answered engine.State = "answered"
	// Escalated: the lead bank could not solve it, or let the time limit
	// pass; the city financial office and the central-bank branch take it
	// up (会诊).
	Escalated engine.State = "escalated"
	// Closed: fed back to the enterprise, or withdrawn.
	Closed engine.State = "closed"
)

// The relations of organisations to a financing case.
const (
	// RelPark is the park whose window registered the case.
	RelPark engine.Relation = "park"
	// RelLeadBank is the park's lead bank for the year.
	RelLeadBank engine.Relation = "lead_bank"
	// RelCounty is the county financial office, copied on every case.
	RelCounty engine.Relation = "county"
	// RelParticipant is a participating bank (参与行) the lead bank invited.
	RelParticipant engine.Relation = "participant"
)

// The events of a financing case.
const (
	// Open registers the case and routes it (登记并转办).
	Open engine.EventName = "open"
	// Accept signs for the case (签收).
	Accept engine.EventName = "accept"
	// RequestInfo asks the enterprise for more (补充材料); pauses the limit.
	RequestInfo engine.EventName = "request_info"
	// SupplyInfo gives the bank what it asked for; the limit resumes.
	SupplyInfo engine.EventName = "supply_info"
	// Answer gives the bank's handling opinion (答复).
	Answer engine.EventName = "answer"
	// CannotSolve declares that the banks cannot solve it (无法解决); escalates.
	CannotSolve engine.EventName = "cannot_solve"
	// Resolve closes an escalation with the city's opinion (会诊意见).
	Resolve engine.EventName = "resolve"
	// Feedback records what the window told the enterprise (反馈) and closes.
	Feedback engine.EventName = "feedback"
	// Withdraw closes a case the enterprise no longer pursues (撤回).
	Withdraw engine.EventName = "withdraw"
	// Invite adds a participating bank (邀请参与行).
	Invite engine.EventName = "invite"
	// Offer records a participating bank's own answer or offer.
	Offer engine.EventName = "offer"
	// Urge records a financial office's reminder to the bank (催办).
	Urge engine.EventName = "urge"
	// Remind marks the case due soon (临期提醒); fired by the reminder timer.
	Remind engine.EventName = "remind"
	// Breach marks the case overdue and escalates it (超期); fired by the
	// limit timer.
	Breach engine.EventName = "breach"
)
