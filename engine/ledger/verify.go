package ledger

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Kind is the stable code of a fault verification found.
type Kind string

// The faults.
const (
	// KindEdited: an entry's content does not match its own hash.
	KindEdited Kind = "edited"
	// KindChain: an entry's global chain link does not follow the previous
	// entry (rewritten with recomputed hashes, inserted, or re-ordered).
	KindChain Kind = "chain"
	// KindGap: a sequence number is missing (entries removed).
	KindGap Kind = "sequence_gap"
	// KindUnknownKey: an entry names a key the keyring does not hold.
	KindUnknownKey Kind = "unknown_key"
	// KindMAC: an entry's MAC does not match: it was rewritten, hashes
	// recomputed, by someone without the key.
	KindMAC Kind = "mac"
	// KindUnauthenticated: an entry without MAC follows authenticated ones.
	KindUnauthenticated Kind = "unauthenticated"
	// KindHead: the database's record of the chain head disagrees with the
	// last entry (entries removed at the end or appended around the engine).
	KindHead Kind = "head"
	// KindCheckpointSignature: a checkpoint's own MAC does not match.
	KindCheckpointSignature Kind = "checkpoint_signature"
	// KindCheckpoint: the chain at a checkpoint's sequence number is not
	// what the checkpoint recorded (something before it changed).
	KindCheckpoint Kind = "checkpoint"
	// KindCheckpointMissing: the ledger ends before a checkpoint (a tail
	// was dropped and the head rolled back).
	KindCheckpointMissing Kind = "checkpoint_missing"
	// KindCaseLink: an entry does not follow its case's previous entry.
	KindCaseLink Kind = "case_link"
	// KindCaseLen: a case row's count or head disagrees with its chain.
	KindCaseLen Kind = "case_len"
	// KindCaseRow: a case row's state, version, workflow or number
	// disagrees with its last entry (changed without an entry).
	KindCaseRow Kind = "case_row"
	// KindOrphan: entries of a case that does not exist (a case row was
	// deleted).
	KindOrphan Kind = "orphan"
)

// Kinds lists every fault kind.
var Kinds = []Kind{KindEdited, KindChain, KindGap, KindUnknownKey, KindMAC, KindUnauthenticated, KindHead,
	KindCheckpointSignature, KindCheckpoint, KindCheckpointMissing, KindCaseLink, KindCaseLen, KindCaseRow, KindOrphan}

// Report is the outcome of a verification.
type Report struct {
	// Entries and Cases count what was checked.
	Entries int
	Cases   int
	// Legacy counts the entries written before the ledger had keys: they
	// are checked by hash and covered by the first authenticated entry's
	// chain link, but carry no MAC of their own. They all come before
	// FirstAuthenticated.
	Legacy             int
	FirstAuthenticated int64
	// HeadSeq and HeadHash are the end of the global chain.
	HeadSeq  int64
	HeadHash string
	// Checkpoints counts the checkpoints proved.
	Checkpoints int
	// Kind is the fault's code; empty when the ledger is intact.
	Kind Kind
	// Problem describes the first fault found; empty when intact.
	Problem string
	// BadSeq is the sequence number of the first bad entry (or of the
	// checkpoint), or 0 when the fault is not in one entry.
	BadSeq int64
	// BadCase is the case whose chain or row is at fault.
	BadCase string
	// Field names the case row's field that disagrees (KindCaseRow).
	Field string
	// Unsealed counts the entries committed but not yet sealed (among
	// Entries); BadUnsealed names the unsealed entry at fault, if one is.
	Unsealed    int
	BadUnsealed int64
	// Walked says the sums of the case chains' links (sums.go) did not
	// settle them, because of a fault or of entries from before keys, and
	// the chains were walked case by case. (A Source that cannot read its
	// case rows alone is always walked; Walked then stays false.)
	Walked bool
}

// OK reports whether no fault was found.
func (r Report) OK() bool { return r.Kind == "" }

// String says the outcome in one line.
func (r Report) String() string {
	if r.OK() {
		s := fmt.Sprintf("ok: %d entries, %d cases", r.Entries, r.Cases)
		if r.Legacy > 0 {
			s += fmt.Sprintf("; %d entries written before keys (before seq %d) are checked by hash only", r.Legacy, r.FirstAuthenticated)
		}
		if r.Checkpoints > 0 {
			s += fmt.Sprintf("; %d checkpoints hold", r.Checkpoints)
		}
		if r.Unsealed > 0 {
			s += fmt.Sprintf("; %d entries not sealed yet are checked by content hash, case chain and MAC", r.Unsealed)
		}
		return s
	}
	switch {
	case r.BadUnsealed != 0:
		return fmt.Sprintf("broken (%s): unsealed entry %d (case %s): %s", r.Kind, r.BadUnsealed, r.BadCase, r.Problem)
	case r.BadSeq != 0 && r.BadCase != "":
		return fmt.Sprintf("broken (%s): entry %d (case %s): %s", r.Kind, r.BadSeq, r.BadCase, r.Problem)
	case r.BadSeq != 0:
		return fmt.Sprintf("broken (%s): entry %d: %s", r.Kind, r.BadSeq, r.Problem)
	case r.BadCase != "":
		return fmt.Sprintf("broken (%s): case %s: %s", r.Kind, r.BadCase, r.Problem)
	}
	return fmt.Sprintf("broken (%s): %s", r.Kind, r.Problem)
}

// CaseRow is what a case row records that its last entry must confirm.
type CaseRow struct {
	ID         string
	Workflow   string
	Number     string
	State      string
	Version    int
	LedgerHead string
	LedgerLen  int
}

// Link is an entry as the per-case pass sees it.
type Link struct {
	Seq           int64
	CaseID        string
	PrevHash      string
	Hash          string
	To            string
	Workflow      string
	Number        string
	Version       int
	Authenticated bool
	// Unsealed is the entry's Entry.Unsealed (Seq is then zero).
	Unsealed int64
}

// Source feeds a verification. Both scans stream: a Source must not load
// the ledger into memory, and Verify keeps none of it. Verify runs the two
// scans at the same time, so a Source serves them from one snapshot of the
// database, on separate connections where it can.
type Source interface {
	// ScanLedger calls fn for every entry in ascending Seq order, stopping
	// at the first error fn returns. fn must not keep the entry nor its
	// strings: a Source may reuse their memory after the call.
	ScanLedger(ctx context.Context, fn func(*Entry) error) error
	// ChainHead returns the database's record of the global chain head.
	ChainHead(ctx context.Context) (seq int64, chainHash string, err error)
	// ScanCaseChains calls fn for every case and every entry, merged by
	// case ID in ascending byte order: for a case, once per entry in
	// ascending case version then Seq order (l set), or once with l nil
	// for a case without entries; for an entry whose case does not exist
	// (an orphan), once with c nil and l.CaseID naming the case. fn must
	// not keep c or l.
	ScanCaseChains(ctx context.Context, fn func(c *CaseRow, l *Link) error) error
}

// errStop ends a scan early once a fault is found.
var errStop = errors.New("ledger: stop")

// Verify checks the whole ledger of src with the keys of kr against the
// checkpoints (none is fine). Memory does not grow with the ledger.
//
// The pass by seq (content, numbers, global chain, MACs, then the head and
// the checkpoints) and the pass by case (per-case links, case rows,
// orphans) run at the same time. The fault reported does not depend on
// which finishes first: a fault of the pass by seq (the first by seq) wins,
// then the head's and the checkpoints', then the first fault of the pass by
// case (in case order), then the first orphan entry by seq.
func Verify(ctx context.Context, src Source, kr *Keyring, checkpoints []Checkpoint) (Report, error) {
	v := newVerifier(kr, checkpoints)
	for _, c := range checkpoints {
		if err := kr.Check(c); err != nil {
			v.fail(KindCheckpointSignature, c.Seq, "", "%v", err)
			return v.r, nil
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The unsealed tail is read first: the pass by case follows each
	// case's sealed entries with its unsealed ones.
	cv := &verifier{kr: kr}
	rows, bySums := src.(RowSource)
	if bySums {
		sums, err := newLinkSums()
		if err != nil {
			return Report{}, err
		}
		cv.sums, v.sums = sums, sums.sibling()
	}
	if ps, ok := src.(PendingSource); ok {
		if err := cv.scanUnsealed(ctx, ps); err != nil {
			return Report{}, err
		}
		if !cv.r.OK() {
			return cv.r, nil
		}
	}
	caseDone := make(chan error, 1)
	go func() {
		if bySums {
			caseDone <- cv.sumRows(ctx, rows)
			return
		}
		caseDone <- cv.scanCases(ctx, src)
	}()
	// byCase waits for the pass by case: after a fault by seq, it is
	// cancelled and its outcome ignored.
	byCase := func(stop bool) error {
		if stop {
			cancel()
		}
		return <-caseDone
	}
	err := src.ScanLedger(ctx, func(e *Entry) error {
		if !v.add(e) {
			return errStop
		}
		return nil
	})
	v.r.Entries += cv.r.Entries
	v.r.Unsealed = cv.r.Unsealed
	if err != nil && !errors.Is(err, errStop) {
		byCase(true)
		return Report{}, err
	}
	if !v.r.OK() {
		byCase(true)
		return v.r, nil
	}
	headSeq, headHash, err := src.ChainHead(ctx)
	if err != nil {
		byCase(true)
		return Report{}, err
	}
	if !v.endChain(headSeq, headHash) {
		byCase(true)
		return v.r, nil
	}
	if err := byCase(false); err != nil {
		return Report{}, err
	}
	if bySums && !settled(v.sums, cv.sums) {
		// The sums do not settle it: walk the case chains to find the
		// fault, or to prove old entries intact.
		v.r.Walked = true
		walk := &verifier{kr: kr, links: cv.links}
		walk.r.Entries, walk.r.Unsealed = cv.r.Entries, cv.r.Unsealed
		if err := walk.scanCases(ctx, src); err != nil {
			return Report{}, err
		}
		cv = walk
	}
	v.r.Cases = cv.r.Cases
	if cv.r.OK() && (!bySums || v.r.Walked) {
		// Unsealed entries of no case the pass by case met (the sums
		// leave none).
		cv.unsealedOrphans()
	}
	if !cv.r.OK() {
		v.r.Kind, v.r.Problem, v.r.BadSeq, v.r.BadCase, v.r.Field, v.r.BadUnsealed = cv.r.Kind, cv.r.Problem, cv.r.BadSeq, cv.r.BadCase, cv.r.Field, cv.r.BadUnsealed
	}
	return v.r, nil
}

// verifier holds the state of a verification: the previous entry's number
// and chain link, the checkpoints, and hashers reused for every entry.
type verifier struct {
	kr          *Keyring
	checkpoints map[int64][]string
	proved      int
	r           Report
	unsealed    int64             // the unsealed entry being checked, if one is
	links       map[string][]Link // the unsealed entries' links, by case
	sums        *linkSums         // the case chains' links, when checked by sums
	prevSeq     int64
	chain       string
	authSeen    bool
	content     fieldHasher
	link        fieldHasher
	macs        map[string]*fieldHasher
	buf         []byte
	hexbuf      []byte
}

func newVerifier(kr *Keyring, checkpoints []Checkpoint) *verifier {
	v := &verifier{kr: kr, checkpoints: make(map[int64][]string, len(checkpoints)),
		content: fieldHasher{h: sha256.New()}, link: fieldHasher{h: sha256.New()}, macs: map[string]*fieldHasher{},
		buf: make([]byte, 0, 64), hexbuf: make([]byte, 64)}
	for _, c := range checkpoints {
		v.checkpoints[c.Seq] = append(v.checkpoints[c.Seq], c.ChainHash)
	}
	return v
}

func (v *verifier) fail(kind Kind, seq int64, caseID, format string, args ...any) bool {
	v.r.Kind = kind
	v.r.Problem = fmt.Sprintf(format, args...)
	v.r.BadSeq = seq
	v.r.BadCase = strings.Clone(caseID)
	v.r.BadUnsealed = v.unsealed
	return false
}

// hexOf returns the hex form of sum in a reused buffer.
func (v *verifier) hexOf(sum []byte) []byte {
	n := hex.Encode(v.hexbuf, sum)
	return v.hexbuf[:n]
}

func (v *verifier) add(e *Entry) bool {
	v.r.Entries++
	if !e.Authenticated() {
		if v.authSeen {
			return v.fail(KindUnauthenticated, e.Seq, e.CaseID, "an entry without a MAC among authenticated ones (inserted around the engine)")
		}
		if e.Seq <= v.prevSeq {
			return v.fail(KindGap, e.Seq, e.CaseID, "sequence number %d does not follow %d", e.Seq, v.prevSeq)
		}
		want, err := e.LegacyHash()
		if err != nil {
			return v.fail(KindEdited, e.Seq, e.CaseID, "cannot encode: %v", err)
		}
		if want != e.Hash {
			return v.fail(KindEdited, e.Seq, e.CaseID, "content does not match its hash (edited)")
		}
		v.r.Legacy++
		v.sum(e)
		v.chain = ChainLink(v.chain, e.Seq, e.Hash)
		v.prevSeq = e.Seq
		return v.checkpoint(e)
	}
	if !v.authSeen {
		v.authSeen = true
		v.r.FirstAuthenticated = e.Seq
	}
	if e.Seq != v.prevSeq+1 {
		if e.Seq <= v.prevSeq {
			return v.fail(KindGap, e.Seq, e.CaseID, "sequence number %d does not follow %d", e.Seq, v.prevSeq)
		}
		return v.fail(KindGap, e.Seq, e.CaseID, "sequence number %d follows %d: entries %d to %d were removed", e.Seq, v.prevSeq, v.prevSeq+1, e.Seq-1)
	}
	v.buf = e.contentHash(&v.content, v.buf[:0])
	if string(v.hexOf(v.buf)) != e.Hash {
		return v.fail(KindEdited, e.Seq, e.CaseID, "content does not match its hash (edited)")
	}
	v.buf = chainLink(&v.link, v.chain, e.Seq, e.Hash, v.buf[:0])
	if string(v.hexOf(v.buf)) != e.ChainHash {
		return v.fail(KindChain, e.Seq, e.CaseID, "does not follow entry %d in the global chain (rewritten with recomputed hashes, inserted or moved)", v.prevSeq)
	}
	m := v.macs[e.KeyID]
	if m == nil {
		k, ok := v.kr.Key(e.KeyID)
		if !ok {
			return v.fail(KindUnknownKey, e.Seq, e.CaseID, "authenticated with key %q, which the keyring does not hold", e.KeyID)
		}
		m = &fieldHasher{h: k.mac()}
		v.macs[strings.Clone(e.KeyID)] = m
	}
	v.buf = entryMAC(m, e.KeyID, e.ChainHash, v.buf[:0])
	if !hmac.Equal(v.hexOf(v.buf), []byte(e.MAC)) {
		return v.fail(KindMAC, e.Seq, e.CaseID, "the MAC does not match: the entry was rewritten and its hashes recomputed without the key")
	}
	v.sum(e)
	v.chain = strings.Clone(e.ChainHash)
	v.prevSeq = e.Seq
	return v.checkpoint(e)
}

// sum adds e's links to the case chains' sums, when they are kept.
func (v *verifier) sum(e *Entry) {
	if v.sums != nil {
		v.sums.entry(e.CaseID, e.PrevHash, e.Hash, e.From, e.To, e.Version, e.Workflow, e.Number)
	}
}

func (v *verifier) checkpoint(e *Entry) bool {
	wants, ok := v.checkpoints[e.Seq]
	if !ok {
		return true
	}
	for _, want := range wants {
		if want != v.chain {
			return v.fail(KindCheckpoint, e.Seq, e.CaseID, "the checkpoint at entry %d recorded %.12s, the ledger now gives %.12s: something up to it changed", e.Seq, want, v.chain)
		}
		v.proved++
	}
	delete(v.checkpoints, e.Seq)
	return true
}

// endChain checks the end of the chain against the database's head and the
// checkpoints not met.
func (v *verifier) endChain(headSeq int64, headHash string) bool {
	v.r.HeadSeq, v.r.HeadHash = v.prevSeq, v.chain
	missing := int64(-1)
	for seq, wants := range v.checkpoints {
		if seq == 0 && slices.Equal(wants, make([]string, len(wants))) {
			v.proved += len(wants)
			continue
		}
		if missing < 0 || seq < missing {
			missing = seq
		}
	}
	if seq := missing; seq >= 0 {
		if seq > v.prevSeq {
			return v.fail(KindCheckpointMissing, seq, "", "a checkpoint recorded the ledger up to entry %d, it now ends at entry %d: entries were removed at the end and the head rolled back", seq, v.prevSeq)
		}
		return v.fail(KindCheckpoint, seq, "", "the checkpoint at entry %d names an entry the ledger does not hold", seq)
	}
	v.r.Checkpoints = v.proved
	if headSeq != v.prevSeq || headHash != v.chain {
		return v.fail(KindHead, 0, "", "the database records the chain head at entry %d (%.12s), the entries end at %d (%.12s): entries removed at the end or written around the engine", headSeq, headHash, v.prevSeq, v.chain)
	}
	return true
}

// caseState is the per-case pass's state: one case at a time, and the
// first orphan entry by seq.
type caseState struct {
	started    bool
	row        CaseRow
	n          int
	last       Link
	orphanSeq  int64
	orphanCase string
}

// scanCases runs the pass by case into v.r: per-case links, case rows and,
// when they hold, orphans.
func (v *verifier) scanCases(ctx context.Context, src Source) error {
	var cs caseState
	err := src.ScanCaseChains(ctx, func(c *CaseRow, l *Link) error {
		if !v.addLink(&cs, c, l) {
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	if !v.r.OK() || !v.finishCase(&cs) {
		return nil
	}
	if cs.orphanSeq != 0 {
		v.fail(KindOrphan, cs.orphanSeq, cs.orphanCase, "ledger entries for a case that does not exist (its row was deleted)")
	}
	return nil
}

func (v *verifier) addLink(cs *caseState, c *CaseRow, l *Link) bool {
	if c == nil {
		if cs.orphanSeq == 0 || l.Seq < cs.orphanSeq {
			cs.orphanSeq, cs.orphanCase = l.Seq, l.CaseID
		}
		return true
	}
	if !cs.started || c.ID != cs.row.ID {
		if cs.started && !v.finishCase(cs) {
			return false
		}
		*cs = caseState{started: true, row: *c, orphanSeq: cs.orphanSeq, orphanCase: cs.orphanCase}
		v.r.Cases++
	}
	if l == nil {
		return true
	}
	if l.PrevHash != cs.last.Hash {
		if cs.n == 0 {
			return v.fail(KindCaseLink, l.Seq, c.ID, "first entry of the case points to a predecessor (an entry before it was removed)")
		}
		return v.fail(KindCaseLink, l.Seq, c.ID, "does not follow the case's previous entry %d", cs.last.Seq)
	}
	cs.n++
	cs.last = *l
	return true
}

func (v *verifier) finishCase(cs *caseState) bool {
	if !cs.started {
		return true
	}
	if !v.chainUnsealed(cs) {
		return false
	}
	c, l := &cs.row, &cs.last
	if cs.n != c.LedgerLen || l.Hash != c.LedgerHead {
		return v.fail(KindCaseLen, 0, c.ID, "the case records %d entries ending in %.12s, the ledger holds %d ending in %.12s (entries removed or appended)", c.LedgerLen, c.LedgerHead, cs.n, l.Hash)
	}
	if cs.n == 0 {
		return true
	}
	field, row, entry := "", "", ""
	switch {
	case c.State != l.To:
		field, row, entry = "state", c.State, l.To
	case l.Authenticated && c.Version != l.Version:
		field, row, entry = "version", fmt.Sprint(c.Version), fmt.Sprint(l.Version)
	case l.Authenticated && c.Workflow != l.Workflow:
		field, row, entry = "workflow", c.Workflow, l.Workflow
	case l.Authenticated && c.Number != l.Number:
		field, row, entry = "number", c.Number, l.Number
	}
	if field != "" {
		v.unsealed = l.Unsealed
		v.fail(KindCaseRow, l.Seq, c.ID, "the case row's %s is %q, its last entry says %q (changed without an entry)", field, row, entry)
		v.r.Field = field
		return false
	}
	return true
}
