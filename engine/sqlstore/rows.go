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
	ID         string `gorm:"primaryKey"`
	Number     string
	Workflow   string
	State      string
	Version    int
	Title      string
	Data       string
	ReceivedAt time.Time
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt  time.Time `gorm:"autoUpdateTime:false"`
	WarnAt     *time.Time
	DueAt      *time.Time
	DueSoon    bool
	Overdue    bool
	LedgerHead string
	LedgerLen  int
}

func (caseRow) TableName() string { return "cases" }

type partyRow struct {
	CaseID   string `gorm:"primaryKey"`
	OrgCode  string `gorm:"primaryKey"`
	Relation string `gorm:"primaryKey"`
}

func (partyRow) TableName() string { return "case_parties" }

type timerRow struct {
	ID        string `gorm:"primaryKey"`
	CaseID    string
	Name      string
	Event     string
	Kind      int
	DueAt     time.Time
	Status    string
	Remaining int
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt time.Time `gorm:"autoUpdateTime:false"`
}

func (timerRow) TableName() string { return "timers" }

type ledgerRow struct {
	Seq       int64 `gorm:"primaryKey;autoIncrement:false"`
	CaseID    string
	At        time.Time
	ActorUser string
	ActorRole string
	ActorOrg  string
	Event     string
	FromState string
	ToState   string
	Payload   string
	PrevHash  string
	Hash      string
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
	return caseRow{
		ID: c.ID, Number: c.Number, Workflow: c.Workflow, State: string(c.State), Version: c.Version,
		Title: c.Title, Data: string(c.Data),
		ReceivedAt: utc(c.ReceivedAt), CreatedAt: utc(c.CreatedAt), UpdatedAt: utc(c.UpdatedAt),
		WarnAt: utcPtr(c.WarnAt), DueAt: utcPtr(c.DueAt), DueSoon: c.DueSoon, Overdue: c.Overdue,
		LedgerHead: c.LedgerHead, LedgerLen: c.LedgerLen,
	}
}

func caseFromRow(r caseRow, parties []partyRow) *engine.Case {
	c := &engine.Case{
		ID: r.ID, Number: r.Number, Workflow: r.Workflow, State: engine.State(r.State), Version: r.Version,
		Title: r.Title, Data: json.RawMessage(r.Data),
		ReceivedAt: utc(r.ReceivedAt), CreatedAt: utc(r.CreatedAt), UpdatedAt: utc(r.UpdatedAt),
		WarnAt: utcPtr(r.WarnAt), DueAt: utcPtr(r.DueAt), DueSoon: r.DueSoon, Overdue: r.Overdue,
		LedgerHead: r.LedgerHead, LedgerLen: r.LedgerLen,
	}
	for _, p := range parties {
		c.Parties = append(c.Parties, engine.Party{Org: p.OrgCode, Relation: engine.Relation(p.Relation)})
	}
	return c
}

func timerToRow(t *engine.Timer) timerRow {
	return timerRow{
		ID: t.ID, CaseID: t.CaseID, Name: t.Name, Event: string(t.Event), Kind: int(t.Kind),
		DueAt: utc(t.DueAt), Status: string(t.Status), Remaining: t.Remaining,
		CreatedAt: utc(t.CreatedAt), UpdatedAt: utc(t.UpdatedAt),
	}
}

func timerFromRow(r timerRow) engine.Timer {
	return engine.Timer{
		ID: r.ID, CaseID: r.CaseID, Name: r.Name, Event: engine.EventName(r.Event), Kind: engine.TimerKind(r.Kind),
		DueAt: utc(r.DueAt), Status: engine.TimerStatus(r.Status), Remaining: r.Remaining,
		CreatedAt: utc(r.CreatedAt), UpdatedAt: utc(r.UpdatedAt),
	}
}

func ledgerToRow(e *ledger.Entry) ledgerRow {
	return ledgerRow{
		Seq: e.Seq, CaseID: e.CaseID, At: utc(e.At),
		ActorUser: e.ActorUser, ActorRole: e.ActorRole, ActorOrg: e.ActorOrg,
		Event: e.Event, FromState: e.From, ToState: e.To,
		Payload: string(e.Payload), PrevHash: e.PrevHash, Hash: e.Hash,
	}
}

func ledgerFromRow(r ledgerRow) ledger.Entry {
	return ledger.Entry{
		Seq: r.Seq, CaseID: r.CaseID, At: utc(r.At),
		ActorUser: r.ActorUser, ActorRole: r.ActorRole, ActorOrg: r.ActorOrg,
		Event: r.Event, From: r.FromState, To: r.ToState,
		Payload: json.RawMessage(r.Payload), PrevHash: r.PrevHash, Hash: r.Hash,
	}
}
