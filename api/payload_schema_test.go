package api_test

import (
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/workflows/all"
	"github.com/parkfin/parkfin/workflows/contacts"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/greenchannel"
	"github.com/parkfin/parkfin/workflows/payload"
	"github.com/parkfin/parkfin/workflows/plan3"
	"github.com/parkfin/parkfin/workflows/visits"
)

const (
	schemasBegin = "    # generated: event payloads"
	schemasEnd   = "    # end of generated event payloads\n"
)

// payloadSchemas renders, for components.schemas, one schema per input type
// of every workflow's events (FinancingAnswerInput, SubmissionSubmitInput,
// ...) and EventPayload, any of them, which FireEvent.payload refers to.
func payloadSchemas(t *testing.T) string {
	t.Helper()
	schemas := map[string]any{}
	uses := map[string][]string{}
	for _, d := range all.Definitions(all.Config{}) {
		for _, ev := range d.Events {
			if ev.Input == nil || len(ev.Grants) == 0 {
				continue // opened or fired by the system only
			}
			name := camel(d.Name) + reflect.TypeOf(ev.Input).Name()
			schemas[name] = payload.Schema(ev.Input)
			uses[name] = append(uses[name], d.Name+"."+string(ev.Name))
		}
	}
	names := make([]string, 0, len(schemas))
	for n := range schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	var refs []any
	var lines []string
	for _, n := range names {
		refs = append(refs, map[string]any{"$ref": "#/components/schemas/" + n})
		lines = append(lines, fmt.Sprintf("%s: %s", n, strings.Join(uses[n], ", ")))
	}
	// Records the API returns as they are, described the same way.
	schemas["FinancingData"] = payload.Schema(financing.Data{})
	schemas["VisitsData"] = payload.Schema(visits.Data{})
	schemas["ContactsData"] = payload.Schema(contacts.Data{})
	schemas["GreenchannelData"] = payload.Schema(greenchannel.Data{})
	schemas["Plan3Data"] = payload.Schema(plan3.Data{})
	schemas["CalendarYearInfo"] = payload.Schema(calendar.YearInfo{})
	schemas["EventPayload"] = map[string]any{
		"nullable":    true,
		"description": "The event's input, checked strictly by its workflow. By schema, the events that take it:\n" + strings.Join(lines, "\n"),
		"anyOf":       refs,
	}
	raw, err := yaml.Marshal(schemas)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(schemasBegin + " — make docs rewrites this block from the\n")
	b.WriteString("    # workflows' declarations (workflows/payload.Schema); do not edit by hand.\n")
	for _, line := range strings.SplitAfter(strings.TrimRight(string(raw), "\n")+"\n", "\n") {
		if line != "" {
			b.WriteString("    " + line)
		}
	}
	b.WriteString(schemasEnd)
	return b.String()
}

func camel(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(s, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// The contract describes every event's payload by its own schema, generated
// from the workflows' declarations; PARKFIN_UPDATE_DOCS=1 (make docs)
// rewrites the block.
func TestPayloadSchemasAreCurrent(t *testing.T) {
	const path = "openapi.yaml"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	spec := string(raw)
	i, j := strings.Index(spec, schemasBegin), strings.Index(spec, schemasEnd)
	if i < 0 || j < i {
		t.Fatalf("%s has no generated payload block", path)
	}
	want := payloadSchemas(t)
	got := spec[i : j+len(schemasEnd)]
	if got == want {
		return
	}
	if os.Getenv("PARKFIN_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(spec[:i]+want+spec[j+len(schemasEnd):]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("the payload schemas in %s are not those the workflows declare; run make docs", path)
}

// Every event people fire has its input described, so a generated client
// has a struct for it.
func TestEveryGrantedEventHasASchema(t *testing.T) {
	for _, d := range all.Definitions(all.Config{}) {
		for _, ev := range d.Events {
			if len(ev.Grants) > 0 && ev.Name != d.OpenEvent && ev.Input == nil && ev.Apply != nil {
				t.Errorf("%s.%s takes input but declares no type", d.Name, ev.Name)
			}
		}
	}
}
