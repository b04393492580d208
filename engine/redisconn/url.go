// Package redisconn builds a go-redis client from a URL, for standalone
// Redis, Sentinel and Cluster alike, using go-redis's own URL parsers.
//
// Which deployment a URL names:
//
//	redis://[user:pass@]host:port[/db][?options]        standalone (TLS: rediss://)
//	unix://[user:pass@]/path/to/redis.sock[?db=N]         standalone over a Unix socket
//	redis-sentinel://[user:pass@]sentinel:26379[/db]?master_name=mymaster[&addr=sentinel2:26379...]
//	redis://sentinel:26379?master_name=mymaster[&addr=...]   Sentinel, same as above
//	redis-cluster://[user:pass@]node1:6379[?addr=node2:6379&addr=...]
//	redis://node1:6379?addr=node2:6379[&addr=...]           Cluster: several addresses, no master_name
//
// The "-sentinel" and "-cluster" schemes also come with TLS: rediss-sentinel
// and rediss-cluster. Options are the snake_case names go-redis documents
// for redis.ParseURL, redis.ParseFailoverURL and redis.ParseClusterURL
// (dial_timeout, pool_size, ...); an unknown option is an error. For
// Sentinel, the user and password in the URL are the sentinels' own; the
// master's are the username and password options. Cluster has no database
// number.
package redisconn

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Mode is the kind of Redis deployment a URL names.
type Mode int

const (
	// Standalone is one Redis server (possibly a replica-less primary).
	Standalone Mode = iota
	// Sentinel is a primary found through Redis Sentinel, with failover.
	Sentinel
	// Cluster is a Redis Cluster, reached through one or more seed nodes.
	Cluster
)

// String returns the mode's name.
func (m Mode) String() string {
	switch m {
	case Standalone:
		return "standalone"
	case Sentinel:
		return "sentinel"
	case Cluster:
		return "cluster"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ModeOf tells which deployment the URL names, by the rules in the package
// documentation, without connecting.
func ModeOf(rawURL string) (Mode, error) {
	m, _, err := split(rawURL)
	return m, err
}

// ParseURL returns a client for the deployment the URL names: a
// *redis.Client for standalone, a sentinel-backed failover *redis.Client for
// Sentinel, a *redis.ClusterClient for Cluster. It does not connect; the
// first command does.
func ParseURL(rawURL string) (redis.UniversalClient, error) {
	mode, u, err := split(rawURL)
	if err != nil {
		return nil, err
	}
	switch mode {
	case Sentinel:
		o, err := redis.ParseFailoverURL(u.String())
		if err != nil {
			return nil, err
		}
		return redis.NewFailoverClient(o), nil
	case Cluster:
		o, err := redis.ParseClusterURL(u.String())
		if err != nil {
			return nil, err
		}
		return redis.NewClusterClient(o), nil
	default:
		o, err := redis.ParseURL(u.String())
		if err != nil {
			return nil, err
		}
		return redis.NewClient(o), nil
	}
}

// split parses the URL, tells its mode and returns it with the scheme go-redis
// expects (redis, rediss or unix).
func split(rawURL string) (Mode, *url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return 0, nil, fmt.Errorf("redisconn: %w", err)
	}
	q := u.Query()
	base, kind, _ := strings.Cut(u.Scheme, "-")
	switch {
	case base != "redis" && base != "rediss" && (base != "unix" || kind != ""):
		return 0, nil, fmt.Errorf("redisconn: unsupported URL scheme %q", u.Scheme)
	case kind == "sentinel" || (kind == "" && q.Has("master_name")):
		if q.Get("master_name") == "" {
			return 0, nil, errors.New("redisconn: a Sentinel URL needs master_name")
		}
		u.Scheme = base
		return Sentinel, u, nil
	case kind == "cluster" || (kind == "" && base != "unix" && q.Has("addr")):
		u.Scheme = base
		return Cluster, u, nil
	case kind != "":
		return 0, nil, fmt.Errorf("redisconn: unsupported URL scheme %q", u.Scheme)
	}
	return Standalone, u, nil
}
