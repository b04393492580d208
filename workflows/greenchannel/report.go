package greenchannel

import (
	"fmt"
	"sort"

	"github.com/parkfin/parkfin/engine"
)

// Row is one project of the report: its case, its record and the time its
// steps took.
type Row struct {
	Case   *engine.Case
	Data   *Data
	Timing *Timing
}

// Span returns the time the step took, or nil when it is not recorded.
func (r Row) Span(ev engine.EventName) *Span {
	for i := range r.Timing.Steps {
		if r.Timing.Steps[i].Step == ev {
			return &r.Timing.Steps[i]
		}
	}
	return nil
}

// Average is the average time one step took over the projects that
// recorded it, in tenths of a day: N projects.
type Average struct {
	N                 int
	Workdays10, Day10 int
}

// Text shows an average as "3.5"; "—" without projects.
func (a Average) Text(workdays bool) string {
	if a.N == 0 {
		return "—"
	}
	v := a.Day10
	if workdays {
		v = a.Workdays10
	}
	return fmt.Sprintf("%d.%d", v/10, v%10)
}

// BankAverages are a bank's average step times, by step and in total (放款
// only: a project that reached it).
type BankAverages struct {
	Bank, BankName string
	Projects       int
	Steps          map[engine.EventName]Average
	Total          Average
}

// Report is the projects of a period and each bank's averages.
type Report struct {
	Rows  []Row
	Banks []BankAverages
}

// sum adds spans up for an average.
type sum struct{ n, workdays, days int }

func (s *sum) add(sp *Span) {
	if sp != nil {
		s.n++
		s.workdays += sp.Workdays
		s.days += sp.Days
	}
}

// average rounds half up to a tenth.
func (s sum) average() Average {
	if s.n == 0 {
		return Average{}
	}
	tenth := func(v int) int { return (v*20 + s.n) / (2 * s.n) }
	return Average{N: s.n, Workdays10: tenth(s.workdays), Day10: tenth(s.days)}
}

// ReportOf reckons the report of the projects: each one's step times and,
// per bank, the averages, banks in the order of their names.
func ReportOf(cases []*engine.Case, cal engine.Calendar) (*Report, error) {
	r := &Report{}
	type acc struct {
		bank, name string
		n          int
		steps      map[engine.EventName]*sum
		total      sum
	}
	banks := map[string]*acc{}
	for _, cs := range cases {
		d, err := DataOf(cs)
		if err != nil {
			return nil, err
		}
		tm, err := TimingOf(d, cal)
		if err != nil {
			return nil, err
		}
		row := Row{Case: cs, Data: d, Timing: tm}
		r.Rows = append(r.Rows, row)
		a := banks[d.Bank]
		if a == nil {
			a = &acc{bank: d.Bank, name: d.BankName, steps: map[engine.EventName]*sum{}}
			banks[d.Bank] = a
		}
		a.n++
		for _, ev := range Steps {
			if a.steps[ev] == nil {
				a.steps[ev] = &sum{}
			}
			a.steps[ev].add(row.Span(ev))
		}
		if cs.State == Disbursed {
			a.total.add(tm.Total)
		}
	}
	for _, a := range banks {
		b := BankAverages{Bank: a.bank, BankName: a.name, Projects: a.n, Steps: map[engine.EventName]Average{}, Total: a.total.average()}
		for ev, s := range a.steps {
			b.Steps[ev] = s.average()
		}
		r.Banks = append(r.Banks, b)
	}
	sort.Slice(r.Banks, func(i, j int) bool {
		if r.Banks[i].BankName != r.Banks[j].BankName {
			return r.Banks[i].BankName < r.Banks[j].BankName
		}
		return r.Banks[i].Bank < r.Banks[j].Bank
	})
	return r, nil
}
