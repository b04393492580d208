// Package redistimer is the engine.TimerIndex on Redis, for any number of
// workers: standalone Redis, Sentinel or Cluster, through
// redis.UniversalClient.
//
// Three keys hold the index, all under one hash tag so that every script
// and transaction touches one Cluster slot (see keys):
//
//	{parkfin}:timers:waiting   sorted set: timer ID scored by due time
//	{parkfin}:timers:claimed   sorted set: timer ID scored by lease expiry
//	{parkfin}:timers:due       hash: timer ID -> "<due µs>:<due unix ns>"
//
// Scores are unix microseconds, exact in a float64 up to 2^53 (the years
// 1685 to 2255, the range the index accepts). A due time is rounded up to
// its microsecond and now down, so no timer is claimed early; the due hash
// keeps the exact due time that Claim returns and that Release restores.
// The time always comes from the caller (the engine's Clock), never from the
// Redis server's clock.
//
// Every timer is in exactly one of the sorted sets and has one due entry.
// Claim moves timers from waiting (and expired ones from claimed) into
// claimed in one Lua script; Schedule moves a timer, claimed or not, to
// waiting; Ack drops a claim; Release moves a claim back to waiting at its
// due time; Remove drops a timer wherever it is.
//
// The whole index lives in one slot, so on a Cluster it is served by one
// primary: that is the price of atomic claims, and ample for deadline
// timers.
package redistimer

import (
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/parkfin/parkfin/engine"
)

// DefaultPrefix is the hash tag of the index's keys when Options.Prefix is
// empty.
const DefaultPrefix = "parkfin"

// Options configures an Index.
type Options struct {
	// Prefix names the index: its keys are "{Prefix}:timers:...". Indexes
	// with different prefixes share nothing. It must not contain braces.
	// Default DefaultPrefix.
	Prefix string
}

// Index is an engine.TimerIndex on Redis. It is safe for concurrent use, and
// any number of Index values in any number of processes may share one
// index.
type Index struct {
	client redis.UniversalClient
	keys   keys
}

var _ engine.TimerIndex = (*Index)(nil)

// New returns the index named by opts on client. It does not connect. It
// panics when opts.Prefix contains a brace, which would break the hash tag.
func New(client redis.UniversalClient, opts Options) *Index {
	prefix := opts.Prefix
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if strings.ContainsAny(prefix, "{}") {
		panic("redistimer: Options.Prefix must not contain braces: " + prefix)
	}
	return &Index{client: client, keys: newKeys(prefix)}
}
