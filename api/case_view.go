package api

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/ledger"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/greenchannel"
)

// caseView is a case as the API shows it. Times are in Asia/Shanghai.
type caseView struct {
	ID       string `json:"id"`
	Number   string `json:"number"`
	Workflow string `json:"workflow"`
	Title    string `json:"title"`
	// Period and ScheduledFor name the period and organisation of a case
	// opened by a schedule (a bank's quarterly submission).
	Period       string               `json:"period,omitempty"`
	ScheduledFor string               `json:"scheduled_for,omitempty"`
	State        engine.State         `json:"state"`
	Version      int                  `json:"version"`
	Park         string               `json:"park"`
	ParkName     string               `json:"park_name"`
	County       string               `json:"county"`
	LeadBank     string               `json:"lead_bank"`
	LeadBankName string               `json:"lead_bank_name"`
	Participants []string             `json:"participants"`
	Enterprise   financing.Enterprise `json:"enterprise"`
	Need         string               `json:"need"`
	Amount       string               `json:"amount,omitempty"`
	ReceivedAt   time.Time            `json:"received_at"`
	RoutedAt     time.Time            `json:"routed_at"`
	CreatedAt    time.Time            `json:"created_at"`
	UpdatedAt    time.Time            `json:"updated_at"`
	WarnAt       *time.Time           `json:"warn_at"`
	DueAt        *time.Time           `json:"due_at"`
	// DeadlineProvisional: due_at counts days of a year whose holiday
	// arrangement is not yet published (Monday to Friday).
	DeadlineProvisional bool `json:"deadline_provisional"`
	DueSoon             bool `json:"due_soon"`
	PastDue             bool `json:"past_due"`
	Overdue             bool `json:"overdue"`
	AnsweredLate        bool `json:"answered_late"`
	Escalated           bool `json:"escalated"`
	// WindowDelayWorkdays is the window's own delay from receipt to
	// routing, not charged to the bank.
	WindowDelayWorkdays int                `json:"window_delay_workdays"`
	Limits              []limitView        `json:"limits"`
	OpenLimits          []string           `json:"open_limits"`
	Events              []engine.EventName `json:"events"`
	LedgerEntries       int                `json:"ledger_entries"`
	Data                json.RawMessage    `json:"data,omitempty"`
	// Timing is the time a green-channel project's steps took, reckoned
	// with the working-day calendar (single case only).
	Timing *greenchannel.Timing `json:"timing,omitempty"`
}

func local(t time.Time) time.Time { return t.In(calendar.Location()) }

func localPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	l := local(*t)
	return &l
}

// viewCase shows c to the actor: with the events the actor may fire now,
// and with the workflow's full record when full is set.
func (s *Server) viewCase(a engine.Actor, c *engine.Case, full bool) caseView {
	v := caseView{
		ID: c.ID, Number: c.Number, Workflow: c.Workflow, Title: c.Title, Period: c.Period, ScheduledFor: c.ScheduledFor,
		State: c.State, Version: c.Version,
		ReceivedAt: local(c.ReceivedAt), RoutedAt: local(c.RoutedAt), CreatedAt: local(c.CreatedAt), UpdatedAt: local(c.UpdatedAt),
		WarnAt: localPtr(c.WarnAt), DueAt: localPtr(c.DueAt), DeadlineProvisional: c.Provisional,
		DueSoon: c.DueSoon, PastDue: c.PastDue, Overdue: c.Overdue, AnsweredLate: c.Overdue && !c.PastDue,
		Escalated: slices.Contains(withOffices, c.State), Events: s.engine.Events(a, c),
		LedgerEntries: c.LedgerLen, Participants: []string{}, Limits: []limitView{}, OpenLimits: []string{},
	}
	for _, l := range c.Limits {
		if !l.Running && !l.Paused && l.DueAt == nil && !l.Overdue {
			continue // never armed
		}
		v.Limits = append(v.Limits, limitView{Clock: l.Clock, WarnAt: localPtr(l.WarnAt), DueAt: localPtr(l.DueAt),
			Running: l.Running, Paused: l.Paused, RemainingWorkdays: l.Remaining, DueSoon: l.DueSoon, PastDue: l.PastDue,
			Overdue: l.Overdue, Provisional: l.Provisional})
		if l.Running || l.Paused || l.PastDue {
			v.OpenLimits = append(v.OpenLimits, l.Clock)
		}
	}
	if v.Events == nil {
		v.Events = []engine.EventName{}
	}
	if d, err := financing.ViewOf(c); err == nil {
		v.Park, v.ParkName, v.County = d.Park, d.ParkName, d.County
		v.LeadBank, v.LeadBankName = d.LeadBank, d.LeadBankName
		v.Enterprise, v.Need, v.Amount = d.Enterprise, d.Need, d.Amount
		v.WindowDelayWorkdays = d.WindowDelayWorkdays
		if d.Participants != nil {
			v.Participants = d.Participants
		}
	}
	if full {
		v.Data = c.Data
		if c.Workflow == greenchannel.Name && s.cfg.Calendar != nil {
			if d, err := greenchannel.DataOf(c); err == nil {
				if tm, err := greenchannel.TimingOf(d, s.cfg.Calendar.Live()); err == nil {
					v.Timing = tm
				}
			}
		}
	}
	return v
}

// limitView is one time limit of a case: the bank's, the offices', the
// window's (materials, follow-up), a supervision reply, an extension
// decision.
type limitView struct {
	Clock             string     `json:"clock"`
	WarnAt            *time.Time `json:"warn_at"`
	DueAt             *time.Time `json:"due_at"`
	Running           bool       `json:"running"`
	Paused            bool       `json:"paused"`
	RemainingWorkdays int        `json:"remaining_workdays,omitempty"`
	DueSoon           bool       `json:"due_soon"`
	PastDue           bool       `json:"past_due"`
	Overdue           bool       `json:"overdue"`
	Provisional       bool       `json:"provisional"`
}

// entryView is one ledger entry of a case's timeline.
type entryView struct {
	Seq       int64           `json:"seq"`
	At        time.Time       `json:"at"`
	Actor     string          `json:"actor"`
	ActorRole string          `json:"actor_role"`
	ActorOrg  string          `json:"actor_org,omitempty"`
	Event     string          `json:"event"`
	From      string          `json:"from"`
	To        string          `json:"to"`
	Payload   json.RawMessage `json:"payload,omitempty"`
	PrevHash  string          `json:"prev_hash"`
	Hash      string          `json:"hash"`
}

func viewEntry(e ledger.Entry) entryView {
	return entryView{Seq: e.Seq, At: local(e.At), Actor: e.ActorUser, ActorRole: e.ActorRole, ActorOrg: e.ActorOrg,
		Event: e.Event, From: e.From, To: e.To, Payload: e.Payload, PrevHash: e.PrevHash, Hash: e.Hash}
}
