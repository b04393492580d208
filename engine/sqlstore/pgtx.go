package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// A PostgreSQL transaction on a connection of its own (Store.InTx), begun
// with its first statement and committed with its last. database/sql's
// transactions spend a round trip on BEGIN and another on COMMIT, each of
// which, on a busy machine, waits for the server's backend and then for
// the goroutine that sent it to be scheduled again. A batch of openings
// (engine.Engine.Open) made five: BEGIN, the directory's read, the
// numbers, the flush of its rows, COMMIT. Here BEGIN goes in the same
// message as the directory's read (pgx's pipelined batch) and COMMIT in
// the same message as the flush: three.
//
// Whatever runs a statement on the transaction's connection goes through
// pgTxConn, gorm's statements and the store's own alike, and BEGIN is sent
// before the first of them if it was not yet: nothing can run outside the
// transaction. A connection left in a transaction by a failure that could
// not be rolled back is discarded, never handed back to the pool.

// pgTxConn is a transaction's connection, as gorm's ConnPool.
type pgTxConn struct {
	conn *sql.Conn
	// begun: BEGIN was sent (or is in the message being sent).
	begun bool
	// err: BEGIN failed; every later statement fails with it.
	err error
	// committed: COMMIT went with the last statement.
	committed bool
}

// begin sends BEGIN, alone, unless it was sent.
func (c *pgTxConn) begin(ctx context.Context) error {
	if !c.begun {
		c.begun = true
		if _, err := c.conn.ExecContext(ctx, "BEGIN"); err != nil {
			c.err = err
		}
	}
	return c.err
}

func (c *pgTxConn) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	if err := c.begin(ctx); err != nil {
		return nil, err
	}
	return c.conn.PrepareContext(ctx, query)
}

func (c *pgTxConn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := c.begin(ctx); err != nil {
		return nil, err
	}
	return c.conn.ExecContext(ctx, query, args...)
}

func (c *pgTxConn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := c.begin(ctx); err != nil {
		return nil, err
	}
	return c.conn.QueryContext(ctx, query, args...)
}

// QueryRowContext runs the query in the transaction. Should BEGIN have
// failed, the row reports a cancelled context and nothing is sent; the
// transaction then fails with BEGIN's error at its commit.
func (c *pgTxConn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if err := c.begin(ctx); err != nil {
		dead, cancel := context.WithCancel(ctx)
		cancel()
		return c.conn.QueryRowContext(dead, query, args...)
	}
	return c.conn.QueryRowContext(ctx, query, args...)
}

// pgx runs fn with the connection's pgx connection.
func (c *pgTxConn) pgx(fn func(*pgx.Conn) error) error {
	return c.conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqlstore: connection is a %T, not pgx's", dc)
		}
		return fn(sc.Conn())
	})
}

// beginQuery runs a query as the transaction's first statement, in one
// round trip with BEGIN, and hands its rows to scan; once the transaction
// has begun, the query goes alone.
func (c *pgTxConn) beginQuery(ctx context.Context, query string, scan func(pgx.Rows) error, args ...any) error {
	if c.begun {
		if c.err != nil {
			return c.err
		}
		return c.pgx(func(pc *pgx.Conn) error {
			rows, err := pc.Query(ctx, query, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			if err := scan(rows); err != nil {
				return err
			}
			rows.Close()
			return rows.Err()
		})
	}
	// From here BEGIN may have reached the server: the end of the
	// transaction rolls it back if anything fails.
	c.begun = true
	err := c.pgx(func(pc *pgx.Conn) error {
		b := &pgx.Batch{}
		b.Queue("BEGIN")
		b.Queue(query, args...)
		br := pc.SendBatch(ctx, b)
		if _, err := br.Exec(); err != nil {
			br.Close()
			return err
		}
		rows, err := br.Query()
		if err != nil {
			br.Close()
			return err
		}
		if err := scan(rows); err != nil {
			rows.Close()
			br.Close()
			return err
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			br.Close()
			return err
		}
		return br.Close()
	})
	return err
}

// execCommit runs the transaction's last statement and commits, in one
// round trip once the transaction has begun; it returns the rows the
// statement touched. Not begun, the statement is the transaction: it runs
// alone, which PostgreSQL commits as it ends.
func (c *pgTxConn) execCommit(ctx context.Context, query string, args ...any) (int64, error) {
	if !c.begun {
		var n int64
		err := c.pgx(func(pc *pgx.Conn) error {
			tag, err := pc.Exec(ctx, query, args...)
			n = tag.RowsAffected()
			return err
		})
		if err != nil {
			// Nothing of it stays, and no transaction is open.
			return 0, err
		}
		c.committed = true
		return n, nil
	}
	if c.err != nil {
		return 0, c.err
	}
	var n int64
	err := c.pgx(func(pc *pgx.Conn) error {
		b := &pgx.Batch{}
		b.Queue(query, args...)
		b.Queue("COMMIT")
		br := pc.SendBatch(ctx, b)
		tag, err := br.Exec()
		if err != nil {
			br.Close()
			return err
		}
		n = tag.RowsAffected()
		if tag, err = br.Exec(); err == nil && tag.String() != "COMMIT" {
			err = errNotCommitted
		}
		if err != nil {
			br.Close()
			return err
		}
		return br.Close()
	})
	if err != nil {
		return 0, err
	}
	c.committed = true
	return n, nil
}

// commit commits unless COMMIT went with the last statement; a
// transaction that never began has nothing to commit.
func (c *pgTxConn) commit(ctx context.Context) error {
	if c.committed || !c.begun {
		return nil
	}
	if c.err != nil {
		return c.err
	}
	err := c.pgx(func(pc *pgx.Conn) error {
		tag, err := pc.Exec(ctx, "COMMIT")
		if err == nil && tag.String() != "COMMIT" {
			err = errNotCommitted
		}
		return err
	})
	if err != nil {
		return err
	}
	c.committed = true
	return nil
}

// end rolls back what did not commit, and discards the connection if it
// is still inside a transaction after that (a rollback that could not be
// sent, a commit whose answer was lost). ctx must not be cancelled.
func (c *pgTxConn) end(ctx context.Context) {
	if c.begun && !c.committed {
		_, _ = c.conn.ExecContext(ctx, "ROLLBACK")
	}
	_ = c.conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok || sc.Conn().PgConn().TxStatus() != 'I' {
			return driver.ErrBadConn
		}
		return nil
	})
}

// errNotCommitted is returned when COMMIT was answered with a rollback.
var errNotCommitted = errors.New("sqlstore: the transaction was rolled back at its commit")
