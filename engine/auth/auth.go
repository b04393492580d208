// Package auth holds the domain of signing in: personal API tokens,
// browser sessions and the idempotency records of case creation, with the
// store port that keeps them. Secrets are never stored: only their SHA-256
// hashes are, so a copy of the database lets no one sign in.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"github.com/parkfin/parkfin/engine"
)

// TokenPrefix starts every personal API token, so that a leaked one is easy
// to recognise in logs and by secret scanners.
const TokenPrefix = "pfk_"

// Token is a personal API token of a user. The secret itself is shown once,
// when it is issued.
type Token struct {
	// ID identifies the token for listing and revocation.
	ID string
	// User is the name of the user the token acts as.
	User string
	// Name says what the token is for ("ERP export").
	Name string
	// Hash is Hash(secret).
	Hash      string
	CreatedAt time.Time
	// ExpiresAt is when the token stops working.
	ExpiresAt time.Time
	// RevokedAt is set when the token was revoked.
	RevokedAt *time.Time
	// IssuedBy is the user who issued it: User itself, or an
	// administrator for a service account.
	IssuedBy string
}

// Active reports whether the token works at now.
func (t *Token) Active(now time.Time) bool {
	return t.RevokedAt == nil && now.Before(t.ExpiresAt)
}

// Session is a browser session, identified by the hash of its cookie.
type Session struct {
	// Hash is Hash(cookie value).
	Hash string
	// User is the signed-in user's name.
	User string
	// CSRF is the token state-changing requests must echo in a header.
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
	// LastSeenAt is the session's last request, for the idle timeout;
	// zero means CreatedAt.
	LastSeenAt time.Time
}

// Idle reports whether the session has been idle for longer than idle at
// now (never when idle is zero).
func (s *Session) Idle(now time.Time, idle time.Duration) bool {
	last := s.LastSeenAt
	if last.IsZero() {
		last = s.CreatedAt
	}
	return idle > 0 && now.Sub(last) >= idle
}

// Idempotency is the record of one Idempotency-Key of one user.
type Idempotency struct {
	User string
	Key  string
	// RequestHash is the hash of the canonical request body; the same key
	// with another body is an idempotency_conflict.
	RequestHash string
	// CaseID is the case created for the key; empty while the first
	// request is still creating it.
	CaseID    string
	CreatedAt time.Time
}

// Store keeps tokens, sessions and idempotency records. engine/sqlstore
// implements it.
type Store interface {
	// CreateToken stores a new token.
	CreateToken(ctx context.Context, t Token) error
	// TokenByHash returns the token with the hash, or not_found.
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	// TokenUser returns the token with the hash and its user in one
	// round trip, or not_found when there is no such token.
	TokenUser(ctx context.Context, hash string) (*Token, *engine.User, error)
	// Token returns the token with the ID, or not_found.
	Token(ctx context.Context, id string) (*Token, error)
	// Tokens lists the user's tokens (every user's when user is empty),
	// oldest first.
	Tokens(ctx context.Context, user string) ([]Token, error)
	// RevokeToken marks the token revoked at at; not_found when there is
	// no such token. Revoking twice keeps the first time.
	RevokeToken(ctx context.Context, id string, at time.Time) error

	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s Session) error
	// Session returns the session with the hash, or not_found.
	Session(ctx context.Context, hash string) (*Session, error)
	// DeleteSession ends the session; ending one that is gone is no error.
	DeleteSession(ctx context.Context, hash string) error
	// DeleteExpiredSessions removes the sessions expired at now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)

	// ClaimIdempotency stores r if no record has its user and key, and
	// reports true; otherwise it returns the existing record and false.
	ClaimIdempotency(ctx context.Context, r Idempotency) (bool, *Idempotency, error)
	IdempotencyRecorder
	// ReleaseIdempotency deletes a claim that has no case yet and was
	// created at createdAt (the claim of a request that failed, or one
	// abandoned by a crashed process), so that the key can be tried again.
	ReleaseIdempotency(ctx context.Context, user, key string, createdAt time.Time) error
	// DeleteIdempotencyBefore forgets the records created before t and
	// reports how many it deleted.
	DeleteIdempotencyBefore(ctx context.Context, t time.Time) (int64, error)

	Credentials
}

// NewSecret returns a random secret of 32 bytes, URL-safe, behind prefix.
func NewSecret(prefix string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// Hash returns the hex SHA-256 of a secret. Secrets are random and long, so
// a fast hash is enough: there is nothing to guess.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// LooksLikeToken reports whether s has the shape of a personal API token.
func LooksLikeToken(s string) bool {
	return strings.HasPrefix(s, TokenPrefix) && len(s) == len(TokenPrefix)+43
}

// IssueToken creates a token for the user, valid for ttl from now, and
// returns the secret, which is shown only this once. The user must exist and
// not be disabled.
func IssueToken(ctx context.Context, s Store, dir engine.Directory, user, name string, now time.Time, ttl time.Duration) (string, *Token, error) {
	return IssueTokenBy(ctx, s, dir, user, user, name, now, ttl)
}

// IssueTokenBy is IssueToken on behalf of issuer: the user itself, or an
// administrator issuing a service account's token, recorded as its issuer.
func IssueTokenBy(ctx context.Context, s Store, dir engine.Directory, issuer, user, name string, now time.Time, ttl time.Duration) (string, *Token, error) {
	u, err := dir.User(ctx, user)
	if err != nil {
		return "", nil, err
	}
	if u.Disabled {
		return "", nil, engine.Errorf(engine.EINVALID, "用户“%s”已停用，不能签发令牌。", "User %s is disabled; no token can be issued.", user)
	}
	if ttl <= 0 || ttl > MaxTokenTTL {
		return "", nil, engine.Invalid(engine.FieldError{Field: "ttl_days", Code: "range",
			Message: "A token lives between one day and one year.", MessageZH: "令牌有效期应在 1 天到 1 年之间。"})
	}
	secret, err := NewSecret(TokenPrefix)
	if err != nil {
		return "", nil, err
	}
	id, err := NewSecret("tok_")
	if err != nil {
		return "", nil, err
	}
	t := Token{ID: id[:20], User: u.Name, Name: name, Hash: Hash(secret), IssuedBy: issuer,
		CreatedAt: now.UTC().Truncate(time.Microsecond), ExpiresAt: now.Add(ttl).UTC().Truncate(time.Microsecond)}
	if err := s.CreateToken(ctx, t); err != nil {
		return "", nil, err
	}
	return secret, &t, nil
}

// MaxTokenTTL is the longest life of a personal API token.
const MaxTokenTTL = 366 * 24 * time.Hour

// DefaultTokenTTL is a token's life when none is asked for.
const DefaultTokenTTL = 90 * 24 * time.Hour

// IdempotencyRecorder records the case created for an Idempotency-Key. The
// SQL store's transactions implement it too, so that the record commits
// with the case it names: a crash can leave a claim without a case (taken
// over after a minute), never a case without its record.
type IdempotencyRecorder interface {
	// CompleteIdempotency records the case created for the key.
	CompleteIdempotency(ctx context.Context, user, key, caseID string) error
}
