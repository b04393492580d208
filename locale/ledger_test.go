package locale_test

import (
	"strings"
	"testing"

	"github.com/parkfin/parkfin/engine/ledger"
	"github.com/parkfin/parkfin/locale"
)

// Every fault verification can find is said in both languages, with the
// entry, the case and the field where the text names them.
func TestLedgerProblems(t *testing.T) {
	for _, lang := range locale.Langs {
		for _, k := range ledger.Kinds {
			if !locale.Has(lang, "ledger.problem."+string(k)) {
				t.Errorf("%s: no text for ledger fault %s", lang, k)
			}
		}
	}
	r := ledger.Report{Kind: ledger.KindCaseRow, BadSeq: 42, BadCase: "c-1", Field: "state"}
	got := locale.LedgerProblem(locale.ZH, r)
	if !strings.Contains(got, "第 42 条") || !strings.Contains(got, "c-1") || !strings.Contains(got, "“状态”") || strings.Contains(got, "%!") {
		t.Fatalf("zh: %q", got)
	}
	r = ledger.Report{Kind: ledger.KindMAC, BadSeq: 7}
	if got := locale.LedgerProblem(locale.EN, r); !strings.HasPrefix(got, "Entry 7's MAC") || strings.Contains(got, "%!") {
		t.Fatalf("en: %q", got)
	}
	if got := locale.LedgerProblem(locale.ZH, ledger.Report{}); got != "" {
		t.Fatalf("intact: %q", got)
	}
}
