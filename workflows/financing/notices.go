package financing

import "github.com/parkfin/parkfin/engine"

// The kinds of notice of a financing case: what a user chooses channels for,
// and what names the templates (notify.financing.<kind>.* in the catalogue).
const (
	// NoticeRouted: a case reached a bank (opened, rerouted, resubmitted,
	// assigned, transferred, reopened); the county office is copied.
	NoticeRouted = "routed"
	// NoticeWarning: 3 working days of the bank's limit are gone.
	NoticeWarning = "warning"
	// NoticeBreach: the bank's limit passed; the county office supervises.
	NoticeBreach = "breach"
	// NoticeRequestInfo: the bank asks the window for materials.
	NoticeRequestInfo = "request_info"
	// NoticeInfoSupplied: the window supplied them; the bank's limit runs again.
	NoticeInfoSupplied = "info_supplied"
	// NoticeAnswer: the bank (or the offices) answered; the window feeds back.
	NoticeAnswer = "answer"
	// NoticeReturn: the bank returned the case; the county office decides.
	NoticeReturn = "return"
	// NoticeExtensionRequested: the bank asks the county office for days.
	NoticeExtensionRequested = "extension_requested"
	// NoticeExtensionDecided: the county office granted or refused them.
	NoticeExtensionDecided = "extension_decided"
	// NoticeEscalation: the case went up to the city office and the
	// central bank.
	NoticeEscalation = "escalation"
	// NoticeSupervision: a supervision notice (督办) or an urging (催办).
	NoticeSupervision = "supervision"
	// NoticeSupervisionReply: the bank replied to a supervision notice.
	NoticeSupervisionReply = "supervision_reply"
	// NoticeInvited: a participating bank was invited.
	NoticeInvited = "invited"
	// NoticeOfficeDue: the offices' own limit on an escalated case is
	// near or past.
	NoticeOfficeDue = "office_due"
	// NoticeUndecided: a supervision reply or an extension decision is
	// past its date.
	NoticeUndecided = "undecided"
	// NoticeFollowUpDue: the window's follow-up is past its limit.
	NoticeFollowUpDue = "follow_up_due"
	// NoticeClosedNoMaterials: closed because the materials never came.
	NoticeClosedNoMaterials = "closed_no_materials"
)

// notices declares who hears of what: To are those who must act next, Copy
// those kept informed.
func notices() []engine.NoticeDef {
	var (
		bank     = engine.Audience{Relation: RelLeadBank}
		county   = engine.Audience{Relation: RelCounty}
		park     = engine.Audience{Relation: RelPark}
		invited  = engine.Audience{Relation: RelParticipant}
		cityOff  = engine.Audience{Role: engine.RoleCity}
		pbocOff  = engine.Audience{Role: engine.RolePBoC}
		to       = func(as ...engine.Audience) []engine.Audience { return as }
		routedTo = func(ev engine.EventName) engine.NoticeDef {
			return engine.NoticeDef{Event: ev, Kind: NoticeRouted, To: to(bank), Copy: to(county)}
		}
	)
	return []engine.NoticeDef{
		routedTo(Open), routedTo(Reroute), routedTo(Resubmit), routedTo(Assign), routedTo(Transfer), routedTo(Reopen),
		{Event: Remind, Kind: NoticeWarning, To: to(bank)},
		{Event: Breach, Kind: NoticeBreach, To: to(bank, county)},
		{Event: RequestInfo, Kind: NoticeRequestInfo, To: to(park)},
		{Event: SupplyInfo, Kind: NoticeInfoSupplied, To: to(bank)},
		{Event: Answer, Kind: NoticeAnswer, To: to(park), Copy: to(county)},
		{Event: Resolve, Kind: NoticeAnswer, To: to(park), Copy: to(county, bank)},
		{Event: Return, Kind: NoticeReturn, To: to(county), Copy: to(park)},
		{Event: RequestExtension, Kind: NoticeExtensionRequested, To: to(county)},
		{Event: GrantExtension, Kind: NoticeExtensionDecided, To: to(bank)},
		{Event: RefuseExtension, Kind: NoticeExtensionDecided, To: to(bank)},
		{Event: CannotSolve, Kind: NoticeEscalation, To: to(cityOff, pbocOff), Copy: to(county, park)},
		{Event: Escalate, Kind: NoticeEscalation, To: to(cityOff, pbocOff), Copy: to(bank, park)},
		{Event: Supervise, Kind: NoticeSupervision, To: to(bank)},
		{Event: Urge, Kind: NoticeSupervision, To: to(bank)},
		{Event: ReplySupervision, Kind: NoticeSupervisionReply, To: to(county)},
		{Event: Invite, Kind: NoticeInvited, To: to(invited)},
		{Event: OfficeRemind, Kind: NoticeOfficeDue, To: to(cityOff, pbocOff)},
		{Event: OfficeBreach, Kind: NoticeOfficeDue, To: to(cityOff, pbocOff), Copy: to(county)},
		{Event: SupervisionOverdue, Kind: NoticeUndecided, To: to(county), Copy: to(bank)},
		{Event: ExtensionUndecided, Kind: NoticeUndecided, To: to(county), Copy: to(bank)},
		{Event: FollowUpOverdue, Kind: NoticeFollowUpDue, To: to(park)},
		{Event: InfoTimeout, Kind: NoticeClosedNoMaterials, To: to(park), Copy: to(bank)},
	}
}

// NoticeKinds lists the kinds of notice, in the order settings show them.
var NoticeKinds = []string{
	NoticeRouted, NoticeWarning, NoticeBreach, NoticeRequestInfo, NoticeInfoSupplied, NoticeAnswer, NoticeReturn,
	NoticeExtensionRequested, NoticeExtensionDecided, NoticeEscalation, NoticeSupervision, NoticeSupervisionReply,
	NoticeInvited, NoticeOfficeDue, NoticeUndecided, NoticeFollowUpDue, NoticeClosedNoMaterials,
}

// OpenStates lists the states of a case that is not closed: what the daily
// digest counts as open.
var OpenStates = append([]engine.State{}, open...)
