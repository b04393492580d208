package ledger

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Checkpoint pins the head of the global chain at one moment: kept outside
// the database, it proves that nothing up to Seq changed since, even for
// someone who can rewrite the database and roll its head back.
type Checkpoint struct {
	// Seq and ChainHash are the head of the global chain.
	Seq       int64  `json:"seq"`
	ChainHash string `json:"chain_hash"`
	// At is when the checkpoint was taken.
	At time.Time `json:"at"`
	// KeyID and MAC authenticate the three fields above.
	KeyID string `json:"key_id"`
	MAC   string `json:"mac"`
}

func (c *Checkpoint) mac(k Key) string {
	f := fieldHasher{h: k.mac(), buf: []byte("parkfin-ledger-checkpoint-v1")}
	f.str(k.ID)
	f.int(c.Seq)
	f.str(c.ChainHash)
	f.int(c.At.UTC().UnixMicro())
	return hex.EncodeToString(f.sum(nil))
}

// Sign authenticates the checkpoint with the keyring's current key.
func (kr *Keyring) Sign(c *Checkpoint) {
	k := kr.Current()
	c.At = c.At.UTC().Truncate(time.Microsecond)
	c.KeyID = k.ID
	c.MAC = c.mac(k)
}

// Check verifies the checkpoint's MAC.
func (kr *Keyring) Check(c Checkpoint) error {
	k, ok := kr.Key(c.KeyID)
	if !ok {
		return fmt.Errorf("checkpoint at %d: signed with key %q, which the keyring does not hold", c.Seq, c.KeyID)
	}
	if !hmac.Equal([]byte(c.mac(k)), []byte(c.MAC)) {
		return fmt.Errorf("checkpoint at %d: the signature does not match (the checkpoint was altered)", c.Seq)
	}
	return nil
}

// MarshalLine encodes the checkpoint as one JSON line.
func (c Checkpoint) MarshalLine() []byte {
	raw, _ := json.Marshal(c) // plain data
	return append(raw, '\n')
}

// ReadCheckpoints reads checkpoints written one JSON object a line (what
// `parkfin ledger checkpoint` appends to its file).
func ReadCheckpoints(r io.Reader) ([]Checkpoint, error) {
	var out []Checkpoint
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var c Checkpoint
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("checkpoint line %d: %w", n, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("no checkpoint found")
	}
	return out, nil
}
