package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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
// the same message as the flush: three. With the directory and the
// numbers as the store kept them (kept.go), BEGIN, their check, the flush
// and COMMIT go in one message: one.
//
// Whatever runs a statement on the transaction's connection goes through
// pgTxConn, gorm's statements and the store's own alike, and BEGIN is sent
// before the first of them if it was not yet: nothing can run outside the
// transaction.

// pgTxConn is a transaction's connection, as gorm's ConnPool.
type pgTxConn struct {
	conn *sql.Conn
	// begun: BEGIN was sent (or is in the message being sent).
	begun bool
	// err: BEGIN failed; every later statement fails with it.
	err error
	// committed: COMMIT went with the last statement.
	committed bool
	// check is what the transaction used of what the store kept, sent
	// ahead of its next statement (kept.go); stale says what it found
	// changed when it failed.
	check *keptCheck
	stale staleness
}

// begin sends BEGIN unless it was sent, and the pending check, in one
// message.
func (c *pgTxConn) begin(ctx context.Context) error {
	if c.err != nil || c.begun && c.check == nil {
		return c.err
	}
	b := &pgx.Batch{}
	n := c.queue(b)
	c.err = c.pgx(func(pc *pgx.Conn) error {
		br := pc.SendBatch(ctx, b)
		defer br.Close()
		if err := c.queued(br, n); err != nil {
			return err
		}
		return br.Close()
	})
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
func (c *pgTxConn) pgx(fn func(*pgx.Conn) error) error { return withPgx(c.conn, fn) }

// withPgx runs fn with conn's pgx connection.
func withPgx(conn *sql.Conn, fn func(*pgx.Conn) error) error {
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqlstore: connection is a %T, not pgx's", dc)
		}
		return fn(sc.Conn())
	})
}

// rowScanner is what reading rows takes of database/sql's and pgx's.
type rowScanner interface {
	Next() bool
	Scan(...any) error
	Err() error
}

// beginQuery sends BEGIN, the pending check and the query, the
// transaction's first statement, in one message, and hands the query's
// rows to scan. It is for a transaction that has not begun.
func (c *pgTxConn) beginQuery(ctx context.Context, query string, scan func(rowScanner) error, args ...any) error {
	// From here BEGIN may have reached the server: the end of the
	// transaction rolls it back if anything fails.
	b := &pgx.Batch{}
	n := c.queue(b)
	b.Queue(query, args...)
	return c.pgx(func(pc *pgx.Conn) error {
		br := pc.SendBatch(ctx, b)
		defer br.Close()
		if err := c.queued(br, n); err != nil {
			return err
		}
		rows, err := br.Query()
		if err != nil {
			return err
		}
		defer rows.Close()
		if err := scan(rows); err != nil {
			return err
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return br.Close()
	})
}

// execCommit runs the transaction's last statement and commits, in one
// round trip (with BEGIN and the pending check if they were not sent); it
// returns the rows the statement touched. Not begun and with nothing to
// check, the statement is the transaction: it runs alone, which PostgreSQL
// commits as it ends.
func (c *pgTxConn) execCommit(ctx context.Context, query string, args ...any) (int64, error) {
	if !c.begun && c.check == nil {
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
	b := &pgx.Batch{}
	before := c.queue(b)
	b.Queue(query, args...)
	b.Queue("COMMIT")
	err := c.pgx(func(pc *pgx.Conn) error {
		br := pc.SendBatch(ctx, b)
		defer br.Close()
		if err := c.queued(br, before); err != nil {
			return err
		}
		tag, err := br.Exec()
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		if err := committed(br.Exec()); err != nil {
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
	if c.committed || !c.begun && c.check == nil {
		return nil
	}
	// A check still pending goes first: what was kept is kept at the
	// commit as moved on.
	if err := c.begin(ctx); err != nil {
		return err
	}
	err := c.pgx(func(pc *pgx.Conn) error { return committed(pc.Exec(ctx, "COMMIT")) })
	if err != nil {
		return err
	}
	c.committed = true
	return nil
}

// end rolls back what did not commit; ctx must not be cancelled. A
// connection still inside a transaction after that (a rollback that could
// not be sent, a commit whose answer was lost) is not handed to anyone
// else: pgx's database/sql driver discards it when the pool would reuse
// it (stdlib.Conn.ResetSession).
func (c *pgTxConn) end(ctx context.Context) {
	if c.begun && !c.committed {
		_, _ = c.conn.ExecContext(ctx, "ROLLBACK")
	}
}

// committed turns COMMIT's answer into an error unless it committed: a
// transaction that had failed answers ROLLBACK.
func committed(tag pgconn.CommandTag, err error) error {
	if err == nil && tag.String() != "COMMIT" {
		err = errNotCommitted
	}
	return err
}

// errNotCommitted is returned when COMMIT was answered with a rollback.
var errNotCommitted = errors.New("sqlstore: the transaction was rolled back at its commit")
