// Package diagram draws a workflow definition for people: a Mermaid state
// diagram of its moves and tables of its events, its time limits and who
// may fire what, as Markdown. docs/ holds the drawing of every registered
// workflow, and a test keeps it current with the definition.
package diagram

import (
	"fmt"
	"sort"
	"strings"

	"github.com/parkfin/parkfin/engine"
)

// Words names a workflow's things for people: kind is state, event, clock,
// relation or role; name is the thing's code.
type Words func(kind, name string) string

// Markdown returns the document for the definition, its words from words.
func Markdown(d engine.Definition, title string, words Words) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s (`%s`)\n\n", title, d.Name)
	b.WriteString("Generated from the workflow's definition; do not edit. `make docs` writes it again, and a test fails when it is out of date.\n\n")
	b.WriteString("## States and moves\n\n```mermaid\nstateDiagram-v2\n")
	for _, s := range d.States {
		fmt.Fprintf(&b, "    %s: %s (%s)\n", s.Name, words("state", string(s.Name)), s.Name)
	}
	open := eventByName(d, d.OpenEvent)
	fmt.Fprintf(&b, "    [*] --> %s: %s\n", open.To, words("event", string(open.Name)))
	for _, ev := range d.Events {
		if ev.Name == d.OpenEvent || ev.To == "" {
			continue
		}
		for _, from := range ev.From {
			fmt.Fprintf(&b, "    %s --> %s: %s\n", from, ev.To, words("event", string(ev.Name)))
		}
	}
	for _, s := range d.States {
		if s.Final {
			fmt.Fprintf(&b, "    %s --> [*]\n", s.Name)
		}
	}
	b.WriteString("```\n\n")

	b.WriteString("## Events\n\n| event | | from | to | who may fire it | only while open |\n|---|---|---|---|---|---|\n")
	for _, ev := range d.Events {
		to := "(stays)"
		if ev.To != "" {
			to = string(ev.To)
		}
		while := ""
		if ev.While != "" {
			while = words("clock", ev.While)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", ev.Name, words("event", string(ev.Name)),
			states(ev.From), to, grants(ev.Grants, words), while)
	}
	b.WriteString("\n")

	if len(d.Timers) > 0 {
		b.WriteString("## Time limits\n\nWorking days on the mainland calendar (statutory holidays off, make-up days worked); the day a limit starts does not count, and it ends at 24:00 of its last day.\n\n")
		b.WriteString("| limit | timer | kind | due | armed on | runs in | paused in | stopped by | fires |\n|---|---|---|---|---|---|---|---|---|\n")
		for _, c := range d.Clocks {
			for _, td := range d.Timers {
				if td.Clock != c.Name {
					continue
				}
				kind := "deadline"
				switch td.Kind {
				case engine.TimerWarning:
					kind = "warning"
				case engine.TimerReminder:
					kind = "reminder"
				}
				due := fmt.Sprintf("%d working days", td.Workdays)
				switch {
				case td.FromInput:
					due = "given by the arming event"
				case td.Due.Kind == engine.DueAfterPeriod:
					due = fmt.Sprintf("%d working days after the case's period ends", td.Workdays)
				case td.Due.Kind == engine.DueEndOfPeriod:
					due = "the end of the period's last working day"
				case td.Due.Kind == engine.DueBeforeDeadline:
					due = fmt.Sprintf("%d working days before the clock's deadline", td.Workdays)
				case td.Due.Kind == engine.DueMonthDay:
					due = fmt.Sprintf("day %d of the month (or its last day)", td.Due.Day)
				}
				var armed []string
				if td.Start != "" {
					armed = append(armed, "entering "+string(td.Start))
				}
				for _, ev := range td.StartOn {
					armed = append(armed, "`"+string(ev)+"`")
				}
				main := ""
				if c.Name == d.MainClock {
					main = " (main)"
				}
				fmt.Fprintf(&b, "| %s%s | `%s` | %s | %s | %s | %s | %s | %s | `%s` |\n", words("clock", c.Name), main, td.Name, kind, due,
					strings.Join(armed, ", "), states(td.Runs), states(td.Pauses), events(td.StopOn), td.Event)
			}
		}
		b.WriteString("\n")
	}
	if len(d.Notices) > 0 {
		b.WriteString("## Who is told\n\nWritten to the outbox in the event's transaction and delivered after it to the in-app inbox, e-mail, WeCom group robots and webhooks (docs/notifications.md). *To* must act next; *copy* is kept informed; the user who fired the event is not told.\n\n")
		b.WriteString("| event | | kind | to | copy |\n|---|---|---|---|---|\n")
		for _, ev := range d.Events {
			nd, ok := d.NoticeOf(ev.Name)
			if !ok {
				continue
			}
			fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s | %s |\n", ev.Name, ev.Doc, nd.Kind, audiences(nd.To, words), audiences(nd.Copy, words))
		}
		b.WriteString("\n")
	}
	if len(d.Viewers) > 0 || len(d.Tracers) > 0 {
		fmt.Fprintf(&b, "## Who sees a case\n\nEvery party to it, and: %s.", grants(d.Viewers, words))
		if len(d.Tracers) > 0 {
			fmt.Fprintf(&b, " Of a case they lost, %s read only their own organisation's ledger entries.", grants(d.Tracers, words))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func eventByName(d engine.Definition, name engine.EventName) engine.EventDef {
	for _, ev := range d.Events {
		if ev.Name == name {
			return ev
		}
	}
	return engine.EventDef{}
}

func states(ss []engine.State) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}

func events(es []engine.EventName) string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = "`" + string(e) + "`"
	}
	return strings.Join(out, ", ")
}

// audiences describes who a notice is for: "银行（主联系行 `lead_bank`）",
// or a role for all its users.
func audiences(as []engine.Audience, words Words) string {
	var out []string
	for _, a := range as {
		switch {
		case a.Relation == "":
			out = append(out, words("role", string(a.Role)))
		case a.Role == "":
			out = append(out, words("relation", string(a.Relation))+" `"+string(a.Relation)+"`")
		default:
			out = append(out, words("role", string(a.Role))+"（"+words("relation", string(a.Relation))+" `"+string(a.Relation)+"`）")
		}
	}
	return strings.Join(out, "; ")
}

// grants describes who a list of grants lets in: "银行 (lead_bank)", or
// the system when it is empty.
func grants(gs []engine.Grant, words Words) string {
	if len(gs) == 0 {
		return "the system (a timer or the schedule)"
	}
	var out []string
	for _, g := range gs {
		s := words("role", string(g.Role))
		if g.Relation != "" {
			s += "（" + words("relation", string(g.Relation)) + " `" + string(g.Relation) + "`）"
		} else {
			s += "（all cases）"
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}
