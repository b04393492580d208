package engine_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/demo"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// financingEnv is the engine with the financing workflow on a fresh
// PostgreSQL schema loaded with the demo data, a fake clock and a Redis
// timer index: what a production worker runs, with the clock in the
// benchmark's hands.
type financingEnv struct {
	store *sqlstore.Store
	clock *engine.FakeClock
	index engine.TimerIndex
	eng   *engine.Engine
	// opener is the window user and payload of each demo park, so that
	// cases spread over the parks' case-number counters.
	openers []opener
	// statements counts the SQL statements the store sends (not BEGIN and
	// COMMIT), through gorm callbacks, by their text up to the first
	// bound value.
	mu         sync.Mutex
	statements map[string]int
}

type opener struct {
	actor   engine.Actor
	payload json.RawMessage
}

// newFinancingEnv builds the environment with the clock at start and the
// store capped at maxConns connections.
func newFinancingEnv(b *testing.B, start time.Time, maxConns int) *financingEnv {
	b.Helper()
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, testsvc.PostgresURL(b), sqlstore.Options{MaxOpenConns: maxConns, LedgerKeys: testsvc.LedgerKeys()})
	if err != nil {
		b.Fatalf("open store: %v", err)
	}
	b.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		b.Fatalf("migrate: %v", err)
	}
	if _, err := demo.Seed(ctx, store, start); err != nil {
		b.Fatalf("seed: %v", err)
	}
	cal, err := calendar.LoadDefault()
	if err != nil {
		b.Fatal(err)
	}
	env := &financingEnv{store: store, clock: engine.NewFakeClock(start), index: newBenchRedisIndex(b)}
	env.eng = engine.New(engine.Config{Store: store, Clock: env.clock, Calendar: cal, Index: env.index, Logger: quietLogger})
	env.eng.Register(financing.Definition(financing.Config{}))
	env.statements = map[string]int{}
	env.countStatements(b)

	data, err := demo.Load()
	if err != nil {
		b.Fatal(err)
	}
	check, err := uscc.CheckChar("91430900MA4L00001")
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range data.Parks {
		u, err := store.User(ctx, "window-"+p.Code)
		if err != nil {
			b.Fatalf("demo window user of %s: %v", p.Code, err)
		}
		payload, err := json.Marshal(financing.OpenInput{
			Park:       p.Code,
			Enterprise: financing.Enterprise{Name: "益阳市示范机械制造有限公司", USCC: "91430900MA4L00001" + string(check)},
			Need:       "扩大生产线，需流动资金贷款，希望了解抵押条件和办理流程。",
			Amount:     "3000000",
		})
		if err != nil {
			b.Fatal(err)
		}
		env.openers = append(env.openers, opener{actor: u.Actor(), payload: payload})
	}
	return env
}

// countStatements hooks a counter after every kind of statement gorm runs.
func (env *financingEnv) countStatements(b *testing.B) {
	b.Helper()
	count := func(db *gorm.DB) {
		sql := db.Statement.SQL.String()
		if i := strings.IndexAny(sql, "$?"); i > 0 {
			sql = sql[:i]
		}
		env.mu.Lock()
		env.statements[sql]++
		env.mu.Unlock()
	}
	cb := env.store.DB().Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("bench:count", count),
		cb.Query().After("gorm:query").Register("bench:count", count),
		cb.Update().After("gorm:update").Register("bench:count", count),
		cb.Delete().After("gorm:delete").Register("bench:count", count),
		cb.Row().After("gorm:row").Register("bench:count", count),
		cb.Raw().After("gorm:raw").Register("bench:count", count),
	} {
		if err != nil {
			b.Fatal(err)
		}
	}
}

// backendPIDs returns the server process IDs of the store's connections.
// It holds the pool's conns connections at once (the pool keeps them idle
// afterwards, as MaxIdleConns equals MaxOpenConns) and asks each for its
// backend, but those already in use: the one the openings keep
// (sqlstore's openconn.go), which opens nothing while timers fire.
func (env *financingEnv) backendPIDs(b *testing.B, conns int) map[int]bool {
	b.Helper()
	ctx := context.Background()
	db, err := env.store.DB().DB()
	if err != nil {
		b.Fatal(err)
	}
	pids := make(map[int]bool, conns)
	held := make([]*sql.Conn, 0, conns)
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	free := conns - db.Stats().InUse
	for len(held) < free {
		c, err := db.Conn(ctx)
		if err != nil {
			b.Fatal(err)
		}
		held = append(held, c)
		var pid int
		if err := c.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			b.Fatal(err)
		}
		pids[pid] = true
	}
	return pids
}

// takeStatements returns the statements counted since the last call and
// starts counting afresh.
func (env *financingEnv) takeStatements() map[string]int {
	env.mu.Lock()
	defer env.mu.Unlock()
	s := env.statements
	env.statements = map[string]int{}
	return s
}

// openCases opens n financing cases at the fake clock's instant with
// goroutines at once, spread over the demo parks, and returns the reminder
// and limit instants they share.
func (env *financingEnv) openCases(b *testing.B, n, goroutines int) (reminder, limit time.Time) {
	b.Helper()
	ctx := context.Background()
	var (
		next   atomic.Int64
		wg     sync.WaitGroup
		mu     sync.Mutex
		first  error
		warnAt = map[time.Time]int{}
		dueAt  = map[time.Time]int{}
	)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				o := env.openers[i%len(env.openers)]
				c, err := env.eng.Open(ctx, engine.OpenRequest{Workflow: financing.Name, Actor: o.actor, Payload: o.payload})
				mu.Lock()
				if err != nil {
					if first == nil {
						first = fmt.Errorf("open case %d: %w", i, err)
					}
					mu.Unlock()
					return
				}
				if c.WarnAt == nil || c.DueAt == nil {
					first = fmt.Errorf("case %s opened without its reminder or limit", c.ID)
				} else {
					warnAt[*c.WarnAt]++
					dueAt[*c.DueAt]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if first != nil {
		b.Fatal(first)
	}
	if len(warnAt) != 1 || len(dueAt) != 1 {
		b.Fatalf("cases opened at one instant have %d reminder and %d limit instants, want one each", len(warnAt), len(dueAt))
	}
	for t := range warnAt {
		reminder = t
	}
	for t := range dueAt {
		limit = t
	}
	return reminder, limit
}

// count returns how many rows of table match where.
func (env *financingEnv) count(b *testing.B, table, where string, args ...any) int64 {
	b.Helper()
	var n int64
	if err := env.store.DB().Table(table).Where(where, args...).Count(&n).Error; err != nil {
		b.Fatal(err)
	}
	return n
}
