package engine

import (
	"context"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/ledger"
)

// Timer is a timer row: the truth about one armed deadline of one case.
type Timer struct {
	ID     string
	CaseID string
	// Name is the TimerDef's name.
	Name string
	// Event is fired when it falls due.
	Event EventName
	Kind  TimerKind
	// DueAt is when it falls due; meaningful while pending.
	DueAt  time.Time
	Status TimerStatus
	// Remaining is the working days left while paused.
	Remaining int
	// BaseAt and Workdays say how DueAt was computed: the limit ends
	// Workdays working days after BaseAt. BaseAt is nil for a timer whose
	// due instant was given (FromInput).
	BaseAt   *time.Time
	Workdays int
	// Provisional is set when DueAt (or Remaining) counts days of a year
	// without a published arrangement; it is recomputed when the year's
	// data arrives.
	Provisional bool
	// PausedAt is when the timer was paused.
	PausedAt  *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CaseFilter selects cases. Zero fields do not filter.
type CaseFilter struct {
	Workflow string
	States   []State
	// Scope restricts to cases the organisation Scope.Org stands to in
	// one of Scope.Relations: what a user of that organisation may see.
	Scope *Scope
	// Party restricts to cases that have this party (Relation may be
	// empty: in any relation).
	Party   *Party
	DueSoon *bool
	Overdue *bool
	PastDue *bool
	// Mark restricts to cases carrying the workflow's mark.
	Mark string
	// Text matches the number, the title or the ref, case-insensitively.
	Text string
	// Ref selects the cases with exactly this ref.
	Ref string
	// Period selects the cases of a named period (a scheduled duty's
	// quarter, "2026Q3").
	Period string
	// ReceivedFrom and ReceivedTo bound ReceivedAt: [from, to).
	ReceivedFrom time.Time
	ReceivedTo   time.Time
	// After continues a list: cases ordered by (ReceivedAt desc, ID desc)
	// after the cursor's key (see CursorAfter).
	After *Cursor
	// Limit caps the result; zero means 100.
	Limit int
}

// CaseCounts counts cases: in all, by state, and how many are overdue or
// due soon.
type CaseCounts struct {
	Total   int
	ByState map[State]int
	Overdue int
	DueSoon int
	// PastDue counts the cases overdue and still open; Overdue minus
	// PastDue were answered (or moved on) late.
	PastDue int
}

// Scope is the part of all cases an organisation may see.
type Scope struct {
	Org       string
	Relations []Relation
}

// Store is the database. The engine is its only writer of cases, timers and
// the ledger.
type Store interface {
	// InTx runs fn in one transaction, committing if fn returns nil.
	// Under a context from Rerunnable, the store may run fn again, from
	// the start and in a new transaction, after rolling back the first
	// (see Rerunnable).
	InTx(ctx context.Context, fn func(Tx) error) error
	// Case returns the case, or a not_found error.
	Case(ctx context.Context, id string) (*Case, error)
	// CaseCounts counts the cases f selects (its After and Limit aside).
	CaseCounts(ctx context.Context, f CaseFilter) (CaseCounts, error)
	// CaseByNumber returns the case with the human number, or not_found.
	CaseByNumber(ctx context.Context, number string) (*Case, error)
	// Cases lists cases newest received first.
	Cases(ctx context.Context, f CaseFilter) ([]*Case, error)
	// CaseLedger returns the case's entries, oldest first.
	CaseLedger(ctx context.Context, caseID string) ([]ledger.Entry, error)
	// CaseTimers returns the case's timer rows, oldest first.
	CaseTimers(ctx context.Context, caseID string) ([]Timer, error)
	// PendingTimers returns every pending timer row.
	PendingTimers(ctx context.Context) ([]TimerRef, error)
	// ProvisionalCases returns the IDs of the cases that have a pending or
	// paused timer whose due instant is provisional.
	ProvisionalCases(ctx context.Context) ([]string, error)
	// PendingAmong returns which of the IDs name pending timer rows.
	PendingAmong(ctx context.Context, ids []string) (map[string]bool, error)
	// VerifyLedger checks the whole ledger in one consistent snapshot.
	VerifyLedger(ctx context.Context) (ledger.Report, error)
	// CaseFile returns the file kept with the case under the SHA-256, or
	// not_found.
	CaseFile(ctx context.Context, caseID, sha string) (*StoredFile, error)
	// ScheduleSince returns when the workflow's schedule first ran,
	// recording now if it never did: periods that opened before it are not
	// opened late on a fresh installation.
	ScheduleSince(ctx context.Context, workflow string, now time.Time) (time.Time, error)
	// ScheduledOrgs lists the organisations for which a case of the
	// workflow is open for the named period.
	ScheduledOrgs(ctx context.Context, workflow, period string) ([]string, error)
	// Directory returns the reference data.
	Directory() DirectoryAdmin
	// Close releases the database.
	Close() error
}

// Tx is one transaction of a Store.
type Tx interface {
	Directory
	// LockCase returns the case for update, or not_found.
	LockCase(ctx context.Context, id string) (*Case, error)
	// InsertCase writes a new case with its parties.
	InsertCase(ctx context.Context, c *Case) error
	// UpdateCase writes c, but not its parties, if its stored version is
	// still oldVersion; a version_conflict error otherwise.
	UpdateCase(ctx context.Context, c *Case, oldVersion int) error
	// AddParties adds parties to an existing case; parties it has already
	// are left as they are.
	AddParties(ctx context.Context, caseID string, parties []Party) error
	// RemoveParties removes parties from a case.
	RemoveParties(ctx context.Context, caseID string, parties []Party) error
	// SetMarks adds and removes marks of a case.
	SetMarks(ctx context.Context, caseID string, add, remove []string) error
	// NextNumber returns the next sequence number for the case-number
	// prefix, starting at 1.
	NextNumber(ctx context.Context, prefix string) (int, error)
	// NextNumbers takes, for each prefix, the next n sequence numbers at
	// once (n the prefix's count, at least 1), in one statement, and
	// returns the last of each prefix's: they are last-n+1 … last. The
	// counters are locked in prefix order, so that concurrent callers do
	// not deadlock.
	NextNumbers(ctx context.Context, counts map[string]int) (map[string]int, error)
	// AppendLedger appends an entry whose content hash is set (Seal). The
	// store numbers it in the global sequence, links it into the global
	// chain and authenticates it when the transaction commits, setting its
	// Seq, ChainHash, KeyID and MAC then.
	AppendLedger(ctx context.Context, e *ledger.Entry) error
	// CaseTimers returns the case's timer rows.
	CaseTimers(ctx context.Context, caseID string) ([]Timer, error)
	// LockCaseOfTimer returns the case the timer belongs to, for update,
	// or not_found when there is no such timer.
	LockCaseOfTimer(ctx context.Context, timerID string) (*Case, error)
	// LockCaseTimers returns the case's timer rows for update, oldest
	// first. Callers lock the case first.
	LockCaseTimers(ctx context.Context, caseID string) ([]Timer, error)
	// HoldTimerCases locks the cases of the timers, in case order, and
	// their timer rows, and holds them for the rest of the transaction: it
	// returns each existing timer's case and each case's timer rows,
	// oldest first; later reads of those cases' timers see the
	// transaction's own writes, and the writes to those timers, cases and
	// their notices may be made together when it commits. A transaction
	// holds one batch.
	HoldTimerCases(ctx context.Context, timerIDs []string) (map[string]*Case, map[string][]Timer, error)
	// InsertTimer writes a new timer row.
	InsertTimer(ctx context.Context, t *Timer) error
	// UpdateTimer writes t if its stored status is still from; it reports
	// whether it did.
	UpdateTimer(ctx context.Context, t *Timer, from TimerStatus) (bool, error)
	// InsertFile keeps a file handed in with an event. The same file
	// handed in twice with one case is kept once.
	InsertFile(ctx context.Context, f *StoredFile) error
	// InsertNotice writes a notice to the outbox. It reports false, and
	// writes nothing, when a notice with the same DedupeKey exists.
	InsertNotice(ctx context.Context, n *Notice) (bool, error)
}

// Calendar computes working-day time limits. engine/calendar implements it.
// Where a counted day lies in a year without a published holiday
// arrangement, it counts Monday to Friday and says the result is
// provisional: work never waits for next year's notice.
type Calendar interface {
	// ProvisionalDeadline returns the end (24:00, Asia/Shanghai) of the
	// nth working day after the day of from.
	ProvisionalDeadline(from time.Time, n int) (due time.Time, provisional bool, err error)
	// ProvisionalRemaining returns the working days left at pausedAt on a
	// limit that ends at dueAt.
	ProvisionalRemaining(pausedAt, dueAt time.Time) (left int, provisional bool, err error)
	// AfterPeriod returns the end of the nth working day after the
	// period's last day.
	AfterPeriod(p calendar.Period, n int) (due time.Time, provisional bool, err error)
	// ProvisionalEndOfLastWorkday returns the end of the period's last
	// working day.
	ProvisionalEndOfLastWorkday(p calendar.Period) (due time.Time, provisional bool, err error)
	// ProvisionalBefore returns the end of the nth working day before the
	// last day of a limit that ends at due.
	ProvisionalBefore(due time.Time, n int) (at time.Time, provisional bool, err error)
}

// rerunKey marks a context of Rerunnable.
type rerunKey struct{}

// Rerunnable returns ctx marked for Store.InTx: the function given to InTx
// leaves nothing of an attempt behind it but what it wrote through its Tx,
// and so may be run again from the start. A store may then answer reads
// from what it kept of earlier transactions (the directory, the last case
// numbers) and check them with the transaction's first statement, rolling back
// and running the function again on what the database holds should they
// have changed meanwhile. The engine marks its openings.
func Rerunnable(ctx context.Context) context.Context {
	return context.WithValue(ctx, rerunKey{}, true)
}

// IsRerunnable reports whether ctx was marked by Rerunnable.
func IsRerunnable(ctx context.Context) bool {
	ok, _ := ctx.Value(rerunKey{}).(bool)
	return ok
}
