package audit

import (
	"context"
	"time"
)

// Filter narrows a listing of the log. Zero fields do not narrow.
type Filter struct {
	Actor  string
	Action string
	Result string
	// From and To bound At: From <= At < To.
	From, To time.Time
	// Before lists entries with a smaller Seq (the cursor of the next
	// page); zero starts at the newest.
	Before int64
	// Limit caps the page; zero means 100.
	Limit int
}

// Store keeps the log. engine/sqlstore implements it.
type Store interface {
	// AppendAudit seals e after the newest entry and stores it. Appends
	// are serialised so that the chain never forks.
	AppendAudit(ctx context.Context, e *Entry) error
	// AuditEntries lists the entries that match f, newest first.
	AuditEntries(ctx context.Context, f Filter) ([]Entry, error)
	// ScanAudit calls fn with every entry, oldest first.
	ScanAudit(ctx context.Context, fn func(*Entry) error) error
	// PurgeAudit deletes the entries older than before and records the
	// purge (e, sealed after the newest entry, Detail set to the last
	// purged entry's seq and hash) in the same transaction. It returns how
	// many entries it deleted.
	PurgeAudit(ctx context.Context, before time.Time, e *Entry) (int64, error)
}
