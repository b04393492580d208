package report

import (
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parkfin/parkfin/engine/calendar"
)

// Figures of the per-day pre-aggregate (report_daily.fig).
const (
	figReceived = "received"
	figClosed   = "closed"
	figSigned   = "signed"
	figAnswered = "answered"
	figDue      = "limit_due"
	figEvent    = "event"
	// figDueAll counts the rounds by the day their limit fell; figDueSettled
	// by the day both their limit had fallen and they had settled. Summed
	// over every day before an instant, their difference is the rounds
	// open past their limit then (condOpenPast).
	figDueAll     = "due_all"
	figDueSettled = "due_settled"
)

// noValue stands for a NULL number of working days in report_daily.v.
const noValue = -1

// dailyRow is one row of report_daily.
type dailyRow struct {
	Day    string `gorm:"primaryKey"`
	Fig    string `gorm:"primaryKey"`
	Bank   string `gorm:"primaryKey"`
	Park   string `gorm:"primaryKey"`
	County string `gorm:"primaryKey"`
	K      string `gorm:"primaryKey"`
	V      int    `gorm:"primaryKey"`
	N      int64
	S1     int64
	S2     int64
}

func (dailyRow) TableName() string { return "report_daily" }

type dailyKey struct {
	day, fig, bank, park, county, k string
	v                               int
}

type dailySums struct{ n, s1, s2 int64 }

// dailyDelta accumulates changes to report_daily.
type dailyDelta map[dailyKey]dailySums

func (d dailyDelta) add(k dailyKey, sign, s1, s2 int64) {
	s := d[k]
	s.n += sign
	s.s1 += sign * s1
	s.s2 += sign * s2
	d[k] = s
}

func dayOf(t time.Time) string { return calendar.DateOf(t).String() }

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// addCase adds (sign +1) or takes off (-1) what a case's row counts.
func (d dailyDelta) addCase(c *caseFact, sign int64) {
	d.add(dailyKey{day: dayOf(c.ReceivedAt), fig: figReceived, bank: c.BankFirst, park: c.Park, county: c.County, v: c.WindowDelay}, sign, 0, 0)
	if c.ClosedAt != nil {
		var sought, financed int64
		if (c.Outcome == "financed" || c.Outcome == "not_financed") && c.SoughtFen != nil && *c.SoughtFen > 0 {
			sought = *c.SoughtFen
			if c.FinancedFen != nil {
				financed = *c.FinancedFen
			}
		}
		d.add(dailyKey{day: dayOf(*c.ClosedAt), fig: figClosed, bank: c.BankLast, park: c.Park, county: c.County, k: c.Outcome}, sign, sought, financed)
	}
}

// addRound adds or takes off what a bank round counts (a round's limit
// falls after it was routed, so "routed before" follows from "fell
// before"). A round whose limit
// fell counts on the day it fell unless it ended unanswered before that
// (condLimitFell: the part that does not depend on when it is asked).
func (d dailyDelta) addRound(r *roundFact, sign int64) {
	if r.AcceptedAt != nil {
		d.add(dailyKey{day: dayOf(*r.AcceptedAt), fig: figSigned, bank: r.Bank, park: r.Park, county: r.County, v: intOr(r.SignWorkdays, noValue)}, sign, 0, 0)
	}
	if r.AnsweredAt != nil {
		k := ""
		if r.Late {
			k = "late"
		}
		d.add(dailyKey{day: dayOf(*r.AnsweredAt), fig: figAnswered, bank: r.Bank, park: r.Park, county: r.County, k: k, v: intOr(r.AnswerWorkdays, noValue)}, sign, 0, 0)
	}
	if r.DueAt != nil && !(r.AnsweredAt == nil && r.EndedAt != nil && r.EndedAt.Before(*r.DueAt)) {
		var onTime int64
		if r.AnsweredAt != nil && !r.Late {
			onTime = 1
		}
		d.add(dailyKey{day: dayOf(*r.DueAt), fig: figDue, bank: r.Bank, park: r.Park, county: r.County}, sign, onTime, 0)
	}
	if r.DueAt != nil {
		d.add(dailyKey{day: dayOf(*r.DueAt), fig: figDueAll, bank: r.Bank, park: r.Park, county: r.County}, sign, 0, 0)
		if r.SettledAt != nil {
			both := *r.DueAt
			if r.SettledAt.After(both) {
				both = *r.SettledAt
			}
			d.add(dailyKey{day: dayOf(both), fig: figDueSettled, bank: r.Bank, park: r.Park, county: r.County}, sign, 0, 0)
		}
	}
}

func (d dailyDelta) addEvent(e *eventFact, sign int64) {
	d.add(dailyKey{day: dayOf(e.At), fig: figEvent, bank: e.Bank, park: e.Park, county: e.County, k: e.Kind + "/" + e.Value}, sign, 0, 0)
}

// takeOff subtracts the facts the cases ids hold now, before they are
// replaced.
func (d dailyDelta) takeOff(tx *gorm.DB, ids []string) error {
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		var cs []caseFact
		var rs []roundFact
		var es []eventFact
		if err := tx.Where("case_id IN ?", chunk).Find(&cs).Error; err != nil {
			return err
		}
		if err := tx.Where("case_id IN ?", chunk).Find(&rs).Error; err != nil {
			return err
		}
		if err := tx.Where("case_id IN ?", chunk).Find(&es).Error; err != nil {
			return err
		}
		d.addFacts(cs, rs, es, -1)
	}
	return nil
}

func (d dailyDelta) addFacts(cs []caseFact, rs []roundFact, es []eventFact, sign int64) {
	for i := range cs {
		d.addCase(&cs[i], sign)
	}
	for i := range rs {
		d.addRound(&rs[i], sign)
	}
	for i := range es {
		d.addEvent(&es[i], sign)
	}
}

// write applies the changes to report_daily.
func (d dailyDelta) write(tx *gorm.DB) error {
	var rows []dailyRow
	for k, s := range d {
		if s == (dailySums{}) {
			continue
		}
		rows = append(rows, dailyRow{Day: k.day, Fig: k.fig, Bank: k.bank, Park: k.park, County: k.county, K: k.k, V: k.v, N: s.n, S1: s.s1, S2: s.s2})
	}
	if len(rows) == 0 {
		return nil
	}
	return tx.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "day"}, {Name: "fig"}, {Name: "bank"}, {Name: "park"}, {Name: "county"}, {Name: "k"}, {Name: "v"}},
		DoUpdates: clause.Assignments(map[string]any{"n": gorm.Expr("report_daily.n + excluded.n"),
			"s1": gorm.Expr("report_daily.s1 + excluded.s1"), "s2": gorm.Expr("report_daily.s2 + excluded.s2")}),
	}).CreateInBatches(rows, 500).Error
}

// fillDaily computes report_daily from every fact row, once (the read
// model existed before the pre-aggregate did); a no-op once built.
func fillDaily(tx *gorm.DB) error {
	var built int64
	if err := tx.Raw("SELECT COUNT(*) FROM report_daily_built").Scan(&built).Error; err != nil {
		return err
	}
	if built > 0 {
		return nil
	}
	if err := tx.Exec("DELETE FROM report_daily").Error; err != nil {
		return err
	}
	d := dailyDelta{}
	after := ""
	for {
		var cs []caseFact
		if err := tx.Where("case_id > ?", after).Order("case_id").Limit(2000).Find(&cs).Error; err != nil {
			return err
		}
		if len(cs) == 0 {
			break
		}
		last := cs[len(cs)-1].CaseID
		var rs []roundFact
		var es []eventFact
		if err := tx.Where("case_id > ? AND case_id <= ?", after, last).Find(&rs).Error; err != nil {
			return err
		}
		if err := tx.Where("case_id > ? AND case_id <= ?", after, last).Find(&es).Error; err != nil {
			return err
		}
		d.addFacts(cs, rs, es, 1)
		after = last
	}
	if err := d.write(tx); err != nil {
		return err
	}
	return tx.Exec("INSERT INTO report_daily_built (id) VALUES (1)").Error
}

// splitEvent splits report_daily.k of an event into kind and value.
func splitEvent(k string) (kind, value string) {
	kind, value, _ = strings.Cut(k, "/")
	return kind, value
}
