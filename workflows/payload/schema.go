package payload

import (
	"encoding"
	"reflect"
	"strings"
)

// textMarshaler is a type that encodes itself as a JSON string (a date).
var textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()

// Schema describes an event's input (or any record a response carries, such
// as a workflow's own record of a case) as an OpenAPI 3.0 schema object, drawn
// from the input type as Fields is: json names, form tags for what is
// required and which choices are allowed, Go types for the JSON types.
// Dates and times are RFC 3339 strings; amounts are decimal strings in
// yuan. Nil input has no schema. The API contract carries one such schema
// per workflow and event, so that a generated client has a struct for each
// payload.
func Schema(input any) map[string]any {
	if input == nil {
		return nil
	}
	t := reflect.TypeOf(input)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return objectSchema(t)
}

func objectSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
				walk(sf.Type)
				continue
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			s := valueSchema(sf.Type)
			form := strings.Split(sf.Tag.Get("form"), ",")
			for j, part := range form {
				key, val, _ := strings.Cut(strings.TrimSpace(part), "=")
				switch {
				case j == 0 && key == KindAmount:
					s["pattern"] = `^[0-9]+(\.[0-9]{1,2})?$`
					s["description"] = "amount in yuan (元), a decimal string"
				case j == 0 && key == KindEmail:
					s["format"] = "email"
				case j == 0 && key == KindPhone:
					s["description"] = "a mainland mobile number or a landline with its area code (0737-4221234)"
				case j == 0 && key == KindDate:
					s["description"] = "a date (YYYY-MM-DD) or an RFC 3339 time"
				case key == "required" && !strings.Contains(opts, "omitempty"):
					required = append(required, name)
				case key == "choices":
					enum := []any{}
					for _, v := range strings.Split(val, "|") {
						enum = append(enum, v)
					}
					s["enum"] = enum
				}
			}
			props[name] = s
		}
	}
	walk(t)
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func valueSchema(t reflect.Type) map[string]any {
	if t.Kind() == reflect.Pointer {
		s := valueSchema(t.Elem())
		s["nullable"] = true
		return s
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Implements(textMarshaler):
		return map[string]any{"type": "string"}
	case t.Kind() == reflect.Map:
		// A nil map encodes as null.
		return map[string]any{"type": "object", "additionalProperties": valueSchema(t.Elem()), "nullable": true}
	case t.Kind() == reflect.Struct:
		return objectSchema(t)
	case t.Kind() == reflect.Slice:
		// A nil slice encodes as null.
		return map[string]any{"type": "array", "items": valueSchema(t.Elem()), "nullable": true}
	case t.Kind() == reflect.Bool:
		return map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return map[string]any{"type": "integer"}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return map[string]any{"type": "number"}
	default:
		return map[string]any{"type": "string"}
	}
}
