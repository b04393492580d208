package all_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/engine/diagram"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/all"
	"github.com/parkfin/parkfin/workflows/payload"
)

var docs = filepath.Join("..", "..", "docs")

// docs/workflows.md and docs/workflows/<name>.md draw every workflow's
// definition as it is: with PARKFIN_UPDATE_DOCS=1 (make docs) the test
// writes them; otherwise it fails when one is out of date.
func TestDiagramIsCurrent(t *testing.T) {
	files := map[string]string{}
	var index strings.Builder
	index.WriteString("# Workflows\n\nEach workflow is one package under `workflows/` and one line in `workflows/all`;\n" +
		"its drawing below is generated from its definition (`make docs`).\n\n")
	for _, d := range all.Definitions(all.Config{}) {
		words := payload.Words(d.Name)
		name := locale.T(locale.ZH, d.Name+".name")
		label := func(kind, n string) string {
			if kind == "role" {
				return locale.T(locale.ZH, "role."+n)
			}
			return locale.T(locale.ZH, words.Key(kind, n))
		}
		files[filepath.Join(docs, "workflows", d.Name+".md")] = diagram.Markdown(d, fmt.Sprintf("%s — %s", name, d.Name), label)
		fmt.Fprintf(&index, "- [%s](workflows/%s.md) (`%s`): %d states, %d events, %d time limits", name, d.Name, d.Name, len(d.States), len(d.Events), len(d.Clocks))
		if d.Schedule != nil {
			when := "when each period begins"
			if d.Schedule.AtEnd {
				when = "when each period ends"
			}
			fmt.Fprintf(&index, "; opened by the schedule every %s, %s", d.Schedule.Cadence, when)
		}
		index.WriteString(".\n")
	}
	files[filepath.Join(docs, "workflows.md")] = index.String()
	for path, want := range files {
		if os.Getenv("PARKFIN_UPDATE_DOCS") == "1" {
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v: run make docs", err)
		}
		if string(got) != want {
			t.Errorf("%s is out of date with the workflow's definition: run make docs", path)
		}
	}
}
