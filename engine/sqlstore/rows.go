package sqlstore

import (
	"encoding/json"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/ledger"
)

// Storage rows are not domain types: gorm and its tags stay in this package;
// toRow/fromRow map, and every time is UTC at this boundary.

type caseRow struct {
	ID           string `gorm:"primaryKey"`
	Number       string
	Workflow     string
	State        string
	Version      int
	Title        string
	Ref          string
	Period       string
	ScheduledFor string
	Data         string
	ReceivedAt   time.Time
	RoutedAt     time.Time
	CreatedAt    time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt    time.Time `gorm:"autoUpdateTime:false"`
	WarnAt       *time.Time
	DueAt        *time.Time
	DueSoon      bool
	PastDue      bool
	Overdue      bool
	Provisional  bool
	Limits       string
	LedgerHead   string
	LedgerLen    int
}

func (caseRow) TableName() string { return "cases" }

type partyRow struct {
	CaseID   string `gorm:"primaryKey"`
	OrgCode  string `gorm:"primaryKey"`
	Relation string `gorm:"primaryKey"`
}

func (partyRow) TableName() string { return "case_parties" }

type markRow struct {
	CaseID string `gorm:"primaryKey"`
	Mark   string `gorm:"primaryKey"`
}

func (markRow) TableName() string { return "case_marks" }

type timerRow struct {
	ID          string `gorm:"primaryKey"`
	CaseID      string
	Name        string
	Event       string
	Kind        int
	DueAt       time.Time
	Status      string
	Remaining   int
	BaseAt      *time.Time
	Workdays    int
	Provisional bool
	PausedAt    *time.Time
	CreatedAt   time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt   time.Time `gorm:"autoUpdateTime:false"`
}

func (timerRow) TableName() string { return "timers" }

type ledgerRow struct {
	Seq         int64 `gorm:"primaryKey;autoIncrement:false"`
	CaseID      string
	At          time.Time
	ActorUser   string
	ActorRole   string
	ActorOrg    string
	Event       string
	FromState   string
	ToState     string
	Payload     string
	PrevHash    string
	Hash        string
	Workflow    string
	Number      string
	CaseVersion int
	ChainHash   string
	KeyID       string
	MAC         string `gorm:"column:mac"`
	// Unsealed is read only: set for an entry not sealed yet.
	Unsealed int64 `gorm:"->"`
}

func (ledgerRow) TableName() string { return "ledger" }

func utc(t time.Time) time.Time { return t.UTC() }

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func caseToRow(c *engine.Case) caseRow {
	limits := "[]"
	if len(c.Limits) > 0 {
		// Limit is plain data: Marshal cannot fail on it.
		raw, _ := json.Marshal(utcLimits(c.Limits))
		limits = string(raw)
	}
	return caseRow{
		ID: c.ID, Number: c.Number, Workflow: c.Workflow, State: string(c.State), Version: c.Version,
		Title: c.Title, Ref: c.Ref, Period: c.Period, ScheduledFor: c.ScheduledFor, Data: string(c.Data),
		ReceivedAt: utc(c.ReceivedAt), RoutedAt: utc(c.RoutedAt), CreatedAt: utc(c.CreatedAt), UpdatedAt: utc(c.UpdatedAt),
		WarnAt: utcPtr(c.WarnAt), DueAt: utcPtr(c.DueAt), DueSoon: c.DueSoon, PastDue: c.PastDue, Overdue: c.Overdue,
		Provisional: c.Provisional, Limits: limits,
		LedgerHead: c.LedgerHead, LedgerLen: c.LedgerLen,
	}
}

func utcLimits(ls []engine.Limit) []engine.Limit {
	out := make([]engine.Limit, len(ls))
	for i, l := range ls {
		l.WarnAt, l.DueAt = utcPtr(l.WarnAt), utcPtr(l.DueAt)
		out[i] = l
	}
	return out
}

func caseFromRow(r caseRow, parties []partyRow, marks []markRow) *engine.Case {
	c := &engine.Case{
		ID: r.ID, Number: r.Number, Workflow: r.Workflow, State: engine.State(r.State), Version: r.Version,
		Title: r.Title, Ref: r.Ref, Period: r.Period, ScheduledFor: r.ScheduledFor, Data: json.RawMessage(r.Data),
		ReceivedAt: utc(r.ReceivedAt), RoutedAt: utc(r.RoutedAt), CreatedAt: utc(r.CreatedAt), UpdatedAt: utc(r.UpdatedAt),
		WarnAt: utcPtr(r.WarnAt), DueAt: utcPtr(r.DueAt), DueSoon: r.DueSoon, PastDue: r.PastDue, Overdue: r.Overdue,
		Provisional: r.Provisional,
		LedgerHead:  r.LedgerHead, LedgerLen: r.LedgerLen,
	}
	if r.Data == "" {
		// A workflow that keeps no record of its own (a scheduled duty).
		c.Data = nil
	}
	if r.Limits != "" && r.Limits != "[]" {
		var ls []engine.Limit
		if json.Unmarshal([]byte(r.Limits), &ls) == nil {
			c.Limits = utcLimits(ls)
		}
	}
	for _, p := range parties {
		c.Parties = append(c.Parties, engine.Party{Org: p.OrgCode, Relation: engine.Relation(p.Relation)})
	}
	for _, m := range marks {
		c.Marks = append(c.Marks, m.Mark)
	}
	return c
}

func timerToRow(t *engine.Timer) timerRow {
	return timerRow{
		ID: t.ID, CaseID: t.CaseID, Name: t.Name, Event: string(t.Event), Kind: int(t.Kind),
		DueAt: utc(t.DueAt), Status: string(t.Status), Remaining: t.Remaining,
		BaseAt: utcPtr(t.BaseAt), Workdays: t.Workdays, Provisional: t.Provisional, PausedAt: utcPtr(t.PausedAt),
		CreatedAt: utc(t.CreatedAt), UpdatedAt: utc(t.UpdatedAt),
	}
}

func timerFromRow(r timerRow) engine.Timer {
	return engine.Timer{
		ID: r.ID, CaseID: r.CaseID, Name: r.Name, Event: engine.EventName(r.Event), Kind: engine.TimerKind(r.Kind),
		DueAt: utc(r.DueAt), Status: engine.TimerStatus(r.Status), Remaining: r.Remaining,
		BaseAt: utcPtr(r.BaseAt), Workdays: r.Workdays, Provisional: r.Provisional, PausedAt: utcPtr(r.PausedAt),
		CreatedAt: utc(r.CreatedAt), UpdatedAt: utc(r.UpdatedAt),
	}
}

func ledgerToRow(e *ledger.Entry) ledgerRow {
	return ledgerRow{
		Seq: e.Seq, CaseID: e.CaseID, At: utc(e.At),
		ActorUser: e.ActorUser, ActorRole: e.ActorRole, ActorOrg: e.ActorOrg,
		Event: e.Event, FromState: e.From, ToState: e.To,
		Payload: string(e.Payload), PrevHash: e.PrevHash, Hash: e.Hash,
		Workflow: e.Workflow, Number: e.Number, CaseVersion: e.Version,
		ChainHash: e.ChainHash, KeyID: e.KeyID, MAC: e.MAC,
	}
}

func ledgerFromRow(r ledgerRow) ledger.Entry {
	return ledger.Entry{
		Seq: r.Seq, CaseID: r.CaseID, At: utc(r.At),
		ActorUser: r.ActorUser, ActorRole: r.ActorRole, ActorOrg: r.ActorOrg,
		Event: r.Event, From: r.FromState, To: r.ToState,
		Payload: json.RawMessage(r.Payload), PrevHash: r.PrevHash, Hash: r.Hash,
		Workflow: r.Workflow, Number: r.Number, Version: r.CaseVersion,
		ChainHash: r.ChainHash, KeyID: r.KeyID, MAC: r.MAC, Unsealed: r.Unsealed,
	}
}
