package sqlstore

import (
	"reflect"
	"testing"
	"time"

	"github.com/parkfin/parkfin/internal/testsvc"
)

// ScanNotices reads back every column of the outbox rows gorm wrote: times
// in UTC, a missing deadline and dedupe key as nil, present ones as set.
func TestScanNoticesReadsWhatWasWritten(t *testing.T) {
	at := time.Date(2026, 5, 6, 7, 8, 9, 123456000, time.UTC)
	due, key := at.Add(72*time.Hour), "breach:case-1:reply"
	want := []NoticeRow{
		{ID: "n1", Kind: "breach", Workflow: "financing", Event: "lapse", CaseID: "case-1", CaseNumber: "GXQ-2026-00001",
			CaseTitle: "益阳市某某有限公司", State: "overdue", ActorUser: "system", ActorRole: "system", ActorOrg: "",
			At: at, DueAt: &due, Recipients: `[{"role":"bank"}]`, Payload: `{"note":"逾期"}`, DedupeKey: &key,
			Status: "pending", NextAt: at, Claim: ""},
		{ID: "n2", Kind: "opened", Workflow: "financing", Event: "open", CaseID: "case-2", CaseNumber: "GXQ-2026-00002",
			CaseTitle: "另一家企业", State: "routed", ActorUser: "window-GXQ", ActorRole: "window", ActorOrg: "GXQ",
			At: at.Add(time.Second), Recipients: `[]`, Payload: "null", Status: "done", NextAt: at.Add(time.Minute), Claim: "lease-1"},
	}
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			s := mustOpen(t, db.URL(t), true)
			if err := s.db.Create(&want).Error; err != nil {
				t.Fatal(err)
			}
			rows, err := s.db.Raw("SELECT " + NoticeColumns + " FROM outbox ORDER BY id").Rows()
			if err != nil {
				t.Fatal(err)
			}
			got, err := ScanNotices(rows)
			rows.Close()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("read back\n%+v\nwrote\n%+v", got, want)
			}
		})
	}
}
