package memtimer

import (
	"container/heap"
	"time"
)

// entry is one timer in the index. It sits in exactly one of the two queues:
// waiting (keyed by due time) or claimed (keyed by lease expiry).
type entry struct {
	id      string
	due     time.Time
	dueKey  int64 // due time in unix µs, rounded up
	key     int64 // the queue's key: dueKey when waiting, lease expiry when claimed
	claimed bool
	pos     int // index in its queue, kept by the queue
}

// queue is a min-heap of entries by key, then ID, for container/heap. The
// ID tie-break gives the same order as a Redis sorted set.
type queue []*entry

func (q queue) Len() int { return len(q) }

func (q queue) Less(i, j int) bool {
	if q[i].key != q[j].key {
		return q[i].key < q[j].key
	}
	return q[i].id < q[j].id
}

func (q queue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].pos = i
	q[j].pos = j
}

func (q *queue) Push(x any) {
	e := x.(*entry)
	e.pos = len(*q)
	*q = append(*q, e)
}

func (q *queue) Pop() any {
	old := *q
	n := len(old) - 1
	e := old[n]
	old[n] = nil // let the entry be collected once it leaves the index
	*q = old[:n]
	e.pos = -1
	return e
}

// head returns the smallest key, or ok=false when the queue is empty.
func (q queue) head() (key int64, ok bool) {
	if len(q) == 0 {
		return 0, false
	}
	return q[0].key, true
}

func (q *queue) push(e *entry)   { heap.Push(q, e) }
func (q *queue) remove(e *entry) { heap.Remove(q, e.pos) }
func (q *queue) fix(e *entry)    { heap.Fix(q, e.pos) }

// popUpTo pops entries whose key is at most key, until n are taken,
// and appends them to out.
func (q *queue) popUpTo(key int64, n int, out []*entry) []*entry {
	for n > 0 && len(*q) > 0 && (*q)[0].key <= key {
		out = append(out, heap.Pop(q).(*entry))
		n--
	}
	return out
}
