package notify

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/sqlstore"
)

// Notices expanded in their own transaction. A notice written to the
// outbox costs PostgreSQL its row and two index entries, then a
// dispatcher's transaction to claim it, read the directory's version,
// write its inbox rows and delete it: under a stream of openings about a
// fifth of what a creation costs the machine. Where the transaction that
// writes the notice works at a directory version the service holds the
// directory of (sqlstore.DirectoryVersion: the version its parks were read
// at, or kept and checked by check_kept when it commits), the service
// expands the notice there: its inbox rows and deliveries go with the
// transaction's other inserts, and nothing goes to the outbox. They are the
// rows a dispatch would have written from the same directory, and they
// commit with the transition or not at all.
//
// Anything else goes to the outbox as before: SQLite, a transaction that
// read no park, a notice with a dedupe key (the engine does not offer
// it), and a directory the service does not hold at that version — which
// it then reads anew in the background (refreshDirectory), so that the
// next transaction finds it.

// ExpandInTx expands n in tx when the service holds the directory at the
// version tx works at (engine.NoticeExpander). Register it with
// Engine.ExpandNoticesWith.
func (s *Service) ExpandInTx(ctx context.Context, tx engine.Tx, n *engine.Notice) (func(), bool, error) {
	version, ok := sqlstore.DirectoryVersion(tx)
	if !ok {
		return nil, false, nil
	}
	s.dirMu.Lock()
	dir, held := s.dir, s.dirVersion
	s.dirMu.Unlock()
	if dir == nil || held != version {
		if held < version {
			s.refreshDirectory()
		}
		return nil, false, nil
	}
	m := sqlstore.AsStored(n)
	inbox, deliveries, err := s.expand(&m, dir, s.now())
	if err != nil {
		return nil, false, err
	}
	if len(inbox) > 0 {
		if err := sqlstore.InsertInTx(ctx, tx, &inbox); err != nil {
			return nil, false, err
		}
	}
	if len(deliveries) > 0 {
		if err := sqlstore.InsertInTx(ctx, tx, &deliveries); err != nil {
			return nil, false, err
		}
	}
	if len(inbox) == 0 && len(deliveries) == 0 {
		return nil, true, nil
	}
	after := func() {
		for _, d := range deliveries {
			if c := s.sendWake[d.Channel]; c != nil {
				signal(c)
			}
		}
		if len(inbox) > 0 && s.onInbox != nil {
			s.onInbox([]string{m.ID})
		}
	}
	return after, true, nil
}

// ReadDirectory reads the directory now, at its present version, for the
// notices of transactions that work at it: a process calls it as it
// starts, so that its first openings need not wait for a dispatch.
func (s *Service) ReadDirectory(ctx context.Context) error {
	if s.dialect != sqlstore.Postgres {
		return nil
	}
	return s.db.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		_, err := s.loadDirectory(db)
		return err
	})
}

// refreshDirectory reads the directory anew in the background, unless a
// read is under way or the service is closed: a transaction found the one
// held older than its own.
func (s *Service) refreshDirectory() {
	if s.dialect != sqlstore.Postgres || !s.refreshing.CompareAndSwap(false, true) {
		return
	}
	started := s.bg.start(func(ctx context.Context) {
		defer s.refreshing.Store(false)
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := s.ReadDirectory(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("notify: reading the directory failed; notices go to the outbox meanwhile", "err", err)
		}
	})
	if !started {
		s.refreshing.Store(false)
	}
}
