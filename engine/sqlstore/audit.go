package sqlstore

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
)

var _ audit.Store = (*Store)(nil)

type auditRow struct {
	Seq       int64 `gorm:"primaryKey;autoIncrement:false"`
	At        time.Time
	Actor     string
	ActorRole string
	ActorOrg  string
	Via       string
	Addr      string
	Action    string
	Target    string
	Result    string
	Detail    string
	PrevHash  string
	Hash      string
}

func (auditRow) TableName() string { return "audit_log" }

func auditFromRow(r auditRow) audit.Entry {
	return audit.Entry{Seq: r.Seq, At: utc(r.At), Actor: r.Actor, ActorRole: r.ActorRole, ActorOrg: r.ActorOrg, Via: r.Via,
		Addr: r.Addr, Action: r.Action, Target: r.Target, Result: r.Result, Detail: r.Detail, PrevHash: r.PrevHash, Hash: r.Hash}
}

// auditLockKey is the PostgreSQL advisory lock that serialises appends to
// the audit log, so that two processes never seal entries after the same
// predecessor.
const auditLockKey = 0x706b66_61756474 // "pkf" "audt"

// inWriteTx runs fn in one write transaction: IMMEDIATE on SQLite.
func (s *Store) inWriteTx(ctx context.Context, fn func(q queries) error) error {
	return s.InTx(ctx, func(t engine.Tx) error { return fn(t.(*tx).queries) })
}

// appendAudit seals e after the newest entry and inserts it, in the
// caller's transaction.
func (q queries) appendAudit(ctx context.Context, e *audit.Entry) error {
	db := q.db.WithContext(ctx)
	if q.dialect == Postgres {
		if err := db.Exec("SELECT pg_advisory_xact_lock(?)", auditLockKey).Error; err != nil {
			return err
		}
	}
	var last auditRow
	var prev *audit.Entry
	err := db.Order("seq DESC").Limit(1).Take(&last).Error
	switch {
	case err == nil:
		p := auditFromRow(last)
		prev = &p
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return err
	}
	e.Seal(prev)
	r := auditRow{Seq: e.Seq, At: e.At, Actor: e.Actor, ActorRole: e.ActorRole, ActorOrg: e.ActorOrg, Via: e.Via, Addr: e.Addr,
		Action: e.Action, Target: e.Target, Result: e.Result, Detail: e.Detail, PrevHash: e.PrevHash, Hash: e.Hash}
	return translate(db.Create(&r).Error)
}

// AppendAudit seals e after the newest entry and stores it.
func (s *Store) AppendAudit(ctx context.Context, e *audit.Entry) error {
	return s.inWriteTx(ctx, func(q queries) error { return q.appendAudit(ctx, e) })
}

// AuditEntries lists the entries that match f, newest first.
func (s *Store) AuditEntries(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	db := s.db.WithContext(ctx)
	if f.Actor != "" {
		db = db.Where("actor = ?", f.Actor)
	}
	if f.Action != "" {
		db = db.Where("action = ?", f.Action)
	}
	if f.Result != "" {
		db = db.Where("result = ?", f.Result)
	}
	if !f.From.IsZero() {
		db = db.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		db = db.Where("at < ?", f.To.UTC())
	}
	if f.Before > 0 {
		db = db.Where("seq < ?", f.Before)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	var rows []auditRow
	if err := db.Order("seq DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]audit.Entry, len(rows))
	for i, r := range rows {
		out[i] = auditFromRow(r)
	}
	return out, nil
}

// ScanAudit calls fn with every entry, oldest first, a batch at a time.
func (s *Store) ScanAudit(ctx context.Context, fn func(*audit.Entry) error) error {
	var after int64
	for {
		var rows []auditRow
		if err := s.db.WithContext(ctx).Where("seq > ?", after).Order("seq").Limit(1000).Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			e := auditFromRow(r)
			if err := fn(&e); err != nil {
				return err
			}
			after = r.Seq
		}
		if len(rows) < 1000 {
			return nil
		}
	}
}

// PurgeAudit deletes the entries older than before and appends the purge
// record e naming the last entry deleted, in one transaction.
func (s *Store) PurgeAudit(ctx context.Context, before time.Time, e *audit.Entry) (int64, error) {
	var n int64
	err := s.inWriteTx(ctx, func(q queries) error {
		db := q.db.WithContext(ctx)
		if q.dialect == Postgres {
			if err := db.Exec("SELECT pg_advisory_xact_lock(?)", auditLockKey).Error; err != nil {
				return err
			}
		}
		var last auditRow
		err := db.Where("at < ?", before.UTC()).Order("seq DESC").Limit(1).Take(&last).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			e.Detail = "nothing to purge"
			return q.appendAudit(ctx, e)
		}
		if err != nil {
			return err
		}
		// Entries are purged up to the last old one, so that what remains
		// is an unbroken tail of the chain.
		res := db.Where("seq <= ?", last.Seq).Delete(&auditRow{})
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		e.Detail = audit.PurgeDetail(last.Seq, last.Hash)
		return q.appendAudit(ctx, e)
	})
	return n, err
}
