package greenchannel

import "github.com/parkfin/parkfin/engine"

// The kinds of notice of a project: what a user chooses channels for, and
// what names the templates (notify.greenchannel.<kind>.* in the catalogue).
const (
	// NoticeDisbursed: the loan was disbursed (放款), to the park's window,
	// which tells the enterprise's case, the county office copied.
	NoticeDisbursed = "greenchannel_disbursed"
	// NoticeStopped: the bank stopped the project, to the park's window.
	NoticeStopped = "greenchannel_stopped"
)

// NoticeKinds lists the kinds of notice, in the order settings show them.
var NoticeKinds = []string{NoticeDisbursed, NoticeStopped}

func notices() []engine.NoticeDef {
	park := []engine.Audience{{Relation: RelPark}}
	county := []engine.Audience{{Relation: RelCounty}}
	return []engine.NoticeDef{
		{Event: RecordDisburse, Kind: NoticeDisbursed, To: park, Copy: county},
		{Event: Stop, Kind: NoticeStopped, To: park},
	}
}
