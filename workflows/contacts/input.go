package contacts

import (
	"fmt"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/workflows/payload"
)

// Person is a responsible person or the liaison.
type Person struct {
	Name     string `json:"name" form:"text,required"`
	Position string `json:"position" form:"text,required"`
	Phone    string `json:"phone" form:"tel,required"`
	Email    string `json:"email,omitempty" form:"email"`
}

// Department is the contact department (联系部门).
type Department struct {
	Name  string `json:"name" form:"text,required"`
	Phone string `json:"phone" form:"tel,required"`
	Email string `json:"email,omitempty" form:"email"`
}

// ContactSet is an organisation's full set of contacts.
type ContactSet struct {
	// First is the first responsible person (第一责任人).
	First Person `json:"first"`
	// Second is the second responsible person (第二责任人).
	Second Person `json:"second"`
	// Department is the contact department (联系部门).
	Department Department `json:"department"`
	// Liaison is the liaison (联络员), whose e-mail is required.
	Liaison Person `json:"liaison"`
}

// RegisterInput is the first registration: the contacts and the day they
// took effect (today when empty).
type RegisterInput struct {
	ContactSet
	Effective string `json:"effective,omitempty" form:"date"`
}

// AnnounceInput announces a change: the day it takes effect and what
// changes.
type AnnounceInput struct {
	Effective string `json:"effective" form:"date,required"`
	Note      string `json:"note" form:"textarea,required"`
}

// FileInput files a change: the full contact set as it is from the day it
// took effect.
type FileInput struct {
	ContactSet
	Effective string `json:"effective" form:"date,required"`
	Note      string `json:"note,omitempty" form:"textarea"`
}

// CancelInput withdraws an announced change.
type CancelInput struct {
	Reason string `json:"reason" form:"textarea,required"`
}

// check normalises and checks every contact, reporting all problems.
func (s *ContactSet) check(c *payload.Checker, ev engine.EventName) {
	person := func(prefix string, p *Person, emailRequired bool) {
		c.Text(prefix+".name", words.Label(ev, prefix+".name"), &p.Name, true, 50)
		c.Text(prefix+".position", words.Label(ev, prefix+".position"), &p.Position, true, 50)
		c.Phone(prefix+".phone", words.Label(ev, prefix+".phone"), &p.Phone, true)
		c.Email(prefix+".email", words.Label(ev, prefix+".email"), &p.Email, emailRequired)
	}
	person("first", &s.First, false)
	person("second", &s.Second, false)
	c.Text("department.name", words.Label(ev, "department.name"), &s.Department.Name, true, 100)
	c.Phone("department.phone", words.Label(ev, "department.phone"), &s.Department.Phone, true)
	c.Email("department.email", words.Label(ev, "department.email"), &s.Department.Email, false)
	person("liaison", &s.Liaison, true)
}

// effective checks an effective date: a real date, at most MaxBackDays ago
// and MaxAheadDays ahead of today. An empty optional one is today.
func (r *rules) effective(c *payload.Checker, ev engine.EventName, s *string, required bool, now time.Time) calendar.Date {
	label := words.Label(ev, "effective")
	today := calendar.DateOf(now)
	c.Text("effective", label, s, required, 10)
	if *s == "" {
		if required {
			return calendar.Date{}
		}
		*s = today.String()
		return today
	}
	d, err := calendar.ParseDate(*s)
	if err != nil {
		c.Add("effective", "date", "effective must be a date such as 2026-02-13.", label+"应为日期，例如 2026-02-13。")
		return calendar.Date{}
	}
	switch {
	case d.After(today.AddDays(r.cfg.MaxAheadDays)):
		c.Add("effective", "too_far_ahead", fmt.Sprintf("effective may be at most %d days ahead.", r.cfg.MaxAheadDays),
			fmt.Sprintf("%s不能晚于今天起 %d 天。", label, r.cfg.MaxAheadDays))
	case d.Before(today.AddDays(-r.cfg.MaxBackDays)):
		c.Add("effective", "too_old", fmt.Sprintf("effective may be at most %d days ago.", r.cfg.MaxBackDays),
			fmt.Sprintf("%s不能早于 %d 天前，请核对年份。", label, r.cfg.MaxBackDays))
	}
	return d
}
