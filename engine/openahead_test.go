package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
)

// Where the store keeps the directory (PostgreSQL), an opening's event
// runs once, ahead of its transaction and against the directory kept, and
// the batch takes what it prepared; on SQLite it runs once, in the
// transaction. Either way each opening's Apply runs exactly once.
func TestOpeningsPreparedAheadOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
		var (
			mu    sync.Mutex
			runs  = map[string]int{}
			ahead = map[string]bool{}
		)
		counting := flowWith("counting", evOpen, func(apply applyFunc) applyFunc {
			return func(ctx context.Context, t *engine.Transition) error {
				// As a real opening does, it routes by the directory.
				if _, err := t.Directory.Park(ctx, "P1"); err != nil {
					return err
				}
				_, inTx := t.Directory.(engine.Tx)
				mu.Lock()
				runs[string(t.Payload)]++
				ahead[string(t.Payload)] = !inTx
				mu.Unlock()
				return apply(ctx, t)
			}
		})
		e.engine.Register(counting)
		if err := e.store.PutCounty(e.ctx, engine.County{Code: "C1", Name: "一区"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := e.store.PutPark(e.ctx, engine.Park{Code: "P1", Name: "一号园区", County: "C1"}, nil); err != nil {
			t.Fatal(err)
		}
		// The first opening reads the directory, which the store keeps.
		if _, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: counting.Name, Actor: windowP1,
			Payload: MustJSON(t, flowInput{Title: "first", Bank: "B1"})}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		payloads := make([]string, 24)
		for i := range payloads {
			raw := MustJSON(t, flowInput{Title: fmt.Sprintf("ahead %d", i), Bank: "B1"})
			payloads[i] = string(raw)
			wg.Go(func() {
				if _, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: counting.Name, Actor: windowP1, Payload: raw}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for _, p := range payloads {
			if n := runs[p]; n != 1 {
				t.Errorf("%s: its open event ran %d times", p, n)
			}
			if want := db.Name == "postgres"; ahead[p] != want {
				t.Errorf("%s: prepared ahead of its transaction %v, want %v", p, ahead[p], want)
			}
		}
	})
}

// An opening prepared ahead against the directory kept, whose park's lead
// bank changes before its batch commits, is routed to the new lead bank:
// the commit finds the directory changed, and the batch runs again,
// preparing the opening anew.
func TestOpeningPreparedAheadMeetsAChangedDirectory(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		be := newBatchEnv(t, db, 32)
		ctx := context.Background()
		park := be.parks[0]
		if _, err := be.engine.Open(ctx, be.request(t, park, "预热企业")); err != nil {
			t.Fatal(err)
		}
		year := be.Clock.Now().In(time.FixedZone("CST", 8*3600)).Year()
		old, err := be.Store.LeadBank(ctx, park, year)
		if err != nil {
			t.Fatal(err)
		}
		banks, err := be.Store.Banks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var other string
		for _, b := range banks {
			if b.Code != old.Bank {
				other = b.Code
				break
			}
		}
		if other == "" {
			t.Fatal("the demo data has one bank")
		}
		// A holds the committer for the store's delay; B, prepared ahead
		// meanwhile against the directory kept, waits for the next batch.
		be.slow.delay = 300 * time.Millisecond
		var (
			wg   sync.WaitGroup
			a, b *engine.Case
			ea   error
			eb   error
		)
		wg.Go(func() { a, ea = be.engine.Open(ctx, be.request(t, park, "甲企业")) })
		time.Sleep(50 * time.Millisecond)
		wg.Go(func() { b, eb = be.engine.Open(ctx, be.request(t, park, "乙企业")) })
		time.Sleep(50 * time.Millisecond)
		if _, err := be.Store.Pair(ctx, engine.Pairing{Year: year, Park: park, Bank: other, Reason: "年内更换主联系行",
			RecordedAt: be.Clock.Now(), RecordedBy: "admin"}, nil); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		if ea != nil || eb != nil {
			t.Fatalf("openings: %v, %v", ea, eb)
		}
		for _, c := range []*engine.Case{a, b} {
			d, err := financing.DataOf(be.mustCase(t, c.ID))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: lead bank %s", c.Title, d.LeadBank)
		}
		d, err := financing.DataOf(be.mustCase(t, b.ID))
		if err != nil {
			t.Fatal(err)
		}
		if d.LeadBank != other {
			t.Fatalf("the opening prepared before the change went to %s, not the new lead bank %s", d.LeadBank, other)
		}
		if r, err := be.Store.VerifyLedger(ctx); err != nil || !r.OK() {
			t.Fatalf("ledger: %s %v", r, err)
		}
	})
}

// An opening alone whose transaction fails gets that transaction's error,
// once: prepared ahead, it runs as a batch of one, and a batch of one is
// not tried again by itself as a larger batch's openings are.
func TestLonePreparedOpeningFailsOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		be := newBatchEnv(t, db, 32)
		be.slow.delay = 0
		ctx := context.Background()
		if _, err := be.engine.Open(ctx, be.request(t, be.parks[0], "预热企业")); err != nil {
			t.Fatal(err)
		}
		refused := errors.New("the caller's own write failed")
		var calls atomic.Int32
		req := be.request(t, be.parks[0], "写入失败企业")
		req.InTx = func(context.Context, engine.Tx, *engine.Case) error {
			calls.Add(1)
			return refused
		}
		c, err := be.engine.Open(ctx, req)
		if !errors.Is(err, refused) || c != nil {
			t.Fatalf("Open: %v, %v; want the caller's error", c, err)
		}
		if n := calls.Load(); n != 1 {
			t.Fatalf("the opening's transaction ran %d times", n)
		}
		next, err := be.engine.Open(ctx, be.request(t, be.parks[0], "之后的企业"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(next.Number, "-00002") {
			t.Fatalf("the next case is %s: the failed opening took a number", next.Number)
		}
	})
}
