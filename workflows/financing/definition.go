package financing

import (
	"time"

	"github.com/parkfin/parkfin/engine"
)

// Config holds the workflow's numbers. Zero fields take the plan's values.
type Config struct {
	// ReminderWorkdays is when the case is marked due soon: 3 working days.
	ReminderWorkdays int
	// LimitWorkdays is the bank's time limit: 5 working days.
	LimitWorkdays int
	// MaxBackdate is how far back a paper record may be entered: 30 days.
	MaxBackdate time.Duration
}

func (c Config) withDefaults() Config {
	if c.ReminderWorkdays <= 0 {
		c.ReminderWorkdays = 3
	}
	if c.LimitWorkdays <= 0 {
		c.LimitWorkdays = 5
	}
	if c.MaxBackdate <= 0 {
		c.MaxBackdate = 30 * 24 * time.Hour
	}
	return c
}

// The timers of a financing case.
const (
	// TimerReminder marks the case due soon.
	TimerReminder = "reminder"
	// TimerLimit escalates the case when the bank let the limit pass.
	TimerLimit = "limit"
)

var (
	window   = engine.Grant{Role: engine.RoleWindow, Relation: RelPark}
	leadBank = engine.Grant{Role: engine.RoleBank, Relation: RelLeadBank}
	partBank = engine.Grant{Role: engine.RoleBank, Relation: RelParticipant}
	county   = engine.Grant{Role: engine.RoleCounty, Relation: RelCounty}
	city     = engine.Grant{Role: engine.RoleCity}
	pboc     = engine.Grant{Role: engine.RolePBoC}
	admin    = engine.Grant{Role: engine.RoleAdmin}
)

// Definition returns the financing workflow for the engine to register.
func Definition(cfg Config) engine.Definition {
	cfg = cfg.withDefaults()
	running := []engine.State{Routed, Accepted}
	open := []engine.State{Routed, Accepted, InfoRequested, Escalated}
	return engine.Definition{
		Name:        Name,
		Initial:     Submitted,
		OpenEvent:   Open,
		MaxBackdate: cfg.MaxBackdate,
		States: []engine.StateDef{
			{Name: Submitted, Doc: "已登记"},
			{Name: Routed, Doc: "已转主联系行"},
			{Name: Accepted, Doc: "银行已签收"},
			{Name: InfoRequested, Doc: "待补充材料（暂停计时）"},
			{Name: Answered, Doc: "银行已答复"},
			{Name: Escalated, Doc: "已上报市金融办、人民银行"},
			{Name: Closed, Doc: "已办结", Final: true},
		},
		Viewers: []engine.Grant{city, pboc, admin, county},
		Events: []engine.EventDef{
			{Name: Open, Doc: "登记并转主联系行", From: []engine.State{Submitted}, To: Routed,
				Grants: []engine.Grant{window}, Apply: applyOpen},
			{Name: Accept, Doc: "签收", From: []engine.State{Routed}, To: Accepted,
				Grants: []engine.Grant{leadBank}, Apply: applyNote},
			{Name: RequestInfo, Doc: "要求补充材料", From: running, To: InfoRequested,
				Grants: []engine.Grant{leadBank}, Apply: applyRequestInfo},
			{Name: SupplyInfo, Doc: "补充材料", From: []engine.State{InfoRequested}, To: Accepted,
				Grants: []engine.Grant{window}, Apply: applySupplyInfo},
			{Name: Answer, Doc: "答复", From: running, To: Answered,
				Grants: []engine.Grant{leadBank}, Apply: applyAnswer},
			{Name: CannotSolve, Doc: "无法解决，上报", From: running, To: Escalated,
				Grants: []engine.Grant{leadBank}, Apply: applyCannotSolve},
			{Name: Resolve, Doc: "会诊答复", From: []engine.State{Escalated}, To: Answered,
				Grants: []engine.Grant{city, pboc}, Apply: applyResolve},
			{Name: Feedback, Doc: "反馈企业并办结", From: []engine.State{Answered}, To: Closed,
				Grants: []engine.Grant{window}, Apply: applyFeedback},
			{Name: Withdraw, Doc: "企业撤回", From: open, To: Closed,
				Grants: []engine.Grant{window}, Apply: applyWithdraw},
			{Name: Invite, Doc: "邀请参与行", From: running,
				Grants: []engine.Grant{leadBank}, Apply: applyInvite},
			{Name: Offer, Doc: "参与行答复", From: open,
				Grants: []engine.Grant{partBank}, Apply: applyOffer},
			{Name: Urge, Doc: "催办", From: open,
				Grants: []engine.Grant{county, city, pboc}, Apply: applyNote},
			{Name: Remind, Doc: "临期提醒", From: running},
			{Name: Breach, Doc: "超期上报", From: running, To: Escalated, Apply: applyBreach},
		},
		Timers: []engine.TimerDef{
			{Name: TimerReminder, Doc: "答复期限临近", Kind: engine.TimerWarning,
				Workdays: cfg.ReminderWorkdays, Event: Remind,
				Start: Routed, Runs: running, Pauses: []engine.State{InfoRequested}},
			{Name: TimerLimit, Doc: "答复期限届满", Kind: engine.TimerDeadline,
				Workdays: cfg.LimitWorkdays, Event: Breach,
				Start: Routed, Runs: running, Pauses: []engine.State{InfoRequested}},
		},
	}
}
