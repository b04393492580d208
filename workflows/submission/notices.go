package submission

import "github.com/parkfin/parkfin/engine"

// The kinds of notice of a submission: what a user chooses channels for,
// and what names the templates (notify.submission.<kind>.* in the
// catalogue).
const (
	// NoticeOpened: a quarter's submission is open for the bank.
	NoticeOpened = "duty_opened"
	// NoticeDue: the submission falls due in 5, then in 1 working day.
	NoticeDue = "duty_due"
	// NoticeOverdue: the submission is late; the city office is copied.
	NoticeOverdue = "duty_overdue"
	// NoticeSubmitted: the bank handed in its workbook; the city reviews.
	NoticeSubmitted = "duty_submitted"
	// NoticeReviewed: the city office accepted or returned it.
	NoticeReviewed = "duty_reviewed"
)

// NoticeKinds lists the kinds of notice, in the order settings show them.
var NoticeKinds = []string{NoticeOpened, NoticeDue, NoticeOverdue, NoticeSubmitted, NoticeReviewed}

func notices() []engine.NoticeDef {
	bank := engine.Audience{Relation: RelBank}
	city := engine.Audience{Role: engine.RoleCity}
	return []engine.NoticeDef{
		{Event: Open, Kind: NoticeOpened, To: []engine.Audience{bank}},
		{Event: RemindEarly, Kind: NoticeDue, To: []engine.Audience{bank}},
		{Event: Remind, Kind: NoticeDue, To: []engine.Audience{bank}},
		{Event: Lapse, Kind: NoticeOverdue, To: []engine.Audience{bank}, Copy: []engine.Audience{city}},
		{Event: CorrectionLapse, Kind: NoticeOverdue, To: []engine.Audience{bank}, Copy: []engine.Audience{city}},
		{Event: Submit, Kind: NoticeSubmitted, To: []engine.Audience{city}},
		{Event: Accept, Kind: NoticeReviewed, To: []engine.Audience{bank}},
		{Event: Return, Kind: NoticeReviewed, To: []engine.Audience{bank}},
	}
}
