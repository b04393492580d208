package sqlstore

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

type scheduleStartRow struct {
	Workflow string `gorm:"primaryKey"`
	Since    time.Time
}

func (scheduleStartRow) TableName() string { return "schedule_starts" }

// ScheduleSince returns when the workflow's schedule first ran, recording
// now if it never did. Concurrent first runs agree: the first insert wins.
func (q queries) ScheduleSince(ctx context.Context, workflow string, now time.Time) (time.Time, error) {
	db := q.db.WithContext(ctx)
	row := scheduleStartRow{Workflow: workflow, Since: utc(now)}
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return time.Time{}, translate(err)
	}
	var got scheduleStartRow
	if err := db.Where("workflow = ?", workflow).Take(&got).Error; err != nil {
		return time.Time{}, translate(err)
	}
	return utc(got.Since), nil
}

// ScheduledOrgs lists the organisations that have a case of the workflow
// opened by the schedule for the named period.
func (q queries) ScheduledOrgs(ctx context.Context, workflow, period string) ([]string, error) {
	var orgs []string
	err := q.db.WithContext(ctx).Model(&caseRow{}).
		Where("workflow = ? AND period = ? AND scheduled_for <> ''", workflow, period).
		Order("scheduled_for").Pluck("scheduled_for", &orgs).Error
	return orgs, translate(err)
}
