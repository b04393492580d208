package sqlstore

import (
	"context"
	"database/sql"
	"sync"

	"gorm.io/gorm"
)

// The openings' connection. Cases are opened one transaction after the
// other (engine/openbatch.go), each a statement of several tables'
// inserts, a check of what was kept (check_kept) and triggers'
// functions. A backend prepares that statement and compiles those
// functions the first time its connection runs them, and a connection
// the pool opens anew must first be started; taken from the pool, a
// batch of openings now and then landed on such a connection, and the
// batches queued behind it while it did. The openings' transactions
// (those engine.Rerunnable marks) therefore keep one connection of the
// pool for themselves, warm from their first batch on; a second opening
// transaction at the same time (several committers, or one opened alone
// after its batch failed) takes one from the pool as before. After a
// transaction that failed or panicked, the connection goes back to the
// pool, which checks it before handing it out again (a transaction left
// open, a broken connection: stdlib.Conn.ResetSession), and the next
// opening takes one afresh.

// openingsKeepMin is the least pool (Options.MaxOpenConns) in which the
// openings keep a connection: in a smaller one, the connection they kept
// idle would leave the other transactions too few, or none.
const openingsKeepMin = 4

// openingsConn is the connection the openings keep, and who holds it.
type openingsConn struct {
	// keep: the pool can spare a connection (openingsKeepMin); set once
	// when the store opens.
	keep bool
	mu   sync.Mutex // held by the transaction on conn
	conn *sql.Conn
}

// connection runs fc with gorm on a connection of its own: an opening's
// transaction on the openings' connection when no other holds it and the
// pool is large enough to spare it, any other on one from the pool.
func (s *Store) connection(ctx context.Context, opening bool, fc func(*gorm.DB) error) error {
	if !opening || !s.openings.keep || !s.openings.mu.TryLock() {
		return s.db.WithContext(ctx).Connection(fc)
	}
	defer s.openings.mu.Unlock()
	if s.openings.conn == nil {
		// Kept beyond this request: not ended by its cancellation.
		c, err := s.sqlDB.Conn(context.WithoutCancel(ctx))
		if err != nil {
			return err
		}
		s.openings.conn = c
	}
	held := false
	defer func() {
		if !held {
			s.openings.conn.Close()
			s.openings.conn = nil
		}
	}()
	db := s.db.WithContext(ctx)
	db.Statement.ConnPool = s.openings.conn
	err := fc(db)
	held = err == nil
	return err
}

// release gives the openings' connection back to the pool (Store.Close).
func (c *openingsConn) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}
