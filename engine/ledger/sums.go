package ledger

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math/bits"
)

// The case chains checked by sums. Walking every case's chain needs the
// entries a second time, sorted by case: on PostgreSQL a second read of the
// whole ledger by an index, and a merge with the case rows. When the store
// can also read the case rows alone (RowSource), Verify checks the same
// things from the pass by seq and one plain read of the case rows:
//
//   - every entry e gives the link (case, e.Hash, e.To, e.Version, workflow,
//     number) and takes the link of its predecessor as e itself names it:
//     (case, e.PrevHash, e.From, e.Version-1, workflow, number), or, for a
//     case's first entry, the case's start (case, "", "", 0, workflow,
//     number);
//   - every case row with entries gives its start and takes the link of its
//     last entry as the row records it: (case, LedgerHead, State, Version,
//     Workflow, Number), and records as many entries as its version counts.
//
// Each link is mapped to 256 bits by SHA-256 under a key drawn at random
// for the verification, and what is given is added, what is taken
// subtracted, modulo 2^256. The sum is zero exactly when every link given is
// taken once: each case's entries then form one chain from its start to the
// entry its row names as head, numbered 1, 2, … without a gap, each
// entry's From the To before it, and the row's state, version, workflow,
// number and count agree with that last entry; an entry of a case without a
// row (an orphan) leaves its links untaken. Unless SHA-256 fails, no choice
// of rows and entries makes a non-zero sum come out zero without the key,
// which nobody outside the verification ever holds: it is not stored.
//
// The memory is the two sums. When the sum is not zero — a fault, or
// entries from before keys, which record no version — Verify walks the
// case chains one by one (Source.ScanCaseChains) to find and name the
// fault; an intact ledger of old entries then still verifies, by the walk.

// RowSource is a Source that can also read the case rows alone, in any
// order: Verify then checks the case chains by sums, and walks them only
// when the sums do not settle it.
type RowSource interface {
	// ScanCases calls fn for every case row, in any order, stopping at
	// the first error fn returns. fn must not keep the row nor its strings.
	ScanCases(ctx context.Context, fn func(*CaseRow) error) error
}

// linkSums accumulates the links given and taken, under one key.
type linkSums struct {
	key  []byte
	f    fieldHasher
	out  []byte
	sum  [4]uint64
	rows bool // a case row failed a check of its own (count, head)
}

// newLinkSums draws a key for one verification.
func newLinkSums() (*linkSums, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return &linkSums{key: key, f: fieldHasher{h: sha256.New()}, out: make([]byte, 0, sha256.Size)}, nil
}

// sibling is a second accumulator under the same key, for another
// goroutine.
func (s *linkSums) sibling() *linkSums {
	return &linkSums{key: s.key, f: fieldHasher{h: sha256.New()}, out: make([]byte, 0, sha256.Size)}
}

// link maps a link to its 256 bits.
func (s *linkSums) link(caseID, hash, state string, version int, workflow, number string) (l [4]uint64) {
	s.f.buf = append(s.f.buf[:0], s.key...)
	s.f.str(caseID)
	s.f.str(hash)
	s.f.str(state)
	s.f.int(int64(version))
	s.f.str(workflow)
	s.f.str(number)
	s.out = s.f.sum(s.out[:0])
	for i := range l {
		l[i] = binary.LittleEndian.Uint64(s.out[8*i:])
	}
	return l
}

func (s *linkSums) give(l [4]uint64) {
	var c uint64
	for i := range s.sum {
		s.sum[i], c = bits.Add64(s.sum[i], l[i], c)
	}
}

func (s *linkSums) take(l [4]uint64) {
	var b uint64
	for i := range s.sum {
		s.sum[i], b = bits.Sub64(s.sum[i], l[i], b)
	}
}

// entry gives e's link and takes its predecessor's, or its case's start.
func (s *linkSums) entry(caseID, prevHash, hash, from, to string, version int, workflow, number string) {
	s.give(s.link(caseID, hash, to, version, workflow, number))
	if prevHash == "" {
		from = ""
	}
	s.take(s.link(caseID, prevHash, from, version-1, workflow, number))
}

// row gives the case's start and takes its last entry's link as the row
// records it.
func (s *linkSums) row(c *CaseRow) {
	if c.LedgerLen == 0 {
		// A case without entries: nothing to link, nothing may be named.
		s.rows = s.rows || c.LedgerHead != ""
		return
	}
	s.rows = s.rows || c.LedgerLen != c.Version
	s.give(s.link(c.ID, "", "", 0, c.Workflow, c.Number))
	s.take(s.link(c.ID, c.LedgerHead, c.State, c.Version, c.Workflow, c.Number))
}

// settled reports whether the sums of a and b, with every row's own checks,
// prove the case chains and rows intact.
func settled(a, b *linkSums) bool {
	if a.rows || b.rows {
		return false
	}
	var c uint64
	var t [4]uint64
	for i := range t {
		t[i], c = bits.Add64(a.sum[i], b.sum[i], c)
	}
	return t == [4]uint64{}
}

// sumRows reads the case rows into v.sums and counts them.
func (v *verifier) sumRows(ctx context.Context, src RowSource) error {
	err := src.ScanCases(ctx, func(c *CaseRow) error {
		v.r.Cases++
		v.sums.row(c)
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	return nil
}
