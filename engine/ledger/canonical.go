package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"unicode/utf8"
)

// CanonicalJSON re-encodes a JSON document with object keys sorted and no
// insignificant white space, keeping numbers exactly as written. Empty input
// (and JSON null) encodes as "null".
//
// The form is encoding/json's for the document decoded into generic values
// (numbers as json.Number) and encoded again without HTML escaping: keys
// sorted bytewise, the last of a repeated key kept, texts escaped as
// encoding/json escapes them. It is written walking the bytes, without
// building the values: every transition's payload goes through it.
func CanonicalJSON(raw json.RawMessage) ([]byte, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return []byte("null"), nil
	}
	if !json.Valid(raw) {
		// encoding/json's own error says where and why.
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		return nil, errors.New("ledger: not a JSON document")
	}
	c := canonical{in: raw}
	return c.value(make([]byte, 0, len(raw))), nil
}

// canonical walks a document json.Valid accepted. Its buffers are reused
// by every object of the document.
type canonical struct {
	in  []byte
	pos int
	// members holds the members of the objects being written, innermost
	// last; values the members' values of the object being sorted.
	members []member
	values  []byte
}

// member is an object's key, decoded, and where its value's canonical form
// lies in the output.
type member struct {
	key        []byte
	start, end int
}

func (c *canonical) skipSpace() {
	for c.pos < len(c.in) {
		switch c.in[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

// value appends the canonical form of the value at the position.
func (c *canonical) value(out []byte) []byte {
	c.skipSpace()
	switch c.in[c.pos] {
	case '{':
		return c.object(out)
	case '[':
		c.pos++
		out = append(out, '[')
		for first := true; ; first = false {
			c.skipSpace()
			if c.in[c.pos] == ']' {
				c.pos++
				return append(out, ']')
			}
			if !first {
				c.pos++ // ','
				out = append(out, ',')
			}
			out = c.value(out)
		}
	case '"':
		return appendText(out, c.text())
	default:
		// A number or a literal: as written, up to the next delimiter.
		start := c.pos
	scan:
		for ; c.pos < len(c.in); c.pos++ {
			switch c.in[c.pos] {
			case ',', ']', '}', ' ', '\t', '\n', '\r':
				break scan
			}
		}
		return append(out, c.in[start:c.pos]...)
	}
}

// object appends the canonical form of the object at the position: its
// values are written in the order they come, then the members are sorted
// by key, the last of a repeated key kept, as decoding into a map and
// encoding it does, and written again in that order.
func (c *canonical) object(out []byte) []byte {
	c.pos++ // '{'
	base, first := len(out), len(c.members)
	for {
		c.skipSpace()
		switch c.in[c.pos] {
		case '}':
			c.pos++
			out = c.sorted(out, base, first)
			c.members = c.members[:first]
			return out
		case ',':
			c.pos++
			c.skipSpace()
		}
		key := c.text()
		c.skipSpace()
		c.pos++ // ':'
		start := len(out)
		out = c.value(out)
		c.members = append(c.members, member{key: key, start: start - base, end: len(out) - base})
	}
}

// sorted rewrites out[base:], the values of the members from first on,
// as the object's canonical form.
func (c *canonical) sorted(out []byte, base, first int) []byte {
	members := c.members[first:]
	slices.SortStableFunc(members, func(a, b member) int { return bytes.Compare(a.key, b.key) })
	c.values = append(c.values[:0], out[base:]...)
	out = append(out[:base], '{')
	n := 0
	for i, m := range members {
		if i+1 < len(members) && bytes.Equal(members[i+1].key, m.key) {
			continue // a later one of the same key wins
		}
		if n > 0 {
			out = append(out, ',')
		}
		out = append(appendText(out, m.key), ':')
		out = append(out, c.values[m.start:m.end]...)
		n++
	}
	return append(out, '}')
}

// text reads the string at the position. One without escapes whose bytes
// are UTF-8 is them; any other is unquoted by encoding/json, so that
// escapes, surrogates and invalid bytes come out as they would (a string
// token of a valid document always unquotes).
func (c *canonical) text() []byte {
	start := c.pos
	c.pos++ // '"'
	escaped := false
	for {
		switch c.in[c.pos] {
		case '\\':
			escaped = true
			c.pos += 2
			continue
		case '"':
			c.pos++
			tok := c.in[start:c.pos]
			if inner := tok[1 : len(tok)-1]; !escaped && utf8.Valid(inner) {
				return inner
			}
			var s string
			_ = json.Unmarshal(tok, &s)
			return []byte(s)
		}
		c.pos++
	}
}

const hexDigits = "0123456789abcdef"

// appendText writes s quoted as encoding/json writes a string without HTML
// escaping.
func appendText(out, s []byte) []byte {
	out = append(out, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			out = append(out, s[start:i]...)
			switch b {
			case '\\', '"':
				out = append(out, '\\', b)
			case '\b':
				out = append(out, '\\', 'b')
			case '\f':
				out = append(out, '\\', 'f')
			case '\n':
				out = append(out, '\\', 'n')
			case '\r':
				out = append(out, '\\', 'r')
			case '\t':
				out = append(out, '\\', 't')
			default:
				out = append(out, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			out = append(out, s[start:i]...)
			out = append(out, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			out = append(out, s[start:i]...)
			out = append(out, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(append(out, s[start:]...), '"')
}
