// Package ledger is the resolution ledger (解决台账): an append-only record of
// every move of every case. Entries are hash-chained per case, chained again
// across all cases in one global, gap-free sequence, and each link of the
// global chain is authenticated with a key kept outside the database (HMAC
// with SHA-256 or SM3). A checkpoint written outside the database pins the
// head of the global chain; Verify proves nothing before it changed.
// docs/ledger.md explains the design and the attacks it closes.
package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"time"
)

// Entry is one move of one case.
type Entry struct {
	// Seq is the global sequence number: entries of all cases are ordered
	// by it, without gaps from the first authenticated entry on. The store
	// assigns it when the entry is sealed: as the transaction that appends
	// it commits (SQLite), or in a sealer's batch shortly after (PostgreSQL;
	// zero until then, see Unsealed).
	Seq int64 `json:"seq"`
	// CaseID names the case.
	CaseID string `json:"case_id"`
	// Workflow, Number and Version are the case's key fields after the
	// move; verification checks the case row against its last entry's.
	// Entries written before keys existed have them empty.
	Workflow string `json:"workflow,omitempty"`
	Number   string `json:"number,omitempty"`
	Version  int    `json:"version,omitempty"`
	// At is the instant of the move, at microsecond precision.
	At time.Time `json:"at"`
	// ActorUser, ActorRole and ActorOrg say who moved it.
	ActorUser string `json:"actor"`
	ActorRole string `json:"actor_role"`
	ActorOrg  string `json:"actor_org,omitempty"`
	// Event, From and To describe the move.
	Event string `json:"event"`
	From  string `json:"from"`
	To    string `json:"to"`
	// Payload is the event's normalised input, as canonical JSON.
	Payload json.RawMessage `json:"payload,omitempty"`
	// PrevHash is the Hash of the case's previous entry; empty for the
	// first.
	PrevHash string `json:"prev_hash"`
	// Hash is the hex SHA-256 of the entry's content (ContentHash).
	Hash string `json:"hash"`
	// ChainHash links the entry into the global chain: the hex SHA-256 of
	// the previous entry's ChainHash, Seq and Hash (ChainLink).
	ChainHash string `json:"chain_hash,omitempty"`
	// KeyID names the key whose MAC authenticates ChainHash; empty for an
	// entry written before the ledger had keys (a legacy entry).
	KeyID string `json:"key_id,omitempty"`
	// MAC is the hex HMAC of ChainHash under the key KeyID; for an
	// unsealed entry, of its Hash (Chainer.Pend).
	MAC string `json:"mac,omitempty"`
	// Unsealed numbers an entry committed but not yet sealed into the
	// global chain, in the order entries were written; Seq and ChainHash
	// are then empty. Zero once sealed.
	Unsealed int64 `json:"unsealed,omitempty"`
}

// Authenticated reports whether the entry carries a MAC (it was written
// with a key); entries without one predate keys.
func (e *Entry) Authenticated() bool { return e.KeyID != "" }

// Seal sets e.Hash from the entry's content. The payload must already be
// canonical JSON (CanonicalJSON): the hash covers its bytes as they are.
func (e *Entry) Seal() error {
	e.Hash = e.ContentHash()
	return nil
}

// fieldHasher encodes length-prefixed fields into a buffer it then writes
// to a hash at once.
type fieldHasher struct {
	h   hash.Hash
	buf []byte
}

func (f *fieldHasher) int(v int64) {
	f.buf = binary.BigEndian.AppendUint64(f.buf, uint64(v))
}

func (f *fieldHasher) bytes(b []byte) {
	f.int(int64(len(b)))
	f.buf = append(f.buf, b...)
}

func (f *fieldHasher) str(s string) {
	f.int(int64(len(s)))
	f.buf = append(f.buf, s...)
}

func (f *fieldHasher) sum(into []byte) []byte {
	f.h.Reset()
	f.h.Write(f.buf)
	return f.h.Sum(into)
}

// ContentHash returns the hex SHA-256 of the entry's content: every field
// but Seq and the global chain's, in a fixed order, length-prefixed, the
// time as UTC microseconds since the epoch and the payload as stored. It does
// not cover Seq, so that the case's chain (and its head in the case row) is
// known before the global sequence number is assigned at commit; ChainLink
// binds Seq.
func (e *Entry) ContentHash() string {
	// One buffer, hashed at once: the sealer and every transition's
	// append call this for each entry. Its fields but the payload are
	// identifiers, names and a hash, a few hundred bytes in all; a larger
	// content only grows the buffer.
	f := fieldHasher{buf: make([]byte, 0, 512+len(e.Payload))}
	e.contentFields(&f)
	sum := sha256.Sum256(f.buf)
	return hex.EncodeToString(sum[:])
}

func (e *Entry) contentHash(f *fieldHasher, into []byte) []byte {
	e.contentFields(f)
	return f.sum(into)
}

// contentFields writes the content ContentHash covers into f's buffer.
func (e *Entry) contentFields(f *fieldHasher) {
	f.buf = append(f.buf[:0], "parkfin-ledger-v2"...)
	f.str(e.CaseID)
	f.str(e.Workflow)
	f.str(e.Number)
	f.int(int64(e.Version))
	f.int(e.At.UTC().UnixMicro())
	f.str(e.ActorUser)
	f.str(e.ActorRole)
	f.str(e.ActorOrg)
	f.str(e.Event)
	f.str(e.From)
	f.str(e.To)
	payload := []byte(e.Payload)
	if len(payload) == 0 {
		payload = []byte("null")
	}
	f.bytes(payload)
	f.str(e.PrevHash)
}

// LegacyHash returns the hash entries had before the ledger had keys
// (format v1): Seq included, the payload re-encoded as canonical JSON, no
// case key fields. Verification checks legacy entries with it.
func (e *Entry) LegacyHash() (string, error) {
	payload, err := CanonicalJSON(e.Payload)
	if err != nil {
		return "", fmt.Errorf("ledger: entry %d: payload: %w", e.Seq, err)
	}
	f := fieldHasher{h: sha256.New(), buf: []byte("parkfin-ledger-v1")}
	f.int(e.Seq)
	f.str(e.CaseID)
	f.int(e.At.UTC().UnixMicro())
	f.str(e.ActorUser)
	f.str(e.ActorRole)
	f.str(e.ActorOrg)
	f.str(e.Event)
	f.str(e.From)
	f.str(e.To)
	f.bytes(payload)
	f.str(e.PrevHash)
	return hex.EncodeToString(f.sum(nil)), nil
}

// ChainLink returns the global chain's link for the entry with sequence
// number seq and content hash hash following the link prev: the hex SHA-256
// of the three.
func ChainLink(prev string, seq int64, hash string) string {
	f := fieldHasher{h: sha256.New()}
	return hex.EncodeToString(chainLink(&f, prev, seq, hash, nil))
}

func chainLink(f *fieldHasher, prev string, seq int64, hash string, into []byte) []byte {
	f.buf = append(f.buf[:0], "parkfin-ledger-chain-v2"...)
	f.str(prev)
	f.int(seq)
	f.str(hash)
	return f.sum(into)
}
