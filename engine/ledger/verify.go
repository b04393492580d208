package ledger

import (
	"context"
	"fmt"
)

// Head is what a case records of its own chain: the newest entry's hash and
// the number of entries. It anchors the end of the chain, so that removing or
// appending entries at the end is detected too.
type Head struct {
	CaseID string
	Hash   string
	Len    int
}

// Report is the outcome of a verification.
type Report struct {
	// Entries and Cases count what was checked.
	Entries int
	Cases   int
	// Problem describes the first fault found; empty when the ledger is
	// intact.
	Problem string
	// BadSeq is the sequence number of the first bad entry, or 0 when the
	// fault is not in one entry (a chain cut short).
	BadSeq int64
	// BadCase is the case whose chain is broken.
	BadCase string
}

// OK reports whether no fault was found.
func (r Report) OK() bool { return r.Problem == "" }

// String says the outcome in one line.
func (r Report) String() string {
	if r.OK() {
		return fmt.Sprintf("ok: %d entries, %d cases", r.Entries, r.Cases)
	}
	if r.BadSeq != 0 {
		return fmt.Sprintf("broken: entry %d (case %s): %s", r.BadSeq, r.BadCase, r.Problem)
	}
	return fmt.Sprintf("broken: case %s: %s", r.BadCase, r.Problem)
}

// Verifier checks entries fed to it in ascending Seq order against the
// per-case chains and, at the end, against the cases' heads.
type Verifier struct {
	last    map[string]*chain
	entries int
	lastSeq int64
	report  Report
}

type chain struct {
	hash string
	len  int
}

// NewVerifier returns a Verifier with nothing checked yet.
func NewVerifier() *Verifier { return &Verifier{last: make(map[string]*chain)} }

// Add checks the next entry. It returns false once a fault was found; the
// rest need not be fed.
func (v *Verifier) Add(e *Entry) bool {
	if !v.report.OK() {
		return false
	}
	v.entries++
	fail := func(format string, args ...any) bool {
		v.report.Problem = fmt.Sprintf(format, args...)
		v.report.BadSeq = e.Seq
		v.report.BadCase = e.CaseID
		return false
	}
	if e.Seq <= v.lastSeq {
		return fail("sequence number %d does not follow %d", e.Seq, v.lastSeq)
	}
	v.lastSeq = e.Seq
	want, err := e.ComputeHash()
	if err != nil {
		return fail("cannot encode: %v", err)
	}
	if want != e.Hash {
		return fail("content does not match its hash (edited)")
	}
	c := v.last[e.CaseID]
	if c == nil {
		c = &chain{}
		v.last[e.CaseID] = c
	}
	if e.PrevHash != c.hash {
		if c.len == 0 {
			return fail("first entry of the case points to a predecessor (an entry before it was removed)")
		}
		return fail("does not follow the case's previous entry (an entry was removed, inserted or moved)")
	}
	c.hash = e.Hash
	c.len++
	return true
}

// Finish checks the chains against the cases' heads and returns the report.
// heads lists every case; a case with entries but no head, or a head whose
// chain is shorter, longer or ends elsewhere, is a fault.
func (v *Verifier) Finish(heads []Head) Report {
	r := v.report
	r.Entries = v.entries
	r.Cases = len(heads)
	if !r.OK() {
		return r
	}
	seen := make(map[string]bool, len(heads))
	for _, h := range heads {
		seen[h.CaseID] = true
		c := v.last[h.CaseID]
		if c == nil {
			c = &chain{}
		}
		if c.len != h.Len || c.hash != h.Hash {
			r.BadCase = h.CaseID
			r.Problem = fmt.Sprintf("the case records %d entries ending in %.12s, the ledger holds %d ending in %.12s (entries removed or appended)", h.Len, h.Hash, c.len, c.hash)
			return r
		}
	}
	for id := range v.last {
		if !seen[id] {
			r.BadCase = id
			r.Problem = "ledger entries for a case that does not exist"
			return r
		}
	}
	return r
}

// Source feeds a verification: every entry in ascending Seq order, and every
// case's head.
type Source interface {
	// ScanLedger calls fn for every entry in ascending Seq order, stopping
	// at the first error fn returns.
	ScanLedger(ctx context.Context, fn func(*Entry) error) error
	// LedgerHeads returns the head of every case.
	LedgerHeads(ctx context.Context) ([]Head, error)
}

// errStop ends a scan early once a fault is found.
var errStop = fmt.Errorf("ledger: stop")

// Verify checks the whole ledger of src.
func Verify(ctx context.Context, src Source) (Report, error) {
	v := NewVerifier()
	err := src.ScanLedger(ctx, func(e *Entry) error {
		if !v.Add(e) {
			return errStop
		}
		return nil
	})
	if err != nil && err != errStop {
		return Report{}, err
	}
	heads, err := src.LedgerHeads(ctx)
	if err != nil {
		return Report{}, err
	}
	return v.Finish(heads), nil
}
