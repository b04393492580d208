// Package locale is parkfin's catalogue of the words people read: the names
// of states, events, time limits, roles, fields and choices, in Simplified
// Chinese first and in English. Every screen, the CLI and the workflows'
// own descriptions take their words from here, so that a state is called
// the same everywhere.
//
// The catalogue is a set of embedded JSON files per language, each a flat
// object from key to text; keys are dotted ("financing.state.routed").
// Messages with numbers are formatted by their callers; the catalogue holds
// labels and sentence templates, not plural rules (Chinese has none, and the
// English texts are written to need none).
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// The languages of the catalogue. ZH is the default and the fallback.
const (
	ZH = "zh-CN"
	EN = "en"
)

// Langs lists the languages, the default first.
var Langs = []string{ZH, EN}

//go:embed zh-CN/*.json en/*.json
var files embed.FS

var catalogue = mustLoad()

func mustLoad() map[string]map[string]string {
	out := make(map[string]map[string]string, len(Langs))
	for _, lang := range Langs {
		m := make(map[string]string)
		names, err := fs.Glob(files, path.Join(lang, "*.json"))
		if err != nil {
			panic(err)
		}
		for _, name := range names {
			raw, err := files.ReadFile(name)
			if err != nil {
				panic(err)
			}
			var part map[string]string
			if err := json.Unmarshal(raw, &part); err != nil {
				panic(fmt.Sprintf("locale: %s: %v", name, err))
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					panic(fmt.Sprintf("locale: %s: key %q defined twice", name, k))
				}
				m[k] = v
			}
		}
		out[lang] = m
	}
	return out
}

// Lang returns the catalogue language for a requested one ("zh", "zh-CN",
// "en-US", an Accept-Language value...): English when it asks for English
// first, Chinese otherwise.
func Lang(requested string) string {
	if requested == ZH || requested == EN {
		// The catalogue's own names, as the code passes them: no
		// lower-cased copy.
		return requested
	}
	r := strings.ToLower(strings.TrimSpace(requested))
	if strings.HasPrefix(r, "en") {
		return EN
	}
	return ZH
}

// Has reports whether the language has the key.
func Has(lang, key string) bool {
	_, ok := catalogue[Lang(lang)][key]
	return ok
}

// T returns the text of key in the language, falling back to Chinese and
// then to the first of the fallback keys that exists; the key itself when
// none does (a missing word shows as its key, and a test catches it).
func T(lang, key string, fallbacks ...string) string {
	l := Lang(lang)
	if v, ok := lookup(l, key); ok {
		return v
	}
	for _, k := range fallbacks {
		if v, ok := lookup(l, k); ok {
			return v
		}
	}
	return key
}

// lookup returns the text of key in the language l, or in Chinese.
func lookup(l, key string) (string, bool) {
	if v, ok := catalogue[l][key]; ok {
		return v, true
	}
	v, ok := catalogue[ZH][key]
	return v, ok
}

// Keys returns the keys of the language with the prefix, sorted.
func Keys(lang, prefix string) []string {
	var out []string
	for k := range catalogue[Lang(lang)] {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
