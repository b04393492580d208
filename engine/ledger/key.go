package ledger

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strings"

	"github.com/emmansun/gmsm/sm3"
)

// Alg names a MAC algorithm.
type Alg string

// The MAC algorithms: HMAC-SHA-256, and HMAC-SM3 for deployments that must
// use the national commercial cryptography algorithms (商用密码).
const (
	HMACSHA256 Alg = "hmac-sha256"
	HMACSM3    Alg = "hmac-sm3"
)

func (a Alg) hash() (func() hash.Hash, error) {
	switch a {
	case HMACSHA256:
		return sha256.New, nil
	case HMACSM3:
		return sm3.New, nil
	}
	return nil, fmt.Errorf("ledger: unknown MAC algorithm %q (hmac-sha256 or hmac-sm3)", string(a))
}

// MinSecret is the shortest secret a key may have, in bytes.
const MinSecret = 16

// Key is one ledger key: an identifier recorded with every entry it
// authenticates, an algorithm and the secret.
type Key struct {
	ID     string
	Alg    Alg
	Secret []byte
}

// String shows the key without its secret.
func (k Key) String() string { return k.ID + ":" + string(k.Alg) }

func (k Key) check() error {
	if k.ID == "" || strings.ContainsAny(k.ID, ": \t\r\n,;") {
		return fmt.Errorf("ledger: key id %q must be non-empty, without spaces, colons, commas or semicolons", k.ID)
	}
	if _, err := k.Alg.hash(); err != nil {
		return err
	}
	if len(k.Secret) < MinSecret {
		return fmt.Errorf("ledger: key %s: the secret has %d bytes, at least %d are needed", k.ID, len(k.Secret), MinSecret)
	}
	return nil
}

// Keyring holds the keys that verify entries and the one that authenticates
// new entries and checkpoints (the current key: the last one given).
// Rotating adds a key at the end; old keys stay to verify what they signed.
type Keyring struct {
	keys    map[string]Key
	current string
}

// NewKeyring returns a keyring of the keys; the last is the current one.
func NewKeyring(keys ...Key) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("ledger: no key")
	}
	kr := &Keyring{keys: make(map[string]Key, len(keys))}
	for _, k := range keys {
		if err := k.check(); err != nil {
			return nil, err
		}
		if _, dup := kr.keys[k.ID]; dup {
			return nil, fmt.Errorf("ledger: key id %s given twice", k.ID)
		}
		kr.keys[k.ID] = k
		kr.current = k.ID
	}
	return kr, nil
}

// Current returns the key that authenticates new entries.
func (kr *Keyring) Current() Key { return kr.keys[kr.current] }

// Key returns the key with the id.
func (kr *Keyring) Key(id string) (Key, bool) {
	k, ok := kr.keys[id]
	return k, ok
}

// IDs lists the key ids, the current one last.
func (kr *Keyring) IDs() []string {
	out := make([]string, 0, len(kr.keys))
	for id := range kr.keys {
		if id != kr.current {
			out = append(out, id)
		}
	}
	return append(out, kr.current)
}

// mac returns a fresh HMAC of the key.
func (k Key) mac() hash.Hash {
	h, _ := k.Alg.hash() // checked when the keyring was made
	return hmac.New(h, k.Secret)
}

// entryMAC computes the MAC of an entry's chain link under m (an HMAC of
// the key keyID).
func entryMAC(f *fieldHasher, keyID, chainHash string, into []byte) []byte {
	f.buf = append(f.buf[:0], "parkfin-ledger-mac-v2"...)
	f.str(keyID)
	f.str(chainHash)
	return f.sum(into)
}

// Chainer numbers, chains and authenticates entries as a store appends them.
type Chainer struct {
	key Key
	mac fieldHasher
	sha fieldHasher
	buf []byte
}

// Chainer returns a Chainer that authenticates with the current key. It is
// not safe for concurrent use: take one per transaction.
func (kr *Keyring) Chainer() *Chainer {
	k := kr.Current()
	return &Chainer{key: k, mac: fieldHasher{h: k.mac()}, sha: fieldHasher{h: sha256.New()}}
}

// Link gives e its sequence number seq, links it after the global chain
// head prev (a ChainHash) and authenticates the link. e.Hash must be set.
func (c *Chainer) Link(e *Entry, seq int64, prev string) {
	e.Seq = seq
	c.buf = chainLink(&c.sha, prev, seq, e.Hash, c.buf[:0])
	e.ChainHash = hex.EncodeToString(c.buf)
	e.KeyID = c.key.ID
	c.buf = entryMAC(&c.mac, e.KeyID, e.ChainHash, c.buf[:0])
	e.MAC = hex.EncodeToString(c.buf)
}

// ParseKeys reads keys written as "id:alg:base64-secret", separated by
// new lines, commas or semicolons; blank lines and lines starting with # are
// skipped. The last key is the current one.
func ParseKeys(text string) ([]Key, error) {
	var keys []Key
	var fields []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "#") {
			continue
		}
		fields = append(fields, strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ';' })...)
	}
	for _, f := range fields {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		parts := strings.Split(f, ":")
		if len(parts) != 3 {
			return nil, fmt.Errorf("ledger: a key is written id:alg:base64-secret, got %d parts", len(parts))
		}
		secret, err := base64.StdEncoding.DecodeString(parts[2])
		if err != nil {
			return nil, fmt.Errorf("ledger: key %s: the secret is not base64: %w", parts[0], err)
		}
		k := Key{ID: parts[0], Alg: Alg(parts[1]), Secret: secret}
		if err := k.check(); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("ledger: no key found")
	}
	return keys, nil
}

// FormatKey writes a key as ParseKeys reads it.
func FormatKey(k Key) string {
	return k.ID + ":" + string(k.Alg) + ":" + base64.StdEncoding.EncodeToString(k.Secret)
}

// NewKey makes a key with a random 32-byte secret.
func NewKey(id string, alg Alg) (Key, error) {
	k := Key{ID: id, Alg: alg, Secret: make([]byte, 32)}
	if _, err := rand.Read(k.Secret); err != nil {
		return Key{}, err
	}
	return k, k.check()
}

// LoadKeyFile reads the keys of a key file. The file must not be readable
// by group or others.
func LoadKeyFile(path string) ([]Key, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("ledger: key file: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("ledger: key file %s is readable by others (mode %v): chmod 600 it", path, fi.Mode().Perm())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ledger: key file: %w", err)
	}
	keys, err := ParseKeys(string(raw))
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return keys, nil
}

// CreateKeyFile writes a new key file at path holding one new key (mode
// 0600); it fails if the file exists.
func CreateKeyFile(path string, alg Alg) (Key, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Key{}, err
	}
	k, err := NewKey(fmt.Sprintf("k%08x", binary.BigEndian.Uint32(b[:])), alg)
	if err != nil {
		return Key{}, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return Key{}, err
	}
	// Written aside, then linked into place: a process starting at the
	// same moment sees no file or the whole file, and only one is made.
	f, err := os.CreateTemp(filepath.Dir(path), ".ledger-key-*")
	if err != nil {
		return Key{}, err
	}
	defer os.Remove(f.Name())
	_, err = fmt.Fprintf(f, "# parkfin ledger keys: id:alg:base64-secret, one a line; the last authenticates new entries.\n# Keep every line: old keys verify what they signed.\n%s\n", FormatKey(k))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(f.Name(), path)
	}
	return k, err
}
