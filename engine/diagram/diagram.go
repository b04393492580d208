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
				if td.Kind == engine.TimerWarning {
					kind = "warning"
				}
				due := fmt.Sprintf("%d working days", td.Workdays)
				if td.FromInput {
					due = "given by the arming event"
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

// grants describes who a list of grants lets in: "银行 (lead_bank)", or
// the system when it is empty.
func grants(gs []engine.Grant, words Words) string {
	if len(gs) == 0 {
		return "the system (a timer)"
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
