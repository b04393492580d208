package sqlstore

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parkfin/parkfin/engine"
)

type fileRow struct {
	CaseID    string `gorm:"primaryKey"`
	SHA256    string `gorm:"column:sha256;primaryKey"`
	Name      string
	MediaType string
	Size      int
	Content   []byte
	Event     string
	CreatedBy string
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}

func (fileRow) TableName() string { return "case_files" }

// InsertFile keeps a file handed in with an event; the same bytes handed in
// again with the case are kept once.
func (t *tx) InsertFile(ctx context.Context, f *engine.StoredFile) error {
	r := fileRow{CaseID: f.CaseID, SHA256: f.SHA256, Name: f.Name, MediaType: f.MediaType, Size: f.Size,
		Content: f.Content, Event: string(f.Event), CreatedBy: f.CreatedBy, CreatedAt: utc(f.CreatedAt)}
	return translate(t.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&r).Error)
}

// CaseFile returns the file kept with the case under the SHA-256.
func (q queries) CaseFile(ctx context.Context, caseID, sha string) (*engine.StoredFile, error) {
	var r fileRow
	err := q.db.WithContext(ctx).Where("case_id = ? AND sha256 = ?", caseID, sha).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, engine.Errorf(engine.ENOTFOUND, "该案件没有这个文件。", "The case has no such file.")
	}
	if err != nil {
		return nil, translate(err)
	}
	return &engine.StoredFile{FileRef: engine.FileRef{Name: r.Name, MediaType: r.MediaType, Size: r.Size, SHA256: r.SHA256},
		CaseID: r.CaseID, Content: r.Content, Event: engine.EventName(r.Event), CreatedBy: r.CreatedBy, CreatedAt: utc(r.CreatedAt)}, nil
}
