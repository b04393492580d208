package sqlstore

import (
	"context"
	"fmt"

	"github.com/parkfin/parkfin/engine"
)

// What a notice expander (engine.NoticeExpander) may ask of a transaction
// on PostgreSQL: the directory's version it works at, and a place for its
// rows among the transaction's held-back inserts.

// DirectoryVersion returns the version of the directory (directory_version)
// tx works at: the version it read the parks at, or the one it took them
// from what the store kept, which its first statement checks (check_kept).
// ok is false where there is none: on SQLite, or before tx asked for a
// park. What the users, their channels and the robots were at that version
// is what a notice of tx may be expanded with.
func DirectoryVersion(etx engine.Tx) (version int64, ok bool) {
	t, isTx := etx.(*tx)
	if !isTx || t.conn == nil || t.dirVersion == 0 {
		return 0, false
	}
	return t.dirVersion, true
}

// InsertInTx inserts rows (a pointer to a model or to a slice of models) in
// tx: on PostgreSQL they wait with the transaction's other inserts and go
// with its next statement (deferred.go).
func InsertInTx(ctx context.Context, etx engine.Tx, rows any) error {
	t, isTx := etx.(*tx)
	if !isTx {
		return fmt.Errorf("sqlstore: %T is not a transaction of this store", etx)
	}
	return translate(t.insertLater(ctx, rows))
}
