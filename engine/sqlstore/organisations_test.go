package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/internal/demo"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// Organisations of the types without a table of their own are data: the
// administrator creates and renames them (audited in the change's
// transaction), their codes are unique among all organisations, and a
// user's organisation must be of the type the user's role acts for.
func TestOrganisations(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			s := MustStore(t, db)
			now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			r, err := demo.Seed(ctx, s, now)
			if err != nil {
				t.Fatal(err)
			}
			if r.Orgs == 0 {
				t.Fatal("the demo seeded no organisations")
			}
			entry := func(target string) *audit.Entry {
				return &audit.Entry{At: now, Actor: "admin", ActorRole: "admin", Via: "session", Action: audit.OrgChange, Target: target, Result: audit.OK}
			}
			if err := s.PutOrganisation(ctx, engine.Organisation{Code: "XYDB", Type: engine.OrgGuarantor, Name: "湘益融资担保公司"}, entry("XYDB")); err != nil {
				t.Fatal(err)
			}
			o, err := s.Organisation(ctx, "XYDB")
			if err != nil || o.Type != engine.OrgGuarantor || o.Name != "湘益融资担保公司" {
				t.Fatalf("organisation read back: %+v %v", o, err)
			}
			if err := s.PutOrganisation(ctx, engine.Organisation{Code: "XYDB", Type: engine.OrgGuarantor, Name: "湘益担保"}, entry("XYDB")); err != nil {
				t.Fatal(err)
			}
			if o, _ := s.Organisation(ctx, "XYDB"); o.Name != "湘益担保" {
				t.Fatalf("renamed: %+v", o)
			}
			for _, bad := range []engine.Organisation{
				{Code: "GXQ", Type: engine.OrgGuarantor, Name: "园区的编码"},
				{Code: "ICBC", Type: engine.OrgCountyPBoC, Name: "银行的编码", County: "AH"},
				{Code: "XYDB", Type: engine.OrgCountyPBoC, Name: "另一类型的同一编码", County: "AH"},
			} {
				if err := s.PutOrganisation(ctx, bad, entry(bad.Code)); engine.ErrorCode(err) != engine.EDUPLICATE {
					t.Errorf("%+v: %v, want duplicate", bad, err)
				}
			}
			// A county sub-branch of the central bank names an existing
			// county, which it keeps; no other type names one.
			o, err = s.Organisation(ctx, "PBOC-AH")
			if err != nil || o.County != "AH" {
				t.Fatalf("the demo's county sub-branch: %+v %v", o, err)
			}
			for _, bad := range []engine.Organisation{
				{Code: "PBOC-YY", Type: engine.OrgCountyPBoC, Name: "无区县"},
				{Code: "PBOC-YY", Type: engine.OrgCountyPBoC, Name: "未知区县", County: "NONE"},
				{Code: "XYDB", Type: engine.OrgGuarantor, Name: "担保公司不选区县", County: "AH"},
			} {
				err := s.PutOrganisation(ctx, bad, entry(bad.Code))
				var fe *engine.Error
				if !errors.As(err, &fe) || fe.Code != engine.EINVALID || len(fe.Fields) != 1 || fe.Fields[0].Field != "county" {
					t.Errorf("%+v: %v, want the county refused", bad, err)
				}
			}
			if o, _ := s.Organisation(ctx, "XYDB"); o.County != "" || o.Name != "湘益担保" {
				t.Fatalf("a refused change was kept: %+v", o)
			}
			for _, bad := range []engine.OrgType{engine.OrgPark, engine.OrgCity, "nonesuch"} {
				if err := s.PutOrganisation(ctx, engine.Organisation{Code: "Z", Type: bad, Name: "z"}, entry("Z")); engine.ErrorCode(err) != engine.EINVALID {
					t.Errorf("type %s: %v, want validation_failed", bad, err)
				}
			}
			list, err := s.Organisations(ctx)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, x := range list {
				found = found || x.Code == "XYDB"
			}
			if !found {
				t.Fatalf("list %+v", list)
			}
			got, err := s.AuditEntries(ctx, audit.Filter{Action: audit.OrgChange})
			if err != nil || len(got) != 2 {
				t.Fatalf("audit entries of the organisation's changes: %d %v", len(got), err)
			}
			// The organisation a user acts for is of the type the role
			// acts for.
			cases := []struct {
				role engine.Role
				org  string
				ok   bool
			}{
				{engine.RoleGuarantor, "XYDB", true},
				{engine.RoleGuarantor, "PBOC-AH", false},
				{engine.RoleCountyPBoC, "PBOC-AH", true},
				{engine.RoleGuarantor, "GXQ", false},
				{engine.RoleWindow, "GXQ", true},
				{engine.RoleWindow, "XYDB", false},
				{engine.RoleBank, "ICBC", true},
				{engine.RoleCounty, "GX", true},
				{engine.RoleCity, "CITY", true},
				{engine.RoleCity, "GX", false},
				{engine.RolePBoC, "PBOC", true},
				{engine.RoleAdmin, "ADMIN", true},
			}
			for _, c := range cases {
				f, err := auth.CheckOrg(ctx, s, c.role, c.org)
				if err != nil || (f == nil) != c.ok {
					t.Errorf("role %s, organisation %s: %+v %v, want ok=%v", c.role, c.org, f, err, c.ok)
				}
			}
		})
	}
}
