package contacts

import "github.com/parkfin/parkfin/engine"

// The kinds of notice of a register: what a user chooses channels for, and
// what names the templates (notify.contacts.<kind>.* in the catalogue).
const (
	// NoticeDue: an announced change's filing falls due in 5, then in 1
	// working day.
	NoticeDue = "contacts_due"
	// NoticeLate: the filing is late; the county office, the city office
	// and the central bank are copied.
	NoticeLate = "contacts_late"
	// NoticeFiled: contacts were registered or a change was filed, to the
	// city office and the central bank (报备).
	NoticeFiled = "contacts_filed"
)

// NoticeKinds lists the kinds of notice, in the order settings show them.
var NoticeKinds = []string{NoticeDue, NoticeLate, NoticeFiled}

func notices() []engine.NoticeDef {
	own := []engine.Audience{{Relation: RelBank}, {Relation: RelPark}}
	offices := []engine.Audience{{Role: engine.RoleCity}, {Role: engine.RolePBoC}}
	county := engine.Audience{Relation: RelCounty}
	return []engine.NoticeDef{
		{Event: Remind, Kind: NoticeDue, To: own},
		{Event: Lapse, Kind: NoticeLate, To: own, Copy: append([]engine.Audience{county}, offices...)},
		{Event: Register, Kind: NoticeFiled, To: offices, Copy: []engine.Audience{county}},
		{Event: File, Kind: NoticeFiled, To: offices, Copy: []engine.Audience{county}},
	}
}
