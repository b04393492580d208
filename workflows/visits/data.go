package visits

import (
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/payload"
)

// Data is the workflow's record of a park's half-year, kept as the case's
// JSON data: the park, its lead bank, and the visits with their problems
// (the park's 问题清单 for the half-year).
type Data struct {
	Park     string  `json:"park"`
	ParkName string  `json:"park_name"`
	County   string  `json:"county"`
	Bank     string  `json:"bank"`
	BankName string  `json:"bank_name"`
	Visits   []Visit `json:"visits"`
	// Summary is the bank's word on the half-year when it closed it.
	Summary  string     `json:"summary,omitempty"`
	ClosedAt *time.Time `json:"closed_at,omitempty"`
}

// Visit is one recorded visit.
type Visit struct {
	// No numbers the half-year's visits from 1.
	No           int           `json:"no"`
	Date         string        `json:"date"`
	Leader       string        `json:"leader"`
	Participants []Participant `json:"participants"`
	Enterprises  []Enterprise  `json:"enterprises"`
	Problems     []Problem     `json:"problems"`
	Note         string        `json:"note,omitempty"`
	RecordedAt   time.Time     `json:"recorded_at"`
	RecordedBy   string        `json:"recorded_by"`
	// Late is set when the visit was recorded after the half-year's limit
	// had passed without one.
	Late bool `json:"late,omitempty"`
}

// Participant is a person who took part in a visit, and the organisation
// they came for: the local financial office, the central-bank branch,
// another bank, a guarantee company.
type Participant struct {
	Org   string `json:"org" form:"text,required"`
	Name  string `json:"name" form:"text,required"`
	Title string `json:"title,omitempty" form:"text"`
}

// Enterprise is an enterprise visited; its credit code is optional.
type Enterprise struct {
	Name string `json:"name" form:"text,required"`
	USCC string `json:"uscc,omitempty" form:"text"`
}

// Problem is an entry of the problem list: what an enterprise (or the
// park, when no enterprise is named) needs, and the financing case it
// became.
type Problem struct {
	// No numbers the half-year's problems from 1, across its visits.
	No         int    `json:"no"`
	Enterprise string `json:"enterprise,omitempty"`
	Text       string `json:"text"`
	Amount     string `json:"amount,omitempty"`
	// Case and CaseID name the financing case opened for the problem;
	// CaseAt and CaseBy say when and by whom.
	Case   string     `json:"case,omitempty"`
	CaseID string     `json:"case_id,omitempty"`
	CaseAt *time.Time `json:"case_at,omitempty"`
	CaseBy string     `json:"case_by,omitempty"`
}

// DataOf decodes a case's data.
func DataOf(c *engine.Case) (*Data, error) { return payload.Record[Data](c) }

func (d *Data) store(c *engine.Case) error { return payload.Keep(c, d) }

// problem returns the problem numbered no, or nil.
func (d *Data) problem(no int) (*Problem, *Visit) {
	for i := range d.Visits {
		v := &d.Visits[i]
		for j := range v.Problems {
			if v.Problems[j].No == no {
				return &v.Problems[j], v
			}
		}
	}
	return nil, nil
}

// problems counts the half-year's problems.
func (d *Data) problems() int {
	n := 0
	for _, v := range d.Visits {
		n += len(v.Problems)
	}
	return n
}
