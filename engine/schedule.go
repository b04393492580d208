package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
)

// ScheduleDef declares that a workflow's cases open by themselves, one per
// period per organisation: every lead bank's resolution ledger each quarter,
// every pairing's park visit each half-year.
type ScheduleDef struct {
	// Cadence is the length of the periods.
	Cadence calendar.Cadence
	// AtEnd opens a period's cases when it ends (a report on the quarter
	// just closed); otherwise when it begins (a visit due within it).
	AtEnd bool
	// Orgs lists the organisations a case opens for in the period.
	Orgs func(ctx context.Context, dir DirectoryAdmin, p calendar.Period) ([]string, error)
	// Catchup bounds how many periods back a scheduler that was down
	// opens what it missed. Zero means 8.
	Catchup int
}

// ScheduledOpening is the open event's payload of a scheduled case: the
// organisation and the named period it is for. The open event's Apply sets
// Case.Period and Case.ScheduledFor from it, and the parties.
type ScheduledOpening struct {
	Org    string `json:"org"`
	Period string `json:"period"`
}

// opensAt is the instant the period's cases open.
func (s *ScheduleDef) opensAt(p calendar.Period) time.Time {
	if s.AtEnd {
		return p.To.AddDays(1).Start()
	}
	return p.From.Start()
}

// duePeriods lists, newest first, the periods whose cases should be open at
// now: those that opened by now and no earlier than since — and, for a
// duty within its period, the period under way at since, which is still
// ahead of whoever must do it. A report on a period that ended before the
// schedule first ran is not opened late.
func (s *ScheduleDef) duePeriods(since, now time.Time) []calendar.Period {
	latest := s.Cadence.PeriodIn(calendar.DateOf(now))
	if s.AtEnd || s.opensAt(latest).After(now) {
		latest = s.Cadence.Prev(latest)
	}
	first := since
	if !s.AtEnd {
		first = s.opensAt(s.Cadence.PeriodIn(calendar.DateOf(since)))
	}
	catchup := s.Catchup
	if catchup <= 0 {
		catchup = 8
	}
	var out []calendar.Period
	for p := latest; len(out) < catchup && !s.opensAt(p).Before(first); p = s.Cadence.Prev(p) {
		out = append(out, p)
	}
	return out
}

// OpenScheduled opens the scheduled cases that are due and not yet open:
// for every workflow with a Schedule, for every period that opened since
// the schedule first ran (at most Catchup back, so a scheduler that was down
// over a period's end opens it when it starts), one case per organisation.
// Any number of schedulers may run at once: the database keeps one case per
// workflow, organisation and period, and a scheduler that loses the race
// skips. It returns how many cases it opened.
func (e *Engine) OpenScheduled(ctx context.Context) (int, error) {
	names := make([]string, 0, len(e.workflows))
	for name, w := range e.workflows {
		if w.def.Schedule != nil {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	opened := 0
	for _, name := range names {
		n, err := e.openScheduled(ctx, e.workflows[name])
		opened += n
		if err != nil {
			return opened, fmt.Errorf("scheduled %s: %w", name, err)
		}
	}
	return opened, nil
}

func (e *Engine) openScheduled(ctx context.Context, w *workflow) (int, error) {
	s := w.def.Schedule
	now := e.now()
	since, err := e.store.ScheduleSince(ctx, w.def.Name, now)
	if err != nil {
		return 0, err
	}
	opened := 0
	for _, p := range s.duePeriods(since, now) {
		name := s.Cadence.Name(p)
		orgs, err := s.Orgs(ctx, e.store.Directory(), p)
		if err != nil {
			return opened, err
		}
		have, err := e.store.ScheduledOrgs(ctx, w.def.Name, name)
		if err != nil {
			return opened, err
		}
		for _, org := range orgs {
			if contains(have, org) {
				continue
			}
			payload, err := json.Marshal(ScheduledOpening{Org: org, Period: name})
			if err != nil {
				return opened, err
			}
			_, err = e.Open(ctx, OpenRequest{Workflow: w.def.Name, Actor: System, Payload: payload})
			switch {
			case ErrorCode(err) == EDUPLICATE:
				// Another scheduler opened it first.
			case err != nil:
				return opened, fmt.Errorf("%s for %s: %w", name, org, err)
			default:
				opened++
			}
		}
	}
	return opened, nil
}
