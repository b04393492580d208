package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/demo"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// demoNow is when the store tests seed the demo data.
var demoNow = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// mustDemoStore is MustStore with the demo data seeded at demoNow.
func mustDemoStore(t *testing.T, db testsvc.Database) *sqlstore.Store {
	t.Helper()
	s := MustStore(t, db)
	if _, err := demo.Seed(context.Background(), s, demoNow); err != nil {
		t.Fatal(err)
	}
	return s
}

func MustStore(t *testing.T, db testsvc.Database) *sqlstore.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, db.URL(t), sqlstore.Options{LedgerKeys: testsvc.LedgerKeys()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPairings(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			s := mustDemoStore(t, db)
			now := demoNow
			t.Run("SeedIsIdempotent", func(t *testing.T) {
				r, err := demo.Seed(ctx, s, now)
				if err != nil {
					t.Fatal(err)
				}
				if r.Pairings != 0 || r.Users != 0 {
					t.Fatalf("second seed added %+v", r)
				}
				parks, _ := s.Parks(ctx)
				users, _ := s.Users(ctx)
				if len(parks) != 10 || len(users) < 10+12+8+3 {
					t.Fatalf("%d parks, %d users", len(parks), len(users))
				}
			})
			t.Run("ChangeNeedsReason", func(t *testing.T) {
				_, err := s.Pair(ctx, engine.Pairing{Year: 2026, Park: "GXQ", Bank: "CEB", RecordedAt: now, RecordedBy: "admin"}, nil)
				if engine.ErrorCode(err) != engine.EDUPLICATE {
					t.Fatalf("in-year change without reason: %v", err)
				}
			})
			t.Run("ChangeIsKept", func(t *testing.T) {
				later := now.Add(24 * time.Hour)
				p, err := s.Pair(ctx, engine.Pairing{Year: 2026, Park: "GXQ", Bank: "CEB", Reason: "原主联系行网点撤并", RecordedAt: later, RecordedBy: "admin"}, nil)
				if err != nil {
					t.Fatal(err)
				}
				lead, err := s.LeadBank(ctx, "GXQ", 2026)
				if err != nil || lead.Bank != "CEB" || lead.ID != p.ID {
					t.Fatalf("lead bank after change: %+v %v", lead, err)
				}
				all, err := s.Pairings(ctx, 2026)
				if err != nil {
					t.Fatal(err)
				}
				var history []engine.Pairing
				for _, x := range all {
					if x.Park == "GXQ" {
						history = append(history, x)
					}
				}
				if len(history) != 2 || history[0].Bank != "ICBC" || history[0].SupersededAt == nil || !history[0].SupersededAt.Equal(later) || history[1].Reason == "" {
					t.Fatalf("history %+v", history)
				}
			})
			t.Run("SameBankIsNoop", func(t *testing.T) {
				before, _ := s.Pairings(ctx, 2027)
				if _, err := s.Pair(ctx, engine.Pairing{Year: 2027, Park: "GXQ", Bank: "ICBC", RecordedAt: now, RecordedBy: "admin"}, nil); err != nil {
					t.Fatal(err)
				}
				after, _ := s.Pairings(ctx, 2027)
				if len(after) != len(before) {
					t.Fatalf("re-pairing the same bank added a row")
				}
			})
			t.Run("UnknownBank", func(t *testing.T) {
				_, err := s.Pair(ctx, engine.Pairing{Year: 2027, Park: "GXQ", Bank: "NOPE", Reason: "x", RecordedAt: now}, nil)
				if engine.ErrorCode(err) != engine.ENOTFOUND {
					t.Fatalf("pairing an unknown bank: %v", err)
				}
			})
			t.Run("NoPairing", func(t *testing.T) {
				_, err := s.LeadBank(ctx, "GXQ", 2030)
				if engine.ErrorCode(err) != engine.ENOPAIRING {
					t.Fatalf("%v", err)
				}
			})
			t.Run("UnknownRole", func(t *testing.T) {
				err := s.PutUser(ctx, engine.User{Name: "x", Role: "boss", Org: "GXQ", CreatedAt: now}, nil)
				if engine.ErrorCode(err) != engine.EINVALID {
					t.Fatalf("%v", err)
				}
			})
		})
	}
}

func TestMigrateTwice(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			s := MustStore(t, db)
			applied, err := s.Migrate(context.Background())
			if err != nil || len(applied) != 0 {
				t.Fatalf("second migration applied %v (%v)", applied, err)
			}
		})
	}
}

// A transaction reads the directory for its openings in one statement:
// every park, with its pairings in force and their banks, at the first
// park it is asked for; the others, and a park that does not exist, are
// answered from what it read. On PostgreSQL a park renamed by another
// connection after that first read is still answered as it was read: at
// READ COMMITTED, a statement of its own would have seen the new name.
func TestParksReadOnceATransaction(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			s := mustDemoStore(t, db)
			parks, err := s.Parks(ctx)
			if err != nil || len(parks) < 2 {
				t.Fatalf("parks %v, %v", parks, err)
			}
			renamed := parks[len(parks)-1]
			err = s.InTx(ctx, func(tx engine.Tx) error {
				for i, p := range parks {
					got, err := tx.Park(ctx, p.Code)
					if err != nil {
						return err
					}
					if got.Name != p.Name || got.County != p.County {
						return fmt.Errorf("park %s read as %+v, not %+v", p.Code, got, p)
					}
					if i == 0 && db.Name == "postgres" {
						if err := s.DB().WithContext(ctx).Exec("UPDATE parks SET name = name || '（新）' WHERE code = ?", renamed.Code).Error; err != nil {
							return err
						}
					}
					pr, err := tx.LeadBank(ctx, p.Code, demoNow.Year())
					if err != nil {
						return fmt.Errorf("lead bank of %s: %v", p.Code, err)
					}
					if _, err := tx.Bank(ctx, pr.Bank); err != nil {
						return fmt.Errorf("bank %s: %v", pr.Bank, err)
					}
				}
				if _, err := tx.Park(ctx, "NOPE"); engine.ErrorCode(err) != engine.ENOTFOUND {
					return fmt.Errorf("an unknown park: %v", err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if db.Name == "postgres" {
				// The rename did commit: a read of its own sees it.
				got, err := s.Park(ctx, renamed.Code)
				if err != nil || got.Name != renamed.Name+"（新）" {
					t.Fatalf("park %s after the rename: %+v, %v", renamed.Code, got, err)
				}
			}
		})
	}
}
