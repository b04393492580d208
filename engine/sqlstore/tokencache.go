package sqlstore

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Bearer tokens kept between requests (PostgreSQL). A machine that calls
// the API sends its token with every request; looking it up each time, even
// with the lookups of concurrent requests gathered in one query
// (tokenlookup.go), took about a fifth of the server's CPU and a round trip
// to a backend per request. The store therefore keeps each token it found,
// with its user, as long as it hears every change that could make it wrong:
//
//   - Triggers (migration 00028) send a notification on the channel
//     parkfin_credentials, at the commit of any transaction that updates or
//     deletes a token, or changes a user's name, role, organisation,
//     password, whether disabled or must change the password: revocation,
//     password change, disabling, whatever process or tool does it.
//   - The store listens on that channel on a connection of its own. It
//     keeps nothing while it is not listening (before the LISTEN, after the
//     connection failed and until it listens again), and forgets everything
//     it kept at each notification and whenever it starts or stops
//     listening.
//   - A lookup's result is kept only if nothing was forgotten between the
//     moment the lookup was queued and its answer (an epoch counts the
//     forgettings): an answer read before a revocation, arriving after its
//     notification, is used for its own request and not kept.
//   - The store's own changes of credentials forget at once, after their
//     commit, without waiting for their notification; a token revoked
//     through this process is refused by its next request.
//   - An entry is used for tokenCacheMaxAge at most, and the listening
//     connection is pinged after tokenCachePing of silence.
//
// So a token revoked or a user disabled by another process is refused here
// once its notification arrives: on one machine, well under a millisecond
// after the commit. Token expiry is checked at every request, from the
// kept expiry time. Negative answers are not kept. Sessions (cookies) are
// not kept: each request reads its session, as it records it.

// credentialsChannel is the channel the triggers notify on. Channels are
// the database's, not a schema's: deployments in several schemas of one
// database hear each other's changes, and only forget more often.
const credentialsChannel = "parkfin_credentials"

// listenerName is the listening connection's application_name, as
// pg_stat_activity shows it, unless the database URL names one.
const listenerName = "parkfin token cache"

const (
	// tokenCacheMaxAge is how long a kept token is used before it is
	// looked up again, whatever was heard.
	tokenCacheMaxAge = 30 * time.Second
	// tokenCachePing is how long the listening connection may be silent
	// before it is pinged; a failed ping ends the listening.
	tokenCachePing = 10 * time.Second
	// tokenCacheMax bounds the tokens kept; past it the cache starts over.
	tokenCacheMax = 10000
	// tokenCacheRetry is the longest wait before listening again after the
	// connection failed.
	tokenCacheRetry = 5 * time.Second
)

// errNoCredentialsTriggers says the database lacks the triggers that
// notify changes of credentials.
var errNoCredentialsTriggers = errors.New("the triggers that notify changes of credentials (migration 00028) are missing or disabled")

// tokenCache keeps tokens with their users while it listens for their
// changes.
type tokenCache struct {
	url string
	log *slog.Logger

	mu    sync.Mutex
	live  bool   // listening: the cache may be read and filled
	epoch uint64 // raised at every forgetting
	rows  map[string]keptToken
	// started is set once the listener runs; closed once the store
	// closes it.
	started, closed bool
	cancel          context.CancelFunc
	done            chan struct{}

	hits, misses atomic.Uint64
}

// keptToken is a token's row as looked up, and when.
type keptToken struct {
	row tokenUserRow
	at  time.Time
}

func newTokenCache(url string, log *slog.Logger) *tokenCache {
	if log == nil {
		log = slog.Default()
	}
	return &tokenCache{url: url, log: log, rows: map[string]keptToken{}}
}

// get returns the kept row of the hash, if the cache is live and holds a
// fresh one.
func (c *tokenCache) get(hash string, now time.Time) (tokenUserRow, bool) {
	c.mu.Lock()
	k, ok := c.rows[hash]
	ok = ok && c.live && now.Sub(k.at) < tokenCacheMaxAge
	c.mu.Unlock()
	if !ok {
		c.misses.Add(1)
		return tokenUserRow{}, false
	}
	c.hits.Add(1)
	return k.row, true
}

// begin is called before a lookup is queued: it returns the epoch to hand
// put with the lookup's answer, and starts the listener the first time.
func (c *tokenCache) begin() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.started && !c.closed {
		ctx, cancel := context.WithCancel(context.Background())
		c.started, c.cancel, c.done = true, cancel, make(chan struct{})
		go c.listen(ctx, c.done)
	}
	return c.epoch
}

// put keeps the row looked up since begin returned epoch, unless the cache
// forgot since or is not live.
func (c *tokenCache) put(epoch uint64, hash string, row tokenUserRow, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live || c.epoch != epoch {
		return
	}
	if len(c.rows) >= tokenCacheMax {
		clear(c.rows)
	}
	c.rows[hash] = keptToken{row: row, at: now}
}

// forget drops every kept token.
func (c *tokenCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgetLocked()
}

// forgetLocked is forget with c.mu held.
func (c *tokenCache) forgetLocked() {
	c.epoch++
	clear(c.rows)
}

// setLive forgets everything and says whether the cache may be used.
func (c *tokenCache) setLive(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.live = live
	c.forgetLocked()
}

// stop ends the listener and waits for it.
func (c *tokenCache) stop() {
	c.mu.Lock()
	c.closed = true
	cancel, done := c.cancel, c.done
	c.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// listen listens for changes of credentials until ctx ends, connecting
// again after a failure.
func (c *tokenCache) listen(ctx context.Context, done chan struct{}) {
	defer close(done)
	wait, last := 100*time.Millisecond, ""
	for {
		listened, err := c.listenOnce(ctx)
		c.setLive(false)
		if listened {
			// The failure is new.
			wait, last = 100*time.Millisecond, ""
		}
		if ctx.Err() != nil {
			return
		}
		if err.Error() != last {
			last = err.Error()
			c.log.Warn("token cache: not listening for changes of credentials; every token is looked up until it listens again",
				"err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, tokenCacheRetry)
	}
}

// listenOnce connects, listens and forgets at each notification until the
// connection fails or ctx ends; it reports whether it got to listen.
func (c *tokenCache) listenOnce(ctx context.Context) (listened bool, err error) {
	cfg, err := pgconn.ParseConfig(c.url)
	if err != nil {
		return false, err
	}
	cfg.OnNotification = func(*pgconn.PgConn, *pgconn.Notification) { c.forget() }
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = listenerName
	}
	conn, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		return false, err
	}
	defer func() {
		end, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		conn.Close(end)
	}()
	// Without the triggers (a database not migrated to 00028, or their
	// being switched off), nothing would be heard: keep nothing.
	res, err := conn.Exec(ctx, `SELECT count(*) FROM pg_trigger
		WHERE tgrelid IN ('api_tokens'::regclass, 'users'::regclass)
		  AND tgname IN ('api_tokens_credentials', 'users_credentials') AND tgenabled <> 'D';
		LISTEN `+credentialsChannel).ReadAll()
	if err != nil {
		return false, err
	}
	if len(res) == 0 || len(res[0].Rows) != 1 || string(res[0].Rows[0][0]) != "2" {
		return false, errNoCredentialsTriggers
	}
	c.setLive(true)
	for {
		wctx, cancel := context.WithTimeout(ctx, tokenCachePing)
		err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return true, ctx.Err()
		case err == nil:
			// OnNotification forgot.
		case pgconn.Timeout(err):
			pctx, cancel := context.WithTimeout(ctx, tokenCachePing)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return true, err
			}
		default:
			return true, err
		}
	}
}
