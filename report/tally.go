package report

import (
	"context"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
)

// Colours of a case on the board (report_tally.colour).
const (
	ColourPastDue = "past_due"
	ColourDueSoon = "due_soon"
	ColourNone    = ""
)

// tallyAll is the tally's key for every case.
const tallyAll = "*"

// tallyGroups names the organisation kinds of the tally by the relations
// through which each kind sees cases (engine.Scope): a bank as the lead
// bank or a participant, counted once per case (a former bank only traces
// the case: it does not see it on its board).
var tallyGroups = map[engine.Relation]string{
	financing.RelPark:        "park",
	financing.RelCounty:      "county",
	financing.RelLeadBank:    "bank",
	financing.RelParticipant: "bank",
}

// tallyCase is what one case adds to the tally (a report_tally_cases row).
type tallyCase struct {
	CaseID     string `gorm:"column:case_id;primaryKey"`
	Orgs       string
	State      string
	Colour     string
	Supervised bool
}

func (tallyCase) TableName() string { return "report_tally_cases" }

// tallyRow is one count of the tally (a report_tally row).
type tallyRow struct {
	Org        string `gorm:"primaryKey"`
	State      string `gorm:"primaryKey"`
	Colour     string `gorm:"primaryKey"`
	Supervised bool   `gorm:"primaryKey"`
	N          int64
}

func (tallyRow) TableName() string { return "report_tally" }

// tallyOf returns what a case adds to the tally; nil for a case of another
// workflow.
func tallyOf(c *engine.Case) *tallyCase {
	if c.Workflow != financing.Name {
		return nil
	}
	t := &tallyCase{CaseID: c.ID, State: string(c.State), Colour: colourOf(c.PastDue, c.DueSoon),
		Supervised: c.HasMark(financing.ClockSupervision)}
	var orgs []string
	for _, p := range c.Parties {
		if g, ok := tallyGroups[p.Relation]; ok {
			k := g + ":" + p.Org
			if !contains(orgs, k) {
				orgs = append(orgs, k)
			}
		}
	}
	sort.Strings(orgs)
	t.Orgs = strings.Join(orgs, ",")
	return t
}

func colourOf(pastDue, dueSoon bool) string {
	switch {
	case pastDue:
		return ColourPastDue
	case dueSoon:
		return ColourDueSoon
	}
	return ColourNone
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

type tallyKey struct {
	org, state, colour string
	supervised         bool
}

// add counts the case under every key it belongs to, n times (±1).
func (t *tallyCase) add(d map[tallyKey]int64, n int64) {
	k := tallyKey{org: tallyAll, state: t.State, colour: t.Colour, supervised: t.Supervised}
	d[k] += n
	if t.Orgs == "" {
		return
	}
	for _, org := range strings.Split(t.Orgs, ",") {
		k.org = org
		d[k] += n
	}
}

// writeTally replaces what the cases ids added to the tally with now (nil:
// nothing), in the projector's transaction.
func writeTally(tx *gorm.DB, ids []string, now map[string]*tallyCase) error {
	delta := map[tallyKey]int64{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		var old []tallyCase
		if err := tx.Where("case_id IN ?", chunk).Find(&old).Error; err != nil {
			return err
		}
		for i := range old {
			old[i].add(delta, -1)
		}
		if err := tx.Exec("DELETE FROM report_tally_cases WHERE case_id IN ?", chunk).Error; err != nil {
			return err
		}
	}
	var rows []tallyCase
	for _, id := range ids {
		if t := now[id]; t != nil {
			t.add(delta, 1)
			rows = append(rows, *t)
		}
	}
	if len(rows) > 0 {
		if err := tx.CreateInBatches(rows, 500).Error; err != nil {
			return err
		}
	}
	var changes []tallyRow
	for k, n := range delta {
		if n != 0 {
			changes = append(changes, tallyRow{Org: k.org, State: k.state, Colour: k.colour, Supervised: k.supervised, N: n})
		}
	}
	if len(changes) == 0 {
		return nil
	}
	return tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "org"}, {Name: "state"}, {Name: "colour"}, {Name: "supervised"}},
		DoUpdates: clause.Assignments(map[string]any{"n": gorm.Expr("report_tally.n + excluded.n")}),
	}).CreateInBatches(changes, 500).Error
}

// Tally is the board's counts of the open and closed cases an actor sees,
// as the projector last left them.
type Tally struct {
	// AsOf is when the projector caught up before the counts were read:
	// every change committed before it is counted.
	AsOf    time.Time
	Total   int64
	ByState map[engine.State]int64
	// PastDue counts the cases open past their limit; DueSoon those past
	// their warning but not their limit; Normal the cases with the bank
	// (routed or accepted) that are neither.
	PastDue, DueSoon, Normal int64
	// Supervised counts the cases under an open supervision notice.
	Supervised int64
}

// tallyKeyOf returns the tally's key for what the actor sees; ok is false
// when the actor's scope is not one the tally keeps (the caller counts
// the cases instead).
func (s *Service) tallyKeyOf(a engine.Actor) (key string, none, ok bool, err error) {
	sc, sees, err := s.engine.Scope(a, financing.Name)
	if err != nil {
		return "", false, false, err
	}
	if !sees {
		return "", true, true, nil
	}
	if sc == nil {
		return tallyAll, false, true, nil
	}
	group := ""
	for _, r := range sc.Relations {
		g, known := tallyGroups[r]
		if !known || (group != "" && g != group) {
			return "", false, false, nil
		}
		group = g
	}
	// The scope must hold every relation of its kind, or the tally would
	// count cases the actor does not see.
	for r, g := range tallyGroups {
		if g == group && !containsRel(sc.Relations, r) {
			return "", false, false, nil
		}
	}
	return group + ":" + sc.Org, false, true, nil
}

func containsRel(list []engine.Relation, r engine.Relation) bool {
	for _, x := range list {
		if x == r {
			return true
		}
	}
	return false
}

// Tally returns the board's counts for the actor, after bringing the
// projector up to the ledger. ok is false when the actor's scope is not
// one the tally keeps.
func (s *Service) Tally(ctx context.Context, a engine.Actor) (t *Tally, ok bool, err error) {
	key, none, ok, err := s.tallyKeyOf(a)
	if err != nil || !ok {
		return nil, ok, err
	}
	asOf := s.caughtUp
	if asOf.IsZero() {
		asOf = s.now()
		if err := s.catchUp(ctx); err != nil {
			return nil, false, err
		}
	}
	t = &Tally{AsOf: asOf, ByState: map[engine.State]int64{}}
	if none {
		return t, true, nil
	}
	var rows []tallyRow
	if err := s.db.WithContext(ctx).Where("org = ? AND n <> 0", key).Find(&rows).Error; err != nil {
		return nil, false, err
	}
	for _, r := range rows {
		t.Total += r.N
		t.ByState[engine.State(r.State)] += r.N
		switch r.Colour {
		case ColourPastDue:
			t.PastDue += r.N
		case ColourDueSoon:
			t.DueSoon += r.N
		case ColourNone:
			if r.State == string(financing.Routed) || r.State == string(financing.Accepted) {
				t.Normal += r.N
			}
		}
		if r.Supervised {
			t.Supervised += r.N
		}
	}
	return t, true, nil
}
