package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/ledger"
)

// Idempotency timing: how often a replay looks whether the first request
// finished, how long it waits at most, and after how long a claim without a
// case is taken to be abandoned by a process that died.
const (
	idemPoll      = 10 * time.Millisecond
	idemWait      = 15 * time.Second
	idemAbandoned = time.Minute
	// IdempotencyRetention is how long a key is remembered: a replay after
	// that opens a new case.
	IdempotencyRetention = 24 * time.Hour
	// idemSweepEvery: one first use of a key in this many also forgets the
	// keys older than the retention.
	idemSweepEvery = 500
)

// openOnce opens the case for the user's Idempotency-Key once. The first
// request claims the key (a unique row decides races), opens the case and
// records its ID; concurrent replays wait for it and return the same case.
// The same key with another body is an idempotency_conflict. A request that
// fails releases its claim, so the key can be tried again.
func (s *Server) openOnce(c echo.Context, a engine.Actor, key string, body []byte, req engine.OpenRequest) (*engine.Case, bool, error) {
	ctx := c.Request().Context()
	hash, err := requestHash(body)
	if err != nil {
		return nil, false, err
	}
	// Waiting and abandonment are about real processes and real time, so
	// they read the wall clock, not the engine's (possibly fake) clock.
	deadline := time.Now().Add(idemWait)
	for {
		claim := auth.Idempotency{User: a.User, Key: key, RequestHash: hash,
			CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
		won, cur, err := s.auth.ClaimIdempotency(ctx, claim)
		if err != nil {
			return nil, false, err
		}
		if won {
			// The record of the case commits with the case.
			req.InTx = func(ctx context.Context, tx engine.Tx, cs *engine.Case) error {
				rec, ok := tx.(auth.IdempotencyRecorder)
				if !ok {
					return errors.New("api: the store cannot record an Idempotency-Key with the case")
				}
				return rec.CompleteIdempotency(ctx, a.User, key, cs.ID)
			}
			cs, err := s.engine.Open(ctx, req)
			if err != nil {
				// Release with a context of its own: the request's may be
				// what failed.
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				_ = s.auth.ReleaseIdempotency(rctx, a.User, key, claim.CreatedAt)
				cancel()
				return nil, false, err
			}
			if rand.IntN(idemSweepEvery) == 0 {
				if _, err := s.auth.DeleteIdempotencyBefore(ctx, time.Now().Add(-IdempotencyRetention)); err != nil {
					s.cfg.Logger.Warn("forgetting old idempotency keys failed", "err", err)
				}
			}
			return cs, false, nil
		}
		if cur != nil {
			if cur.RequestHash != hash {
				return nil, false, engine.Errorf(engine.EIDEMPOTENCY,
					"该幂等键已用于另一份登记内容，请换一个幂等键。",
					"This Idempotency-Key was used with another request body; use a new key.")
			}
			if cur.CaseID != "" {
				cs, err := s.engine.Case(ctx, a, cur.CaseID)
				return cs, true, err
			}
			if time.Since(cur.CreatedAt) > idemAbandoned {
				_ = s.auth.ReleaseIdempotency(ctx, a.User, key, cur.CreatedAt)
				continue
			}
		}
		if time.Now().After(deadline) {
			return nil, false, engine.Errorf(engine.EIDEMPOTENCY,
				"使用该幂等键的请求仍在处理中，请稍后重试。",
				"A request with this Idempotency-Key is still being processed; retry later.")
		}
		select {
		case <-ctx.Done():
			return nil, false, ctx.Err()
		case <-time.After(idemPoll):
		}
	}
}

// requestHash is the SHA-256 of the body's canonical JSON, so that the same
// request with its keys in another order or other spacing is the same.
func requestHash(body []byte) (string, error) {
	canon, err := ledger.CanonicalJSON(body)
	if err != nil {
		return "", engine.Invalid(engine.FieldError{Field: "body", Code: "malformed",
			Message: "The body is not valid JSON.", MessageZH: "提交的内容不是有效的 JSON。"})
	}
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:]), nil
}

// jsonOf encodes v.
func jsonOf(v any) (json.RawMessage, error) { return json.Marshal(v) }
