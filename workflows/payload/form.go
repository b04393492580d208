package payload

import (
	"reflect"
	"strconv"
	"strings"
)

// Field describes one field of an event's input for a form, drawn from the
// input type's json and form tags. The form tag is a comma-separated list:
// the kind first (text, textarea, choice, amount, date, int, bank, tel, email; text when
// the tag is absent), then options: required, choices=a|b|c, min=N, max=N.
//
//	CanHandle string `json:"can_handle" form:"choice,required,choices=yes|partly|no"`
//
// Nested structs give dotted names ("enterprise.uscc"); embedded structs
// give their fields.
type Field struct {
	// Name is the field's JSON name, dotted when nested.
	Name string
	// Kind says how to ask for it.
	Kind string
	// Required is set when the field must always be filled (some are
	// required only with certain answers; the checks say so).
	Required bool
	// Choices are the allowed values of a choice.
	Choices []string
	// Min and Max bound an int.
	Min, Max int
}

// The kinds of field.
const (
	KindText     = "text"
	KindTextarea = "textarea"
	KindChoice   = "choice"
	KindAmount   = "amount"
	KindDate     = "date"
	KindInt      = "int"
	KindBank     = "bank"
	KindPhone    = "tel"
	KindEmail    = "email"
)

// Fields lists the fields of an input value (a struct or a pointer to one),
// in declaration order. Nil input has none.
func Fields(input any) []Field {
	if input == nil {
		return nil
	}
	t := reflect.TypeOf(input)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return fieldsOfType(t, "")
}

func fieldsOfType(t reflect.Type, prefix string) []Field {
	var out []Field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			out = append(out, fieldsOfType(sf.Type, prefix)...)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if sf.Type.Kind() == reflect.Struct && sf.Type != timeType {
			out = append(out, fieldsOfType(sf.Type, prefix+name+".")...)
			continue
		}
		f := Field{Name: prefix + name, Kind: KindText}
		for j, part := range strings.Split(sf.Tag.Get("form"), ",") {
			key, val, _ := strings.Cut(strings.TrimSpace(part), "=")
			switch {
			case j == 0 && key != "":
				f.Kind = key
			case key == "required":
				f.Required = true
			case key == "choices":
				f.Choices = strings.Split(val, "|")
			case key == "min":
				f.Min, _ = strconv.Atoi(val)
			case key == "max":
				f.Max, _ = strconv.Atoi(val)
			}
		}
		out = append(out, f)
	}
	return out
}

// SetPath sets a dotted field name in nested maps, as a payload nests it:
// "first.name" → {"first": {"name": v}}.
func SetPath(m map[string]any, name string, v any) {
	head, rest, nested := strings.Cut(name, ".")
	if !nested {
		m[head] = v
		return
	}
	sub, ok := m[head].(map[string]any)
	if !ok {
		sub = map[string]any{}
		m[head] = sub
	}
	SetPath(sub, rest, v)
}
