package contacts_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/contacts"
	"github.com/parkfin/parkfin/workflows/payload"
)

func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, calendar.Location())
}

type env struct {
	t *testing.T
	*enginetest.Env
	ctx context.Context
}

func mustEnv(t *testing.T, db testsvc.Database, start time.Time) *env {
	return &env{t: t, Env: enginetest.New(t, db, start), ctx: context.Background()}
}

func (e *env) actor(name string) engine.Actor { return e.MustActor(e.t, name) }

func (e *env) register(user string, in contacts.RegisterInput) (*engine.Case, error) {
	raw, err := json.Marshal(in)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.Engine.Open(e.ctx, engine.OpenRequest{Workflow: contacts.Name, Actor: e.actor(user), Payload: raw})
}

func (e *env) fire(c *engine.Case, user string, ev engine.EventName, in any) (*engine.Case, error) {
	return e.Fire(e.t, c, user, ev, in)
}

func (e *env) mustFire(c *engine.Case, user string, ev engine.EventName, in any) *engine.Case {
	return e.MustFire(e.t, c, user, ev, in)
}

func (e *env) drainAt(at time.Time) { e.DrainAt(e.t, at) }

// set returns a valid contact set whose liaison is named liaison.
func set(liaison string) contacts.ContactSet {
	return contacts.ContactSet{
		First:      contacts.Person{Name: "王行长", Position: "行长", Phone: "0737-4221001"},
		Second:     contacts.Person{Name: "李副行长", Position: "分管信贷副行长", Phone: "139 0737 1002"},
		Department: contacts.Department{Name: "普惠金融部", Phone: "0737-4221003"},
		Liaison:    contacts.Person{Name: liaison, Position: "客户经理", Phone: "13907371004", Email: "liaison@Bank.Example.com"},
	}
}

func fieldCodes(t *testing.T, err error) map[string]string {
	t.Helper()
	if engine.ErrorCode(err) != engine.EINVALID {
		t.Fatalf("error %v is not validation_failed", err)
	}
	out := map[string]string{}
	for _, f := range payload.Errors(err) {
		if f.Message == "" || f.MessageZH == "" {
			t.Errorf("field error %+v lacks a message", f)
		}
		out[f.Field] = f.Code
	}
	return out
}

// A register is the bank's or the park's own: names, phones and e-mails
// are checked field by field, numbers normalised, one register per
// organisation, seen by the offices and by no other bank.
func TestRegister(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := mustEnv(t, db, at(2026, 2, 2, 9, 0))
			bad := contacts.RegisterInput{ContactSet: set("")}
			bad.First.Phone = "4221001"
			bad.Second.Phone = "12345678901"
			bad.Liaison.Email = "liaison@"
			bad.Department.Name = " "
			bad.Effective = "2026-02-03"
			_, err := e.register("bank-ICBC", bad)
			got := fieldCodes(t, err)
			want := map[string]string{"first.phone": "phone", "second.phone": "phone", "liaison.email": "email",
				"liaison.name": "required", "department.name": "required", "effective": "in_future"}
			for f, code := range want {
				if got[f] != code {
					t.Errorf("field %s: %q, want %q (all: %v)", f, got[f], code, got)
				}
			}
			if len(got) != len(want) {
				t.Errorf("errors %v, want %v", got, want)
			}
			if fs := payload.Errors(err); !strings.Contains(fs[0].MessageZH, "。") {
				t.Errorf("message %q", fs[0].MessageZH)
			}

			c, err := e.register("bank-ICBC", contacts.RegisterInput{ContactSet: set("赵联络")})
			if err != nil {
				t.Fatal(err)
			}
			d, _ := contacts.DataOf(c)
			if c.State != contacts.Registered || !strings.HasPrefix(c.Number, "LX-2026-") || d.Org != "ICBC" || d.Kind != contacts.KindBank {
				t.Fatalf("registered %s %s %+v", c.State, c.Number, d)
			}
			f := d.Filings[0]
			if f.Effective != "2026-02-02" || f.Second.Phone != "13907371002" || f.Liaison.Email != "liaison@bank.example.com" || f.First.Phone != "0737-4221001" {
				t.Fatalf("not normalised: %+v", f)
			}
			if _, err := e.register("bank-ICBC", contacts.RegisterInput{ContactSet: set("钱联络")}); engine.ErrorCode(err) != engine.EDUPLICATE {
				t.Fatalf("a second register for ICBC: %v", err)
			}
			if _, err := e.register("admin", contacts.RegisterInput{ContactSet: set("钱联络")}); engine.ErrorCode(err) != engine.EFORBIDDEN {
				t.Fatalf("the administrator registers: %v", err)
			}
			for _, who := range []string{"county-GX", "city", "pboc"} {
				if _, err := e.Engine.Case(e.ctx, e.actor(who), c.ID); err != nil {
					t.Fatalf("%s does not see ICBC's register: %v", who, err)
				}
				if evs := e.Engine.Events(e.actor(who), c); len(evs) != 0 {
					t.Fatalf("%s may fire %v", who, evs)
				}
			}
			if _, err := e.Engine.Case(e.ctx, e.actor("bank-ABC"), c.ID); engine.ErrorCode(err) != engine.ENOTFOUND {
				t.Fatalf("another bank sees ICBC's register: %v", err)
			}
			if _, err := e.fire(c, "bank-ABC", contacts.Announce, contacts.AnnounceInput{Effective: "2026-02-13", Note: "x"}); engine.ErrorCode(err) != engine.ENOTFOUND {
				t.Fatalf("another bank announces: %v", err)
			}
			if _, err := e.fire(c, "bank-ICBC", contacts.Announce, contacts.AnnounceInput{Effective: "2026-07-01", Note: "x"}); fieldCodes(t, err)["effective"] != "too_far_ahead" {
				t.Fatalf("a change half a year ahead: %v", err)
			}
		})
	}
}

type outboxRow struct {
	Event, Recipients string
	CreatedAt         time.Time
}

// A change effective on the Friday before Spring Festival 2026 (02-13) is
// due 2026-02-26 00:00: the make-up Saturday 02-14, then 02-24 and 02-25
// after the nine days off. Announced on 02-09 it is reminded at the end of
// 02-11 and of 02-24. ICBC files on 02-25 23:59, in time; the park GXQ
// files at 02-26 00:00, late: the limit lapses first, the county office,
// the city office and the central bank are copied, and the filing is late
// in the case's data and in the ledger. A bank that files an unannounced
// change late is late too. Each message reaches its own users only.
func TestSpringFestivalFiling(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := mustEnv(t, db, at(2026, 2, 2, 9, 0))
			icbc, err := e.register("bank-ICBC", contacts.RegisterInput{ContactSet: set("赵联络")})
			if err != nil {
				t.Fatal(err)
			}
			park, err := e.register("window-GXQ", contacts.RegisterInput{ContactSet: set("孙窗口")})
			if err != nil {
				t.Fatal(err)
			}
			abc, err := e.register("bank-ABC", contacts.RegisterInput{ContactSet: set("周联络")})
			if err != nil {
				t.Fatal(err)
			}
			if !park.HasParty("GX", contacts.RelCounty) {
				t.Fatalf("the park's register has no county: %+v", park.Parties)
			}
			svc := notify.New(notify.Config{Store: e.Store, Clock: e.Clock})
			if _, err := svc.Dispatch(e.ctx); err != nil {
				t.Fatal(err)
			}
			before := map[string]int{}
			for _, u := range []string{"bank-ICBC", "window-GXQ", "county-GX", "county-AH", "city", "pboc", "bank-ABC", "window-AHJK"} {
				items, err := svc.Inbox(e.ctx, notify.InboxFilter{User: u, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				before[u] = len(items)
			}

			e.Clock.Set(at(2026, 2, 9, 9, 0))
			announce := contacts.AnnounceInput{Effective: "2026-02-13", Note: "联络员调整"}
			icbc = e.mustFire(icbc, "bank-ICBC", contacts.Announce, announce)
			park = e.mustFire(park, "window-GXQ", contacts.Announce, announce)
			if icbc.State != contacts.Changing || icbc.DueAt == nil || !icbc.DueAt.Equal(at(2026, 2, 26, 0, 0)) {
				t.Fatalf("announced: %s due %v, want 02-26 00:00", icbc.State, icbc.DueAt)
			}

			// Walk the fake clock hour by hour through the holiday.
			for h := at(2026, 2, 9, 10, 0); h.Before(at(2026, 2, 25, 23, 59)); h = h.Add(time.Hour) {
				e.drainAt(h)
			}
			e.drainAt(at(2026, 2, 25, 23, 59))
			icbc = e.mustFire(icbc, "bank-ICBC", contacts.File, contacts.FileInput{ContactSet: set("吴联络"), Effective: "2026-02-13"})
			if c, _ := e.Store.Case(e.ctx, park.ID); c.PastDue {
				t.Fatal("the park is past due before 02-26 00:00")
			}
			e.drainAt(at(2026, 2, 26, 0, 0))
			park = e.mustFire(park, "window-GXQ", contacts.File, contacts.FileInput{ContactSet: set("郑窗口"), Effective: "2026-02-13"})
			abc = e.mustFire(abc, "bank-ABC", contacts.File, contacts.FileInput{ContactSet: set("冯联络"), Effective: "2026-02-13"})

			for _, tc := range []struct {
				c    *engine.Case
				late bool
			}{{icbc, false}, {park, true}, {abc, true}} {
				d, _ := contacts.DataOf(tc.c)
				last := d.Last()
				if last.Late != tc.late || tc.c.HasMark(contacts.MarkLate) != tc.late || tc.c.State != contacts.Registered {
					t.Errorf("%s: late %v, mark %v, state %s; want late %v", d.Org, last.Late, tc.c.Marks, tc.c.State, tc.late)
				}
				if last.DueAt == nil || !last.DueAt.Equal(at(2026, 2, 26, 0, 0)) {
					t.Errorf("%s: due %v", d.Org, last.DueAt)
				}
				entries, err := e.Engine.Ledger(e.ctx, engine.System, tc.c.ID)
				if err != nil {
					t.Fatal(err)
				}
				var p struct {
					Late  bool   `json:"late"`
					DueAt string `json:"due_at"`
				}
				if err := json.Unmarshal(entries[len(entries)-1].Payload, &p); err != nil || p.Late != tc.late || p.DueAt != "2026-02-26T00:00:00+08:00" {
					t.Errorf("%s: ledger payload %s", d.Org, entries[len(entries)-1].Payload)
				}
			}
			if !park.Overdue || icbc.Overdue {
				t.Errorf("overdue: park %v, ICBC %v", park.Overdue, icbc.Overdue)
			}

			var rows []outboxRow
			if err := e.Store.DB().Raw("SELECT event, recipients, at AS created_at FROM outbox WHERE case_id IN (?, ?) AND event IN ('remind', 'lapse') ORDER BY at, case_id = ? DESC, id",
				icbc.ID, park.ID, icbc.ID).Scan(&rows).Error; err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, r.Event+"@"+r.CreatedAt.In(calendar.Location()).Format("01-02 15:04")+" "+r.Recipients)
			}
			want := []string{
				`remind@02-12 00:00 [{"org":"ICBC"}]`,
				`remind@02-12 00:00 [{"org":"GXQ"}]`,
				`remind@02-25 00:00 [{"org":"ICBC"}]`,
				`remind@02-25 00:00 [{"org":"GXQ"}]`,
				`lapse@02-26 00:00 [{"org":"GXQ"},{"org":"GX","copy":true},{"role":"city","copy":true},{"role":"pboc","copy":true}]`,
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("reminders and lapses:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}

			// In the users' own inboxes: reminders to the bank and the
			// park, the lapse to the park and the offices, every filing
			// to the offices; nothing to another bank, park or county.
			if _, err := svc.Dispatch(e.ctx); err != nil {
				t.Fatal(err)
			}
			kinds := map[string][]string{}
			for u, n := range before {
				items, err := svc.Inbox(e.ctx, notify.InboxFilter{User: u, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range items[:len(items)-n] {
					kinds[u] = append(kinds[u], it.Kind)
					if !strings.Contains(it.Subject, "：") {
						t.Errorf("%s: subject %q not from the catalogue", u, it.Subject)
					}
				}
				sort.Strings(kinds[u])
			}
			wantKinds := map[string]string{
				"bank-ICBC":   "contacts_due contacts_due",
				"window-GXQ":  "contacts_due contacts_due contacts_late",
				"county-GX":   "contacts_filed contacts_late",
				"city":        "contacts_filed contacts_filed contacts_filed contacts_late",
				"pboc":        "contacts_filed contacts_filed contacts_filed contacts_late",
				"bank-ABC":    "",
				"county-AH":   "",
				"window-AHJK": "",
			}
			for u, w := range wantKinds {
				if g := strings.Join(kinds[u], " "); g != w {
					t.Errorf("%s got %q, want %q", u, g, w)
				}
			}

			cur, err := contacts.Current(e.ctx, e.Engine, calendar.DateOf(e.Clock.Now()))
			if err != nil {
				t.Fatal(err)
			}
			if cur["ICBC"].InForce.Liaison.Name != "吴联络" || cur["GXQ"].InForce.Liaison.Name != "郑窗口" || cur["ICBC"].Late || !cur["GXQ"].Late {
				t.Fatalf("current %+v", cur)
			}
			if rep, err := e.Store.VerifyLedger(e.ctx); err != nil || !rep.OK() || rep.Walked {
				t.Fatalf("ledger %+v %v", rep, err)
			}
		})
	}
}

// Every word of the workflow is in the catalogue in every language.
func TestEveryWordIsInTheCatalogue(t *testing.T) {
	d := contacts.Definition(contacts.Config{})
	for _, lang := range locale.Langs {
		if missing := payload.Words(contacts.Name).Missing(lang, d, contacts.RelBank, contacts.RelPark, contacts.RelCounty); len(missing) > 0 {
			t.Errorf("%s lacks %v", lang, missing)
		}
	}
}
