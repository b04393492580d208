package ledger

import (
	"context"
	"crypto/hmac"
	"encoding/hex"
	"errors"
)

// Unsealed entries. On PostgreSQL a transaction commits its entries with
// their content hash, their case's chain and a MAC of their own (Pend), but
// without a global number: a sealer numbers, links and authenticates
// committed entries in batches shortly after (Chainer.Link), so that
// concurrent transactions do not take turns on the chain head through their
// commits. docs/ledger.md describes the window.

// pendingMAC computes the MAC of an unsealed entry: its key id and content
// hash, under f (an HMAC of the key keyID).
func pendingMAC(f *fieldHasher, keyID, hash string, into []byte) []byte {
	f.buf = append(f.buf[:0], "parkfin-ledger-pending-mac-v1"...)
	f.str(keyID)
	f.str(hash)
	return f.sum(into)
}

// Pend authenticates e for the time before it is sealed: it sets the key id
// and a MAC over e.Hash (which must be set) and leaves Seq and ChainHash
// empty. Link replaces both when the entry is sealed.
func (c *Chainer) Pend(e *Entry) {
	e.Seq, e.ChainHash = 0, ""
	e.KeyID = c.key.ID
	c.buf = pendingMAC(&c.mac, e.KeyID, e.Hash, c.buf[:0])
	e.MAC = hex.EncodeToString(c.buf)
}

// CheckPending checks an unsealed entry as a sealer must before it numbers
// it: its content against its hash and its MAC. It returns the fault's kind
// (KindEdited, KindUnknownKey, KindMAC, KindUnauthenticated) with an error,
// or "" and nil.
func (kr *Keyring) CheckPending(e *Entry) (Kind, error) {
	if e.ContentHash() != e.Hash {
		return KindEdited, errors.New("content does not match its hash (edited)")
	}
	if e.KeyID == "" {
		return KindUnauthenticated, errors.New("an unsealed entry without a MAC (inserted around the engine)")
	}
	k, ok := kr.Key(e.KeyID)
	if !ok {
		return KindUnknownKey, errors.New("authenticated with a key the keyring does not hold")
	}
	f := fieldHasher{h: k.mac()}
	want := hex.EncodeToString(pendingMAC(&f, e.KeyID, e.Hash, nil))
	if !hmac.Equal([]byte(want), []byte(e.MAC)) {
		return KindMAC, errors.New("the MAC does not match: the entry was rewritten and its hash recomputed without the key")
	}
	return "", nil
}

// PendingSource is a Source that also holds unsealed entries: committed,
// not yet numbered. Verify checks each by its content hash and its own MAC,
// then, at the end of its case in the per-case pass, its case's chain. The
// unsealed entries' links are kept in memory until then: they are the tail
// the sealer has not reached, a moment's worth of moves.
type PendingSource interface {
	// ScanUnsealed calls fn for every unsealed entry in the order they
	// were written (Entry.Unsealed ascending), stopping at the first error
	// fn returns. fn must not keep the entry.
	ScanUnsealed(ctx context.Context, fn func(*Entry) error) error
}

// scanUnsealed checks the unsealed entries of src and keeps their links.
func (v *verifier) scanUnsealed(ctx context.Context, src PendingSource) error {
	err := src.ScanUnsealed(ctx, func(e *Entry) error {
		v.r.Entries++
		v.r.Unsealed++
		v.unsealed = e.Unsealed
		if kind, err := v.kr.CheckPending(e); err != nil {
			v.fail(kind, 0, e.CaseID, "%v", err)
			return errStop
		}
		v.unsealed = 0
		v.sum(e)
		if v.links == nil {
			v.links = map[string][]Link{}
		}
		v.links[e.CaseID] = append(v.links[e.CaseID], Link{PrevHash: e.PrevHash, Hash: e.Hash, To: e.To,
			Workflow: e.Workflow, Number: e.Number, Version: e.Version, Authenticated: true, Unsealed: e.Unsealed})
		return nil
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// chainUnsealed follows the case's sealed entries with its unsealed ones,
// each of which must point to the one before.
func (v *verifier) chainUnsealed(cs *caseState) bool {
	links := v.links[cs.row.ID]
	if links == nil {
		return true
	}
	delete(v.links, cs.row.ID)
	for _, l := range links {
		if l.PrevHash != cs.last.Hash {
			v.unsealed = l.Unsealed
			if cs.n == 0 {
				return v.fail(KindCaseLink, 0, cs.row.ID, "first entry of the case points to a predecessor (an entry before it was removed)")
			}
			return v.fail(KindCaseLink, 0, cs.row.ID, "does not follow the case's previous entry")
		}
		cs.n++
		cs.last = l
	}
	return true
}

// unsealedOrphans fails on the first unsealed entry left over by the
// per-case pass: its case does not exist.
func (v *verifier) unsealedOrphans() {
	var first *Link
	caseID := ""
	for id, links := range v.links {
		if first == nil || links[0].Unsealed < first.Unsealed {
			first, caseID = &links[0], id
		}
	}
	if first != nil {
		v.unsealed = first.Unsealed
		v.fail(KindOrphan, 0, caseID, "ledger entries for a case that does not exist (its row was deleted)")
	}
}
