package sqlstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/calendar"
)

var _ calendar.OverrideStore = (*Store)(nil)

type calendarOverrideRow struct {
	Year      int `gorm:"primaryKey;autoIncrement:false"`
	Data      string
	UpdatedAt time.Time `gorm:"autoUpdateTime:false"`
	UpdatedBy string
}

func (calendarOverrideRow) TableName() string { return "calendar_overrides" }

// CalendarOverrides returns every calendar override, by year.
func (s *Store) CalendarOverrides(ctx context.Context) ([]calendar.Override, error) {
	var rows []calendarOverrideRow
	if err := s.db.WithContext(ctx).Order("year").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]calendar.Override, len(rows))
	for i, r := range rows {
		out[i] = calendar.Override{Year: r.Year, Data: json.RawMessage(r.Data), UpdatedAt: utc(r.UpdatedAt), UpdatedBy: r.UpdatedBy}
	}
	return out, nil
}

// PutCalendarOverride creates or replaces the year's override and records
// ev, in one transaction.
func (s *Store) PutCalendarOverride(ctx context.Context, o calendar.Override, ev *audit.Entry) error {
	r := calendarOverrideRow{Year: o.Year, Data: string(o.Data), UpdatedAt: utc(o.UpdatedAt), UpdatedBy: o.UpdatedBy}
	return s.upsert(ctx, &r, ev)
}

// DeleteCalendarOverride removes the year's override and records ev, in
// one transaction.
func (s *Store) DeleteCalendarOverride(ctx context.Context, year int, ev *audit.Entry) error {
	return s.inWriteTx(ctx, func(q queries) error {
		if err := q.db.WithContext(ctx).Where("year = ?", year).Delete(&calendarOverrideRow{}).Error; err != nil {
			return err
		}
		return q.record(ctx, ev)
	})
}
