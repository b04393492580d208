package ledger_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/parkfin/parkfin/engine/ledger"
)

// canonicalByValues is the canonical form as its definition states it: the
// document decoded into generic values (numbers as json.Number) and
// encoded again without HTML escaping. CanonicalJSON must write the same
// bytes for every valid document.
func canonicalByValues(raw []byte) ([]byte, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return []byte("null"), nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

var canonicalSeeds = []string{
	`{"b": 1, "a": {"d": [1, 2.50], "c": "中文 <x>"}}`,
	`{"a":1,"a":2,"b":[],"c":{},"a":3}`,
	`{"z":"\u0000\u001f\b\f\n\r\t\"\\\/","y":"\u2028\u2029","x":"\ud800","w":"\ud83d\ude00😀"}`,
	"{\"bad\":\"\xff\xfe\",\"\xc3\":1}",
	`[ -0, 1E5, 1e+05, 0.000001, 12345678901234567890, true, false, null ]`,
	` { "nested" : [ { "b" : [ ] , "a" : { } } , "s" ] } `,
	`"\u00e9t\u00E9"`,
	`{"é":1,"e":2,"":3,"E":4}`,
	`123`,
	`{"a":{"a":{"a":{"a":[[[[]]]]}}}}`,
}

func TestCanonicalJSONByValues(t *testing.T) {
	for _, in := range canonicalSeeds {
		want, err := canonicalByValues([]byte(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		got, err := ledger.CanonicalJSON(json.RawMessage(in))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("CanonicalJSON(%s)\n = %s, %v\nwant %s", in, got, err, want)
		}
	}
}

// FuzzCanonicalJSON: for every valid document CanonicalJSON writes what
// decoding and encoding the values writes; an invalid one is refused.
func FuzzCanonicalJSON(f *testing.F) {
	for _, s := range canonicalSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := ledger.CanonicalJSON(in)
		if !json.Valid(in) && len(bytes.TrimSpace(in)) > 0 {
			if err == nil {
				t.Fatalf("accepted %q as %s", in, got)
			}
			return
		}
		want, werr := canonicalByValues(in)
		if werr != nil {
			t.Fatalf("the values' form failed on a valid document %q: %v", in, werr)
		}
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("CanonicalJSON(%q)\n = %s, %v\nwant %s", in, got, err, want)
		}
	})
}

// BenchmarkCanonicalJSON: a case creation's payload, walking its bytes
// and by decoding and encoding its values.
func BenchmarkCanonicalJSON(b *testing.B) {
	payload := []byte(`{"park":"GXQ","enterprise":{"name":"益阳市压测企业1有限公司","uscc":"91350100M000100Y43"},"need":"流动资金贷款，了解抵押条件和办理流程。","amount":"3000000"}`)
	b.Run("walk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ledger.CanonicalJSON(payload); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("by-values", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := canonicalByValues(payload); err != nil {
				b.Fatal(err)
			}
		}
	})
}
