package contacts

import (
	"context"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
)

// Entry is one organisation's register as it stands on a day.
type Entry struct {
	CaseID  string
	Org     string
	OrgName string
	Kind    string
	County  string
	// InForce is the filing in force on the day; nil before the first
	// took effect.
	InForce *Filing
	// Late is set while the latest filing was late or an announced change
	// is past its limit unfiled.
	Late bool
}

// Public is what the public contacts page shows of an organisation: its
// contact department and its liaison. Plan 6 publishes the windows' and
// the lead banks' liaison details (公开…联络人员联系方式); the responsible
// persons are reported to the offices, not published.
type Public struct {
	Department      string
	DepartmentPhone string
	Liaison         string
	LiaisonPosition string
	LiaisonPhone    string
	LiaisonEmail    string
}

// Public returns what may be published of the filing.
func (f *Filing) Public() Public {
	return Public{Department: f.Department.Name, DepartmentPhone: f.Department.Phone,
		Liaison: f.Liaison.Name, LiaisonPosition: f.Liaison.Position, LiaisonPhone: f.Liaison.Phone, LiaisonEmail: f.Liaison.Email}
}

// maxRegisters bounds the read: one register per bank and park.
const maxRegisters = 1000

// Current reads every organisation's register as it stands on the day, by
// organisation code: the one place the public page, the notices and the
// offices read the contacts from.
func Current(ctx context.Context, e *engine.Engine, day calendar.Date) (map[string]Entry, error) {
	cases, err := e.Cases(ctx, engine.System, engine.CaseFilter{Workflow: Name, Limit: maxRegisters})
	if err != nil {
		return nil, err
	}
	out := make(map[string]Entry, len(cases))
	for _, c := range cases {
		d, err := DataOf(c)
		if err != nil {
			return nil, err
		}
		out[d.Org] = Entry{CaseID: c.ID, Org: d.Org, OrgName: d.OrgName, Kind: d.Kind, County: d.County,
			InForce: d.InForce(day), Late: c.HasMark(MarkLate) || c.PastDue}
	}
	return out, nil
}
