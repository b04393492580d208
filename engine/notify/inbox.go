package notify

import (
	"context"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/sqlstore"
)

// Item is one message of a user's in-app inbox.
type Item struct {
	ID         string
	Kind       string
	CaseID     string
	CaseNumber string
	Subject    string
	Body       string
	Link       string
	CreatedAt  time.Time
	ReadAt     *time.Time
}

func itemOf(r inboxRow) Item {
	it := Item{ID: r.ID, Kind: r.Kind, CaseID: r.CaseID, CaseNumber: r.CaseNumber, Subject: r.Subject, Body: r.Body,
		Link: r.Link, CreatedAt: r.CreatedAt.UTC()}
	if r.ReadAt != nil {
		t := r.ReadAt.UTC()
		it.ReadAt = &t
	}
	return it
}

// InboxFilter selects a user's messages, newest first.
type InboxFilter struct {
	User   string
	Unread bool
	// After is a cursor: the messages after (older than) the one with this ID.
	After string
	// Limit caps the result; zero means 20, at most 100.
	Limit int
}

// Inbox lists a user's messages, newest first. Errors: not_found for a
// cursor that is not one of the user's messages.
func (s *Service) Inbox(ctx context.Context, f InboxFilter) ([]Item, error) {
	if f.Limit <= 0 {
		f.Limit = 20
	}
	f.Limit = min(f.Limit, 100)
	q := s.db.WithContext(ctx).Where("user_name = ?", f.User)
	if f.Unread {
		q = q.Where("read_at IS NULL")
	}
	if f.After != "" {
		var cur inboxRow
		if err := s.db.WithContext(ctx).Where("id = ? AND user_name = ?", f.After, f.User).Take(&cur).Error; err != nil {
			return nil, notFound(f.After)
		}
		cond, args := sqlstore.KeysetBefore(s.dialect, "created_at", cur.CreatedAt, cur.ID)
		q = q.Where(cond, args...)
	}
	var rows []inboxRow
	if err := q.Order("created_at DESC, id DESC").Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Item, len(rows))
	for i, r := range rows {
		out[i] = itemOf(r)
	}
	return out, nil
}

// UnreadCount counts a user's unread messages: the bell's number.
func (s *Service) UnreadCount(ctx context.Context, user string) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&inboxRow{}).Where("user_name = ? AND read_at IS NULL", user).Count(&n).Error
	return int(n), err
}

// MarkRead marks one of the user's messages read (again is a no-op) and
// returns it. Errors: not_found when the user has no such message.
func (s *Service) MarkRead(ctx context.Context, user, id string) (Item, error) {
	now := s.now()
	if err := s.db.WithContext(ctx).Model(&inboxRow{}).Where("id = ? AND user_name = ? AND read_at IS NULL", id, user).
		Update("read_at", now).Error; err != nil {
		return Item{}, err
	}
	var r inboxRow
	if err := s.db.WithContext(ctx).Where("id = ? AND user_name = ?", id, user).Take(&r).Error; err != nil {
		return Item{}, notFound(id)
	}
	return itemOf(r), nil
}

// MarkAllRead marks every message of the user read and says how many were
// unread.
func (s *Service) MarkAllRead(ctx context.Context, user string) (int, error) {
	res := s.db.WithContext(ctx).Model(&inboxRow{}).Where("user_name = ? AND read_at IS NULL", user).Update("read_at", s.now())
	return int(res.RowsAffected), res.Error
}

// PurgeInbox deletes messages older than the retention (180 days), sent
// or discarded deliveries as old, and the notices kept done (a digest's,
// or one that could not be read) written before it; it returns how many
// messages went.
func (s *Service) PurgeInbox(ctx context.Context) (int, error) {
	cut := s.now().Add(-s.cfg.InboxRetention)
	res := s.db.WithContext(ctx).Where("created_at < ?", cut).Delete(&inboxRow{})
	if res.Error != nil {
		return 0, res.Error
	}
	if err := s.db.WithContext(ctx).Where("status IN ? AND updated_at < ?", []string{statusSent, statusDiscarded}, cut).
		Delete(&deliveryRow{}).Error; err != nil {
		return int(res.RowsAffected), err
	}
	if _, err := s.cfg.Store.PurgeNotices(ctx, cut); err != nil {
		return int(res.RowsAffected), err
	}
	return int(res.RowsAffected), nil
}

func notFound(id string) error {
	return engine.Errorf(engine.ENOTFOUND, "找不到消息 %s。", "No notification %s.", id)
}
