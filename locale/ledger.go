package locale

import (
	"fmt"

	"github.com/parkfin/parkfin/engine/ledger"
)

// LedgerProblem says in lang what a failed ledger verification found, or ""
// when the ledger is intact.
func LedgerProblem(lang string, r ledger.Report) string {
	if r.OK() {
		return ""
	}
	field := ""
	if r.Field != "" {
		field = T(lang, "ledger.field."+r.Field)
	}
	return fmt.Sprintf(T(lang, "ledger.problem."+string(r.Kind)), r.BadSeq, r.BadCase, field)
}

// LedgerLegacy says in lang how many entries predate keys, or "" when none
// does.
func LedgerLegacy(lang string, r ledger.Report) string {
	if r.Legacy == 0 {
		return ""
	}
	return fmt.Sprintf(T(lang, "ledger.legacy"), r.Legacy, r.FirstAuthenticated)
}
