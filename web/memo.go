package web

import (
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// memo keeps the figures of busy pages for a few seconds: a board polled by
// every office, the tab counts of every inbox. Keys carry the actor's role
// and organisation, so that one scope never sees another's figures; a
// computation in flight is shared by everyone who asks for it meanwhile.
type memo struct {
	mu    sync.Mutex
	items map[string]memoItem
	group singleflight.Group
}

type memoItem struct {
	v   any
	exp time.Time
}

// maxMemo bounds the entries; beyond it, the expired ones are dropped.
const maxMemo = 4096

// get returns the value of key, computed by fn at most ttl ago. A value
// expired less than staleFor ago is returned at once while a fresh one is
// computed in the background, so that no reader waits for a recount.
func (m *memo) get(key string, ttl time.Duration, fn func() (any, error)) (any, error) {
	now := time.Now()
	m.mu.Lock()
	it, ok := m.items[key]
	m.mu.Unlock()
	if ok && now.Before(it.exp) {
		return it.v, nil
	}
	compute := func() (any, error) {
		v, err := fn()
		if err != nil {
			return nil, err
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.items == nil {
			m.items = map[string]memoItem{}
		}
		if len(m.items) >= maxMemo {
			for k, it := range m.items {
				if now.After(it.exp) {
					delete(m.items, k)
				}
			}
		}
		m.items[key] = memoItem{v: v, exp: time.Now().Add(ttl)}
		return v, nil
	}
	if ok && now.Before(it.exp.Add(staleFor*ttl)) {
		m.group.DoChan(key, compute)
		return it.v, nil
	}
	v, err, _ := m.group.Do(key, compute)
	return v, err
}

// staleFor is how many TTLs past its expiry a value is still served while
// it is recomputed.
const staleFor = 5
