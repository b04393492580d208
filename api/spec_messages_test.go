package api_test

import (
	"net/http"
	"strings"
	"testing"
	"unicode"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// A request the contract refuses is explained to a clerk in Chinese, field
// by field, without the validator's English.
func TestContractMessagesInChinese(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		for _, tc := range []struct {
			name string
			body map[string]any
			want string
		}{
			{"UnknownField", map[string]any{"park": "GXQ", "enterprize": map[string]any{}}, "不认识的字段"},
			{"MissingNeed", func() map[string]any { b := newCase(t, "GXQ"); delete(b, "need"); return b }(), "缺少必填字段"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := e.do("window-GXQ", "POST", "/api/v1/cases", tc.body).want(t, http.StatusUnprocessableEntity, "validation_failed")
				fields, _ := r.Body["errors"].([]any)
				if len(fields) == 0 {
					t.Fatalf("no field errors: %s", r.Raw)
				}
				found := false
				for _, f := range fields {
					msg, _ := f.(map[string]any)["message"].(string)
					if strings.Contains(msg, tc.want) {
						found = true
					}
					for _, word := range strings.FieldsFunc(msg, func(r rune) bool { return !unicode.IsLetter(r) }) {
						if len(word) > 12 && strings.ToLower(word) == word && word[0] < 0x80 && word != "enterprize" {
							t.Errorf("English in the Chinese message %q", msg)
						}
					}
				}
				if !found {
					t.Fatalf("no field message says %q: %s", tc.want, r.Raw)
				}
			})
		}
	})
}
