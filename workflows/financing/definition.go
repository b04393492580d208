package financing

import (
	"time"

	"github.com/parkfin/parkfin/engine"
)

// Config holds the workflow's numbers. Zero fields take the plan's values
// (or, where the plan is silent, what the offices asked for).
type Config struct {
	// ReminderWorkdays is when the case is marked due soon: 3 working days.
	ReminderWorkdays int
	// LimitWorkdays is the bank's time limit: 5 working days.
	LimitWorkdays int
	// MaxBackdate is how far back a paper record may be entered: 30 days.
	MaxBackdate time.Duration
	// ReturnWorkdays is how long after routing a bank may return a case
	// not meant for it: 1 working day.
	ReturnWorkdays int
	// MaxExtensions is how many extensions a case may have: 1.
	MaxExtensions int
	// MaxExtensionWorkdays is the most one extension may give: 5.
	MaxExtensionWorkdays int
	// OfficeReminderWorkdays and OfficeLimitWorkdays are the city office's
	// and central bank's warning and limit on an escalated case: 7 and 10.
	OfficeReminderWorkdays int
	OfficeLimitWorkdays    int
	// SupplyWorkdays is the window's limit to supply requested materials:
	// 10 working days.
	SupplyWorkdays int
	// MaxInfoRequests is how often the bank may pause its limit to ask for
	// materials: 2.
	MaxInfoRequests int
	// FollowUpWorkdays is the window's limit to follow up after closing: 5.
	FollowUpWorkdays int
}

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.ReminderWorkdays, 3)
	def(&c.LimitWorkdays, 5)
	def(&c.ReturnWorkdays, 1)
	def(&c.MaxExtensions, 1)
	def(&c.MaxExtensionWorkdays, 5)
	def(&c.OfficeReminderWorkdays, 7)
	def(&c.OfficeLimitWorkdays, 10)
	def(&c.SupplyWorkdays, 10)
	def(&c.MaxInfoRequests, 2)
	def(&c.FollowUpWorkdays, 5)
	if c.MaxBackdate <= 0 {
		c.MaxBackdate = 30 * 24 * time.Hour
	}
	return c
}

var (
	window   = engine.Grant{Role: engine.RoleWindow, Relation: RelPark}
	leadBank = engine.Grant{Role: engine.RoleBank, Relation: RelLeadBank}
	partBank = engine.Grant{Role: engine.RoleBank, Relation: RelParticipant}
	former   = engine.Grant{Role: engine.RoleBank, Relation: RelFormerBank}
	county   = engine.Grant{Role: engine.RoleCounty, Relation: RelCounty}
	city     = engine.Grant{Role: engine.RoleCity}
	pboc     = engine.Grant{Role: engine.RolePBoC}
	admin    = engine.Grant{Role: engine.RoleAdmin}
)

// states groups used below.
var (
	// bankRuns: the bank has the case and its limit runs.
	bankRuns = []engine.State{Routed, Accepted}
	// withBank: the bank has the case (its limit runs or is paused).
	withBank = []engine.State{Routed, Accepted, InfoRequested}
	// withOffices: the city office and the central bank have it.
	withOffices = []engine.State{Escalated, Coordinating}
	// open: every state before closing.
	open = []engine.State{Routed, Accepted, InfoRequested, Returned, WithWindow, Answered, Escalated, Coordinating}
)

// Definition returns the financing workflow for the engine to register.
func Definition(cfg Config) engine.Definition {
	cfg = cfg.withDefaults()
	r := rules{cfg}
	ev := func(name engine.EventName, doc string, from []engine.State, to engine.State, grants []engine.Grant, apply func(*rules) applyFunc) engine.EventDef {
		d := engine.EventDef{Name: name, Doc: doc, From: from, To: to, Grants: grants}
		if apply != nil {
			d.Apply = apply(&r)
		}
		return d
	}
	offices := []engine.Grant{county, city, pboc}
	events := []engine.EventDef{
		ev(Open, "登记并转主联系行", []engine.State{Submitted}, Routed, []engine.Grant{window}, (*rules).open),
		ev(Accept, "签收", []engine.State{Routed}, Accepted, []engine.Grant{leadBank}, (*rules).accept),
		ev(Return, "退单", bankRuns, Returned, []engine.Grant{leadBank}, (*rules).returnCase),
		ev(Reroute, "改派其他银行", []engine.State{Returned}, Routed, []engine.Grant{county}, (*rules).reroute),
		ev(SendBack, "退回园区窗口", []engine.State{Returned}, WithWindow, []engine.Grant{county}, (*rules).note),
		ev(Resubmit, "重新转主联系行", []engine.State{WithWindow}, Routed, []engine.Grant{window}, (*rules).resubmit),
		ev(Dismiss, "不予受理并办结", []engine.State{Returned}, Closed, []engine.Grant{county}, (*rules).dismiss),
		ev(RequestInfo, "要求补充材料", []engine.State{Accepted}, InfoRequested, []engine.Grant{leadBank}, (*rules).requestInfo),
		ev(SupplyInfo, "补充材料", []engine.State{InfoRequested}, Accepted, []engine.Grant{window}, (*rules).supplyInfo),
		ev(InfoTimeout, "企业未补充材料，办结", []engine.State{InfoRequested}, Closed, nil, (*rules).infoTimeout),
		ev(Answer, "答复", []engine.State{Accepted}, Answered, []engine.Grant{leadBank}, (*rules).answer),
		ev(Invite, "邀请参与行会诊", []engine.State{Accepted}, "", []engine.Grant{leadBank}, (*rules).invite),
		ev(Offer, "参与行答复", []engine.State{Accepted, InfoRequested, Escalated, Coordinating}, "", []engine.Grant{partBank}, (*rules).offer),
		ev(CannotSolve, "无法解决，上报", []engine.State{Accepted}, Escalated, []engine.Grant{leadBank}, (*rules).cannotSolve),
		ev(RequestExtension, "申请延期", []engine.State{Accepted}, "", []engine.Grant{leadBank}, (*rules).requestExtension),
		ev(GrantExtension, "同意延期", []engine.State{Accepted, InfoRequested}, "", []engine.Grant{county}, (*rules).grantExtension),
		ev(RefuseExtension, "不同意延期", []engine.State{Accepted, InfoRequested}, "", []engine.Grant{county}, (*rules).refuseExtension),
		ev(ExtensionUndecided, "延期申请逾期未审批", []engine.State{Accepted, InfoRequested}, "", nil, nil),
		ev(Supervise, "督办", withBank, "", offices, (*rules).supervise),
		ev(ReplySupervision, "回复督办", withBank, "", []engine.Grant{leadBank}, (*rules).replySupervision),
		ev(SupervisionOverdue, "督办逾期未回复", withBank, "", nil, nil),
		ev(Urge, "催办", open, "", offices, (*rules).note),
		ev(Escalate, "区县金融办上报", []engine.State{Routed, Accepted, InfoRequested, Returned}, Escalated, []engine.Grant{county}, (*rules).escalate),
		ev(Acknowledge, "签收上报事项", []engine.State{Escalated}, Coordinating, []engine.Grant{city, pboc}, (*rules).acknowledge),
		ev(Resolve, "协调答复", withOffices, Answered, []engine.Grant{city, pboc}, (*rules).resolve),
		ev(Assign, "交办银行", withOffices, Routed, []engine.Grant{city, pboc}, (*rules).assign),
		ev(Transfer, "移交其他银行", withBank, Routed, []engine.Grant{county, admin}, (*rules).transfer),
		ev(Feedback, "反馈企业并办结", []engine.State{Answered}, Closed, []engine.Grant{window}, (*rules).feedback),
		ev(Withdraw, "企业撤回", []engine.State{Routed, Accepted, InfoRequested, Returned, WithWindow, Answered}, Closed, []engine.Grant{window}, (*rules).withdraw),
		ev(FollowUp, "回访", []engine.State{Closed}, "", []engine.Grant{window}, (*rules).followUp),
		ev(FollowUpOverdue, "回访逾期", []engine.State{Closed}, "", nil, nil),
		ev(Reopen, "重办", []engine.State{Closed}, Routed, []engine.Grant{window, county}, (*rules).reopen),
		ev(Remind, "临期提醒", bankRuns, "", nil, nil),
		ev(Breach, "超期，转区县督办", bankRuns, "", nil, (*rules).breach),
		ev(OfficeRemind, "协调临期提醒", withOffices, "", nil, nil),
		ev(OfficeBreach, "协调超期", withOffices, "", nil, nil),
	}
	// Extending moves the bank's limit; the extension's own clock stops.
	for i := range events {
		if events[i].Name == GrantExtension {
			events[i].Extends = ClockBank
		}
	}
	return engine.Definition{
		Name:        Name,
		Initial:     Submitted,
		OpenEvent:   Open,
		MaxBackdate: cfg.MaxBackdate,
		States: []engine.StateDef{
			{Name: Submitted, Doc: "已登记"},
			{Name: Routed, Doc: "待银行签收"},
			{Name: Accepted, Doc: "银行办理中"},
			{Name: InfoRequested, Doc: "待补充材料（暂停计时）"},
			{Name: Returned, Doc: "银行退单，待区县处理"},
			{Name: WithWindow, Doc: "退回园区窗口"},
			{Name: Answered, Doc: "已答复，待反馈企业"},
			{Name: Escalated, Doc: "已上报，待市金融办、人民银行签收"},
			{Name: Coordinating, Doc: "市金融办、人民银行协调中"},
			{Name: Closed, Doc: "已办结"},
		},
		Viewers: []engine.Grant{city, pboc, admin, county},
		Tracers: []engine.Grant{former},
		Events:  events,
		Clocks: []engine.ClockDef{
			{Name: ClockBank, Doc: "银行答复期限"},
			{Name: ClockOffice, Doc: "市金融办、人民银行协调期限"},
			{Name: ClockSupply, Doc: "补充材料期限"},
			{Name: ClockFollowUp, Doc: "回访期限"},
			{Name: ClockSupervision, Doc: "督办回复期限"},
			{Name: ClockExtension, Doc: "延期申请审批期限"},
		},
		MainClock: ClockBank,
		Timers: []engine.TimerDef{
			{Name: TimerReminder, Doc: "答复期限临近", Kind: engine.TimerWarning, Clock: ClockBank,
				Workdays: cfg.ReminderWorkdays, Event: Remind,
				Start: Routed, Runs: bankRuns, Pauses: []engine.State{InfoRequested}},
			{Name: TimerLimit, Doc: "答复期限届满", Kind: engine.TimerDeadline, Clock: ClockBank,
				Workdays: cfg.LimitWorkdays, Event: Breach,
				Start: Routed, Runs: bankRuns, Pauses: []engine.State{InfoRequested}},
			{Name: TimerOfficeReminder, Doc: "协调期限临近", Kind: engine.TimerWarning, Clock: ClockOffice,
				Workdays: cfg.OfficeReminderWorkdays, Event: OfficeRemind, Start: Escalated, Runs: withOffices},
			{Name: TimerOfficeLimit, Doc: "协调期限届满", Kind: engine.TimerDeadline, Clock: ClockOffice,
				Workdays: cfg.OfficeLimitWorkdays, Event: OfficeBreach, Start: Escalated, Runs: withOffices},
			{Name: TimerSupply, Doc: "补充材料期限届满", Kind: engine.TimerDeadline, Clock: ClockSupply,
				Workdays: cfg.SupplyWorkdays, Event: InfoTimeout, Start: InfoRequested, Runs: []engine.State{InfoRequested}},
			{Name: TimerFollowUp, Doc: "回访期限届满", Kind: engine.TimerDeadline, Clock: ClockFollowUp,
				Workdays: cfg.FollowUpWorkdays, Event: FollowUpOverdue, Start: Closed, Runs: []engine.State{Closed},
				StopOn: []engine.EventName{FollowUp}},
			{Name: TimerSupervision, Doc: "督办回复期限届满", Kind: engine.TimerDeadline, Clock: ClockSupervision,
				FromInput: true, Event: SupervisionOverdue, StartOn: []engine.EventName{Supervise},
				StopOn: []engine.EventName{ReplySupervision}, Runs: withBank},
			{Name: TimerExtension, Doc: "延期申请审批期限届满", Kind: engine.TimerDeadline, Clock: ClockExtension,
				FromInput: true, Event: ExtensionUndecided, StartOn: []engine.EventName{RequestExtension},
				StopOn: []engine.EventName{GrantExtension, RefuseExtension}, Runs: []engine.State{Accepted, InfoRequested}},
		},
	}
}
