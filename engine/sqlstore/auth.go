package sqlstore

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/auth"
)

var _ auth.Store = (*Store)(nil)

type tokenRow struct {
	ID        string `gorm:"primaryKey"`
	UserName  string
	Name      string
	Hash      string
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
	ExpiresAt time.Time
	RevokedAt *time.Time
	IssuedBy  string
}

func (tokenRow) TableName() string { return "api_tokens" }

type sessionRow struct {
	Hash       string `gorm:"primaryKey"`
	UserName   string
	CSRF       string    `gorm:"column:csrf"`
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
	ExpiresAt  time.Time
	LastSeenAt *time.Time
}

func (sessionRow) TableName() string { return "sessions" }

func tokenFromRow(r tokenRow) auth.Token {
	return auth.Token{ID: r.ID, User: r.UserName, Name: r.Name, Hash: r.Hash,
		CreatedAt: utc(r.CreatedAt), ExpiresAt: utc(r.ExpiresAt), RevokedAt: utcPtr(r.RevokedAt), IssuedBy: r.IssuedBy}
}

// CreateToken stores a new token.
func (s *Store) CreateToken(ctx context.Context, t auth.Token) error {
	r := tokenRow{ID: t.ID, UserName: t.User, Name: t.Name, Hash: t.Hash,
		CreatedAt: utc(t.CreatedAt), ExpiresAt: utc(t.ExpiresAt), RevokedAt: utcPtr(t.RevokedAt), IssuedBy: t.IssuedBy}
	return translate(s.db.WithContext(ctx).Create(&r).Error)
}

// TokenByHash returns the token with the hash, or not_found.
func (s *Store) TokenByHash(ctx context.Context, hash string) (*auth.Token, error) {
	return s.token(ctx, "hash = ?", hash)
}

// TokenUser returns the token with the hash and its user, joined in one
// query: it runs on every request a machine makes. The user comes without
// its password hash (tokenUserColumns). On PostgreSQL, lookups
// that wait at the same time share their query (tokenlookup.go), and a
// token found is kept while the store hears its changes (tokencache.go).
func (s *Store) TokenUser(ctx context.Context, hash string) (*auth.Token, *engine.User, error) {
	var r tokenUserRow
	if s.dialect == Postgres {
		now := time.Now()
		if kept, ok := s.creds.get(hash, now); ok {
			r = kept
		} else {
			epoch := s.creds.begin()
			looked, found, err := s.tokens.lookup(ctx, hash)
			if err != nil {
				return nil, nil, err
			}
			r = looked
			if found {
				s.creds.put(epoch, hash, r, now)
			}
		}
	} else if err := s.db.WithContext(ctx).Raw(tokenUserQuery+"?", hash).Scan(&r).Error; err != nil {
		return nil, nil, err
	}
	if r.ID == "" {
		return nil, nil, engine.Errorf(engine.ENOTFOUND, "找不到该令牌。", "No such token.")
	}
	t := tokenFromRow(tokenRow{ID: r.ID, UserName: r.UserName, Name: r.Name, Hash: r.Hash,
		CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, RevokedAt: r.RevokedAt, IssuedBy: r.IssuedBy})
	u := userFromRow(userRow{Name: r.UserName, DisplayName: r.UDisplayName, Role: r.URole, OrgCode: r.UOrgCode,
		Disabled: r.UDisabled, CreatedAt: r.UCreatedAt, MustChangePassword: r.UMustChangePassword})
	return &t, &u, nil
}

// Token returns the token with the ID, or not_found.
func (s *Store) Token(ctx context.Context, id string) (*auth.Token, error) {
	return s.token(ctx, "id = ?", id)
}

func (s *Store) token(ctx context.Context, where, arg string) (*auth.Token, error) {
	var r tokenRow
	if err := s.db.WithContext(ctx).Where(where, arg).Take(&r).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, engine.Errorf(engine.ENOTFOUND, "找不到该令牌。", "No such token.")
		}
		return nil, err
	}
	t := tokenFromRow(r)
	return &t, nil
}

// Tokens lists the user's tokens, or every user's when user is empty,
// oldest first.
func (s *Store) Tokens(ctx context.Context, user string) ([]auth.Token, error) {
	db := s.db.WithContext(ctx)
	if user != "" {
		db = db.Where("user_name = ?", user)
	}
	var rows []tokenRow
	if err := db.Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]auth.Token, len(rows))
	for i, r := range rows {
		out[i] = tokenFromRow(r)
	}
	return out, nil
}

// RevokeToken marks the token revoked; revoking twice keeps the first time.
func (s *Store) RevokeToken(ctx context.Context, id string, at time.Time) error {
	if _, err := s.Token(ctx, id); err != nil {
		return err
	}
	defer s.credentialsChanged()
	return s.db.WithContext(ctx).Model(&tokenRow{}).Where("id = ? AND revoked_at IS NULL", id).
		Update("revoked_at", at.UTC()).Error
}

// TokenLookups counts the bearer tokens looked up since the store opened:
// answered from what it kept, and read from the database. Zero on SQLite,
// which keeps none.
func (s *Store) TokenLookups() (kept, read uint64) {
	if s.creds == nil {
		return 0, 0
	}
	return s.creds.hits.Load(), s.creds.misses.Load()
}

// credentialsChanged forgets the tokens kept, after this store changed a
// token or a user: its next request does not wait for the notification.
func (s *Store) credentialsChanged() {
	if s.creds != nil {
		s.creds.forget()
	}
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, a auth.Session) error {
	r := sessionRow{Hash: a.Hash, UserName: a.User, CSRF: a.CSRF, CreatedAt: utc(a.CreatedAt), ExpiresAt: utc(a.ExpiresAt),
		LastSeenAt: nilIfZero(a.LastSeenAt)}
	return translate(s.db.WithContext(ctx).Create(&r).Error)
}

// Session returns the session with the hash, or not_found.
func (s *Store) Session(ctx context.Context, hash string) (*auth.Session, error) {
	var r sessionRow
	if err := s.db.WithContext(ctx).Where("hash = ?", hash).Take(&r).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, engine.Errorf(engine.ENOTFOUND, "会话不存在或已结束。", "No such session.")
		}
		return nil, err
	}
	return &auth.Session{Hash: r.Hash, User: r.UserName, CSRF: r.CSRF, CreatedAt: utc(r.CreatedAt), ExpiresAt: utc(r.ExpiresAt),
		LastSeenAt: zeroIfNil(r.LastSeenAt)}, nil
}

// DeleteSession ends the session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return s.db.WithContext(ctx).Where("hash = ?", hash).Delete(&sessionRow{}).Error
}

// DeleteExpiredSessions removes the sessions expired at now.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at <= ?", now.UTC()).Delete(&sessionRow{})
	return res.RowsAffected, res.Error
}
