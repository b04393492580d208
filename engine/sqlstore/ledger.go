package sqlstore

import (
	"context"
	"database/sql"

	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine/ledger"
)

// NextLedgerSeq reserves the next global sequence number: a sequence on
// PostgreSQL; on SQLite, whose writers are serialised, the next after the
// largest.
func (t *tx) NextLedgerSeq(ctx context.Context) (int64, error) {
	var n int64
	var err error
	if t.dialect == Postgres {
		err = t.db.WithContext(ctx).Raw("SELECT nextval('ledger_seq')").Scan(&n).Error
	} else {
		err = t.db.WithContext(ctx).Raw("SELECT COALESCE(MAX(seq), 0) + 1 FROM ledger").Scan(&n).Error
	}
	return n, err
}

// AppendLedger appends a sealed entry.
func (t *tx) AppendLedger(ctx context.Context, e *ledger.Entry) error {
	r := ledgerToRow(e)
	return translate(t.db.WithContext(ctx).Create(&r).Error)
}

// CaseLedger returns the case's entries, oldest first.
func (q queries) CaseLedger(ctx context.Context, caseID string) ([]ledger.Entry, error) {
	var rows []ledgerRow
	if err := q.db.WithContext(ctx).Where("case_id = ?", caseID).Order("seq").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]ledger.Entry, len(rows))
	for i, r := range rows {
		out[i] = ledgerFromRow(r)
	}
	return out, nil
}

// ScanLedger calls fn for every entry in ascending seq order.
func (q queries) ScanLedger(ctx context.Context, fn func(*ledger.Entry) error) error {
	rows, err := q.db.WithContext(ctx).Model(&ledgerRow{}).Order("seq").Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r ledgerRow
		if err := q.db.ScanRows(rows, &r); err != nil {
			return err
		}
		e := ledgerFromRow(r)
		if err := fn(&e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// LedgerHeads returns every case's recorded chain head.
func (q queries) LedgerHeads(ctx context.Context) ([]ledger.Head, error) {
	var rows []caseRow
	if err := q.db.WithContext(ctx).Select("id", "ledger_head", "ledger_len").Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]ledger.Head, len(rows))
	for i, r := range rows {
		out[i] = ledger.Head{CaseID: r.ID, Hash: r.LedgerHead, Len: r.LedgerLen}
	}
	return out, nil
}

// VerifyLedger checks the whole ledger in one consistent snapshot, so that
// cases moving meanwhile are not taken for tampering.
func (s *Store) VerifyLedger(ctx context.Context) (ledger.Report, error) {
	var report ledger.Report
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	err := s.db.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		var err error
		report, err = ledger.Verify(ctx, queries{db: db, dialect: s.dialect})
		return err
	}, opts)
	return report, err
}
