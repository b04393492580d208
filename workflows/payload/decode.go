package payload

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/parkfin/parkfin/engine"
)

// Decode reads the JSON object raw into the struct v points to. Unlike
// encoding/json it reports every problem at once, each naming its field
// (nested fields as "enterprise.uscc"): an unknown field, a value of the
// wrong type, text that is not valid UTF-8 or holds a lone surrogate escape
// (encoding/json would store U+FFFD in its place). An empty raw is an empty
// object. The errors are a validation_failed engine error.
func Decode(raw []byte, v any) error {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		raw = []byte("{}")
	}
	var errs []engine.FieldError
	decodeObject(raw, reflect.ValueOf(v).Elem(), "", &errs)
	if len(errs) > 0 {
		return engine.Invalid(errs...)
	}
	return nil
}

// Errors returns the field errors of a validation_failed error, or nil.
func Errors(err error) []engine.FieldError {
	var e *engine.Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

var timeType = reflect.TypeOf(time.Time{})

func decodeObject(raw []byte, v reflect.Value, prefix string, errs *[]engine.FieldError) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		field := strings.TrimSuffix(prefix, ".")
		if field == "" {
			field = "payload"
		}
		if !json.Valid(raw) {
			*errs = append(*errs, malformed(field))
		} else {
			*errs = append(*errs, wrongType(field))
		}
		return
	}
	paths := fieldPaths(v.Type())
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		val := obj[k]
		name := prefix + k
		path, ok := paths[k]
		if !ok {
			*errs = append(*errs, engine.FieldError{Field: name, Code: "unknown",
				Message: fmt.Sprintf("Unknown field %s.", name), MessageZH: fmt.Sprintf("不认识的字段 %s。", name)})
			continue
		}
		if !utf8.Valid(val) || hasLoneSurrogate(val) {
			*errs = append(*errs, Encoding(name))
			continue
		}
		f := v.FieldByIndex(path)
		if f.Kind() == reflect.Struct && f.Type() != timeType && bytes.HasPrefix(bytes.TrimSpace(val), []byte("{")) {
			decodeObject(val, f, name+".", errs)
			continue
		}
		if string(bytes.TrimSpace(val)) == "null" {
			continue
		}
		// A text without escapes is its bytes between the quotes: valid
		// UTF-8 (checked above) in a document json.Unmarshal read whole.
		// A type that reads itself is left to do so.
		if f.Kind() == reflect.String && len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' &&
			bytes.IndexByte(val, '\\') < 0 && !readsItself(f.Addr().Type()) {
			f.SetString(string(val[1 : len(val)-1]))
			continue
		}
		if err := json.Unmarshal(val, f.Addr().Interface()); err != nil {
			*errs = append(*errs, wrongType(name))
		}
	}
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// readsItself reports whether encoding/json decodes into a *T through
// the type's own method rather than by its kind.
func readsItself(ptr reflect.Type) bool {
	return ptr.Implements(jsonUnmarshaler) || ptr.Implements(textUnmarshaler)
}

// fieldPaths maps the JSON names of a struct type's fields, embedded
// structs' promoted ones included, to their index paths
// (reflect.Value.FieldByIndex), worked out once per type.
func fieldPaths(t reflect.Type) map[string][]int {
	if p, ok := pathsByType.Load(t); ok {
		return p.(map[string][]int)
	}
	out := make(map[string][]int)
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			// An embedded struct's exported fields are promoted, even
			// when its type is not exported (as encoding/json does).
			for k, p := range fieldPaths(sf.Type) {
				if _, shadowed := out[k]; !shadowed {
					out[k] = append([]int{i}, p...)
				}
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out[name] = []int{i}
	}
	pathsByType.Store(t, out)
	return out
}

var pathsByType sync.Map // reflect.Type → map[string][]int

// hasLoneSurrogate reports whether a JSON text escapes half of a UTF-16
// surrogate pair without the other half (\ud800 alone), which a decoder
// turns into U+FFFD.
func hasLoneSurrogate(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if i+1 < len(b) && b[i+1] != 'u' {
			i++ // an escape such as \\ or \"
			continue
		}
		if i+5 >= len(b) {
			return false
		}
		u, ok := hex4(b[i+2 : i+6])
		switch {
		case !ok:
		case u >= 0xD800 && u < 0xDC00:
			if i+11 >= len(b) || b[i+6] != '\\' || b[i+7] != 'u' {
				return true
			}
			if lo, ok := hex4(b[i+8 : i+12]); !ok || lo < 0xDC00 || lo > 0xDFFF {
				return true
			}
			i += 11
			continue
		case u >= 0xDC00 && u <= 0xDFFF:
			return true
		}
		i += 5
	}
	return false
}

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c-'a') + 10
		case c >= 'A' && c <= 'F':
			r |= rune(c-'A') + 10
		default:
			return 0, false
		}
	}
	return r, true
}

// Encoding is the error of a field whose text is not valid UTF-8.
func Encoding(field string) engine.FieldError {
	return engine.FieldError{Field: field, Code: "encoding",
		Message:   field + " is not valid UTF-8 text (was it sent as GBK?).",
		MessageZH: "字段 " + field + " 含有无法识别的字符，请以 UTF-8 编码提交（不要使用 GBK）。"}
}

func malformed(field string) engine.FieldError {
	return engine.FieldError{Field: field, Code: "malformed",
		Message: "The details are not valid JSON.", MessageZH: "提交的内容格式有误。"}
}

func wrongType(field string) engine.FieldError {
	return engine.FieldError{Field: field, Code: "type",
		Message: fmt.Sprintf("%s has the wrong type.", field), MessageZH: fmt.Sprintf("字段 %s 的类型不正确。", field)}
}
