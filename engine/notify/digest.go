package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"gorm.io/gorm/clause"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/locale"
)

// Workdays tells working days: engine/calendar's, holidays and make-up days
// included.
type Workdays interface {
	IsWorkday(d calendar.Date) (bool, error)
}

// DigestConfig says what the daily digest lists: the open cases of a
// workflow by the organisation that must act on them (a bank: by colour),
// and the overdue ones by the organisation that supervises them (a county
// office).
type DigestConfig struct {
	Workflow   string
	OpenStates []engine.State
	Assignee   engine.Relation
	Supervisor engine.Relation
}

// The colours of a case's time left.
const (
	colourRed    = "red"
	colourYellow = "yellow"
	colourGreen  = "green"
	colourGrey   = "grey"
)

type digestCase struct {
	Number  string
	Title   string
	DueAt   *time.Time
	DueSoon bool
	PastDue bool
	OrgCode string
}

func (c digestCase) colour() string {
	switch {
	case c.PastDue:
		return colourRed
	case c.DueAt == nil:
		return colourGrey
	case c.DueSoon:
		return colourYellow
	}
	return colourGreen
}

// Digest writes the day's digest notices once the day's digest time has
// passed on a working day (the calendar's, not Monday to Friday): to each
// assignee organisation its open cases by colour, to each supervisor its
// overdue list. Each organisation's digest of a day is one notice however
// often and by however many processes Digest runs. It returns how many it
// wrote.
func (s *Service) Digest(ctx context.Context) (int, error) {
	dc := s.cfg.Digest
	if s.cfg.Calendar == nil || dc.Workflow == "" {
		return 0, nil
	}
	now := s.now()
	local := now.In(calendar.Location())
	day := calendar.DateOf(now)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, calendar.Location())
	if local.Before(midnight.Add(s.cfg.DigestAt)) {
		return 0, nil
	}
	work, err := s.cfg.Calendar.IsWorkday(day)
	if err != nil {
		// A year without a published arrangement: Monday to Friday.
		wd := local.Weekday()
		work = wd != time.Saturday && wd != time.Sunday
	}
	if !work {
		return 0, nil
	}
	date := local.Format("2006-01-02")
	s.mu.Lock()
	done := s.digested == date
	s.mu.Unlock()
	if done {
		return 0, nil
	}
	var notices []engine.Notice
	for _, part := range []struct {
		rel     engine.Relation
		event   string
		overdue bool
	}{{dc.Assignee, "bank", false}, {dc.Supervisor, "county", true}} {
		if part.rel == "" {
			continue
		}
		var rows []digestCase
		q := s.db.WithContext(ctx).Table("cases c").
			Select("c.number, c.title, c.due_at, c.due_soon, c.past_due, p.org_code").
			Joins("JOIN case_parties p ON p.case_id = c.id AND p.relation = ?", string(part.rel)).
			Where("c.workflow = ? AND c.state IN ?", dc.Workflow, dc.OpenStates)
		if part.overdue {
			q = q.Where("c.past_due")
		}
		if err := q.Order("p.org_code, c.due_at, c.number").Scan(&rows).Error; err != nil {
			return 0, err
		}
		byOrg := map[string][]digestCase{}
		for _, r := range rows {
			byOrg[r.OrgCode] = append(byOrg[r.OrgCode], r)
		}
		orgs := make([]string, 0, len(byOrg))
		for o := range byOrg {
			orgs = append(orgs, o)
		}
		sort.Strings(orgs)
		for _, org := range orgs {
			n, err := s.digestNotice(ctx, org, part.event, date, now, byOrg[org])
			if err != nil {
				return 0, err
			}
			notices = append(notices, n)
		}
	}
	written := 0
	for i := range notices {
		r, err := sqlstore.NoticeToRow(&notices[i])
		if err != nil {
			return written, err
		}
		res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&r)
		if res.Error != nil {
			return written, res.Error
		}
		written += int(res.RowsAffected)
	}
	// This process need not look again today; another process that did
	// not write the digest finds its notices there and writes none.
	s.mu.Lock()
	s.digested = date
	s.mu.Unlock()
	if written > 0 {
		s.Wake()
	}
	return written, nil
}

func (s *Service) digestNotice(ctx context.Context, org, event, date string, now time.Time, cases []digestCase) (engine.Notice, error) {
	counts := map[string]int{colourRed: 0, colourYellow: 0, colourGreen: 0, colourGrey: 0}
	var lines []string
	for _, c := range cases {
		col := c.colour()
		counts[col]++
		due := ""
		if c.DueAt != nil {
			due = BeijingTime(*c.DueAt)
		}
		line, err := s.tpl.exec(locale.ZH, "notify.digest.line", map[string]string{
			"Number": c.Number, "Title": c.Title, "DueAt": due, "Colour": locale.T(locale.ZH, "notify.digest.colour."+col)})
		if err != nil {
			return engine.Notice{}, err
		}
		lines = append(lines, line)
	}
	payload, err := json.Marshal(map[string]any{
		"date": date, "org": org, "org_name": s.orgName(ctx, org), "total": strconv.Itoa(len(cases)),
		"red": strconv.Itoa(counts[colourRed]), "yellow": strconv.Itoa(counts[colourYellow]),
		"green": strconv.Itoa(counts[colourGreen]), "grey": strconv.Itoa(counts[colourGrey]), "lines": lines,
	})
	if err != nil {
		return engine.Notice{}, err
	}
	return engine.Notice{
		ID: digestID(date, event, org), Kind: KindDigest, Workflow: "digest", Event: engine.EventName(event),
		Actor: engine.System, At: now, Recipients: []engine.Recipient{{Org: org}}, Payload: payload,
		DedupeKey: fmt.Sprintf("digest:%s:%s:%s", date, event, org),
	}, nil
}

// KindDigest is the daily digest's kind of notice.
const KindDigest = "digest"

func digestID(date, event, org string) string { return "digest-" + date + "-" + event + "-" + org }

func (s *Service) orgName(ctx context.Context, code string) string {
	if b, err := s.cfg.Store.Bank(ctx, code); err == nil {
		return b.Name
	}
	if c, err := s.cfg.Store.County(ctx, code); err == nil {
		return c.Name
	}
	return code
}
