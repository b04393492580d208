package report

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
)

// Service answers the supervision side's questions for an actor: the
// figures, the cases behind them, the exports and the rankings. What an
// actor may see is the engine's decision (engine.Engine.Scope): banks their
// own figures, counties their parks, the city office and the central bank
// everything.
type Service struct {
	db        *gorm.DB
	engine    *engine.Engine
	projector *Projector
	clock     engine.Clock
	weights   Weights
	interview InterviewRule
	// caughtUp, set on a Service that Current returned, is when its read
	// model was brought up to the ledger: its questions do not catch up
	// again.
	caughtUp time.Time
}

// Config holds what a Service is built from.
type Config struct {
	// DB is the engine's database with the report tables migrated.
	DB     *gorm.DB
	Engine *engine.Engine
	// Projector keeps the read model current; each question catches up
	// first.
	Projector *Projector
	// Weights score the quarterly ranking; zero takes DefaultWeights.
	Weights Weights
	// Interview says who is a 约谈 candidate; zero takes the defaults.
	Interview InterviewRule
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Weights.IsZero() {
		cfg.Weights = DefaultWeights()
	}
	if cfg.Interview == (InterviewRule{}) {
		cfg.Interview = DefaultInterviewRule()
	}
	return &Service{db: cfg.DB, engine: cfg.Engine, projector: cfg.Projector, clock: cfg.Engine.Clock(),
		weights: cfg.Weights, interview: cfg.Interview}
}

// Projector returns the service's projector.
func (s *Service) Projector() *Projector { return s.projector }

// now is the engine's clock.
func (s *Service) now() time.Time { return s.clock.Now() }

// scoped narrows f to what the actor may see: forbidden when the actor
// sees no case or asks for another organisation's figures. seesAll
// reports whether the actor sees every case.
func (s *Service) scoped(a engine.Actor, f Filter) (out Filter, seesAll bool, err error) {
	sc, ok, err := s.engine.Scope(a, financing.Name)
	if err != nil {
		return f, false, err
	}
	if !ok {
		return f, false, forbidden()
	}
	if sc == nil {
		return f, true, nil
	}
	for _, rel := range sc.Relations {
		switch rel {
		case financing.RelLeadBank, financing.RelParticipant, financing.RelFormerBank:
			if f.Bank != "" && f.Bank != sc.Org {
				return f, false, forbidden()
			}
			f.Bank = sc.Org
			return f, false, nil
		case financing.RelCounty:
			if f.County != "" && f.County != sc.Org {
				return f, false, forbidden()
			}
			f.County = sc.Org
			return f, false, nil
		case financing.RelPark:
			if f.Park != "" && f.Park != sc.Org {
				return f, false, forbidden()
			}
			f.Park = sc.Org
			return f, false, nil
		}
	}
	return f, false, forbidden()
}

func forbidden() error {
	return engine.Errorf(engine.EFORBIDDEN, "您无权查看这些统计数据：银行只能查看本行数据，区县金融办只能查看本辖区园区的数据。",
		"You may not see these figures: a bank sees its own, a county office the parks of its county.")
}

// catchUp brings the read model up to the ledger.
func (s *Service) catchUp(ctx context.Context) error {
	if s.projector == nil || !s.caughtUp.IsZero() {
		return nil
	}
	_, err := s.projector.CatchUp(ctx)
	return err
}

// Current brings the read model up to the ledger once and returns the
// service as of then: its questions read the read model as it stands,
// without catching up again. A page that asks several questions at once
// (the board: the tally, two tables and the trend) takes one catch-up
// instead of one per question, and its figures agree with one another.
func (s *Service) Current(ctx context.Context) (*Service, error) {
	if !s.caughtUp.IsZero() {
		return s, nil
	}
	asOf := s.now()
	if err := s.catchUp(ctx); err != nil {
		return nil, err
	}
	c := *s
	c.caughtUp = asOf
	return &c, nil
}

// Stats returns the figures of the query as the actor may see them.
func (s *Service) Stats(ctx context.Context, a engine.Actor, q Query) (*Stats, error) {
	f, _, err := s.scoped(a, q.Filter)
	if err != nil {
		return nil, err
	}
	q.Filter = f
	if q.AsOf.IsZero() {
		q.AsOf = s.now()
	}
	if err := s.catchUp(ctx); err != nil {
		return nil, err
	}
	return compute(ctx, s.db, q)
}

// CaseRef is one case behind a figure.
type CaseRef struct {
	ID     string `json:"id"`
	Number string `json:"number"`
}

// Cases lists the cases behind one figure of the query (a case appears
// once even when several of its rounds count), ordered by number.
func (s *Service) Cases(ctx context.Context, a engine.Actor, q Query, figure string) ([]CaseRef, error) {
	f, _, err := s.scoped(a, q.Filter)
	if err != nil {
		return nil, err
	}
	q.Filter = f
	q.By = ""
	if q.AsOf.IsZero() {
		q.AsOf = s.now()
	}
	sl, err := drill(q, figure)
	if err != nil {
		return nil, engine.Invalid(engine.FieldError{Field: "figure", Code: "unknown",
			Message: "Unknown figure " + figure + ".", MessageZH: "没有名为“" + figure + "”的统计指标。"})
	}
	if err := s.catchUp(ctx); err != nil {
		return nil, err
	}
	return listCases(ctx, s.db, sl)
}

func listCases(ctx context.Context, db *gorm.DB, sl *sel) ([]CaseRef, error) {
	inner := "SELECT DISTINCT case_id FROM " + sl.t.name
	if len(sl.where) > 0 {
		inner += " WHERE " + joinAnd(sl.where)
	}
	var out []CaseRef
	err := db.WithContext(ctx).Raw("SELECT c.case_id AS id, c.number FROM report_cases c WHERE c.case_id IN ("+inner+") ORDER BY c.number", sl.args...).
		Scan(&out).Error
	return out, err
}

func joinAnd(conds []string) string {
	out := ""
	for i, c := range conds {
		if i > 0 {
			out += " AND "
		}
		out += "(" + c + ")"
	}
	return out
}
