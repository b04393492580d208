package payload

import (
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Field describes one field of an event's input for a form, drawn from the
// input type's json and form tags. The form tag is a comma-separated list:
// the kind first (text, textarea, choice, amount, date, int, bank, org, tel, email; text
// when the tag is absent), then options: required, choices=a|b|c, min=N,
// max=N, type=T (the organisation type an org field chooses from).
//
//	CanHandle string `json:"can_handle" form:"choice,required,choices=yes|partly|no"`
//
// Nested structs give dotted names ("enterprise.uscc"); embedded structs
// give their fields. A slice of structs tagged rows,max=N is asked for as
// N rows of its fields, named with the row's index ("problems.0.text");
// a row left empty is not sent, and the rows' fields are never required
// by the form (the workflow says which a filled row needs).
//
//	Problems []ProblemInput `json:"problems" form:"rows,max=3"`
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
	// OrgType is the organisation type an org field chooses from.
	OrgType string
	// Key is Name without row indices ("problems.text"): what the
	// catalogue labels the field by.
	Key string
	// Group and Row are set on a field of a row: the slice's name and the
	// row's number from 1.
	Group string
	Row   int
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
	KindOrg      = "org"
	KindRows     = "rows"
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
	return fieldsOf2(t, prefix, prefix, "", 0)
}

// fieldsOf2 lists the fields of t named under prefix, labelled under key;
// group and row are those of the row they belong to, if any.
func fieldsOf2(t reflect.Type, prefix, key, group string, row int) []Field {
	var out []Field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			out = append(out, fieldsOf2(sf.Type, prefix, key, group, row)...)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if sf.Type.Kind() == reflect.Struct && sf.Type != timeType {
			out = append(out, fieldsOf2(sf.Type, prefix+name+".", key+name+".", group, row)...)
			continue
		}
		if kind, opts, _ := strings.Cut(sf.Tag.Get("form"), ","); kind == KindRows && sf.Type.Kind() == reflect.Slice && sf.Type.Elem().Kind() == reflect.Struct {
			n := 1
			for _, o := range strings.Split(opts, ",") {
				if v, ok := strings.CutPrefix(strings.TrimSpace(o), "max="); ok {
					n, _ = strconv.Atoi(v)
				}
			}
			for i := 0; i < n; i++ {
				rows := fieldsOf2(sf.Type.Elem(), prefix+name+"."+strconv.Itoa(i)+".", key+name+".", key+name, i+1)
				for j := range rows {
					rows[j].Required = false
				}
				out = append(out, rows...)
			}
			continue
		}
		f := Field{Name: prefix + name, Kind: KindText, Key: key + name, Group: group, Row: row}
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
			case key == "type":
				f.OrgType = val
			}
		}
		out = append(out, f)
	}
	return out
}

// Nest turns a form's flat fields into an event's payload: dotted names
// nest ("enterprise.uscc"), and the rows of a list, named with their
// index ("problems.0.text"), become an array in row order, the rows left
// empty skipped.
func Nest(flat map[string]any) map[string]any {
	root := map[string]any{}
	for name, v := range flat {
		SetPath(root, name, v)
	}
	return rowsToArrays(root).(map[string]any)
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

// rowsToArrays turns the maps whose keys are all row indices ("0", "1",
// ...) into arrays in row order; the root stays an object.
func rowsToArrays(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	idx := make([]int, 0, len(m))
	for k, sub := range m {
		m[k] = rowsToArrays(sub)
		if n, err := strconv.Atoi(k); err == nil && n >= 0 && strconv.Itoa(n) == k {
			idx = append(idx, n)
		}
	}
	if len(m) == 0 || len(idx) != len(m) {
		return m
	}
	sort.Ints(idx)
	out := make([]any, 0, len(idx))
	for _, n := range idx {
		out = append(out, m[strconv.Itoa(n)])
	}
	return out
}
