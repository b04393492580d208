package notify

import (
	"context"
	"time"

	"github.com/parkfin/parkfin/engine"
)

// DeadLetter is a delivery that failed for good: refused outright, or
// failing for MaxAge (24 hours).
type DeadLetter struct {
	ID        string
	NoticeID  string
	Channel   string
	Recipient string
	Kind      string
	CaseID    string
	Subject   string
	Attempts  int
	LastError string
	CreatedAt time.Time
	DiedAt    time.Time
}

// DeadLetters lists the dead deliveries, newest first, at most limit
// (default 100).
func (s *Service) DeadLetters(ctx context.Context, limit int) ([]DeadLetter, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var rows []deliveryRow
	if err := s.db.WithContext(ctx).Where("status = ?", statusDead).Order("updated_at DESC, id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]DeadLetter, len(rows))
	for i, r := range rows {
		out[i] = DeadLetter{ID: r.ID, NoticeID: r.NoticeID, Channel: r.Channel, Recipient: r.Recipient, Kind: r.Kind,
			CaseID: r.CaseID, Subject: subjectOf(r.Message), Attempts: r.Attempts, LastError: r.LastError,
			CreatedAt: r.CreatedAt.UTC(), DiedAt: r.UpdatedAt.UTC()}
	}
	return out, nil
}

// Retry gives a dead delivery another day of attempts, starting now.
// Errors: not_found when no dead delivery has the ID.
func (s *Service) Retry(ctx context.Context, id string) error {
	now := s.now()
	res := s.db.WithContext(ctx).Model(&deliveryRow{}).Where("id = ? AND status = ?", id, statusDead).
		Updates(map[string]any{"status": statusPending, "next_at": now, "created_at": now, "attempts": 0, "claim": "", "updated_at": now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return deadNotFound(id)
	}
	return nil
}

// Discard drops a dead delivery from the list (it is kept, discarded, until
// the retention purges it). Errors: not_found when no dead delivery has the ID.
func (s *Service) Discard(ctx context.Context, id string) error {
	res := s.db.WithContext(ctx).Model(&deliveryRow{}).Where("id = ? AND status = ?", id, statusDead).
		Updates(map[string]any{"status": statusDiscarded, "updated_at": s.now()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return deadNotFound(id)
	}
	return nil
}

func deadNotFound(id string) error {
	return engine.Errorf(engine.ENOTFOUND, "死信列表中没有投递 %s。", "No dead delivery %s.", id)
}

func subjectOf(raw string) string {
	var m Message
	_ = jsonUnmarshal(raw, &m)
	return m.Subject
}
