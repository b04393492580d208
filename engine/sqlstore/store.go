// Package sqlstore implements engine.Store on PostgreSQL and on SQLite (the
// embedded default, through a pure-Go driver) with gorm. Migrations are
// versioned SQL files per dialect, embedded and applied with goose.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/ledger"
)

//go:embed migrations
var migrations embed.FS

// Dialect names the database behind a Store.
type Dialect string

// The supported dialects.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// Store is an engine.Store on a SQL database.
type Store struct {
	queries
	sqlDB *sql.DB
	keys  *ledger.Keyring
	// later is set when transactions leave their ledger entries unsealed
	// for a sealer (Sealing); seal is this store's own sealer, nil when it
	// runs none.
	later bool
	seal  *sealer
	// open maps the connection of each PostgreSQL transaction in progress
	// to it, for flushBefore (deferred.go).
	open sync.Map
	// pgURL is the PostgreSQL database's URL, for the verification's own
	// connections (ledger_verify.go).
	pgURL string
	// tokens gathers the bearer tokens' lookups on PostgreSQL
	// (tokenlookup.go).
	tokens *tokenLookups
	// creds keeps the tokens found while it hears their changes
	// (PostgreSQL; tokencache.go).
	creds *tokenCache
	// types are the column types of the tables that flushes insert into
	// as arrays (PostgreSQL; unnest.go).
	types *columnTypes
	// kept is the directory and the case numbers kept between
	// transactions (PostgreSQL; kept.go).
	kept *keeper
	// openings is the connection the openings' transactions keep
	// (PostgreSQL; openingsConn).
	openings openingsConn
}

var (
	_ engine.Store          = (*Store)(nil)
	_ engine.Tx             = (*tx)(nil)
	_ engine.DirectoryAdmin = (*Store)(nil)
)

// Options tune a Store.
type Options struct {
	// MaxOpenConns caps PostgreSQL connections; default 20. SQLite always
	// uses one connection: it serialises writers anyway.
	MaxOpenConns int
	// LogQueries logs every SQL statement (debugging).
	LogQueries bool
	// LedgerKeys authenticate new ledger entries and verify them. A store
	// without keys can read but refuses to append to the ledger.
	LedgerKeys *ledger.Keyring
	// Sealing says when ledger entries get their global number, link and
	// MAC: at commit (SealAtCommit, what SealAuto means on SQLite) or in a
	// sealer's batch shortly after (SealLater, what SealAuto means on
	// PostgreSQL). docs/ledger.md, "Sealing".
	Sealing Sealing
	// SealPoll is how often the store's sealer also looks for entries
	// other processes committed; default 250ms. It runs from the first
	// commit that leaves entries unsealed, and is woken by every such
	// commit. Negative: the store runs no sealer (entries wait for Seal or
	// another process's sealer).
	SealPoll time.Duration
	// Logger receives the sealer's errors; default slog.Default().
	Logger *slog.Logger
}

// Sealing says when a store seals ledger entries into the global chain.
type Sealing int

// The sealing modes.
const (
	SealAuto Sealing = iota
	SealAtCommit
	SealLater
)

// Open connects to the database at rawURL: "postgres://…" (or
// "postgresql://…") or "sqlite://PATH" ("sqlite://:memory:" for a throw-away
// database). It does not migrate; call Migrate.
func Open(ctx context.Context, rawURL string, opts Options) (*Store, error) {
	var (
		dialector gorm.Dialector
		dialect   Dialect
	)
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		dialect = Postgres
		// Each connection builds a large statement in buffers sized
		// once (presize.go).
		dialector = postgres.New(postgres.Config{DSN: rawURL, OptionOpenDB: []stdlib.OptionOpenDB{
			stdlib.OptionBeforeConnect(reserveLarge), stdlib.OptionAfterConnect(presizeArgs)}})
	case strings.HasPrefix(rawURL, "sqlite://"):
		dialect = SQLite
		dsn, err := sqliteDSN(strings.TrimPrefix(rawURL, "sqlite://"))
		if err != nil {
			return nil, err
		}
		dialector = sqlite.Open(dsn)
	default:
		return nil, fmt.Errorf("sqlstore: database URL must start with postgres:// or sqlite://, got %q", redact(rawURL))
	}
	cfg := &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true,
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
	if opts.LogQueries {
		cfg.Logger = logger.Default.LogMode(logger.Info)
	}
	db, err := gorm.Open(dialector, cfg)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", redact(rawURL), err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if dialect == SQLite {
		sqlDB.SetMaxOpenConns(1)
	} else {
		n := opts.MaxOpenConns
		if n <= 0 {
			n = 20
		}
		sqlDB.SetMaxOpenConns(n)
		sqlDB.SetMaxIdleConns(n)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("sqlstore: connect to %s: %w", redact(rawURL), err)
	}
	st := &Store{queries: queries{db: db, dialect: dialect}, sqlDB: sqlDB, keys: opts.LedgerKeys}
	st.openings.keep = dialect == Postgres && sqlDB.Stats().MaxOpenConnections >= openingsKeepMin
	st.later = opts.Sealing == SealLater || opts.Sealing == SealAuto && dialect == Postgres
	if dialect == Postgres {
		st.pgURL = rawURL
		st.tokens = &tokenLookups{db: sqlDB}
		st.creds = newTokenCache(rawURL, opts.Logger)
		st.types = &columnTypes{}
		st.kept = newKeeper()
		if err := st.deferWrites(); err != nil {
			sqlDB.Close()
			return nil, err
		}
	}
	if st.later && opts.SealPoll >= 0 {
		st.seal = newSealer(opts.SealPoll, opts.Logger)
	}
	return st, nil
}

// sqliteDSN turns a path into a DSN for the pure-Go driver: WAL, a busy
// timeout, foreign keys, times stored in a sortable text form (write
// transactions begin IMMEDIATE: see inImmediateTx). synchronous=FULL syncs the WAL at every commit: an
// acknowledged transition (and its ledger entry) survives a power loss,
// which NORMAL does not promise in WAL mode.
func sqliteDSN(path string) (string, error) {
	if path == "" {
		return "", fmt.Errorf("sqlstore: sqlite:// needs a path")
	}
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return "", fmt.Errorf("sqlstore: %w", err)
		}
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_time_format", "sqlite")
	return "file:" + path + "?" + q.Encode(), nil
}

// redact hides the password of a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// Dialect returns the database's dialect.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB returns the underlying gorm handle, for packages of this module that
// keep their own tables in the same database.
func (s *Store) DB() *gorm.DB { return s.db }

// Migrate applies every migration not yet applied and returns their names.
// On PostgreSQL a session lock makes concurrent migrations wait for each
// other.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	var (
		dialect goose.Dialect
		dir     string
		opts    []goose.ProviderOption
	)
	switch s.dialect {
	case Postgres:
		dialect, dir = goose.DialectPostgres, "migrations/postgres"
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	default:
		dialect, dir = goose.DialectSQLite3, "migrations/sqlite"
	}
	fsys, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(dialect, s.sqlDB, fsys, append(opts, goose.WithDisableGlobalRegistry(true))...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrate: %w", err)
	}
	var names []string
	for _, r := range results {
		names = append(names, r.Source.Path)
	}
	if s.types != nil && len(names) > 0 {
		// The tables may have changed: read their columns again.
		s.types.m.Clear()
	}
	if err := s.initLedgerChain(ctx); err != nil {
		return names, err
	}
	return names, nil
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.sqlDB.PingContext(ctx) }

// Close stops the store's sealer, seals what is left and closes the
// database.
func (s *Store) Close() error {
	s.stopSealer()
	if s.creds != nil {
		s.creds.stop()
	}
	s.openings.release()
	return s.sqlDB.Close()
}

// Reruns counts the transactions run again because what the store kept
// had changed (kept.go): the directory, and case numbers taken by another
// process. Zero on SQLite.
func (s *Store) Reruns() (directory, numbers uint64) {
	if s.kept == nil {
		return 0, 0
	}
	return s.kept.reruns[0].Load(), s.kept.reruns[1].Load()
}

// Directory returns the reference data.
func (s *Store) Directory() engine.DirectoryAdmin { return s }

// InTx runs fn in one transaction.
func (s *Store) InTx(ctx context.Context, fn func(engine.Tx) error) error {
	if s.dialect == SQLite {
		return translate(s.inImmediateTx(ctx, fn))
	}
	rerun := engine.IsRerunnable(ctx)
	t, stale, err := s.inTxOnce(ctx, fn, rerun)
	if stale != 0 { // only a transaction that may be run again checks what was kept
		// What was kept had changed: run it again on what the database
		// holds (kept.go).
		s.kept.changed(stale)
		t, _, err = s.inTxOnce(ctx, fn, false)
	}
	if err == nil && t.unsealed {
		s.sealSoon()
	}
	return translate(err)
}

// inTxOnce runs one attempt of InTx on PostgreSQL; stale says what it
// found changed of what was kept (check_kept) when that failed it, so that
// it may be run again without.
func (s *Store) inTxOnce(ctx context.Context, fn func(engine.Tx) error, rerun bool) (t *tx, stale staleness, err error) {
	var (
		c    *pgTxConn
		done bool // committed; a panic leaves it unset
	)
	defer func() {
		if t != nil {
			s.kept.settle(t.numbers, t.claimed, done)
		}
	}()
	err = s.connection(ctx, rerun, func(db *gorm.DB) error {
		conn, ok := db.Statement.ConnPool.(*sql.Conn)
		if !ok {
			return fmt.Errorf("sqlstore: a connection of its own is a %T", db.Statement.ConnPool)
		}
		// The transaction's statements go through c, which begins it
		// (pgtx.go); it ends on a context of its own, so that a cancelled
		// request cannot leave the connection inside it.
		c = &pgTxConn{conn: conn}
		db.Statement.ConnPool = c
		defer func() {
			p := recover()
			c.end(context.WithoutCancel(ctx))
			if p != nil {
				panic(p)
			}
		}()
		t = &tx{queries: queries{db: db, dialect: s.dialect}, keys: s.keys, later: s.later, deferred: true, types: s.types,
			conn: c, kept: s.kept, rerun: rerun}
		s.open.Store(c, t)
		defer s.open.Delete(c)
		if err := fn(t); err != nil {
			return err
		}
		if err := t.flushHeld(ctx); err != nil {
			return err
		}
		// Entries written unsealed go with the last flush; sealed at
		// commit, they are chained first.
		var last *deferredWrite
		if t.later {
			last = t.unsealedWrite()
		} else if err := t.flushLedger(ctx); err != nil {
			return err
		}
		if _, err := t.flush(ctx, last, true); err != nil {
			return err
		}
		return c.commit(ctx)
	})
	done = err == nil
	if err != nil && c != nil {
		stale = c.stale
	}
	return t, stale, err
}

// inImmediateTx runs fn in a BEGIN IMMEDIATE transaction on one connection.
// A transition reads before it writes; in a deferred transaction, SQLite
// answers the first write with SQLITE_BUSY at once — without waiting out
// the busy timeout — when another process (a CLI command beside serve)
// committed since the read began. Taking the write lock up front makes such
// writers wait for one another instead. The driver's _txlock=immediate
// would do it, but github.com/glebarez/go-sqlite v1.21.2 skips that option
// whenever _time_format is set too.
func (s *Store) inImmediateTx(ctx context.Context, fn func(engine.Tx) error) error {
	return s.db.WithContext(ctx).Connection(func(conn *gorm.DB) (err error) {
		if err := conn.Exec("BEGIN IMMEDIATE").Error; err != nil {
			return err
		}
		// Finish on a context of its own: a cancelled request must not
		// leave the connection inside a transaction.
		end := conn.WithContext(context.WithoutCancel(ctx))
		defer func() {
			if p := recover(); p != nil {
				end.Exec("ROLLBACK")
				panic(p)
			}
			if err != nil {
				end.Exec("ROLLBACK")
			}
		}()
		t := &tx{queries: queries{db: conn, dialect: s.dialect}, keys: s.keys, later: s.later}
		if err := fn(t); err != nil {
			return err
		}
		if err := t.flushHeld(ctx); err != nil {
			return err
		}
		if err := t.flushLedger(ctx); err != nil {
			return err
		}
		if err := end.Exec("COMMIT").Error; err != nil {
			return err
		}
		if t.unsealed {
			s.sealSoon()
		}
		return nil
	})
}

// queries are the reads and writes shared by a Store and its transactions.
type queries struct {
	db      *gorm.DB
	dialect Dialect
}

// tx is one transaction.
type tx struct {
	queries
	keys *ledger.Keyring
	// pending are the ledger entries appended, numbered and chained when
	// the transaction is about to commit (flushLedger).
	pending []*ledger.Entry
	// later: the entries are written unsealed, for a sealer; unsealed is
	// set once some were.
	later, unsealed bool
	// deferred: inserts wait in writes for the next statement (PostgreSQL;
	// deferred.go); flushing is set while they are sent.
	deferred, flushing bool
	writes             []deferredWrite
	// parks, and the pairings in force and their banks, as read at the
	// first park asked for in this transaction (tx.Park); nil until then.
	parks map[string]engine.Park
	leads map[leadKey]engine.Pairing
	banks map[string]engine.Bank
	// held is what a batch of timer firings holds (HoldTimerCases).
	held *held
	// types: the store's column types, for inserts sent as arrays.
	types *columnTypes
	// conn is the connection a PostgreSQL transaction runs on (InTx);
	// nil otherwise.
	conn *pgTxConn
	// kept is the store's (PostgreSQL); rerun: the transaction may be run
	// again (engine.Rerunnable), and so answer from it (kept.go; set only
	// on PostgreSQL, with kept and conn). numbers
	// are the last case numbers the transaction took of each prefix,
	// claimed the prefixes it took from kept.
	kept    *keeper
	rerun   bool
	numbers map[string]int
	claimed []string
	// dirVersion is the version of the directory the transaction read, or
	// took from what was kept and has checked (PostgreSQL); 0 if none.
	dirVersion int64
}
