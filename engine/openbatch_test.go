package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/demo"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/all"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// slowStore is a real store whose transactions start late by delay: while
// one runs, the openings arriving queue, and go together in the next. It
// counts the transactions.
type slowStore struct {
	*sqlstore.Store
	delay time.Duration
	txs   atomic.Int64
}

func (s *slowStore) InTx(ctx context.Context, fn func(engine.Tx) error) error {
	s.txs.Add(1)
	time.Sleep(s.delay)
	return s.Store.InTx(ctx, fn)
}

// batchEnv is the financing engine over the demo data, opening with one
// committer at a time over a slowStore.
type batchEnv struct {
	*enginetest.Env
	slow   *slowStore
	engine *engine.Engine
	parks  []string
}

func newBatchEnv(t *testing.T, db testsvc.Database, batch int) *batchEnv {
	t.Helper()
	env := enginetest.New(t, db, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	slow := &slowStore{Store: env.Store, delay: 50 * time.Millisecond}
	eng := engine.New(engine.Config{Store: slow, Clock: env.Clock, Calendar: env.Overrides.Live(), Index: env.Index,
		OpenBatch: batch, OpenCommitters: 1})
	all.Register(eng, all.Config{})
	data, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	be := &batchEnv{Env: env, slow: slow, engine: eng}
	for _, p := range data.Parks {
		be.parks = append(be.parks, p.Code)
	}
	if len(be.parks) < 3 {
		t.Fatalf("the demo data has %d parks", len(be.parks))
	}
	return be
}

// request is an opening of a financing case at the park's window.
func (be *batchEnv) request(t *testing.T, park, enterprise string) engine.OpenRequest {
	t.Helper()
	u, err := be.Store.User(context.Background(), "window-"+park)
	if err != nil {
		t.Fatal(err)
	}
	check, err := uscc.CheckChar("91430900MA4L00001")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(financing.OpenInput{Park: park,
		Enterprise: financing.Enterprise{Name: enterprise, USCC: "91430900MA4L00001" + string(check)},
		Need:       "扩大生产线，需流动资金贷款。", Amount: "3000000"})
	if err != nil {
		t.Fatal(err)
	}
	return engine.OpenRequest{Workflow: financing.Name, Actor: u.Actor(), Payload: raw}
}

// openAll opens the requests at once and returns each one's case and
// error.
func (be *batchEnv) openAll(reqs []engine.OpenRequest) ([]*engine.Case, []error) {
	cases, errs := make([]*engine.Case, len(reqs)), make([]error, len(reqs))
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cases[i], errs[i] = be.engine.Open(context.Background(), req)
		}()
	}
	wg.Wait()
	return cases, errs
}

// Many openings at once across several parks share a few transactions and
// all succeed; each park's year is numbered from 1 without a gap or a
// repeat, and the ledger verifies. Each batch is reported (OnOpenBatch)
// with its openings and the time its committer held the slot — here at
// least the store's delay.
func TestConcurrentOpeningsShareTransactions(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		be := newBatchEnv(t, db, 32)
		var (
			mu      sync.Mutex
			batches []int
			held    []time.Duration
		)
		be.engine.OnOpenBatch(func(openings int, d time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			batches, held = append(batches, openings), append(held, d)
		})
		const n = 60
		var reqs []engine.OpenRequest
		for i := range n {
			reqs = append(reqs, be.request(t, be.parks[i%3], "并发登记企业"+strconv.Itoa(i)))
		}
		cases, errs := be.openAll(reqs)
		numbers := map[string][]int{}
		for i, c := range cases {
			if errs[i] != nil {
				t.Fatalf("opening %d: %v", i, errs[i])
			}
			k := strings.LastIndex(c.Number, "-")
			seq, err := strconv.Atoi(c.Number[k+1:])
			if err != nil {
				t.Fatalf("number %q", c.Number)
			}
			numbers[c.Number[:k]] = append(numbers[c.Number[:k]], seq)
			stored := be.mustCase(t, c.ID)
			if stored.Number != c.Number || stored.State != c.State || stored.Version != 1 {
				t.Fatalf("stored %+v, returned %+v", stored, c)
			}
		}
		if len(numbers) != 3 {
			t.Fatalf("prefixes %v", numbers)
		}
		for prefix, seqs := range numbers {
			sort.Ints(seqs)
			for i, s := range seqs {
				if s != i+1 {
					t.Fatalf("%s numbered %v: not 1 to %d", prefix, seqs, len(seqs))
				}
			}
		}
		txs := be.slow.txs.Load()
		if txs >= n/2 {
			t.Fatalf("%d openings took %d transactions", n, txs)
		}
		if r, err := be.Store.VerifyLedger(context.Background()); err != nil || !r.OK() {
			t.Fatalf("ledger: %s %v", r, err)
		}
		mu.Lock()
		defer mu.Unlock()
		sum := 0
		for i, k := range batches {
			sum += k
			if held[i] < be.slow.delay {
				t.Errorf("batch %d of %d openings held its slot %v, less than its transaction's delay %v", i, k, held[i], be.slow.delay)
			}
		}
		if sum != n || int64(len(batches)) != txs {
			t.Fatalf("reported %d batches of %v openings in all; want %d batches of %d", len(batches), sum, txs, n)
		}
	})
}

// An opening whose caller gave up before a committer ran it is answered
// with its context's error, opens nothing and is not counted as a batch's
// opening: the committers' busy time and batch sizes (OnOpenBatch) tell
// only openings tried. A caller whose context is already done finds, in
// openQueued's select, both a free committer slot and its context done;
// either way it must end the same.
func TestGivenUpOpeningsAreNotCounted(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		be := newBatchEnv(t, db, 32)
		be.slow.delay = 0
		var (
			mu      sync.Mutex
			batches []int
		)
		be.engine.OnOpenBatch(func(openings int, d time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			batches = append(batches, openings)
		})
		gone, cancel := context.WithCancel(context.Background())
		cancel()
		for i := range 40 {
			c, err := be.engine.Open(gone, be.request(t, be.parks[0], "撤回登记企业"+strconv.Itoa(i)))
			if !errors.Is(err, context.Canceled) || c != nil {
				t.Fatalf("opening %d with its caller gone: %v, %v; want context.Canceled", i, c, err)
			}
		}
		if txs := be.slow.txs.Load(); txs != 0 {
			t.Fatalf("openings whose callers had gone ran %d transactions", txs)
		}
		mu.Lock()
		if len(batches) != 0 {
			t.Fatalf("openings whose callers had gone were told as batches %v", batches)
		}
		mu.Unlock()
		c, err := be.engine.Open(context.Background(), be.request(t, be.parks[0], "撤回后登记企业"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(c.Number, "-00001") {
			t.Fatalf("the first case opened is numbered %s; the given-up ones took numbers", c.Number)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(batches) != 1 || batches[0] != 1 {
			t.Fatalf("one opening told as batches %v; want [1]", batches)
		}
	})
}

// In a batch, an opening the rules refuse (an unknown park) and one by an
// actor who may not open the case fail with their own errors; the others
// commit together, numbered without a gap.
func TestBatchRefusesOnlyTheBadOpening(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		be := newBatchEnv(t, db, 32)
		bank, err := be.Store.User(context.Background(), "bank-"+be.leadBank(t, be.parks[1]))
		if err != nil {
			t.Fatal(err)
		}
		var reqs []engine.OpenRequest
		for i := range 10 {
			reqs = append(reqs, be.request(t, be.parks[i%2], "批量企业"+strconv.Itoa(i)))
		}
		unknown := be.request(t, be.parks[0], "园区不存在的企业")
		unknown.Payload = []byte(strings.Replace(string(unknown.Payload), `"park":"`+be.parks[0]+`"`, `"park":"NOPARK"`, 1))
		forbidden := be.request(t, be.parks[1], "银行代登记企业")
		forbidden.Actor = bank.Actor()
		reqs = append(reqs[:4], append([]engine.OpenRequest{unknown}, reqs[4:]...)...)
		reqs = append(reqs[:8], append([]engine.OpenRequest{forbidden}, reqs[8:]...)...)
		cases, errs := be.openAll(reqs)
		for i := range reqs {
			switch i {
			case 4:
				if engine.ErrorCode(errs[i]) != engine.EINVALID || cases[i] != nil {
					t.Fatalf("unknown park: %v, %v", cases[i], errs[i])
				}
			case 8:
				if engine.ErrorCode(errs[i]) != engine.EFORBIDDEN || cases[i] != nil {
					t.Fatalf("opened by a bank: %v, %v", cases[i], errs[i])
				}
			default:
				if errs[i] != nil {
					t.Fatalf("opening %d: %v", i, errs[i])
				}
			}
		}
		// One transaction for the first to come, one or two for the
		// rest: the refusals did not send the batch back case by case.
		if txs := be.slow.txs.Load(); txs > 4 {
			t.Fatalf("%d openings took %d transactions", len(reqs), txs)
		}
		be.wantNumbered(t, cases)
	})
}

// When a batch's transaction fails (here the record one request writes
// with its case fails), it is rolled back and its openings run one by one:
// the failing one fails alone, the others commit, numbered without a gap.
func TestFailedBatchOpensOneByOne(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		be := newBatchEnv(t, db, 32)
		boom := errors.New("the record of this opening cannot be written")
		var reqs []engine.OpenRequest
		for i := range 12 {
			req := be.request(t, be.parks[i%3], "回退企业"+strconv.Itoa(i))
			if i == 7 {
				req.InTx = func(context.Context, engine.Tx, *engine.Case) error { return boom }
			}
			reqs = append(reqs, req)
		}
		cases, errs := be.openAll(reqs)
		for i := range reqs {
			if i == 7 {
				if !errors.Is(errs[i], boom) || cases[i] != nil {
					t.Fatalf("failing opening: %v, %v", cases[i], errs[i])
				}
				continue
			}
			if errs[i] != nil {
				t.Fatalf("opening %d: %v", i, errs[i])
			}
		}
		be.wantNumbered(t, cases)
		if r, err := be.Store.VerifyLedger(context.Background()); err != nil || !r.OK() {
			t.Fatalf("ledger: %s %v", r, err)
		}
	})
}

// A case opened in a batch ends exactly as one opened alone: the same
// case row, ledger entries, timers and notices.
func TestBatchOpeningEndsAsAlone(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		be := newBatchEnv(t, db, 32)
		alone, err := be.Engine.Open(context.Background(), be.request(t, be.parks[0], "同一企业"))
		if err != nil {
			t.Fatal(err)
		}
		var reqs []engine.OpenRequest
		for i := range 6 {
			reqs = append(reqs, be.request(t, be.parks[i%2], "同一企业"))
		}
		cases, errs := be.openAll(reqs)
		var batched *engine.Case
		for i, c := range cases {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if c.Number == be.parks[0]+"-2026-00004" {
				batched = c // opened in the batch after the first
			}
		}
		if batched == nil {
			t.Fatalf("no case numbered %s-2026-00004", be.parks[0])
		}
		if txs := be.slow.txs.Load(); txs > 3 {
			t.Fatalf("%d openings took %d transactions", len(reqs), txs)
		}
		a, b := be.describe(t, alone.ID), be.describe(t, batched.ID)
		a = strings.ReplaceAll(a, alone.Number, "NUMBER")
		b = strings.ReplaceAll(b, batched.Number, "NUMBER")
		if a != b {
			t.Fatalf("opened alone:\n%s\nin a batch:\n%s", a, b)
		}
	})
}

func (be *batchEnv) mustCase(t *testing.T, id string) *engine.Case {
	t.Helper()
	c, err := be.Store.Case(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// leadBank returns the park's lead bank in 2026.
func (be *batchEnv) leadBank(t *testing.T, park string) string {
	t.Helper()
	p, err := be.Store.LeadBank(context.Background(), park, 2026)
	if err != nil {
		t.Fatal(err)
	}
	return p.Bank
}

// wantNumbered checks the opened cases of each prefix are numbered 1 to
// their count.
func (be *batchEnv) wantNumbered(t *testing.T, cases []*engine.Case) {
	t.Helper()
	numbers := map[string][]string{}
	for _, c := range cases {
		if c == nil {
			continue
		}
		k := strings.LastIndex(c.Number, "-")
		numbers[c.Number[:k+1]] = append(numbers[c.Number[:k+1]], c.Number)
	}
	for prefix, got := range numbers {
		sort.Strings(got)
		for i, n := range got {
			if want := fmt.Sprintf("%s%05d", prefix, i+1); n != want {
				t.Fatalf("numbers %v: %s where %s was due", got, n, want)
			}
		}
	}
}

// describe renders what a case's opening left in the database, but its
// IDs, hashes and instants.
func (be *batchEnv) describe(t *testing.T, id string) string {
	t.Helper()
	ctx := context.Background()
	c := be.mustCase(t, id)
	var b strings.Builder
	limits, _ := json.Marshal(c.Limits)
	fmt.Fprintf(&b, "case %s %s v%d %q %q %s parties %v marks %v limits %s due %v soon %v ledger %d\n",
		c.Number, c.State, c.Version, c.Title, c.Ref, c.Data, c.Parties, c.Marks, limits, c.DueAt, c.DueSoon, c.LedgerLen)
	entries, err := be.Store.CaseLedger(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		fmt.Fprintf(&b, "ledger %s v%d %s/%s/%s %s %s>%s %s\n", e.Number, e.Version, e.ActorUser, e.ActorRole, e.ActorOrg,
			e.Event, e.From, e.To, e.Payload)
	}
	timers, err := be.Store.CaseTimers(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range timers {
		fmt.Fprintf(&b, "timer %s %s %d %s due %v workdays %d provisional %v\n", tm.Name, tm.Event, tm.Kind, tm.Status,
			tm.DueAt.UTC(), tm.Workdays, tm.Provisional)
	}
	var notices []struct {
		Kind, Event, CaseNumber, CaseTitle, State, ActorUser, Recipients, Payload string
	}
	if err := be.Store.DB().Raw(`SELECT kind, event, case_number, case_title, state, actor_user, recipients, payload
		FROM outbox WHERE case_id = ? ORDER BY kind`, id).Scan(&notices).Error; err != nil {
		t.Fatal(err)
	}
	for _, n := range notices {
		fmt.Fprintf(&b, "notice %+v\n", n)
	}
	return b.String()
}

// An opening whose workflow panics in a batch leaves no other opening
// waiting for ever: those of its batch get an error or their case, the
// panic goes up the stack of the one caller that ran the batch, and
// openings go on afterwards.
func TestPanickingOpeningReleasesItsBatch(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
		touchy := flowWith("touchy", evOpen, func(apply applyFunc) applyFunc {
			return func(ctx context.Context, t *engine.Transition) error {
				var in flowInput
				if err := json.Unmarshal(t.Payload, &in); err == nil && in.Title == "panic" {
					panic("this opening cannot be applied")
				}
				return apply(ctx, t)
			}
		})
		e.engine.Register(touchy)
		open := func(title string) (c *engine.Case, err error, panicked bool) {
			defer func() {
				if p := recover(); p != nil {
					panicked = true
				}
			}()
			c, err = e.engine.Open(e.ctx, engine.OpenRequest{Workflow: touchy.Name, Actor: windowP1,
				Payload: MustJSON(t, flowInput{Title: title, Bank: "B1"})})
			return c, err, false
		}
		done := make(chan bool, 12)
		for i := range 12 {
			title := "calm"
			if i == 5 {
				title = "panic"
			}
			go func() {
				_, _, panicked := open(title)
				done <- panicked
			}()
		}
		panics := 0
		for range 12 {
			select {
			case p := <-done:
				if p {
					panics++
				}
			case <-time.After(30 * time.Second):
				t.Fatal("openings still waiting after a panic in their batch")
			}
		}
		if panics != 1 {
			t.Fatalf("%d callers saw the panic", panics)
		}
		if c, err, _ := open("calm"); err != nil || c == nil {
			t.Fatalf("opening after the panic: %v", err)
		}
		if r, err := e.store.VerifyLedger(e.ctx); err != nil || !r.OK() {
			t.Fatalf("ledger: %s %v", r, err)
		}
	})
}

// heldIndex is a real timer index whose first Schedule of more timers than
// one opening arms (a batch's), once armed, waits until release is
// closed. Before it is armed it counts the timers of each Schedule.
type heldIndex struct {
	engine.TimerIndex
	single  atomic.Int64 // timers of one opening; 0 until armed
	last    atomic.Int64
	held    atomic.Bool
	holding chan struct{}
	release chan struct{}
}

func (x *heldIndex) Schedule(ctx context.Context, refs ...engine.TimerRef) error {
	x.last.Store(int64(len(refs)))
	if n := x.single.Load(); n > 0 && int64(len(refs)) > n && x.held.CompareAndSwap(false, true) {
		close(x.holding)
		<-x.release
	}
	return x.TimerIndex.Schedule(ctx, refs...)
}

// A committed batch gives up its committer slot before it tells the timer
// index and answers its callers: the next batch opens meanwhile. Each
// caller still gets its case only once its timers are in the index.
func TestNextBatchOpensWhileOneTellsTheIndex(t *testing.T) {
	db := testsvc.Databases()[0]
	env := enginetest.New(t, db, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	index := &heldIndex{TimerIndex: env.Index, holding: make(chan struct{}), release: make(chan struct{})}
	slow := &slowStore{Store: env.Store, delay: 50 * time.Millisecond}
	eng := engine.New(engine.Config{Store: slow, Clock: env.Clock, Calendar: env.Overrides.Live(), Index: index,
		OpenBatch: 32, OpenCommitters: 1})
	all.Register(eng, all.Config{})
	data, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	be := &batchEnv{Env: env, slow: slow, engine: eng, parks: []string{data.Parks[0].Code, data.Parks[1].Code}}

	type result struct {
		c   *engine.Case
		err error
	}
	open := func(n int, name string) chan result {
		out := make(chan result, n)
		for i := range n {
			req := be.request(t, be.parks[i%2], name+strconv.Itoa(i))
			go func() {
				c, err := eng.Open(context.Background(), req)
				out <- result{c, err}
			}()
		}
		return out
	}
	// One opening alone, to learn how many timers an opening arms.
	if _, err := eng.Open(context.Background(), be.request(t, be.parks[0], "独自登记企业")); err != nil {
		t.Fatal(err)
	}
	if index.last.Load() == 0 {
		t.Fatal("an opening armed no timer")
	}
	index.single.Store(index.last.Load())
	first := open(6, "先到企业")
	select {
	case <-index.holding:
	case <-time.After(10 * time.Second):
		t.Fatal("no batch reached the timer index")
	}
	// The first batch committed and waits on the index; its callers wait
	// with it.
	answered := 0
	for answered < 6 {
		select {
		case r := <-first:
			if r.err != nil {
				t.Fatal(r.err)
			}
			answered++
			continue
		case <-time.After(300 * time.Millisecond):
		}
		break
	}
	if answered == 6 {
		t.Fatal("every first opening was answered before its batch's timers were in the index")
	}
	// await takes one outcome from ch within 10 s, or fails saying why.
	await := func(ch chan result, why string) {
		t.Helper()
		select {
		case r := <-ch:
			if r.err != nil {
				t.Fatal(r.err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal(why)
		}
	}
	later := open(3, "后到企业")
	for range 3 {
		await(later, "the next openings waited for the previous batch to tell the index")
	}
	close(index.release)
	for ; answered < 6; answered++ {
		await(first, "the first batch's callers were not answered")
	}
}

// The open event's Apply finds the input its caller decoded already
// (OpenRequest.Decoded), its own in every batch, and nil where the caller
// decoded nothing.
func TestOpenHandsTheDecodedInputToApply(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
		var (
			mu   sync.Mutex
			seen = map[string]any{} // title → Transition.Decoded
		)
		decoding := flowWith("decoding", evOpen, func(apply applyFunc) applyFunc {
			return func(ctx context.Context, t *engine.Transition) error {
				var in flowInput
				if err := json.Unmarshal(t.Payload, &in); err != nil {
					return err
				}
				mu.Lock()
				seen[in.Title] = t.Decoded
				mu.Unlock()
				return apply(ctx, t)
			}
		})
		e.engine.Register(decoding)
		inputs := make([]*flowInput, 12)
		var wg sync.WaitGroup
		for i := range inputs {
			in := &flowInput{Title: fmt.Sprintf("decoded %d", i), Bank: "B1"}
			inputs[i] = in
			wg.Go(func() {
				if _, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: decoding.Name, Actor: windowP1,
					Payload: MustJSON(t, in), Decoded: in}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if _, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: decoding.Name, Actor: windowP1,
			Payload: MustJSON(t, flowInput{Title: "raw", Bank: "B1"})}); err != nil {
			t.Fatal(err)
		}
		for _, in := range inputs {
			if got, ok := seen[in.Title].(*flowInput); !ok || got != in {
				t.Errorf("%s: Apply saw %#v, not the caller's input", in.Title, seen[in.Title])
			}
		}
		if got, ok := seen["raw"]; !ok || got != nil {
			t.Errorf("an opening without a decoded input: Apply saw %#v (seen %v)", got, ok)
		}
	})
}

// Two processes open cases of the same parks, one after the other and then
// all at once. On PostgreSQL each keeps the case numbers between its
// transactions, so a batch sometimes takes numbers the other process took
// meanwhile: its transaction is run again. Every opening succeeds once,
// each park's year is numbered without a gap or a repeat, every case is
// stored as returned with one set of parties and timers, and the ledger
// verifies.
func TestOpeningsFromTwoProcesses(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		ctx := context.Background()
		a := enginetest.New(t, db, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		b := a.Another(t)
		be := &batchEnv{Env: a}
		data, err := demo.Load()
		if err != nil {
			t.Fatal(err)
		}
		parks := []string{data.Parks[0].Code, data.Parks[1].Code}
		var (
			mu    sync.Mutex
			cases []*engine.Case
		)
		open := func(e *engine.Engine, park string, i int) {
			c, err := e.Open(ctx, be.request(t, park, "两处登记企业"+strconv.Itoa(i)))
			if err != nil {
				t.Errorf("opening %d: %v", i, err)
				return
			}
			mu.Lock()
			cases = append(cases, c)
			mu.Unlock()
		}
		// In turn, in one park: each process's numbers go stale at the
		// other's next opening.
		for i := range 6 {
			open([]*engine.Engine{a.Engine, b.Engine}[i%2], parks[0], i)
		}
		if db.Name == "postgres" {
			_, na := a.Store.Reruns()
			_, nb := b.Store.Reruns()
			if na+nb == 0 {
				t.Fatal("no transaction was run again after the other process took numbers")
			}
		}
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range 10 {
					open([]*engine.Engine{a.Engine, b.Engine}[g%2], parks[j%2], 100+g*10+j)
				}
			}()
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		lone := be.mustCase(t, cases[0].ID)
		loneTimers, err := a.Store.CaseTimers(ctx, lone.ID)
		if err != nil || len(loneTimers) == 0 || len(lone.Parties) == 0 {
			t.Fatalf("the first case: %d timers, %d parties, %v", len(loneTimers), len(lone.Parties), err)
		}
		prefixes := map[string]bool{}
		for _, c := range cases {
			stored := be.mustCase(t, c.ID)
			if stored.Number != c.Number || stored.State != c.State || stored.Version != 1 || len(stored.Parties) != len(lone.Parties) {
				t.Fatalf("stored %+v, returned %+v", stored, c)
			}
			timers, err := a.Store.CaseTimers(ctx, c.ID)
			if err != nil || len(timers) != len(loneTimers) {
				t.Fatalf("timers of %s: %d, %v; the first case has %d", c.Number, len(timers), err, len(loneTimers))
			}
			prefixes[c.Number[:strings.LastIndex(c.Number, "-")+1]] = true
		}
		if len(cases) != 86 || len(prefixes) != 2 {
			t.Fatalf("%d cases under %d prefixes", len(cases), len(prefixes))
		}
		be.wantNumbered(t, cases)
		if r, err := a.Store.VerifyLedger(ctx); err != nil || !r.OK() {
			t.Fatalf("ledger: %s %v", r, err)
		}
	})
}
