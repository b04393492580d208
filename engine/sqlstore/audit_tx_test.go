package sqlstore_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// A change of the directory, a pairing, a user or the calendar and its
// audit entry are one transaction: when the entry cannot be written the
// change is not made, and when it is made its entry is in the chain.
func TestChangeAndAuditOneTransaction(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			s := mustDemoStore(t, db)
			now := demoNow
			before, err := s.Park(ctx, "GXQ")
			if err != nil {
				t.Fatal(err)
			}
			entry := func(action, target string) *audit.Entry {
				return &audit.Entry{At: now, Actor: "admin", ActorRole: "admin", Via: "session", Action: action, Target: target, Result: audit.OK}
			}
			// The audit log refuses every insert, as a full disk or a
			// revoked grant would.
			if db.Name == "postgres" {
				mustExec(t, s, `CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$`)
				mustExec(t, s, `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()`)
			} else {
				mustExec(t, s, `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END`)
			}
			if err := s.PutPark(ctx, engine.Park{Code: "GXQ", Name: "改名的园区", County: before.County}, entry(audit.ParkChange, "GXQ")); err == nil {
				t.Fatal("a park change whose audit entry failed was reported done")
			}
			if p, _ := s.Park(ctx, "GXQ"); p.Name != before.Name {
				t.Fatalf("the park changed without its audit entry: %+v", p)
			}
			if err := s.PutBank(ctx, engine.Bank{Code: "NEWB", Name: "新银行"}, entry(audit.BankChange, "NEWB")); err == nil {
				t.Fatal("bank")
			}
			if _, err := s.Bank(ctx, "NEWB"); engine.ErrorCode(err) != engine.ENOTFOUND {
				t.Fatalf("the bank was created without its audit entry: %v", err)
			}
			if err := s.PutCounty(ctx, engine.County{Code: "NEWC", Name: "新区县"}, entry(audit.CountyChange, "NEWC")); err == nil {
				t.Fatal("county")
			}
			lead, err := s.LeadBank(ctx, "GXQ", 2026)
			if err != nil {
				t.Fatal(err)
			}
			other := "BOC"
			if lead.Bank == other {
				other = "CCB"
			}
			if _, err := s.Pair(ctx, engine.Pairing{Year: 2026, Park: "GXQ", Bank: other, Reason: "网点撤并", RecordedAt: now, RecordedBy: "admin"},
				entry(audit.PairingChange, "2026 GXQ")); err == nil {
				t.Fatal("pairing")
			}
			if p, _ := s.LeadBank(ctx, "GXQ", 2026); p.Bank != lead.Bank {
				t.Fatalf("the pairing changed without its audit entry: %+v", p)
			}
			u, err := s.User(ctx, "window-GXQ")
			if err != nil {
				t.Fatal(err)
			}
			u.Disabled = true
			if err := s.PutUser(ctx, *u, entry(audit.UserChange, u.Name)); err == nil {
				t.Fatal("user")
			}
			if u, _ := s.User(ctx, "window-GXQ"); u.Disabled {
				t.Fatal("the user changed without its audit entry")
			}
			o := calendar.Override{Year: 2030, Data: json.RawMessage(`{"year":2030}`), UpdatedAt: now, UpdatedBy: "admin"}
			if err := s.PutCalendarOverride(ctx, o, entry(audit.CalendarChange, "2030")); err == nil {
				t.Fatal("calendar")
			}
			if list, _ := s.CalendarOverrides(ctx); len(list) != 0 {
				t.Fatalf("the calendar changed without its audit entry: %+v", list)
			}
			// Seeding passes no entry and writes none.
			if err := s.PutCounty(ctx, engine.County{Code: "NEWC", Name: "新区县"}, nil); err != nil {
				t.Fatal(err)
			}

			mustExec(t, s, `DROP TRIGGER refuse_audit`+map[bool]string{true: ` ON audit_log`}[db.Name == "postgres"])
			if err := s.PutPark(ctx, engine.Park{Code: "GXQ", Name: "改名的园区", County: before.County}, entry(audit.ParkChange, "GXQ")); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Pair(ctx, engine.Pairing{Year: 2026, Park: "GXQ", Bank: other, Reason: "网点撤并", RecordedAt: now, RecordedBy: "admin"},
				entry(audit.PairingChange, "2026 GXQ")); err != nil {
				t.Fatal(err)
			}
			if err := s.PutCalendarOverride(ctx, o, entry(audit.CalendarChange, "2030")); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteCalendarOverride(ctx, 2030, entry(audit.CalendarChange, "2030")); err != nil {
				t.Fatal(err)
			}
			got, err := s.AuditEntries(ctx, audit.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, e := range got {
				actions = append(actions, e.Action+" "+e.Target)
			}
			want := []string{"calendar.change 2030", "calendar.change 2030", "pairing.change 2026 GXQ", "park.change GXQ"}
			if len(actions) != len(want) {
				t.Fatalf("audit entries %q, want %q", actions, want)
			}
			for i := range want {
				if actions[i] != want[i] {
					t.Fatalf("audit entries %q, want %q", actions, want)
				}
			}
			if r, err := audit.Verify(ctx, s); err != nil || !r.OK() || r.Entries != 4 {
				t.Fatalf("%+v %v", r, err)
			}
		})
	}
}
