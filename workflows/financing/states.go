// Package financing is the core workflow of parkfin, plan 6 of the seed: an
// enterprise's financing need or question registered at a park's financing
// service window (企业融资服务窗口), routed at once to the park's lead bank
// (主联系行) with the county financial office copied, signed for and answered
// by the bank within the working-day limit counted from when it reached the
// bank — late answers are supervised by the county office, not escalated —,
// escalated to the city financial office and the central-bank branch only
// when the banks cannot solve it (or the county reports it up), fed back to
// the enterprise, closed and followed up.
package financing

import "github.com/parkfin/parkfin/engine"

// Name is the workflow's name, stored with every case.
const Name = "financing"

// The states of a financing case.
const (
	// Submitted: registered at the window, not yet routed (only inside the
	// opening transaction).
	Submitted engine.State = "submitted"
	// Routed: sent to the bank and copied to the county office, waiting
	// for the bank to sign for it (待签收); the bank's limit runs.
	Routed engine.State = "routed"
	// Accepted: the bank signed for it (签收) and is working on it; the
	// bank's limit runs.
	Accepted engine.State = "accepted"
	// InfoRequested: the bank needs more from the enterprise; the bank's
	// limit is paused while the window has its own limit to supply it.
	InfoRequested engine.State = "info_requested"
	// Returned: the bank returned it as not meant for it (退单); the county
	// office decides where it goes.
	Returned engine.State = "returned"
	// WithWindow: the county office sent a returned case back to the
	// park's window, which corrects and resubmits it or closes it.
	WithWindow engine.State = "with_window"
	// Answered: the bank (or the offices' coordination) gave its handling
	// opinion (办理意见); the window feeds it back to the enterprise.
	Answered engine.State = "answered"
	// Escalated: reported to the city financial office and the central-bank
	// branch (上报), waiting for them to take it up; their limit runs.
	Escalated engine.State = "escalated"
	// Coordinating: the city office or the central-bank branch signed for
	// the escalation and coordinates an answer (协调); their limit runs.
	Coordinating engine.State = "coordinating"
	// Closed: fed back to the enterprise, withdrawn, dismissed, or closed
	// for want of materials; the window follows up (回访), and an
	// enterprise not satisfied may have it redone (重办).
	Closed engine.State = "closed"
)

// The relations of organisations to a financing case.
const (
	// RelPark is the park whose window registered the case.
	RelPark engine.Relation = "park"
	// RelLeadBank is the bank that must answer: the park's lead bank for
	// the year, or the bank the case was rerouted, transferred or assigned
	// to.
	RelLeadBank engine.Relation = "lead_bank"
	// RelCounty is the county financial office, copied on every case.
	RelCounty engine.Relation = "county"
	// RelParticipant is a participating bank (参与行) the lead bank invited.
	RelParticipant engine.Relation = "participant"
	// RelFormerBank is a bank that had the case and lost it (returned,
	// transferred, reassigned): it sees only its own ledger entries.
	RelFormerBank engine.Relation = "former_bank"
)

// The events of a financing case.
const (
	// Open registers the case and routes it (登记并转办).
	Open engine.EventName = "open"
	// Accept signs for the case (签收).
	Accept engine.EventName = "accept"
	// Return gives back a case not meant for the bank (退单), within a
	// working day of routing.
	Return engine.EventName = "return"
	// Reroute sends a returned case to another bank with a fresh limit (改派).
	Reroute engine.EventName = "reroute"
	// SendBack sends a returned case back to the park's window (退回窗口).
	SendBack engine.EventName = "send_back"
	// Resubmit routes a case the window corrected to the lead bank again
	// (重新转办).
	Resubmit engine.EventName = "resubmit"
	// Dismiss closes a returned case that is no financing matter (不予受理).
	Dismiss engine.EventName = "dismiss"
	// RequestInfo asks the enterprise for more (补充材料); pauses the
	// bank's limit.
	RequestInfo engine.EventName = "request_info"
	// SupplyInfo gives the bank what it asked for; the limit resumes.
	SupplyInfo engine.EventName = "supply_info"
	// InfoTimeout closes a case whose materials were not supplied in time
	// (企业未补充材料); fired by the supply timer.
	InfoTimeout engine.EventName = "info_timeout"
	// Answer gives the bank's handling opinion (答复).
	Answer engine.EventName = "answer"
	// Invite adds a participating bank to the banks' consultation (会诊).
	Invite engine.EventName = "invite"
	// Offer records a participating bank's own answer or offer.
	Offer engine.EventName = "offer"
	// CannotSolve declares that neither the lead bank nor the participating
	// banks can solve it (无法解决) and reports it up.
	CannotSolve engine.EventName = "cannot_solve"
	// RequestExtension asks the county office for more working days (延期申请).
	RequestExtension engine.EventName = "request_extension"
	// GrantExtension moves the bank's limit (同意延期).
	GrantExtension engine.EventName = "grant_extension"
	// RefuseExtension refuses it (不同意延期).
	RefuseExtension engine.EventName = "refuse_extension"
	// ExtensionUndecided records that the county office did not decide on
	// an extension before the bank's limit; fired by a timer.
	ExtensionUndecided engine.EventName = "extension_undecided"
	// Supervise issues a supervision notice with a reply-by date (督办).
	Supervise engine.EventName = "supervise"
	// ReplySupervision is the bank's reply to a supervision notice (回复督办).
	ReplySupervision engine.EventName = "reply_supervision"
	// SupervisionOverdue records a notice left unanswered past its reply-by
	// date; fired by a timer.
	SupervisionOverdue engine.EventName = "supervision_overdue"
	// Urge records an office's lighter reminder to the bank (催办).
	Urge engine.EventName = "urge"
	// Escalate is the county office reporting an overdue or stuck case to
	// the city (上报).
	Escalate engine.EventName = "escalate"
	// Acknowledge is the city office or the central-bank branch signing for
	// an escalated case (签收).
	Acknowledge engine.EventName = "acknowledge"
	// Resolve records the offices' coordinated answer (协调意见).
	Resolve engine.EventName = "resolve"
	// Assign sends an escalated case to a named bank with instructions and a
	// fresh limit (交办).
	Assign engine.EventName = "assign"
	// Transfer moves an open case to another bank (移交), e.g. after an
	// in-year pairing change.
	Transfer engine.EventName = "transfer"
	// Feedback records what the window told the enterprise (反馈) and closes.
	Feedback engine.EventName = "feedback"
	// Withdraw closes a case the enterprise no longer pursues (撤回).
	Withdraw engine.EventName = "withdraw"
	// FollowUp records the enterprise's satisfaction after closing (回访).
	FollowUp engine.EventName = "follow_up"
	// FollowUpOverdue records a follow-up not made in time; fired by a timer.
	FollowUpOverdue engine.EventName = "follow_up_overdue"
	// Reopen sends a case the enterprise was not satisfied with back to the
	// bank with a fresh limit (重办).
	Reopen engine.EventName = "reopen"
	// GreenChannel opens the bank's green-channel project for a case it
	// can handle (开通绿色通道): its loan application is tracked on as a
	// case of the greenchannel workflow.
	GreenChannel engine.EventName = "green_channel"
	// Remind marks the case due soon (临期提醒); fired by the reminder timer.
	Remind engine.EventName = "remind"
	// Breach marks the case overdue (超期) for the county's supervision; the
	// bank still answers. Fired by the limit timer.
	Breach engine.EventName = "breach"
	// OfficeRemind and OfficeBreach are the same for the offices' limit on
	// an escalated case.
	OfficeRemind engine.EventName = "office_remind"
	OfficeBreach engine.EventName = "office_breach"
)

// The clocks (time limits) of a financing case.
const (
	// ClockBank is the bank's limit to answer: the main one.
	ClockBank = "bank"
	// ClockOffice is the city office's and central bank's limit on an
	// escalated case.
	ClockOffice = "office"
	// ClockSupply is the window's limit to supply requested materials.
	ClockSupply = "supply"
	// ClockFollowUp is the window's limit to follow up after closing.
	ClockFollowUp = "follow_up"
	// ClockSupervision is the bank's limit to reply to a supervision notice.
	ClockSupervision = "supervision"
	// ClockExtension is the county office's limit to decide on an
	// extension: the bank's limit.
	ClockExtension = "extension"
)

// The timers of a financing case.
const (
	TimerReminder       = "reminder"
	TimerLimit          = "limit"
	TimerOfficeReminder = "office_reminder"
	TimerOfficeLimit    = "office_limit"
	TimerSupply         = "supply"
	TimerFollowUp       = "follow_up"
	TimerSupervision    = "supervision"
	TimerExtension      = "extension_decision"
)
