package engine

import "errors"

// Openings prepared ahead of their transaction. A batch of openings runs
// one after another in a committer (openbatch.go), and each opening's
// event — the workflow's Apply checking the input and routing the case by
// the directory — used to run there too, on the batch's serial path. Where
// the store keeps the directory between transactions (DirectoryKeeper:
// PostgreSQL), the caller's own goroutine runs the open event before the
// opening queues, against the directory as kept, while the committer is
// busy with the batch before. The batch then takes the prepared case
// instead of preparing it again, provided its transaction works at the
// same directory version (DirectoryPinner): the store checks that version
// at the commit, as for any transaction that read the directory it kept,
// and should the directory have changed meanwhile, the transaction fails,
// and runs again with every opening prepared anew inside it. A preparation
// that fails for any reason — the input refused, a lookup the kept
// directory cannot answer — is dropped, and the batch prepares that opening
// itself, as without preparing ahead: its outcome is the batch's.

// DirectoryKeeper is a store that keeps the directory between
// transactions.
type DirectoryKeeper interface {
	// KeptDirectory returns the directory as kept and the version it was
	// read at, or ok false when none is kept. It answers from what it
	// keeps only: a lookup it cannot answer fails with ErrNotKept.
	KeptDirectory() (dir Directory, version int64, ok bool)
}

// DirectoryPinner is a transaction that can be made to work at a kept
// directory version.
type DirectoryPinner interface {
	// PinDirectory reports whether the transaction works at version: its
	// directory read or taken from what the store keeps at that version,
	// which the store then checks at the commit.
	PinDirectory(version int64) bool
}

// ErrNotKept is returned by a kept directory's lookup it cannot answer
// from what it keeps.
var ErrNotKept = errors.New("engine: not in the directory kept")

// preparedOpening is an opening's event run ahead of its transaction.
type preparedOpening struct {
	c       *Case
	m       *moving
	fx      effects
	version int64
}

// prepareAhead runs the call's open event against the directory the store
// keeps, if it keeps one; the call keeps the outcome unless it failed.
func (e *Engine) prepareAhead(call *openCall) {
	keeper, ok := e.store.(DirectoryKeeper)
	if !ok {
		return
	}
	dir, version, ok := keeper.KeptDirectory()
	if !ok {
		return
	}
	c := call.blank
	p := &preparedOpening{c: &c, version: version}
	w := call.w
	m, err := e.prepareMove(call.ctx, nil, dir, w, p.c, w.def.OpenEvent, call.req.Actor, call.req.Payload, call.req.Decoded, call.req.Files, call.now, true, nil, &p.fx)
	if err != nil {
		return
	}
	p.m = m
	call.pre = p
}

// takePrepared hands the call its prepared opening when tx works at the
// directory version it was prepared at, and reports whether it did. A
// preparation is taken at most once: a transaction run again prepares
// every opening itself.
func (call *openCall) takePrepared(tx Tx) bool {
	p := call.pre
	call.pre = nil
	if p == nil {
		return false
	}
	pin, ok := tx.(DirectoryPinner)
	if !ok || !pin.PinDirectory(p.version) {
		return false
	}
	call.c, call.m, call.fx, call.err = p.c, p.m, p.fx, nil
	return true
}
