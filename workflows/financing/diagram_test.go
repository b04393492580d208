package financing_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parkfin/parkfin/engine/diagram"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/financing"
)

// docPath is the workflow's drawing, kept in docs/.
var docPath = filepath.Join("..", "..", "docs", "workflows", "financing.md")

// words names the workflow's things in Chinese from the catalogue.
func words(kind, name string) string {
	if kind == "role" {
		return locale.T(locale.ZH, "role."+name)
	}
	return locale.T(locale.ZH, financing.Key(kind, name))
}

// docs/workflows/financing.md is the drawing of the definition as it is:
// with PARKFIN_UPDATE_DOCS=1 (make docs) the test writes it; otherwise it
// fails when the file is out of date.
func TestDiagramIsCurrent(t *testing.T) {
	want := diagram.Markdown(financing.Definition(financing.Config{}), "企业融资需求 — the financing case (plan 6)", words)
	if os.Getenv("PARKFIN_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(docPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatalf("%v: run make docs", err)
	}
	if string(got) != want {
		t.Fatalf("%s is out of date with the workflow's definition: run make docs", docPath)
	}
}
