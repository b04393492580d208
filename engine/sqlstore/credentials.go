package sqlstore

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine/audit"
)

type signInFailureRow struct {
	ID       int64 `gorm:"primaryKey"`
	UserName string
	Addr     string
	At       time.Time
}

func (signInFailureRow) TableName() string { return "sign_in_failures" }

type passwordHistoryRow struct {
	ID        int64 `gorm:"primaryKey"`
	UserName  string
	Hash      string
	ChangedAt time.Time
}

func (passwordHistoryRow) TableName() string { return "password_history" }

// RecordSignInFailure stores a failure and counts the name's failures
// since since.
func (s *Store) RecordSignInFailure(ctx context.Context, name, addr string, at, since time.Time) (int, error) {
	var n int64
	err := s.inWriteTx(ctx, func(q queries) error {
		db := q.db.WithContext(ctx)
		if err := db.Create(&signInFailureRow{UserName: name, Addr: addr, At: at.UTC()}).Error; err != nil {
			return err
		}
		// Old failures count no more: forget them.
		if err := db.Where("user_name = ? AND at < ?", name, since.UTC()).Delete(&signInFailureRow{}).Error; err != nil {
			return err
		}
		return db.Model(&signInFailureRow{}).Where("user_name = ? AND at >= ?", name, since.UTC()).Count(&n).Error
	})
	return int(n), translate(err)
}

// ClearSignInFailures forgets the name's failures.
func (s *Store) ClearSignInFailures(ctx context.Context, name string) error {
	return s.db.WithContext(ctx).Where("user_name = ?", name).Delete(&signInFailureRow{}).Error
}

func (q queries) record(ctx context.Context, ev *audit.Entry) error {
	if ev == nil {
		return nil
	}
	return q.appendAudit(ctx, ev)
}

// LockUser locks the account until until.
func (s *Store) LockUser(ctx context.Context, name string, until time.Time, ev *audit.Entry) error {
	return s.inWriteTx(ctx, func(q queries) error {
		if err := q.db.WithContext(ctx).Model(&userRow{}).Where("name = ?", name).Update("locked_until", until.UTC()).Error; err != nil {
			return err
		}
		return q.record(ctx, ev)
	})
}

// UnlockUser lifts the lock-out and forgets the failures.
func (s *Store) UnlockUser(ctx context.Context, name string, ev *audit.Entry) error {
	return s.inWriteTx(ctx, func(q queries) error {
		db := q.db.WithContext(ctx)
		if err := db.Model(&userRow{}).Where("name = ?", name).Update("locked_until", nil).Error; err != nil {
			return err
		}
		if err := db.Where("user_name = ?", name).Delete(&signInFailureRow{}).Error; err != nil {
			return err
		}
		return q.record(ctx, ev)
	})
}

// PasswordHistory returns the hashes of the last n passwords, newest
// first.
func (s *Store) PasswordHistory(ctx context.Context, name string, n int) ([]string, error) {
	var out []string
	err := s.db.WithContext(ctx).Model(&passwordHistoryRow{}).Where("user_name = ?", name).
		Order("changed_at DESC, id DESC").Limit(n).Pluck("hash", &out).Error
	return out, err
}

// SetPassword sets the hash, keeps it in the history and revokes the
// user's sessions and tokens, in one transaction.
func (s *Store) SetPassword(ctx context.Context, name, hash string, at time.Time, mustChange bool, ev *audit.Entry) error {
	defer s.credentialsChanged()
	return s.inWriteTx(ctx, func(q queries) error {
		db := q.db.WithContext(ctx)
		res := db.Model(&userRow{}).Where("name = ?", name).Updates(map[string]any{
			"password_hash": hash, "password_changed_at": at.UTC(), "must_change_password": mustChange})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFound("用户", name)
		}
		if err := db.Create(&passwordHistoryRow{UserName: name, Hash: hash, ChangedAt: at.UTC()}).Error; err != nil {
			return err
		}
		if err := q.revoke(ctx, name, at, false); err != nil {
			return err
		}
		return q.record(ctx, ev)
	})
}

// RevokeCredentials ends the user's sessions and revokes the user's
// tokens (with cascade, also those the user issued for others).
func (s *Store) RevokeCredentials(ctx context.Context, name string, at time.Time, cascade bool, ev *audit.Entry) error {
	defer s.credentialsChanged()
	return s.inWriteTx(ctx, func(q queries) error {
		if err := q.revoke(ctx, name, at, cascade); err != nil {
			return err
		}
		return q.record(ctx, ev)
	})
}

func (q queries) revoke(ctx context.Context, name string, at time.Time, cascade bool) error {
	db := q.db.WithContext(ctx)
	if err := db.Where("user_name = ?", name).Delete(&sessionRow{}).Error; err != nil {
		return err
	}
	toks := db.Model(&tokenRow{}).Where("revoked_at IS NULL")
	if cascade {
		toks = toks.Where("user_name = ? OR issued_by = ?", name, name)
	} else {
		toks = toks.Where("user_name = ?", name)
	}
	return toks.Update("revoked_at", at.UTC()).Error
}

// TouchSession records a request of the session.
func (s *Store) TouchSession(ctx context.Context, hash string, at time.Time) error {
	return s.db.WithContext(ctx).Model(&sessionRow{}).Where("hash = ?", hash).
		Session(&gorm.Session{SkipHooks: true}).Update("last_seen_at", at.UTC()).Error
}
