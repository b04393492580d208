package payload_test

import (
	"encoding/json"
	"testing"

	"github.com/parkfin/parkfin/workflows/payload"
)

type row struct {
	Name string `json:"name" form:"text,required"`
	N    int    `json:"n,omitempty" form:"int"`
}

type withRows struct {
	Title string `json:"title" form:"text,required"`
	Rows  []row  `json:"rows" form:"rows,max=2"`
}

// A list tagged rows,max=N is asked for as N rows of its fields, named
// with the row's index, labelled by the name without it, never required
// by the form; Nest turns the rows back into an array, in row order,
// skipping the empty ones.
func TestRows(t *testing.T) {
	fs := payload.Fields(withRows{})
	var got []string
	for _, f := range fs {
		got = append(got, f.Name+"|"+f.Key+"|"+f.Group+"|"+string(rune('0'+f.Row))+"|"+map[bool]string{true: "req", false: ""}[f.Required])
	}
	want := []string{"title|title||0|req", "rows.0.name|rows.name|rows|1|", "rows.0.n|rows.n|rows|1|",
		"rows.1.name|rows.name|rows|2|", "rows.1.n|rows.n|rows|2|"}
	if len(got) != len(want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("field %d is %s, want %s", i, got[i], want[i])
		}
	}
	raw, err := json.Marshal(payload.Nest(map[string]any{"title": "t", "rows.1.name": "b", "rows.10.name": "c", "rows.1.n": 2, "x.y": "z"}))
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != `{"rows":[{"n":2,"name":"b"},{"name":"c"}],"title":"t","x":{"y":"z"}}` {
		t.Fatalf("nested %s", raw)
	}
	if s := payload.Schema(withRows{}); s["properties"].(map[string]any)["rows"].(map[string]any)["type"] != "array" {
		t.Fatalf("schema %v", s)
	}
}
