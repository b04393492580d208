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
	// countyPBoC is the county sub-branch of the central bank, which leads
	// its county's cases with the county office (the double lead).
	countyPBoC = engine.Grant{Role: engine.RoleCountyPBoC, Relation: RelCounty}
	city       = engine.Grant{Role: engine.RoleCity}
	pboc       = engine.Grant{Role: engine.RolePBoC}
	admin      = engine.Grant{Role: engine.RoleAdmin}
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
	ev := func(name engine.EventName, from []engine.State, to engine.State, grants []engine.Grant, apply func(*rules) applyFunc) engine.EventDef {
		d := engine.EventDef{Name: name, From: from, To: to, Grants: grants, Input: inputs[name]}
		if apply != nil {
			d.Apply = apply(&r)
		}
		return d
	}
	offeredIf := func(d engine.EventDef, offered func(engine.Actor, *engine.Case) bool) engine.EventDef {
		d.Offered = offered
		return d
	}
	counties := []engine.Grant{county, countyPBoC}
	offices := []engine.Grant{county, countyPBoC, city, pboc}
	events := []engine.EventDef{
		ev(Open, []engine.State{Submitted}, Routed, []engine.Grant{window}, (*rules).open),
		ev(Accept, []engine.State{Routed}, Accepted, []engine.Grant{leadBank}, (*rules).accept),
		ev(Return, bankRuns, Returned, []engine.Grant{leadBank}, (*rules).returnCase),
		ev(Reroute, []engine.State{Returned}, Routed, counties, (*rules).reroute),
		ev(SendBack, []engine.State{Returned}, WithWindow, counties, (*rules).note),
		ev(Resubmit, []engine.State{WithWindow}, Routed, []engine.Grant{window}, (*rules).resubmit),
		ev(Dismiss, []engine.State{Returned}, Closed, counties, (*rules).dismiss),
		ev(RequestInfo, []engine.State{Accepted}, InfoRequested, []engine.Grant{leadBank}, (*rules).requestInfo),
		ev(SupplyInfo, []engine.State{InfoRequested}, Accepted, []engine.Grant{window}, (*rules).supplyInfo),
		ev(InfoTimeout, []engine.State{InfoRequested}, Closed, nil, (*rules).infoTimeout),
		ev(Answer, []engine.State{Accepted}, Answered, []engine.Grant{leadBank}, (*rules).answer),
		ev(Invite, []engine.State{Accepted}, "", []engine.Grant{leadBank}, (*rules).invite),
		ev(Offer, []engine.State{Accepted, InfoRequested, Escalated, Coordinating}, "", []engine.Grant{partBank}, (*rules).offer),
		ev(CannotSolve, []engine.State{Accepted}, Escalated, []engine.Grant{leadBank}, (*rules).cannotSolve),
		ev(RequestExtension, []engine.State{Accepted}, "", []engine.Grant{leadBank}, (*rules).requestExtension),
		ev(GrantExtension, []engine.State{Accepted, InfoRequested}, "", counties, (*rules).grantExtension),
		ev(RefuseExtension, []engine.State{Accepted, InfoRequested}, "", counties, (*rules).refuseExtension),
		ev(ExtensionUndecided, []engine.State{Accepted, InfoRequested}, "", nil, nil),
		ev(Supervise, withBank, "", offices, (*rules).supervise),
		ev(ReplySupervision, withBank, "", []engine.Grant{leadBank}, (*rules).replySupervision),
		ev(SupervisionOverdue, withBank, "", nil, nil),
		ev(Urge, open, "", offices, (*rules).note),
		ev(Escalate, []engine.State{Routed, Accepted, InfoRequested, Returned}, Escalated, counties, (*rules).escalate),
		ev(Acknowledge, []engine.State{Escalated}, Coordinating, []engine.Grant{city, pboc}, (*rules).acknowledge),
		ev(Resolve, withOffices, Answered, []engine.Grant{city, pboc}, (*rules).resolve),
		ev(Assign, withOffices, Routed, []engine.Grant{city, pboc}, (*rules).assign),
		ev(Transfer, withBank, Routed, counties, (*rules).transfer),
		ev(Feedback, []engine.State{Answered}, Closed, []engine.Grant{window}, (*rules).feedback),
		ev(Withdraw, []engine.State{Routed, Accepted, InfoRequested, Returned, WithWindow, Answered}, Closed, []engine.Grant{window}, (*rules).withdraw),
		ev(FollowUp, []engine.State{Closed}, "", []engine.Grant{window}, (*rules).followUp),
		ev(FollowUpOverdue, []engine.State{Closed}, "", nil, nil),
		ev(Reopen, []engine.State{Closed}, Routed, []engine.Grant{window, county, countyPBoC}, (*rules).reopen),
		offeredIf(ev(GreenChannel, []engine.State{Answered, Closed}, "", []engine.Grant{leadBank, partBank}, (*rules).greenChannel),
			func(a engine.Actor, c *engine.Case) bool {
				d, err := DataOf(c)
				return err == nil && d.GreenChannelOpen(a.Org)
			}),
		ev(Remind, bankRuns, "", nil, nil),
		ev(Breach, bankRuns, "", nil, (*rules).breach),
		ev(OfficeRemind, withOffices, "", nil, nil),
		ev(OfficeBreach, withOffices, "", nil, nil),
	}
	// A transfer gives the new bank a fresh limit even when the case was
	// still waiting to be signed for (routed → routed).
	rearm := []engine.EventName{Transfer}
	// Extending moves the bank's limit; the extension's own clock stops.
	// A reply, a decision and a follow-up answer an open limit: they can
	// be fired only while it is open.
	while := map[engine.EventName]string{ReplySupervision: ClockSupervision, GrantExtension: ClockExtension,
		RefuseExtension: ClockExtension, FollowUp: ClockFollowUp}
	for i := range events {
		if events[i].Name == GrantExtension {
			events[i].Extends = ClockBank
		}
		events[i].While = while[events[i].Name]
	}
	return withWords(engine.Definition{
		Name:        Name,
		Initial:     Submitted,
		OpenEvent:   Open,
		MaxBackdate: cfg.MaxBackdate,
		States: []engine.StateDef{
			{Name: Submitted},
			{Name: Routed},
			{Name: Accepted},
			{Name: InfoRequested},
			{Name: Returned},
			{Name: WithWindow},
			{Name: Answered},
			{Name: Escalated},
			{Name: Coordinating},
			{Name: Closed},
		},
		Viewers: []engine.Grant{city, pboc, admin, county, countyPBoC},
		Tracers: []engine.Grant{former},
		Events:  events,
		Notices: notices(),
		Clocks: []engine.ClockDef{
			{Name: ClockBank},
			{Name: ClockOffice},
			{Name: ClockSupply},
			{Name: ClockFollowUp},
			{Name: ClockSupervision},
			{Name: ClockExtension},
		},
		MainClock: ClockBank,
		Timers: []engine.TimerDef{
			{Name: TimerReminder, Doc: "答复期限临近", Kind: engine.TimerWarning, Clock: ClockBank,
				Workdays: cfg.ReminderWorkdays, Event: Remind, Start: Routed, StartOn: rearm,
				Runs: bankRuns, Pauses: []engine.State{InfoRequested}},
			{Name: TimerLimit, Doc: "答复期限届满", Kind: engine.TimerDeadline, Clock: ClockBank,
				Workdays: cfg.LimitWorkdays, Event: Breach, Start: Routed, StartOn: rearm,
				Runs: bankRuns, Pauses: []engine.State{InfoRequested}},
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
	})
}

// inputs are the payload types of the events that take one.
var inputs = map[engine.EventName]any{
	Open: OpenInput{}, Accept: NoteInput{}, Return: ReturnInput{}, Reroute: BankInput{}, SendBack: NoteInput{},
	Resubmit: NoteInput{}, Dismiss: ReasonInput{}, RequestInfo: RequestInfoInput{}, SupplyInfo: SupplyInfoInput{},
	Answer: AnswerInput{}, Invite: InviteInput{}, Offer: AnswerInput{}, CannotSolve: CannotSolveInput{},
	RequestExtension: ExtensionInput{}, GrantExtension: NoteInput{}, RefuseExtension: ReasonInput{},
	Supervise: SuperviseInput{}, ReplySupervision: ReplyInput{}, Urge: NoteInput{}, Escalate: ReasonInput{},
	Acknowledge: NoteInput{}, Resolve: ResolveInput{}, Assign: AssignInput{}, Transfer: BankInput{},
	Feedback: FeedbackInput{}, Withdraw: WithdrawInput{}, FollowUp: FollowUpInput{}, Reopen: ReasonInput{},
	GreenChannel: GreenChannelInput{},
}
