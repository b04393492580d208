package sqlstore

import (
	"testing"
	"time"
)

// An answer read before a forgetting is not kept; one read after is, and
// only while the cache listens, and for tokenCacheMaxAge at most.
func TestTokenCacheKeepsOnlyWhatIsCurrent(t *testing.T) {
	c := newTokenCache("", nil)
	c.started = true // no listener: the test says when it listens
	now := time.Now()
	row := tokenUserRow{ID: "tok_1", Hash: "h1"}

	epoch := c.begin()
	c.put(epoch, "h1", row, now)
	if _, ok := c.get("h1", now); ok {
		t.Fatal("kept a token while not listening")
	}
	c.setLive(true)
	epoch = c.begin()
	c.forget() // a notification while the lookup ran
	c.put(epoch, "h1", row, now)
	if _, ok := c.get("h1", now); ok {
		t.Fatal("kept an answer read before a notification that came while it was read")
	}
	epoch = c.begin()
	c.put(epoch, "h1", row, now)
	if got, ok := c.get("h1", now); !ok || got.ID != "tok_1" {
		t.Fatalf("an answer read after the last notification: %+v, %v", got, ok)
	}
	if _, ok := c.get("h1", now.Add(tokenCacheMaxAge)); ok {
		t.Fatal("a kept token used past tokenCacheMaxAge")
	}
	c.setLive(false)
	if _, ok := c.get("h1", now); ok {
		t.Fatal("a kept token used after the cache stopped listening")
	}
	if hits, misses := c.hits.Load(), c.misses.Load(); hits != 1 || misses != 4 {
		t.Fatalf("%d hits, %d misses; want 1 and 4", hits, misses)
	}
}
