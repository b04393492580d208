// Package password hashes and checks users' passwords with argon2id, in the
// PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash).
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// Default follows the OWASP recommendation for argon2id (19 MiB, 2 passes,
// one lane).
var Default = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

// ErrMismatch is returned by Check when the password is wrong.
var ErrMismatch = errors.New("password: mismatch")

// Hash returns the PHC-encoded argon2id hash of pw with a fresh salt.
func Hash(pw string) (string, error) { return HashWith(pw, Default) }

// HashWith hashes with explicit parameters.
func HashWith(pw string, p Params) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	release, err := acquire(context.Background(), p.Memory)
	if err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	release()
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Check reports nil when pw matches the encoded hash, ErrMismatch when it
// does not, and another error when the hash is malformed.
func Check(encoded, pw string) error { return CheckContext(context.Background(), encoded, pw) }

// CheckContext is Check for a caller that may give up: when ctx ends while
// the check waits for a place under the bound (a flood of sign-ins), it
// returns ctx's error without hashing, so that the hashes go to the
// callers still waiting for their answer.
func CheckContext(ctx context.Context, encoded, pw string) error {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return errors.New("password: not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return errors.New("password: unsupported argon2 version")
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return fmt.Errorf("password: parameters: %w", err)
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return fmt.Errorf("password: salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return fmt.Errorf("password: key: %w", err)
	}
	release, err := acquire(ctx, p.Memory)
	if err != nil {
		return err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	release()
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}
