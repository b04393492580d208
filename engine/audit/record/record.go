// Package record is one entry of the security audit log and its link in
// the hash chain. It depends on nothing else of parkfin, so that the stores
// of every change the log records (the directory, the calendar) can take an
// entry to write in the change's own transaction.
package record

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// Entry is one audited action.
type Entry struct {
	// Seq orders the entries; it has no gaps.
	Seq int64
	// At is when it happened, at microsecond precision.
	At time.Time
	// Actor, ActorRole and ActorOrg say who acted: a user, "anonymous"
	// for a sign-in attempt of an unknown name, "operator:<os user>" for
	// the command line.
	Actor     string
	ActorRole string
	ActorOrg  string
	// Via says how: "session", "token", "cli", or "operator:<os user> as
	// <user>" when an operator acts as a user.
	Via string
	// Addr is the client's address; empty from the command line.
	Addr string
	// Action is what was attempted (SignIn, UserChange, ...).
	Action string
	// Target names what it was done to: a user, a token ID, a park code,
	// a request path.
	Target string
	// Result is OK, Failed, Denied, Locked or Refused.
	Result string
	// Detail is free text for the reader: what changed, why it failed.
	Detail string
	// PrevHash is the Hash of the entry before; empty for the first.
	PrevHash string
	Hash     string
}

// ComputeHash returns the hex SHA-256 of the entry's fields in a fixed
// order, each length-prefixed, the time as UTC microseconds.
func (e *Entry) ComputeHash() string {
	h := sha256.New()
	var n [8]byte
	writeInt := func(v int64) {
		binary.BigEndian.PutUint64(n[:], uint64(v))
		h.Write(n[:])
	}
	writeField := func(s string) {
		writeInt(int64(len(s)))
		h.Write([]byte(s))
	}
	h.Write([]byte("parkfin-audit-v1"))
	writeInt(e.Seq)
	writeInt(e.At.UTC().UnixMicro())
	for _, f := range []string{e.Actor, e.ActorRole, e.ActorOrg, e.Via, e.Addr, e.Action, e.Target, e.Result, e.Detail, e.PrevHash} {
		writeField(f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Seal sets the sequence number and previous hash of the entry that
// follows prev (nil for the first entry) and its own hash.
func (e *Entry) Seal(prev *Entry) {
	e.At = e.At.UTC().Truncate(time.Microsecond)
	e.Seq, e.PrevHash = 1, ""
	if prev != nil {
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	}
	e.Hash = e.ComputeHash()
}
