package financing

import (
	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/payload"
)

// The workflow's words come from the catalogue (package locale), in
// Chinese for its declarations and its messages; screens look the same keys
// up in the reader's language.

// Key returns the catalogue key of one of the workflow's words: kind is
// state, event, clock, relation, field or choice.
func Key(kind, name string) string { return Name + "." + kind + "." + name }

// lbl is the Chinese label of a field of an event's input.
func lbl(ev engine.EventName, field string) string {
	return locale.T(locale.ZH, Key("field", string(ev)+"."+field), Key("field", field))
}

// choices lists the allowed values of a field with their Chinese labels.
func choices(field string, values ...string) []payload.Choice {
	out := make([]payload.Choice, len(values))
	for i, v := range values {
		out[i] = payload.Choice{Value: v, Label: locale.T(locale.ZH, Key("choice", field+"."+v))}
	}
	return out
}

// withWords sets the Doc of the definition's states, events and clocks from
// the catalogue.
func withWords(d engine.Definition) engine.Definition {
	for i := range d.States {
		d.States[i].Doc = locale.T(locale.ZH, Key("state", string(d.States[i].Name)))
	}
	for i := range d.Events {
		d.Events[i].Doc = locale.T(locale.ZH, Key("event", string(d.Events[i].Name)))
	}
	for i := range d.Clocks {
		d.Clocks[i].Doc = locale.T(locale.ZH, Key("clock", d.Clocks[i].Name))
	}
	return d
}
