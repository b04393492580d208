package visits

import "github.com/parkfin/parkfin/engine"

// The kinds of notice of a park's half-year: what a user chooses channels
// for, and what names the templates (notify.visits.<kind>.* in the
// catalogue).
const (
	// NoticeOpened: a half-year's visit is due from the bank.
	NoticeOpened = "visit_opened"
	// NoticeDue: the half-year ends in 5, then in 1 working day, and the
	// park has not been visited.
	NoticeDue = "visit_due"
	// NoticeOverdue: the half-year ended without a visit; the county office
	// is copied.
	NoticeOverdue = "visit_overdue"
)

// NoticeKinds lists the kinds of notice, in the order settings show them.
var NoticeKinds = []string{NoticeOpened, NoticeDue, NoticeOverdue}

func notices() []engine.NoticeDef {
	bank := engine.Audience{Relation: RelBank}
	county := engine.Audience{Relation: RelCounty}
	return []engine.NoticeDef{
		{Event: Open, Kind: NoticeOpened, To: []engine.Audience{bank}},
		{Event: RemindEarly, Kind: NoticeDue, To: []engine.Audience{bank}},
		{Event: Remind, Kind: NoticeDue, To: []engine.Audience{bank}},
		{Event: Lapse, Kind: NoticeOverdue, To: []engine.Audience{bank}, Copy: []engine.Audience{county}},
	}
}
