package plan3

import "github.com/parkfin/parkfin/engine"

// The kinds of notice of an assigned difficulty: what a user chooses
// channels for, and what names the templates (notify.plan3.<kind>.* in the
// catalogue).
const (
	// NoticeAssigned: a difficulty was assigned to the department (the
	// cooperating ones are copied).
	NoticeAssigned = "plan3_assigned"
	// NoticeProgressDue: the month's progress falls due soon.
	NoticeProgressDue = "plan3_progress_due"
	// NoticeSupervised: progress was late or the deadline passed; the
	// assigner is told.
	NoticeSupervised = "plan3_supervised"
	// NoticeCloseRequested: the department applied for close-out.
	NoticeCloseRequested = "plan3_close_requested"
	// NoticeDecided: the assigner closed the case out or sent it back.
	NoticeDecided = "plan3_decided"
)

// NoticeKinds lists the kinds of notice, in the order settings show them.
var NoticeKinds = []string{NoticeAssigned, NoticeProgressDue, NoticeSupervised, NoticeCloseRequested, NoticeDecided}

func notices() []engine.NoticeDef {
	assigner := engine.Audience{Relation: RelAssigner}
	lead := engine.Audience{Relation: RelLead}
	coop := engine.Audience{Relation: RelCoop}
	return []engine.NoticeDef{
		{Event: Assign, Kind: NoticeAssigned, To: []engine.Audience{lead}, Copy: []engine.Audience{coop}},
		{Event: RemindProgress, Kind: NoticeProgressDue, To: []engine.Audience{lead}},
		{Event: ProgressLate, Kind: NoticeSupervised, To: []engine.Audience{assigner, lead}},
		{Event: DeadlinePassed, Kind: NoticeSupervised, To: []engine.Audience{assigner, lead}, Copy: []engine.Audience{coop}},
		{Event: RequestClose, Kind: NoticeCloseRequested, To: []engine.Audience{assigner}},
		{Event: Confirm, Kind: NoticeDecided, To: []engine.Audience{lead}, Copy: []engine.Audience{coop}},
		{Event: Return, Kind: NoticeDecided, To: []engine.Audience{lead}},
	}
}
