package report

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/workflows/submission"
)

// Weights weigh the indicators in a bank's ranking score. An indicator a
// bank has no case for (no denominator) leaves the score, and the others'
// weights are scaled up to fill its place.
type Weights struct {
	AnswerRate      float64 `json:"answer_rate" yaml:"answer_rate"`
	Fulfilment      float64 `json:"fulfilment" yaml:"fulfilment"`
	FulfilmentCount float64 `json:"fulfilment_count" yaml:"fulfilment_count"`
	SignRate        float64 `json:"sign_rate" yaml:"sign_rate"`
	Satisfaction    float64 `json:"satisfaction" yaml:"satisfaction"`
}

// DefaultWeights are documented in docs/indicators.md: the two rates plan
// 6 names for the yearly assessment weigh most.
func DefaultWeights() Weights {
	return Weights{AnswerRate: 0.4, Fulfilment: 0.3, FulfilmentCount: 0.1, SignRate: 0.1, Satisfaction: 0.1}
}

// IsZero reports whether no weight is set.
func (w Weights) IsZero() bool { return w == Weights{} }

// InterviewRule says which banks are 约谈 candidates: a score under
// MinScore, or a round open past its limit by at least OverdueWorkdays.
type InterviewRule struct {
	MinScore        float64 `json:"min_score" yaml:"min_score"`
	OverdueWorkdays int     `json:"overdue_workdays" yaml:"overdue_workdays"`
}

// DefaultInterviewRule: under 60 points, or 10 working days overdue.
func DefaultInterviewRule() InterviewRule { return InterviewRule{MinScore: 60, OverdueWorkdays: 10} }

// Score is a bank's weighted score, 0–100 with 2 decimals; nil when the
// bank had no case to score.
func (w Weights) Score(f *Figures) *float64 {
	var sum, weight float64
	satisfied := rate(f.Satisfied+f.BasicallySatisfied, f.FollowUps)
	for _, p := range []struct {
		w float64
		r Rate
	}{{w.AnswerRate, f.AnswerRate}, {w.Fulfilment, f.Fulfilment}, {w.FulfilmentCount, f.FulfilmentCount},
		{w.SignRate, f.SignRate}, {w.Satisfaction, satisfied}} {
		if p.r.Value == nil || p.w == 0 {
			continue
		}
		sum += p.w * float64(p.r.Num) / float64(p.r.Den)
		weight += p.w
	}
	if weight == 0 {
		return nil
	}
	v := math.Round(sum/weight*10000) / 100
	return &v
}

// RankRow is one bank's place in a ranking.
type RankRow struct {
	Rank     int      `json:"rank"`
	Bank     string   `json:"bank"`
	BankName string   `json:"bank_name"`
	Score    *float64 `json:"score"`
	Figures  *Figures `json:"figures"`
	// Interview lists why the bank is a 约谈 candidate; empty when not.
	Interview []string `json:"interview,omitempty"`
	// MaxOverdueWorkdays is the longest a round of the bank was open past
	// its limit at the period's end.
	MaxOverdueWorkdays int  `json:"max_overdue_workdays"`
	BottomFive         bool `json:"bottom_five,omitempty"`
	// SubmissionsDue counts the bank's quarterly resolution-ledger
	// submissions (季度解决台账报送) of the quarters that ended in the
	// period; SubmissionsLate those filed after their limit or still
	// unfiled past it, as of the ranking.
	SubmissionsDue  int `json:"submissions_due"`
	SubmissionsLate int `json:"submissions_late"`
}

// Ranking is a period's ranking of the lead banks.
type Ranking struct {
	Period  string        `json:"period"`
	From    string        `json:"from"`
	To      string        `json:"to"`
	Weights Weights       `json:"weights"`
	Rule    InterviewRule `json:"interview_rule"`
	Rows    []RankRow     `json:"rows"`
	// Version is the published version (0: computed now, not published).
	Version     int        `json:"version"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	PublishedBy string     `json:"published_by,omitempty"`
	Note        string     `json:"note,omitempty"`
}

// rank computes the ranking of a period over every case: the banks that
// were a park's lead bank in the period's year or had a round in it.
func (s *Service) rank(ctx context.Context, p Period) (*Ranking, error) {
	if err := s.catchUp(ctx); err != nil {
		return nil, err
	}
	q := Query{Period: p, By: ByBank, AsOf: s.now()}
	st, err := compute(ctx, s.db, q)
	if err != nil {
		return nil, err
	}
	dir := s.engine.Store().Directory()
	names := map[string]string{}
	banks, err := dir.Banks(ctx)
	if err != nil {
		return nil, err
	}
	for _, b := range banks {
		names[b.Code] = b.Name
	}
	lead := map[string]bool{}
	for y := p.First.Year; y <= p.Last.Year; y++ {
		pairs, err := dir.Pairings(ctx, y)
		if err != nil {
			return nil, err
		}
		for _, x := range pairs {
			lead[x.Bank] = true
		}
	}
	for k := range st.Groups {
		lead[k] = true
	}
	overdue, err := s.overdueDays(ctx, q)
	if err != nil {
		return nil, err
	}
	due, late, err := s.submissions(ctx, p)
	if err != nil {
		return nil, err
	}
	for b := range due {
		lead[b] = true
	}
	r := &Ranking{Period: p.Label, From: p.First.String(), To: p.Last.String(), Weights: s.weights, Rule: s.interview}
	for b := range lead {
		f := st.Groups[b]
		if f == nil {
			f = &Figures{}
			f.finish()
		}
		row := RankRow{Bank: b, BankName: names[b], Score: s.weights.Score(f), Figures: f, MaxOverdueWorkdays: overdue[b],
			SubmissionsDue: due[b], SubmissionsLate: late[b]}
		if row.Score != nil && *row.Score < s.interview.MinScore {
			row.Interview = append(row.Interview, "score")
		}
		if s.interview.OverdueWorkdays > 0 && row.MaxOverdueWorkdays >= s.interview.OverdueWorkdays {
			row.Interview = append(row.Interview, "overdue")
		}
		if row.SubmissionsLate > 0 {
			row.Interview = append(row.Interview, "submission")
		}
		r.Rows = append(r.Rows, row)
	}
	sortRows(r.Rows)
	return r, nil
}

// sortRows orders by score (a bank without one last), then fewer late
// ledger submissions, then answer rate, then fewer rounds open past the
// limit, then bank code; ranks are 1, 2, …
// with equal ranks only for identical keys but the code.
func sortRows(rows []RankRow) {
	val := func(p *float64) float64 {
		if p == nil {
			return -1
		}
		return *p
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if val(a.Score) != val(b.Score) {
			return val(a.Score) > val(b.Score)
		}
		if a.SubmissionsLate != b.SubmissionsLate {
			return a.SubmissionsLate < b.SubmissionsLate
		}
		if val(a.Figures.AnswerRate.Value) != val(b.Figures.AnswerRate.Value) {
			return val(a.Figures.AnswerRate.Value) > val(b.Figures.AnswerRate.Value)
		}
		if a.Figures.OpenPastLimit != b.Figures.OpenPastLimit {
			return a.Figures.OpenPastLimit < b.Figures.OpenPastLimit
		}
		return a.Bank < b.Bank
	})
	for i := range rows {
		rows[i].Rank = i + 1
	}
}

// submissions counts, per bank, the quarterly ledger submissions of the
// quarters that ended in p, and of them the late ones: the submission's
// limit fired (filed late, or not filed yet and past it).
func (s *Service) submissions(ctx context.Context, p Period) (due, late map[string]int, err error) {
	due, late = map[string]int{}, map[string]int{}
	if !slices.Contains(s.engine.Workflows(), submission.Name) {
		return due, late, nil
	}
	for y := p.First.Year; y <= p.Last.Year; y++ {
		for q := 1; q <= 4; q++ {
			qp := calendar.QuarterOf(y, q)
			if qp.To.Before(p.First) || qp.To.After(p.Last) {
				continue
			}
			cases, err := s.engine.Cases(ctx, engine.System, engine.CaseFilter{Workflow: submission.Name,
				Period: calendar.Quarterly.Name(qp), Limit: 10000})
			if err != nil {
				return nil, nil, err
			}
			for _, c := range cases {
				due[c.ScheduledFor]++
				if c.Overdue {
					late[c.ScheduledFor]++
				}
			}
		}
	}
	return due, late, nil
}

// overdueDays returns, per bank, the most working days a round was open
// past its limit at the query's as-of instant.
func (s *Service) overdueDays(ctx context.Context, q Query) (map[string]int, error) {
	sl, _ := drill(q, "open_past_limit")
	rows, err := s.db.WithContext(ctx).Raw(sl.sql("MIN(due_at) AS due", ""), sl.args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	at := q.asOf()
	for rows.Next() {
		var (
			k   string
			raw any
		)
		if err := rows.Scan(&k, &raw); err != nil {
			return nil, err
		}
		if raw == nil {
			continue
		}
		due, err := timeOf(raw)
		if err != nil {
			return nil, err
		}
		n, _, err := s.projector.cal.ProvisionalRemaining(due, calendar.DateOf(at).Start())
		if err != nil {
			return nil, err
		}
		out[k] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Ranking returns the quarter's ranking as the actor may see it: the
// newest published version (or version, when not zero), or computed now
// when none was published. A bank sees its own row and place only.
func (s *Service) Ranking(ctx context.Context, a engine.Actor, p Period, version int) (*Ranking, error) {
	f, all, err := s.scoped(a, Filter{})
	if err != nil {
		return nil, err
	}
	r, err := s.published(ctx, p.Label, version)
	if err != nil {
		return nil, err
	}
	if r == nil {
		if version != 0 {
			return nil, engine.Errorf(engine.ENOTFOUND, "%s 的排名没有第 %d 版。", "No version %[2]d of the %[1]s ranking.", p.Label, version)
		}
		if r, err = s.rank(ctx, p); err != nil {
			return nil, err
		}
	}
	if all {
		return r, nil
	}
	var kept []RankRow
	for _, row := range r.Rows {
		if f.Bank != "" && row.Bank == f.Bank {
			kept = append(kept, row)
		}
	}
	if f.Bank == "" {
		return nil, forbidden()
	}
	r.Rows = kept
	return r, nil
}

// published returns a published version of the ranking: the newest when
// version is 0; nil when there is none.
func (s *Service) published(ctx context.Context, label string, version int) (*Ranking, error) {
	var rows []struct{ Body string }
	db := s.db.WithContext(ctx).Table("report_rankings").Select("body").Where("quarter = ?", label)
	if version != 0 {
		db = db.Where("version = ?", version)
	}
	if err := db.Order("version DESC").Limit(1).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	var r Ranking
	if err := json.Unmarshal([]byte(rows[0].Body), &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Publish freezes the quarter's ranking as computed now, as a new version:
// a correction makes another version, never a change to one published.
// Only the city office, the central bank and the administrator publish.
func (s *Service) Publish(ctx context.Context, a engine.Actor, p Period, note string) (*Ranking, error) {
	if a.Role != engine.RoleCity && a.Role != engine.RolePBoC && a.Role != engine.RoleAdmin && a.Role != engine.RoleSystem {
		return nil, engine.Errorf(engine.EFORBIDDEN, "只有市金融办和人民银行可以发布排名。", "Only the city office and the central bank publish rankings.")
	}
	r, err := s.rank(ctx, p)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	r.PublishedAt, r.PublishedBy, r.Note = &now, a.User, note
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var last int
		if err := tx.Raw("SELECT COALESCE(MAX(version), 0) FROM report_rankings WHERE quarter = ?", p.Label).Scan(&last).Error; err != nil {
			return err
		}
		r.Version = last + 1
		body, err := json.Marshal(r)
		if err != nil {
			return err
		}
		return tx.Exec("INSERT INTO report_rankings (quarter, version, published_at, published_by, note, body) VALUES (?, ?, ?, ?, ?, ?)",
			p.Label, r.Version, now, a.User, note, string(body)).Error
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// timeOf reads an aggregate's instant: a time from PostgreSQL, the text
// SQLite keeps (MIN over a DATETIME column loses its type).
func timeOf(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x, nil
	case string:
		for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05"} {
			if t, err := time.Parse(layout, x); err == nil {
				return t, nil
			}
		}
	case []byte:
		return timeOf(string(x))
	}
	return time.Time{}, fmt.Errorf("report: not an instant: %v", v)
}
