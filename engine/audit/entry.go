// Package audit is the security audit log (安全审计): who did what, from
// where, with what result and when, for every sign-in, lock-out, token,
// refused request and change of users and reference data. Entries are
// hash-chained in sequence order, like the resolution ledger, so that an
// edited, removed or inserted entry is detected; old entries are purged only
// beyond the configured retention, never younger than MinRetention.
package audit

import "github.com/parkfin/parkfin/engine/audit/record"

// Results of an audited action.
const (
	OK      = "ok"
	Failed  = "failed"
	Denied  = "denied"
	Locked  = "locked"
	Refused = "refused"
)

// Actions that are audited. The list is open: callers name others in the
// same dotted form.
const (
	SignIn          = "signin"
	SignOut         = "signout"
	Lockout         = "signin.lockout"
	Unlock          = "user.unlock"
	PasswordChange  = "password.change"
	TokenIssue      = "token.issue"
	TokenRevoke     = "token.revoke"
	Forbidden       = "forbidden"
	UserChange      = "user.change"
	UserDisable     = "user.disable"
	ParkChange      = "park.change"
	BankChange      = "bank.change"
	CountyChange    = "county.change"
	OrgChange       = "org.change"
	PairingChange   = "pairing.change"
	CalendarChange  = "calendar.change"
	ConfigChange    = "config.change"
	ExportDownload  = "export.download"
	AuditExport     = "audit.export"
	AuditPurge      = "audit.purge"
	SessionsRevoked = "sessions.revoke"
)

// Actions lists the actions above, in the order a reader filters by them.
var Actions = []string{SignIn, SignOut, Lockout, Unlock, PasswordChange, TokenIssue, TokenRevoke, SessionsRevoked, Forbidden,
	UserChange, UserDisable, ParkChange, BankChange, CountyChange, OrgChange, PairingChange, CalendarChange, ConfigChange,
	ExportDownload, AuditExport, AuditPurge}

// Entry is one audited action; see record.Entry.
type Entry = record.Entry
