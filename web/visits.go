package web

import (
	"strings"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/visits"
)

// visitsView is a park's half-year of visits on its case page: each
// visit's participants, enterprises and problems as tables, each problem
// with its financing case or, for the park's window, the button that opens
// one.
type visitsView struct {
	Visits  []visitView
	Summary string
	// OpenCase is set when the user may turn problems into cases now;
	// Version is the case version the button fires against.
	OpenCase bool
	Version  int
}

type visitView struct {
	visits.Visit
	Recorded     string
	Enterprises  []enterpriseView
	Problems     []problemView
	Participants []visits.Participant
}

type enterpriseView struct{ Name, USCC string }

type problemView struct {
	visits.Problem
	Amount string
	// NeedsUSCC asks the window for the credit code the visit did not
	// record.
	NeedsUSCC bool
}

// visitsViewOf builds the visits' section of a half-year's case page; nil
// for a case of another workflow. names gives users' display names.
func visitsViewOf(cs *engine.Case, events []engine.EventName, names map[string]string) (*visitsView, error) {
	if cs.Workflow != visits.Name {
		return nil, nil
	}
	d, err := visits.DataOf(cs)
	if err != nil {
		return nil, err
	}
	v := &visitsView{Summary: d.Summary, Version: cs.Version}
	for _, ev := range events {
		v.OpenCase = v.OpenCase || ev == visits.OpenCase
	}
	for _, vis := range d.Visits {
		vv := visitView{Visit: vis, Recorded: fmtTime(vis.RecordedAt), Participants: vis.Participants}
		if n, ok := names["user:"+vis.RecordedBy]; ok {
			vv.RecordedBy = n
		}
		codes := map[string]string{}
		for _, e := range vis.Enterprises {
			vv.Enterprises = append(vv.Enterprises, enterpriseView{Name: e.Name, USCC: groupUSCC(e.USCC)})
			codes[e.Name] = e.USCC
		}
		for _, p := range vis.Problems {
			pv := problemView{Problem: p, NeedsUSCC: p.Enterprise != "" && codes[p.Enterprise] == ""}
			if p.Amount != "" {
				pv.Amount = yuan(p.Amount)
			}
			vv.Problems = append(vv.Problems, pv)
		}
		v.Visits = append(v.Visits, vv)
	}
	return v, nil
}

// originView names the case a financing case was opened from: a park
// visit's problem.
type originView struct{ Number, Ref string }

func originOf(o *engine.Origin) *originView {
	if o == nil || o.Workflow != visits.Name {
		return nil
	}
	return &originView{Number: o.Number, Ref: strings.TrimSpace(o.Ref)}
}

// withVisits adds the park visits to the menu of the roles that see them:
// the banks (that visit), the windows (that turn problems into cases) and
// the offices (that watch).
func withVisits(r engine.Role, menu []menuGroup) []menuGroup {
	switch r {
	case engine.RoleBank, engine.RoleWindow, engine.RoleCounty, engine.RoleCountyPBoC, engine.RoleCity, engine.RolePBoC:
	default:
		return menu
	}
	return beforeSearch(menu, menuItem{"web.nav.visits", "/duties/" + visits.Name})
}
