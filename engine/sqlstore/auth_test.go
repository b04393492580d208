package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/internal/testsvc"
)

func TestTokens(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			s := mustDemoStore(t, db)
			now := demoNow
			secret, tok, err := auth.IssueToken(ctx, s, s, "bank-ICBC", "ERP", now, 24*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if !auth.LooksLikeToken(secret) || tok.Hash != auth.Hash(secret) || tok.Hash == secret {
				t.Fatalf("secret %q, token %+v", secret, tok)
			}
			t.Run("ByHash", func(t *testing.T) {
				got, err := s.TokenByHash(ctx, auth.Hash(secret))
				if err != nil || got.User != "bank-ICBC" || !got.Active(now) || got.Active(now.Add(25*time.Hour)) {
					t.Fatalf("%+v %v", got, err)
				}
				tu, u, err := s.TokenUser(ctx, auth.Hash(secret))
				if err != nil || tu.ID != tok.ID || u.Name != "bank-ICBC" || u.Role != engine.RoleBank || u.Org != "ICBC" {
					t.Fatalf("TokenUser: %+v %+v %v", tu, u, err)
				}
				if u.PasswordHash != "" {
					t.Error("TokenUser read the user's password hash")
				}
				if _, _, err := s.TokenUser(ctx, auth.Hash("pfk_other")); engine.ErrorCode(err) != engine.ENOTFOUND {
					t.Fatalf("TokenUser of an unknown hash: %v", err)
				}
				if _, err := s.TokenByHash(ctx, auth.Hash("pfk_other")); engine.ErrorCode(err) != engine.ENOTFOUND {
					t.Fatalf("unknown hash: %v", err)
				}
			})
			t.Run("Revoke", func(t *testing.T) {
				if err := s.RevokeToken(ctx, tok.ID, now.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
				if err := s.RevokeToken(ctx, tok.ID, now.Add(2*time.Hour)); err != nil {
					t.Fatal(err)
				}
				got, err := s.Token(ctx, tok.ID)
				if err != nil || got.RevokedAt == nil || !got.RevokedAt.Equal(now.Add(time.Hour)) || got.Active(now) {
					t.Fatalf("%+v %v", got, err)
				}
				if err := s.RevokeToken(ctx, "tok_nothing", now); engine.ErrorCode(err) != engine.ENOTFOUND {
					t.Fatalf("revoke unknown: %v", err)
				}
			})
			t.Run("List", func(t *testing.T) {
				if _, _, err := auth.IssueToken(ctx, s, s, "city", "report", now, time.Hour); err != nil {
					t.Fatal(err)
				}
				mine, err := s.Tokens(ctx, "bank-ICBC")
				if err != nil || len(mine) != 1 {
					t.Fatalf("%v %v", mine, err)
				}
				all, err := s.Tokens(ctx, "")
				if err != nil || len(all) != 2 {
					t.Fatalf("%v %v", all, err)
				}
			})
			t.Run("ErrUnknownUser", func(t *testing.T) {
				if _, _, err := auth.IssueToken(ctx, s, s, "nobody", "x", now, time.Hour); engine.ErrorCode(err) != engine.ENOTFOUND {
					t.Fatalf("%v", err)
				}
			})
		})
	}
}

func TestSessions(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			s := mustDemoStore(t, db)
			now := demoNow
			sess := auth.Session{Hash: auth.Hash("cookie"), User: "city", CSRF: "csrf", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
			if err := s.CreateSession(ctx, sess); err != nil {
				t.Fatal(err)
			}
			got, err := s.Session(ctx, sess.Hash)
			if err != nil || got.User != "city" || got.CSRF != "csrf" || !got.ExpiresAt.Equal(sess.ExpiresAt) {
				t.Fatalf("%+v %v", got, err)
			}
			if n, err := s.DeleteExpiredSessions(ctx, now.Add(2*time.Hour)); err != nil || n != 1 {
				t.Fatalf("expired %d %v", n, err)
			}
			if _, err := s.Session(ctx, sess.Hash); engine.ErrorCode(err) != engine.ENOTFOUND {
				t.Fatalf("after expiry: %v", err)
			}
			if err := s.DeleteSession(ctx, sess.Hash); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestIdempotencyClaims(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			s := MustStore(t, db)
			now := time.Date(2026, 3, 1, 9, 0, 0, 123456000, time.UTC)
			claim := auth.Idempotency{User: "window-GXQ", Key: "k", RequestHash: "h1", CreatedAt: now}
			t.Run("OneWinner", func(t *testing.T) {
				var (
					wg   sync.WaitGroup
					mu   sync.Mutex
					wins int
				)
				for i := 0; i < 20; i++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						won, _, err := s.ClaimIdempotency(ctx, claim)
						if err != nil {
							t.Error(err)
						}
						if won {
							mu.Lock()
							wins++
							mu.Unlock()
						}
					}()
				}
				wg.Wait()
				if wins != 1 {
					t.Fatalf("%d winners", wins)
				}
			})
			t.Run("Existing", func(t *testing.T) {
				won, cur, err := s.ClaimIdempotency(ctx, auth.Idempotency{User: "window-GXQ", Key: "k", RequestHash: "h2", CreatedAt: now})
				if err != nil || won || cur == nil || cur.RequestHash != "h1" || cur.CaseID != "" {
					t.Fatalf("%v %+v %v", won, cur, err)
				}
			})
			t.Run("Complete", func(t *testing.T) {
				if err := s.CompleteIdempotency(ctx, "window-GXQ", "k", "case-1"); err != nil {
					t.Fatal(err)
				}
				// A completed claim is not released.
				if err := s.ReleaseIdempotency(ctx, "window-GXQ", "k", now); err != nil {
					t.Fatal(err)
				}
				_, cur, err := s.ClaimIdempotency(ctx, claim)
				if err != nil || cur == nil || cur.CaseID != "case-1" {
					t.Fatalf("%+v %v", cur, err)
				}
			})
			t.Run("Release", func(t *testing.T) {
				c := auth.Idempotency{User: "window-GXQ", Key: "k2", RequestHash: "h", CreatedAt: now}
				if won, _, err := s.ClaimIdempotency(ctx, c); !won || err != nil {
					t.Fatalf("%v %v", won, err)
				}
				if err := s.ReleaseIdempotency(ctx, "window-GXQ", "k2", now); err != nil {
					t.Fatal(err)
				}
				if won, _, err := s.ClaimIdempotency(ctx, c); !won || err != nil {
					t.Fatalf("after release: %v %v", won, err)
				}
			})
			t.Run("Forget", func(t *testing.T) {
				n, err := s.DeleteIdempotencyBefore(ctx, now.Add(time.Second))
				if err != nil || n != 2 {
					t.Fatalf("forgot %d: %v", n, err)
				}
				if won, _, err := s.ClaimIdempotency(ctx, claim); !won || err != nil {
					t.Fatalf("after forgetting: %v %v", won, err)
				}
			})
		})
	}
}

// TestTokenLookupsTogether looks many tokens up at once from many
// goroutines — known ones of several users and unknown ones — and checks
// that each
// lookup gets its own token and user, and that a revocation committed
// before a lookup starts is seen by it, however lookups are gathered.
func TestTokenLookupsTogether(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			s := mustDemoStore(t, db)
			now := demoNow
			users := []string{"bank-ICBC", "bank-CCB", "window-GXQ", "city", "county-GX"}
			type issued struct {
				secret string
				tok    *auth.Token
			}
			var toks []issued
			for i := 0; i < 20; i++ {
				secret, tok, err := auth.IssueToken(ctx, s, s, users[i%len(users)], fmt.Sprintf("t%d", i), now, 24*time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				toks = append(toks, issued{secret, tok})
			}
			var wg sync.WaitGroup
			errs := make(chan error, 1000)
			for g := 0; g < 40; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 25; i++ {
						k := (g*25 + i) % (len(toks) + 3)
						if k >= len(toks) {
							if _, _, err := s.TokenUser(ctx, auth.Hash(fmt.Sprintf("pfk_unknown_%d", k))); engine.ErrorCode(err) != engine.ENOTFOUND {
								errs <- fmt.Errorf("unknown token: %v", err)
							}
							continue
						}
						tu, u, err := s.TokenUser(ctx, toks[k].tok.Hash)
						if err != nil || tu.ID != toks[k].tok.ID || u.Name != toks[k].tok.User {
							errs <- fmt.Errorf("token %d: %+v %+v %v", k, tu, u, err)
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			// A revocation, then lookups at once: every one sees it.
			if err := s.RevokeToken(ctx, toks[0].tok.ID, now.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			var seen sync.WaitGroup
			for g := 0; g < 20; g++ {
				seen.Add(1)
				go func() {
					defer seen.Done()
					tu, _, err := s.TokenUser(ctx, toks[0].tok.Hash)
					if err != nil || tu.Active(now.Add(2*time.Minute)) {
						t.Errorf("revoked token looked up as %+v, %v", tu, err)
					}
				}()
			}
			seen.Wait()
		})
	}
}
