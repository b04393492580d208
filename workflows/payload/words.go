package payload

import (
	"sync"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/locale"
)

// Words reads one workflow's words from the catalogue (package locale): a
// workflow's states, events, clocks, relations, fields and choices are
// keyed "<workflow>.<kind>.<name>". Declarations take the Chinese; screens
// look the same keys up in the reader's language.
type Words string

// Key returns the catalogue key of one of the workflow's words: kind is
// state, event, clock, relation, field or choice.
func (w Words) Key(kind, name string) string { return string(w) + "." + kind + "." + name }

// Label is the Chinese label of a field of an event's input: the event's
// own word for it, or the workflow's.
func (w Words) Label(ev engine.EventName, field string) string {
	k := labelKey{w, ev, field}
	if v, ok := labels.Load(k); ok {
		return v.(string)
	}
	v := locale.T(locale.ZH, w.Key("field", string(ev)+"."+field), w.Key("field", field))
	labels.Store(k, v)
	return v
}

// labels keeps the labels looked up: every input's check asks for those of
// its fields, whether or not it finds a problem to name them in, and the
// catalogue does not change while the program runs.
var labels sync.Map // labelKey → string

type labelKey struct {
	w     Words
	ev    engine.EventName
	field string
}

// Choices lists the allowed values of a field with their Chinese labels.
func (w Words) Choices(field string, values ...string) []Choice {
	out := make([]Choice, len(values))
	for i, v := range values {
		out[i] = Choice{Value: v, Label: locale.T(locale.ZH, w.Key("choice", field+"."+v))}
	}
	return out
}

// Describe sets the Doc of the definition's states, events and clocks from
// the catalogue.
func (w Words) Describe(d engine.Definition) engine.Definition {
	for i := range d.States {
		d.States[i].Doc = locale.T(locale.ZH, w.Key("state", string(d.States[i].Name)))
	}
	for i := range d.Events {
		d.Events[i].Doc = locale.T(locale.ZH, w.Key("event", string(d.Events[i].Name)))
	}
	for i := range d.Clocks {
		d.Clocks[i].Doc = locale.T(locale.ZH, w.Key("clock", d.Clocks[i].Name))
	}
	return d
}

// Missing lists the catalogue keys of the definition's words that a
// language lacks: states, events, clocks, the given relations, every
// notice's kind and templates (notify.kind.<kind>,
// notify.<workflow>.<kind>.subject and .body), and every field and choice
// of every event's input. A workflow's test asserts it is
// empty for every language.
func (w Words) Missing(lang string, d engine.Definition, relations ...engine.Relation) []string {
	var keys []string
	for _, s := range d.States {
		keys = append(keys, w.Key("state", string(s.Name)))
	}
	for _, ev := range d.Events {
		keys = append(keys, w.Key("event", string(ev.Name)))
	}
	for _, c := range d.Clocks {
		keys = append(keys, w.Key("clock", c.Name))
	}
	for _, r := range relations {
		keys = append(keys, w.Key("relation", string(r)))
	}
	for _, nd := range d.Notices {
		kind := nd.Kind
		if kind == "" {
			kind = string(nd.Event)
		}
		keys = append(keys, "notify.kind."+kind, "notify."+string(w)+"."+kind+".subject", "notify."+string(w)+"."+kind+".body")
	}
	keys = append(keys, string(w)+".name")
	var out []string
	for _, k := range keys {
		if !locale.Has(lang, k) {
			out = append(out, k)
		}
	}
	for _, ev := range d.Events {
		seen := map[string]bool{}
		for _, f := range Fields(ev.Input) {
			if seen[f.Key] {
				continue
			}
			seen[f.Key] = true
			if f.Group != "" && !seen["group:"+f.Group] {
				seen["group:"+f.Group] = true
				if k := w.Key("field", f.Group); !locale.Has(lang, k) && !locale.Has(lang, w.Key("field", string(ev.Name)+"."+f.Group)) {
					out = append(out, k)
				}
			}
			specific, generic := w.Key("field", string(ev.Name)+"."+f.Key), w.Key("field", f.Key)
			if !locale.Has(lang, specific) && !locale.Has(lang, generic) {
				out = append(out, specific)
			}
			for _, c := range f.Choices {
				if k := w.Key("choice", f.Name+"."+c); !locale.Has(lang, k) {
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// Opening checks the opening of a scheduled case: the organisation it is
// for and its period, which must be of the schedule's cadence (example
// names one, "2026Q3"); ev is the open event, whose words label them.
func (w Words) Opening(c *Checker, ev engine.EventName, in *engine.ScheduledOpening, cad calendar.Cadence, example string) {
	c.Text("org", w.Label(ev, "org"), &in.Org, true, 64)
	c.Text("period", w.Label(ev, "period"), &in.Period, true, 16)
	if _, got, err := calendar.ParsePeriodName(in.Period); in.Period != "" && (err != nil || got != cad) {
		c.Add("period", "format", "period must be a period such as "+example+".", w.Label(ev, "period")+"应写成 "+example+" 的形式。")
	}
}
