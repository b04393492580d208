package sqlstore

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/parkfin/parkfin/engine/auth"
)

type idempotencyRow struct {
	UserName    string `gorm:"primaryKey"`
	Key         string `gorm:"primaryKey"`
	RequestHash string
	CaseID      string
	CreatedAt   time.Time `gorm:"autoCreateTime:false"`
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

// ClaimIdempotency stores r unless the user's key is taken, in which case
// it returns the record that holds it. The unique key decides races: of
// many concurrent claims exactly one inserts.
func (s *Store) ClaimIdempotency(ctx context.Context, r auth.Idempotency) (bool, *auth.Idempotency, error) {
	row := idempotencyRow{UserName: r.User, Key: r.Key, RequestHash: r.RequestHash, CaseID: r.CaseID, CreatedAt: utc(r.CreatedAt)}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		return false, nil, translate(res.Error)
	}
	if res.RowsAffected == 1 {
		return true, nil, nil
	}
	var cur idempotencyRow
	err := s.db.WithContext(ctx).Where("user_name = ? AND key = ?", r.User, r.Key).Limit(1).Find(&cur).Error
	if err != nil {
		return false, nil, err
	}
	if cur.UserName == "" {
		// Released between our insert and our read: the caller tries again.
		return false, nil, nil
	}
	return false, &auth.Idempotency{User: cur.UserName, Key: cur.Key, RequestHash: cur.RequestHash,
		CaseID: cur.CaseID, CreatedAt: utc(cur.CreatedAt)}, nil
}

// CompleteIdempotency records the case created for the key; within a
// transaction, with the case.
func (q queries) CompleteIdempotency(ctx context.Context, user, key, caseID string) error {
	return q.db.WithContext(ctx).Model(&idempotencyRow{}).Where("user_name = ? AND key = ?", user, key).
		Update("case_id", caseID).Error
}

var _ auth.IdempotencyRecorder = (*tx)(nil)

// ReleaseIdempotency deletes a claim without a case, created at createdAt.
func (s *Store) ReleaseIdempotency(ctx context.Context, user, key string, createdAt time.Time) error {
	return s.db.WithContext(ctx).Where("user_name = ? AND key = ? AND case_id = '' AND created_at = ?", user, key, createdAt.UTC()).
		Delete(&idempotencyRow{}).Error
}

// DeleteIdempotencyBefore forgets the records created before t.
func (s *Store) DeleteIdempotencyBefore(ctx context.Context, t time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("created_at < ?", t.UTC()).Delete(&idempotencyRow{})
	return res.RowsAffected, res.Error
}
