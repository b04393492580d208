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
	if r.BadUnsealed != 0 {
		return fmt.Sprintf(T(lang, "ledger.unsealed."+string(r.Kind)), r.BadUnsealed, r.BadCase, field)
	}
	return fmt.Sprintf(T(lang, "ledger.problem."+string(r.Kind)), r.BadSeq, r.BadCase, field)
}

// LedgerUnsealed says in lang how many entries were not sealed yet, or ""
// when none was.
func LedgerUnsealed(lang string, r ledger.Report) string {
	if r.Unsealed == 0 {
		return ""
	}
	return fmt.Sprintf(T(lang, "ledger.unsealed"), r.Unsealed)
}

// LedgerLegacy says in lang how many entries predate keys, or "" when none
// does.
func LedgerLegacy(lang string, r ledger.Report) string {
	if r.Legacy == 0 {
		return ""
	}
	return fmt.Sprintf(T(lang, "ledger.legacy"), r.Legacy, r.FirstAuthenticated)
}
