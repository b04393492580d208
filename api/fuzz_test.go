package api_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/engine"
)

// FuzzDecodeCreateCase feeds arbitrary bodies to the case-creation decoder:
// it must never panic, must answer every bad body with validation_failed
// (a client mistake is never a server fault), and what it accepts must be
// normalised for good: decoding it again changes nothing. The seed corpus
// in testdata/fuzz runs with every go test.
func FuzzDecodeCreateCase(f *testing.F) {
	f.Add([]byte(`{"park":"GXQ","enterprise":{"name":"益阳市示范机械制造有限公司","uscc":"91430900MA4L00001X"},"need":"流动资金贷款","amount":"3000000","received_at":"2026-03-02T09:00:00+08:00"}`))
	f.Add([]byte(`{"park":" GXQ ","enterprise":{"name":"Cafe\u0301","uscc":"91350100M000100Y43"},"need":"x","amount":"0.01"}`))
	f.Add([]byte(`{"park":"GXQ","enterprise":{"name":"a","uscc":"91350100M000100Y4"},"need":"x","amount":"1e9"}`))
	f.Add([]byte(`{"park":1}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"park":"GXQ"} {}`))
	f.Add([]byte("{\"park\":\"\xff\"}"))
	f.Fuzz(func(t *testing.T, body []byte) {
		o, err := api.DecodeCreateCase(body)
		if err != nil {
			var de *engine.Error
			if !errors.As(err, &de) || de.Code != engine.EINVALID {
				t.Fatalf("error %v (code %q) for a client's body, want validation_failed", err, engine.ErrorCode(err))
			}
			if len(de.Fields) == 0 {
				t.Fatalf("validation_failed without fields for %q", body)
			}
			return
		}
		in, received, routed := o.Input, o.ReceivedAt, o.RoutedAt
		for _, s := range []string{in.Park, in.Enterprise.Name, in.Enterprise.USCC, in.Need, in.Amount, in.Contact} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("accepted invalid UTF-8 or NUL %q", s)
			}
		}
		again := map[string]any{"park": in.Park, "enterprise": map[string]any{"name": in.Enterprise.Name, "uscc": in.Enterprise.USCC},
			"need": in.Need, "amount": in.Amount, "contact": in.Contact}
		if !received.IsZero() {
			again["received_at"] = received.Format("2006-01-02T15:04:05.999999999Z07:00")
		}
		if !routed.IsZero() {
			again["routed_at"] = routed.Format("2006-01-02T15:04:05.999999999Z07:00")
		}
		raw, err := json.Marshal(again)
		if err != nil {
			t.Fatal(err)
		}
		o2, err := api.DecodeCreateCase(raw)
		if err != nil {
			t.Fatalf("accepted %q, but not its own normal form %s: %v", body, raw, err)
		}
		if o2.Input != in || !o2.ReceivedAt.Equal(received) || !o2.RoutedAt.Equal(routed) {
			t.Fatalf("normal form is not stable: %+v then %+v", o, o2)
		}
	})
}
