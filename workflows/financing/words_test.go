package financing_test

import (
	"testing"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/payload"
)

// Every word a person reads of the workflow is in the catalogue, in every
// language: states, events, limits, relations, roles, the fields of every
// event's input and their choices.
func TestEveryWordIsInTheCatalogue(t *testing.T) {
	d := financing.Definition(financing.Config{})
	var keys []string
	for _, s := range d.States {
		keys = append(keys, financing.Key("state", string(s.Name)))
	}
	for _, ev := range d.Events {
		keys = append(keys, financing.Key("event", string(ev.Name)))
	}
	for _, c := range d.Clocks {
		keys = append(keys, financing.Key("clock", c.Name))
	}
	for _, r := range []engine.Relation{financing.RelPark, financing.RelLeadBank, financing.RelCounty, financing.RelParticipant, financing.RelFormerBank} {
		keys = append(keys, financing.Key("relation", string(r)))
	}
	for _, r := range append(engine.Roles, engine.RoleSystem) {
		keys = append(keys, "role."+string(r))
	}
	keys = append(keys, "engine.event."+string(engine.EventRecompute))
	for _, lang := range locale.Langs {
		for _, k := range keys {
			if !locale.Has(lang, k) {
				t.Errorf("%s: no %q", lang, k)
			}
		}
		for _, ev := range d.Events {
			for _, f := range payload.Fields(ev.Input) {
				specific, generic := financing.Key("field", string(ev.Name)+"."+f.Name), financing.Key("field", f.Name)
				if !locale.Has(lang, specific) && !locale.Has(lang, generic) {
					t.Errorf("%s: event %s: field %s has no label (%s or %s)", lang, ev.Name, f.Name, specific, generic)
				}
				for _, c := range f.Choices {
					if k := financing.Key("choice", f.Name+"."+c); !locale.Has(lang, k) {
						t.Errorf("%s: event %s: no %q", lang, ev.Name, k)
					}
				}
			}
		}
	}
	// The declaration reads the catalogue: a clerk's error message names
	// the state as the screens do.
	for _, s := range d.States {
		if want := locale.T(locale.ZH, financing.Key("state", string(s.Name))); s.Doc != want {
			t.Errorf("state %s is described %q, the catalogue says %q", s.Name, s.Doc, want)
		}
	}
}

// Every event that takes input declares it, so forms can be drawn from the
// definition.
func TestEveryGrantedEventDeclaresItsInput(t *testing.T) {
	for _, ev := range financing.Definition(financing.Config{}).Events {
		if len(ev.Grants) > 0 && ev.Input == nil {
			t.Errorf("event %s is fired by people but declares no input", ev.Name)
		}
	}
}
