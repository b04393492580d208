package financing

import (
	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/payload"
)

// words are the workflow's words in the catalogue (package locale).
const words = payload.Words(Name)

// Key returns the catalogue key of one of the workflow's words: kind is
// state, event, clock, relation, field or choice.
func Key(kind, name string) string { return words.Key(kind, name) }

// lbl is the Chinese label of a field of an event's input.
func lbl(ev engine.EventName, field string) string { return words.Label(ev, field) }

// choices lists the allowed values of a field with their Chinese labels.
func choices(field string, values ...string) []payload.Choice { return words.Choices(field, values...) }

// withWords sets the Doc of the definition's states, events and clocks from
// the catalogue.
func withWords(d engine.Definition) engine.Definition { return words.Describe(d) }
