package report

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/parkfin/parkfin/engine"
)

// Evaluations lists the half-year's evaluations the actor may see: a bank
// its own, the city office, the central bank and the administrator every
// bank's. Others may not see them.
func (s *Service) Evaluations(ctx context.Context, a engine.Actor, half string) ([]Evaluation, error) {
	p, err := ParsePeriod(half)
	if err != nil || !strings.Contains(p.Label, "H") {
		return nil, engine.Invalid(engine.FieldError{Field: "half", Code: "format", Message: "The half-year is written like 2026H1.", MessageZH: "半年度应写作 2026H1 这样的格式。"})
	}
	f, all, err := s.scoped(a, Filter{})
	if err != nil {
		return nil, err
	}
	if !all && f.Bank == "" {
		return nil, forbidden()
	}
	db := s.db.WithContext(ctx).Where("half = ?", p.Label)
	if !all {
		db = db.Where("bank = ?", f.Bank)
	}
	var rows []evaluationRow
	if err := db.Order("bank").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Evaluation, 0, len(rows))
	for _, r := range rows {
		ev := Evaluation{Half: r.Half, Bank: r.Bank, Assessment: r.Assessment, Measures: r.Measures,
			RecordedAt: r.RecordedAt, RecordedBy: r.RecordedBy}
		if r.Figures != "" {
			ev.Figures = &Figures{}
			if err := json.Unmarshal([]byte(r.Figures), ev.Figures); err != nil {
				return nil, err
			}
		}
		out = append(out, ev)
	}
	return out, nil
}
