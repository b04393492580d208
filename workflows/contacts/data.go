package contacts

import (
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/workflows/payload"
)

// The kinds of organisation that keep a register.
const (
	KindBank = "bank"
	KindPark = "park"
)

// Data is the workflow's record of a register: whose it is, every filing,
// and the change announced, if any.
type Data struct {
	Org     string `json:"org"`
	OrgName string `json:"org_name"`
	// Kind is bank or park.
	Kind string `json:"kind"`
	// County is a park's county.
	County string `json:"county,omitempty"`
	// Filings are the registration and every filed change, oldest first.
	Filings []Filing `json:"filings"`
	// Announced is the change announced and not yet filed or withdrawn.
	Announced *Announcement `json:"announced,omitempty"`
}

// Filing is one registration or filed change.
type Filing struct {
	ContactSet
	// Effective is the day the contacts took effect (YYYY-MM-DD).
	Effective string    `json:"effective"`
	Note      string    `json:"note,omitempty"`
	Event     string    `json:"event"`
	FiledAt   time.Time `json:"filed_at"`
	FiledBy   string    `json:"filed_by"`
	// DueAt is the filing limit of a change: 24:00 of the 3rd working day
	// after Effective. Late is set when the filing came at or after it.
	DueAt *time.Time `json:"due_at,omitempty"`
	Late  bool       `json:"late,omitempty"`
}

// Announcement is a change announced in advance.
type Announcement struct {
	Effective string    `json:"effective"`
	Note      string    `json:"note"`
	At        time.Time `json:"at"`
	By        string    `json:"by"`
	DueAt     time.Time `json:"due_at"`
}

// DataOf reads the record of a register.
func DataOf(c *engine.Case) (*Data, error) { return payload.Record[Data](c) }

func (d *Data) store(c *engine.Case) error { return payload.Keep(c, d) }

// InForce returns the filing in force on the day: the one that took effect
// latest on or before it (the later filed of two on the same day), or nil
// before the first took effect.
func (d *Data) InForce(day calendar.Date) *Filing {
	return d.pick(func(eff calendar.Date) bool { return !eff.After(day) },
		func(f, best *Filing) bool { return f.Effective >= best.Effective })
}

// Upcoming returns the filed change that takes effect after the day, the
// nearest first, or nil.
func (d *Data) Upcoming(day calendar.Date) *Filing {
	return d.pick(func(eff calendar.Date) bool { return eff.After(day) },
		func(f, best *Filing) bool { return f.Effective < best.Effective })
}

// pick returns the filing whose effective date is wanted and that is
// better than every other such one.
func (d *Data) pick(wanted func(calendar.Date) bool, better func(f, best *Filing) bool) *Filing {
	var best *Filing
	for i := range d.Filings {
		f := &d.Filings[i]
		eff, err := calendar.ParseDate(f.Effective)
		if err != nil || !wanted(eff) {
			continue
		}
		if best == nil || better(f, best) {
			best = f
		}
	}
	return best
}

// Last returns the latest filing, or nil.
func (d *Data) Last() *Filing {
	if len(d.Filings) == 0 {
		return nil
	}
	return &d.Filings[len(d.Filings)-1]
}
