// Package textcheck finds text in a request that is not valid UTF-8: a
// byte sequence that decodes to no character, or a lone UTF-16 surrogate
// encoded as if it were one (CESU-8). Such text is refused, never stored
// with replacement characters. Request bodies are checked where they are
// decoded (workflows/payload); this package checks the path, the query
// and the header values.
package textcheck

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"
)

// BadField names the first part of r that is not valid UTF-8 once decoded:
// "path", "query.NAME" or "header.NAME"; "" when every part is valid.
func BadField(r *http.Request) string {
	if !utf8.ValidString(r.URL.Path) {
		return "path"
	}
	if r.URL.RawQuery != "" {
		if f := badQuery(r.URL.RawQuery); f != "" {
			return f
		}
	}
	names := make([]string, 0, len(r.Header))
	for name, values := range r.Header {
		for _, v := range values {
			if !utf8.ValidString(v) {
				names = append(names, name)
				break
			}
		}
	}
	if len(names) > 0 {
		sort.Strings(names)
		return "header." + names[0]
	}
	return ""
}

// badQuery decodes each key=value pair of a raw query; a pair that does not
// decode is left to the handlers (they refuse the values they read).
func badQuery(raw string) string {
	if utf8.ValidString(raw) && !strings.Contains(raw, "%") && !strings.Contains(raw, "+") {
		return ""
	}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			val = v
		}
		if !utf8.ValidString(key) || !utf8.ValidString(val) {
			return "query." + strings.ToValidUTF8(key, "?")
		}
	}
	return ""
}
