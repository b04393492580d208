package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parkfin/parkfin/engine"
)

// NoticeRow is an outbox row. It is exported for engine/notify, which
// drains the outbox from the same database; it is not a domain type.
type NoticeRow struct {
	ID         string `gorm:"primaryKey"`
	Kind       string
	Workflow   string
	Event      string
	CaseID     string
	CaseNumber string
	CaseTitle  string
	State      string
	ActorUser  string
	ActorRole  string
	ActorOrg   string
	At         time.Time
	DueAt      *time.Time
	Recipients string
	Payload    string
	// DedupeKey is NULL unless set, so that the unique index ignores it.
	DedupeKey *string
	// Status is "pending" until the notice was turned into deliveries,
	// then "done".
	Status string
	// NextAt is when the notice may be claimed: at once when written, the
	// end of its lease while a dispatcher holds it.
	NextAt time.Time
	Claim  string
}

// TableName is the outbox table.
func (NoticeRow) TableName() string { return "outbox" }

// NoticeColumns are the outbox's columns in the order ScanNotices reads
// them.
const NoticeColumns = "id, kind, workflow, event, case_id, case_number, case_title, state, actor_user, actor_role, actor_org, " +
	"at, due_at, recipients, payload, dedupe_key, status, next_at, claim"

// ScanNotices reads rows of NoticeColumns. A dispatch reads its batch of
// notices this way rather than through gorm's reflection, which cost more
// than the reading itself for batches of some hundred rows.
func ScanNotices(rows *sql.Rows) ([]NoticeRow, error) {
	var out []NoticeRow
	for rows.Next() {
		var (
			r     NoticeRow
			due   sql.NullTime
			dedup sql.NullString
		)
		if err := rows.Scan(&r.ID, &r.Kind, &r.Workflow, &r.Event, &r.CaseID, &r.CaseNumber, &r.CaseTitle, &r.State,
			&r.ActorUser, &r.ActorRole, &r.ActorOrg, &r.At, &due, &r.Recipients, &r.Payload, &dedup, &r.Status, &r.NextAt, &r.Claim); err != nil {
			return nil, err
		}
		r.At, r.NextAt = r.At.UTC(), r.NextAt.UTC()
		if due.Valid {
			t := due.Time.UTC()
			r.DueAt = &t
		}
		if dedup.Valid {
			r.DedupeKey = &dedup.String
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AsStored returns the notice as the outbox gives it back once written
// (NoticeFromRow): its times in UTC, an empty payload as null. A notice
// expanded without the outbox (engine/notify/inline.go) is expanded as it.
func AsStored(n *engine.Notice) engine.Notice {
	m := *n
	m.At = m.At.UTC()
	m.DueAt = utcPtr(m.DueAt)
	if len(m.Payload) == 0 {
		m.Payload = json.RawMessage("null")
	}
	return m
}

// NoticeToRow maps a notice to its row.
func NoticeToRow(notice *engine.Notice) (NoticeRow, error) {
	n := AsStored(notice)
	rs, err := json.Marshal(n.Recipients)
	if err != nil {
		return NoticeRow{}, err
	}
	r := NoticeRow{
		ID: n.ID, Kind: n.Kind, Workflow: n.Workflow, Event: string(n.Event),
		CaseID: n.CaseID, CaseNumber: n.CaseNumber, CaseTitle: n.CaseTitle, State: string(n.State),
		ActorUser: n.Actor.User, ActorRole: string(n.Actor.Role), ActorOrg: n.Actor.Org,
		At: n.At, DueAt: n.DueAt, Recipients: string(rs), Payload: string(n.Payload),
		Status: "pending", NextAt: n.At,
	}
	if n.DedupeKey != "" {
		k := n.DedupeKey
		r.DedupeKey = &k
	}
	return r, nil
}

// NoticeFromRow maps an outbox row to its notice.
func NoticeFromRow(r NoticeRow) (engine.Notice, error) {
	n := engine.Notice{
		ID: r.ID, Kind: r.Kind, Workflow: r.Workflow, Event: engine.EventName(r.Event),
		CaseID: r.CaseID, CaseNumber: r.CaseNumber, CaseTitle: r.CaseTitle, State: engine.State(r.State),
		Actor: engine.Actor{User: r.ActorUser, Role: engine.Role(r.ActorRole), Org: r.ActorOrg},
		At:    utc(r.At), DueAt: utcPtr(r.DueAt), Payload: json.RawMessage(r.Payload),
	}
	if r.DedupeKey != nil {
		n.DedupeKey = *r.DedupeKey
	}
	return n, json.Unmarshal([]byte(r.Recipients), &n.Recipients)
}

// EndNotices ends the notices a dispatch took, in the dispatch's
// transaction. Those in gone are deleted: their inbox rows and deliveries
// are what remains of them, and the outbox holds what waits rather than
// every notice ever written — a row less rewritten each notice, and a table
// that does not grow with the years. Those in done stay, marked done: a
// notice with a dedupe key, which must go on refusing a second notice of
// its key, and one that could not be read, kept to be looked at.
// PurgeNotices deletes them after the retention.
func (s *Store) EndNotices(ctx context.Context, db *gorm.DB, gone, done []string) error {
	if len(gone) > 0 {
		if err := execByIDs(ctx, db, s.dialect, "DELETE FROM outbox WHERE id", gone); err != nil {
			return err
		}
	}
	if len(done) > 0 {
		return execByIDs(ctx, db, s.dialect, "UPDATE outbox SET status = 'done' WHERE id", done)
	}
	return nil
}

// PurgeNotices deletes the notices marked done that were written before
// the time, and returns how many it deleted.
func (s *Store) PurgeNotices(ctx context.Context, before time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Exec("DELETE FROM outbox WHERE status = 'done' AND at < ?", before.UTC())
	return res.RowsAffected, res.Error
}

// InsertNotice writes a notice to the outbox; a notice whose DedupeKey is
// taken is skipped.
func (t *tx) InsertNotice(ctx context.Context, n *engine.Notice) (bool, error) {
	if ok, err := t.holdNotice(n); ok || err != nil {
		return ok, err
	}
	r, err := NoticeToRow(n)
	if err != nil {
		return false, err
	}
	if t.deferred && n.DedupeKey == "" {
		// A notice without a dedupe key is always written: it waits with
		// the other inserts (deferred.go). Its id is new and nothing else
		// of it is unique, so it is inserted plainly, without the
		// speculative insertion that skipping a clash would cost.
		return true, translate(t.insertLater(ctx, &r))
	}
	if t.deferred {
		// The waiting inserts go with it (deferred.go).
		stmt := t.db.Session(&gorm.Session{DryRun: true}).WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&r).Statement
		if stmt.Error != nil {
			return false, stmt.Error
		}
		if t.later {
			// Entries left for the sealer need no lock: they go too.
			if w := t.unsealedWrite(); w != nil {
				t.writes = append(t.writes, *w)
			}
		}
		n, err := t.flushWrites(ctx, &deferredWrite{sql: stmt.SQL.String(), vars: stmt.Vars})
		if err != nil {
			return false, translate(err)
		}
		return n == 1, nil
	}
	res := t.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&r)
	if res.Error != nil {
		return false, translate(res.Error)
	}
	return res.RowsAffected == 1, nil
}
