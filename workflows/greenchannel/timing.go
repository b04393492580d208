package greenchannel

import (
	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
)

// Span is the time one step took: from the previous step's date (the
// bank's answer's, for 立项) to its own, in working days of the engine's
// calendar and in calendar days. Provisional is set when a day of it lies
// in a year whose holidays are not published yet (counted Monday–Friday).
type Span struct {
	Step        engine.EventName `json:"step"`
	From        string           `json:"from"`
	To          string           `json:"to"`
	Amount      string           `json:"amount,omitempty"`
	Workdays    int              `json:"workdays"`
	Days        int              `json:"days"`
	Provisional bool             `json:"provisional,omitempty"`
}

// Timing is the time a project's steps took, and in all: from the bank's
// answer to the last step recorded (放款, or the stop).
type Timing struct {
	Steps []Span `json:"steps"`
	Total *Span  `json:"total,omitempty"`
}

// Between counts the working days and the calendar days from day a to day
// b: the days after a up to and including b, so that two steps on the same
// day took 0 days.
func Between(cal engine.Calendar, a, b calendar.Date) (workdays, days int, provisional bool, err error) {
	if b.Before(a) {
		return 0, 0, false, nil
	}
	// Beijing keeps no summer time: every day is 24 hours long.
	days = int(b.Start().Sub(a.Start()).Hours()) / 24
	workdays, provisional, err = cal.ProvisionalRemaining(a.Start(), b.AddDays(1).Start())
	return workdays, days, provisional, err
}

// TimingOf reckons the time each recorded step took with the calendar.
func TimingOf(d *Data, cal engine.Calendar) (*Timing, error) {
	t := &Timing{Steps: []Span{}}
	from := d.AnsweredOn
	steps := d.Steps
	if d.Stopped != nil {
		steps = append(append([]Step{}, steps...), *d.Stopped)
	}
	span := func(ev engine.EventName, a, b, amount string) (*Span, error) {
		da, err := calendar.ParseDate(a)
		if err != nil {
			return nil, err
		}
		db, err := calendar.ParseDate(b)
		if err != nil {
			return nil, err
		}
		s := &Span{Step: ev, From: a, To: b, Amount: amount}
		s.Workdays, s.Days, s.Provisional, err = Between(cal, da, db)
		return s, err
	}
	for _, st := range steps {
		s, err := span(st.Step, from, st.Date, st.Amount)
		if err != nil {
			return nil, err
		}
		t.Steps = append(t.Steps, *s)
		from = st.Date
	}
	if len(steps) > 0 {
		s, err := span("", d.AnsweredOn, from, "")
		if err != nil {
			return nil, err
		}
		t.Total = s
	}
	return t, nil
}
