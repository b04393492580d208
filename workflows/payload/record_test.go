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
