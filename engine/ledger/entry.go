// Package ledger is the resolution ledger (解决台账): an append-only record of
// every move of every case, hash-chained per case so that an edited, removed,
// inserted or re-ordered entry is detected.
package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Entry is one move of one case.
type Entry struct {
	// Seq is the global sequence number: entries of all cases are ordered
	// by it. It may have gaps (transactions that rolled back).
	Seq int64 `json:"seq"`
	// CaseID names the case.
	CaseID string `json:"case_id"`
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
	// Payload is the event's normalised input, as JSON.
	Payload json.RawMessage `json:"payload,omitempty"`
	// PrevHash is the Hash of the case's previous entry; empty for the
	// first.
	PrevHash string `json:"prev_hash"`
	// Hash is the hex SHA-256 of the canonical encoding of all the fields
	// above.
	Hash string `json:"hash"`
}

// Seal sets e.Hash from the entry's other fields.
func (e *Entry) Seal() error {
	h, err := e.ComputeHash()
	if err != nil {
		return err
	}
	e.Hash = h
	return nil
}

// ComputeHash returns the hex SHA-256 of the entry's canonical encoding: each
// field in a fixed order, length-prefixed, the time as UTC microseconds since
// the epoch and the payload as canonical JSON (sorted keys, no insignificant
// white space, numbers as written).
func (e *Entry) ComputeHash() (string, error) {
	payload, err := CanonicalJSON(e.Payload)
	if err != nil {
		return "", fmt.Errorf("ledger: entry %d: payload: %w", e.Seq, err)
	}
	h := sha256.New()
	var n [8]byte
	writeInt := func(v int64) {
		binary.BigEndian.PutUint64(n[:], uint64(v))
		h.Write(n[:])
	}
	writeField := func(b []byte) {
		writeInt(int64(len(b)))
		h.Write(b)
	}
	h.Write([]byte("parkfin-ledger-v1"))
	writeInt(e.Seq)
	writeField([]byte(e.CaseID))
	writeInt(e.At.UTC().UnixMicro())
	writeField([]byte(e.ActorUser))
	writeField([]byte(e.ActorRole))
	writeField([]byte(e.ActorOrg))
	writeField([]byte(e.Event))
	writeField([]byte(e.From))
	writeField([]byte(e.To))
	writeField(payload)
	writeField([]byte(e.PrevHash))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// CanonicalJSON re-encodes a JSON document with object keys sorted and no
// insignificant white space, keeping numbers exactly as written. Empty input
// (and JSON null) encodes as "null".
func CanonicalJSON(raw json.RawMessage) ([]byte, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return []byte("null"), nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// encoding/json sorts map keys and writes json.Number verbatim.
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
