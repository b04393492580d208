package payload_test

import (
	"encoding/json"
	"testing"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/payload"
)

// A case's record round-trips through Keep and Record; a case being
// opened has an empty one; a broken one is an error, not an empty record.
func TestRecord(t *testing.T) {
	type rec struct {
		Park  string   `json:"park"`
		Steps []string `json:"steps"`
	}
	c := &engine.Case{}
	if r, err := payload.Record[rec](c); err != nil || r.Park != "" || r.Steps != nil {
		t.Fatalf("empty record: %+v, %v", r, err)
	}
	if err := payload.Keep(c, &rec{Park: "GXQ", Steps: []string{"立项"}}); err != nil {
		t.Fatal(err)
	}
	if string(c.Data) != `{"park":"GXQ","steps":["立项"]}` {
		t.Fatalf("kept %s", c.Data)
	}
	r, err := payload.Record[rec](c)
	if err != nil || r.Park != "GXQ" || len(r.Steps) != 1 || r.Steps[0] != "立项" {
		t.Fatalf("read back %+v, %v", r, err)
	}
	c.Data = json.RawMessage(`{"park":`)
	if _, err := payload.Record[rec](c); err == nil {
		t.Fatal("a broken record read as empty")
	}
}

// View answers with the value kept while Data is still its encoding, and
// decodes Data once it was set otherwise: from the store, or by hand.
// Record always decodes, so that what a workflow changes is its own.
func TestView(t *testing.T) {
	type rec struct {
		Park string `json:"park"`
	}
	c := &engine.Case{}
	kept := &rec{Park: "GXQ"}
	if err := payload.Keep(c, kept); err != nil {
		t.Fatal(err)
	}
	if v, err := payload.View[rec](c); err != nil || v != kept {
		t.Fatalf("view after Keep: %p %+v, %v; want the kept %p", v, v, err, kept)
	}
	if r, err := payload.Record[rec](c); err != nil || r == kept || r.Park != "GXQ" {
		t.Fatalf("Record after Keep: %p %+v, %v; want a decoded copy", r, r, err)
	}
	// Another type asked for: decoded, not the kept value.
	type other struct {
		Park string `json:"park"`
	}
	if o, err := payload.View[other](c); err != nil || o.Park != "GXQ" {
		t.Fatalf("view as another type: %+v, %v", o, err)
	}
	// Data set again, as the store sets it: the kept value no longer
	// stands for it, even with the same length.
	c.Data = json.RawMessage(`{"park":"XYZ"}`)
	if v, err := payload.View[rec](c); err != nil || v == kept || v.Park != "XYZ" {
		t.Fatalf("view after Data changed: %+v, %v", v, err)
	}
	if c.Record() != nil {
		t.Fatal("Record() still answers after Data changed")
	}
	// A copy of the case shares Data and the kept value alike.
	if err := payload.Keep(c, kept); err != nil {
		t.Fatal(err)
	}
	cp := *c
	if v, err := payload.View[rec](&cp); err != nil || v != kept {
		t.Fatalf("view of a copy: %+v, %v", v, err)
	}
	if v, err := payload.View[rec](&engine.Case{}); err != nil || v.Park != "" {
		t.Fatalf("view of a case without a record: %+v, %v", v, err)
	}
}
