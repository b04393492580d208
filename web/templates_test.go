package web

import (
	"io/fs"
	"regexp"
	"testing"
)

// TestNoWordsInTemplates keeps every word in the catalogue: templates and
// scripts hold no Chinese text of their own.
func TestNoWordsInTemplates(t *testing.T) {
	han := regexp.MustCompile(`[\p{Han}（），。：；“”]`)
	for _, fsys := range []fs.FS{templateFS, assetFS} {
		err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || regexp.MustCompile(`vendor/`).MatchString(path) {
				return err
			}
			raw, err := fs.ReadFile(fsys, path)
			if err != nil {
				return err
			}
			for i, line := range regexp.MustCompile("\n").Split(string(raw), -1) {
				if m := han.FindString(line); m != "" && !regexp.MustCompile(`^\s*(//|/\*|\*)`).MatchString(line) {
					t.Errorf("%s:%d has the word %q of its own: put it in locale/*/web.json", path, i+1, m)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
