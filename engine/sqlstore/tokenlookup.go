package sqlstore

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Bearer tokens looked up together. Every request a machine makes looks its
// token up, and on PostgreSQL each lookup alone is a round trip that wakes
// a backend for a one-row query: under load the lookups cost the database
// more than the work the requests come for. Lookups that wait at the same
// time therefore go as one query (hash = ANY): one runs at a time, and the
// lookups that arrive meanwhile wait for the next. Each lookup still reads
// the database after its request arrived, so a token revoked or a user
// disabled before it is refused, as with a query of its own. Tokens found
// are then kept while their changes are heard (tokencache.go): only a
// token not kept comes here.

// tokenUserRow is a token joined with its user, as TokenUser reads it.
type tokenUserRow struct {
	ID, UserName, Name, Hash      string
	CreatedAt, ExpiresAt          time.Time
	RevokedAt                     *time.Time
	IssuedBy                      string
	UDisplayName, URole, UOrgCode string
	UDisabled                     bool
	UMustChangePassword           bool
	UCreatedAt                    time.Time
}

// tokenUserColumns are the columns of a token and its user, as
// tokenUserRow holds them: not the user's password hash, which a request
// made with a token never needs, so that no kept token holds one.
const tokenUserColumns = `SELECT t.id, t.user_name, t.name, t.hash, t.created_at, t.expires_at, t.revoked_at, t.issued_by,
		u.display_name AS u_display_name, u.role AS u_role, u.org_code AS u_org_code,
		u.disabled AS u_disabled, u.created_at AS u_created_at,
		u.must_change_password AS u_must_change_password`

// tokenUserQuery reads tokens with their users; its WHERE clause follows.
const tokenUserQuery = tokenUserColumns + `
		FROM api_tokens t JOIN users u ON u.name = t.user_name WHERE t.hash = `

// tokenUsersQuery reads the tokens of several hashes with their users. It
// joins the hashes as a table rather than testing hash = ANY($1): with
// ANY, PostgreSQL never trusts a generic plan for the prepared statement
// and plans it afresh at every lookup; joined, it plans it once.
const tokenUsersQuery = tokenUserColumns + `
		FROM unnest($1::text[]) AS h(hash) JOIN api_tokens t ON t.hash = h.hash JOIN users u ON u.name = t.user_name`

// maxTokenLookups bounds the hashes of one query.
const maxTokenLookups = 256

// tokenLookups gathers the lookups waiting at the same time.
type tokenLookups struct {
	db      *sql.DB
	mu      sync.Mutex
	waiting []*tokenLookup
	busy    bool // a query runs, and whoever runs it takes the next batch
}

// tokenLookup is one request's lookup and, once done is closed, its outcome.
type tokenLookup struct {
	hash  string
	row   tokenUserRow
	found bool
	err   error
	done  chan struct{}
}

// lookup returns the token with the hash and its user, found false when
// there is none. It joins the next query, or runs it when none runs.
func (l *tokenLookups) lookup(ctx context.Context, hash string) (tokenUserRow, bool, error) {
	req := &tokenLookup{hash: hash, done: make(chan struct{})}
	l.mu.Lock()
	l.waiting = append(l.waiting, req)
	lead := !l.busy
	l.busy = true
	l.mu.Unlock()
	if lead {
		// This lookup's own batch, at once; later arrivals, if any, are
		// taken on by a goroutine so that this request does not wait
		// for others' queries.
		if l.runBatch() {
			go l.drain()
		}
	}
	select {
	case <-req.done:
		return req.row, req.found, req.err
	case <-ctx.Done():
		return tokenUserRow{}, false, ctx.Err()
	}
}

// drain runs batches until none waits.
func (l *tokenLookups) drain() {
	for l.runBatch() {
	}
}

// runBatch runs one query for the lookups waiting, and reports whether
// more wait (and the caller must take them on). With none waiting, it
// marks that no query runs.
func (l *tokenLookups) runBatch() bool {
	l.mu.Lock()
	batch := l.waiting
	if len(batch) > maxTokenLookups {
		batch, l.waiting = batch[:maxTokenLookups], append([]*tokenLookup(nil), batch[maxTokenLookups:]...)
	} else {
		l.waiting = nil
	}
	if len(batch) == 0 {
		l.busy = false
		l.mu.Unlock()
		return false
	}
	l.mu.Unlock()
	l.query(batch)
	l.mu.Lock()
	more := len(l.waiting) > 0
	if !more {
		l.busy = false
	}
	l.mu.Unlock()
	return more
}

// query looks the batch's hashes up in one statement and hands each lookup
// its outcome. It does not end with the first request's context: the
// others wait for it too.
func (l *tokenLookups) query(batch []*tokenLookup) {
	defer func() {
		for _, req := range batch {
			close(req.done)
		}
	}()
	hashes := make([]string, 0, len(batch))
	byHash := make(map[string][]*tokenLookup, len(batch))
	for _, req := range batch {
		if byHash[req.hash] == nil {
			hashes = append(hashes, req.hash)
		}
		byHash[req.hash] = append(byHash[req.hash], req)
	}
	fail := func(err error) {
		for _, req := range batch {
			req.err = err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := l.db.Conn(ctx)
	if err != nil {
		fail(err)
		return
	}
	defer conn.Close()
	// pgx's own rows scan into the fields as they are; database/sql's
	// would convert every value to a driver.Value and back first.
	err = withPgx(conn, func(pc *pgx.Conn) error {
		rows, err := pc.Query(ctx, tokenUsersQuery, hashes)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r tokenUserRow
			if err := rows.Scan(&r.ID, &r.UserName, &r.Name, &r.Hash, &r.CreatedAt, &r.ExpiresAt, &r.RevokedAt, &r.IssuedBy,
				&r.UDisplayName, &r.URole, &r.UOrgCode, &r.UDisabled, &r.UCreatedAt, &r.UMustChangePassword); err != nil {
				return err
			}
			for _, req := range byHash[r.Hash] {
				req.row, req.found = r, true
			}
		}
		return rows.Err()
	})
	if err != nil {
		for _, req := range batch {
			req.row, req.found = tokenUserRow{}, false
		}
		fail(err)
	}
}
