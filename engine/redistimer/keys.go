package redistimer

// keys are the names of the Redis keys of one index. They are built here
// and nowhere else: all carry the hash tag {prefix}, so that Redis Cluster
// puts them in one slot and the scripts and transactions may touch them
// together.
type keys struct {
	waiting string // sorted set: ID by due time (unix µs)
	claimed string // sorted set: ID by lease expiry (unix µs)
	due     string // hash: ID -> due value (see encodeDue)
	wake    string // pub/sub channel: a timer was scheduled
}

func newKeys(prefix string) keys {
	tag := "{" + prefix + "}:timers:"
	return keys{
		waiting: tag + "waiting",
		claimed: tag + "claimed",
		due:     tag + "due",
		wake:    tag + "wake",
	}
}

// all returns the keys in the order the scripts name them KEYS[1..3].
func (k keys) all() []string { return []string{k.waiting, k.claimed, k.due} }
