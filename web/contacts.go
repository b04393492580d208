package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/workflows/contacts"
)

// withContactsMenu adds the contacts register to the task group of the
// roles that keep it (banks, windows) or watch it (the offices).
func withContactsMenu(out []menuGroup, r engine.Role) []menuGroup {
	switch r {
	case engine.RoleWindow, engine.RoleBank, engine.RoleCounty, engine.RoleCountyPBoC, engine.RoleCity, engine.RolePBoC:
		if len(out) > 0 {
			out[0].Items = append(out[0].Items, menuItem{"web.nav.contacts", "/duties/" + contacts.Name})
		}
	}
	return out
}

// contactRow is one line of a contact set's table.
type contactRow struct {
	RoleKey                      string
	Name, Position, Phone, Email string
}

// contactTable is a contact set as a readable table.
type contactTable struct {
	Effective string
	Rows      []contactRow
}

func contactTableOf(f *contacts.Filing) *contactTable {
	if f == nil {
		return nil
	}
	person := func(key string, p contacts.Person) contactRow {
		return contactRow{RoleKey: key, Name: p.Name, Position: p.Position, Phone: p.Phone, Email: p.Email}
	}
	return &contactTable{Effective: f.Effective, Rows: []contactRow{
		person("contacts.role.first", f.First),
		person("contacts.role.second", f.Second),
		{RoleKey: "contacts.role.department", Name: f.Department.Name, Phone: f.Department.Phone, Email: f.Department.Email},
		person("contacts.role.liaison", f.Liaison),
	}}
}

// filingView is one line of a register's history.
type filingView struct {
	EventKey, Effective, FiledAt, FiledBy, Liaison, Due string
	Late                                                bool
}

// contactsView is the register's part of its case page.
type contactsView struct {
	InForce, Upcoming *contactTable
	// Announced and AnnouncedDue describe a change announced and not yet
	// filed.
	Announced, AnnouncedDue, AnnouncedNote string
	History                                []filingView
}

// contactsCaseOf fills the case page of a register: the contacts in force
// as a table, a filed change still to take effect, the change announced,
// the filings; and the form of a change starts from the contacts in force.
func (s *Server) contactsCaseOf(v *caseView, cs *engine.Case) error {
	if cs.Workflow != contacts.Name {
		return nil
	}
	d, err := contacts.DataOf(cs)
	if err != nil {
		return err
	}
	today := calendar.DateOf(s.clock.Now())
	cv := &contactsView{InForce: contactTableOf(d.InForce(today)), Upcoming: contactTableOf(d.Upcoming(today))}
	if a := d.Announced; a != nil {
		cv.Announced, cv.AnnouncedDue, cv.AnnouncedNote = a.Effective, deadlineText(a.DueAt), a.Note
	}
	for i := len(d.Filings) - 1; i >= 0; i-- {
		f := d.Filings[i]
		fv := filingView{EventKey: contacts.Key("event", f.Event), Effective: f.Effective, FiledAt: fmtTime(f.FiledAt),
			FiledBy: f.FiledBy, Liaison: f.Liaison.Name, Late: f.Late}
		if f.DueAt != nil {
			fv.Due = deadlineText(*f.DueAt)
		}
		cv.History = append(cv.History, fv)
	}
	v.Contacts = cv
	if cur := d.Last(); cur != nil {
		for i := range v.Forms {
			if v.Forms[i].Event == contacts.File && !v.Forms[i].Open {
				prefill(v.Forms[i].Fields, cur.ContactSet)
			}
		}
	}
	return nil
}

// prefill gives a change's form the contacts as they were filed last, so
// that only what changed is typed.
func prefill(fields []fieldView, set contacts.ContactSet) {
	vals := url.Values{}
	for prefix, p := range map[string]contacts.Person{"first": set.First, "second": set.Second, "liaison": set.Liaison} {
		vals.Set(prefix+".name", p.Name)
		vals.Set(prefix+".position", p.Position)
		vals.Set(prefix+".phone", p.Phone)
		vals.Set(prefix+".email", p.Email)
	}
	vals.Set("department.name", set.Department.Name)
	vals.Set("department.phone", set.Department.Phone)
	vals.Set("department.email", set.Department.Email)
	for i := range fields {
		if fields[i].Value == "" {
			fields[i].Value = vals.Get(fields[i].Name)
		}
	}
}

// publicRow is one park on the public contacts page.
type publicRow struct {
	Park, County string
	Window       *contacts.Public
	Bank         string
	BankContact  *contacts.Public
	NoPairing    bool
}

// publicView is the public contacts page.
type publicView struct {
	Year    int
	Updated string
	Rows    []publicRow
}

// publicContacts is the page anyone may read without signing in: every
// park's financing window and its lead bank of the year, with the liaisons
// plan 6 publishes, and nothing of the responsible persons.
func (s *Server) publicContacts(c echo.Context) error {
	ctx := c.Request().Context()
	now := s.clock.Now()
	today := calendar.DateOf(now)
	current, err := contacts.Current(ctx, s.engine, today)
	if err != nil {
		return err
	}
	names, _, parks := s.orgs(ctx)
	dir := s.engine.Store().Directory()
	public := func(org string) *contacts.Public {
		if f := current[org].InForce; f != nil {
			p := f.Public()
			return &p
		}
		return nil
	}
	v := publicView{Year: today.Year, Updated: fmtTime(now)}
	for _, p := range parks {
		r := publicRow{Park: p.Name, County: names[p.County], Window: public(p.Code)}
		pr, err := dir.LeadBank(ctx, p.Code, today.Year)
		switch {
		case err == nil:
			r.Bank, r.BankContact = names[pr.Bank], public(pr.Bank)
		default:
			r.NoPairing = true
		}
		v.Rows = append(v.Rows, r)
	}
	return s.render(c, http.StatusOK, "contacts_public", v)
}
