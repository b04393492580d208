package notify

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/locale"
)

// Dispatch turns pending notices into inbox rows and deliveries, a batch
// per transaction, until none is pending; it returns how many notices it
// handled. Each batch is claimed, expanded and ended (deleted, or kept
// marked done: sqlstore's EndNotices) in one transaction, so a notice is
// expanded once even when several dispatchers race, and a dispatcher that
// dies leaves its batch pending.
func (s *Service) Dispatch(ctx context.Context) (int, error) {
	total := 0
	// skip is set when a batch found one of its rows written already;
	// the batch then runs again, leaving such rows as they are.
	skip := false
	for ctx.Err() == nil {
		var (
			inboxed  []string
			channels map[string]bool
		)
		n := 0
		err := s.db.WithContext(ctx).Transaction(func(db *gorm.DB) error {
			var err error
			n, inboxed, channels, err = s.dispatchBatch(ctx, db, skip)
			return err
		})
		if err != nil && !skip && engine.ErrorCode(err) == engine.EDUPLICATE {
			skip = true
			continue
		}
		skip = false
		if err != nil {
			return total, err
		}
		total += n
		for ch := range channels {
			if c := s.sendWake[ch]; c != nil {
				signal(c)
			}
		}
		if len(inboxed) > 0 && s.onInbox != nil {
			s.onInbox(inboxed)
		}
		if n < s.cfg.Batch {
			break
		}
		// More are pending: a dispatcher that sleeps joins in.
		signal(s.wake)
	}
	return total, nil
}

// directory is what a batch needs of the users, their choices and the
// organisations' robots: read once per batch (a few hundred rows).
type directory struct {
	byOrg  map[string][]userRow
	byRole map[string][]userRow
	prefs  map[string]map[string][]string
	robots map[string][]robotRow
	// branches are, by county, the organisations working in it (a county
	// sub-branch of the central bank): their robots hear what the
	// county's office hears.
	branches map[string][]string
}

// loadDirectory returns the directory as db's transaction sees it. On
// PostgreSQL the directory's version (directory_version, raised by every
// change of the users, their channels, the robots and the organisations'
// counties: migration 00026) tells whether anything in it changed since
// the last read, and the last read serves while nothing did: a stream of
// notices no longer reads and decodes every user, choice and robot once a
// dispatch. A change by any process — a user added or disabled, a choice,
// a robot — is seen by the next dispatch. The version is read first: a
// change committed between it and the rows is read with the rows and,
// kept under the older version, read again at the next.
func (s *Service) loadDirectory(db *gorm.DB) (*directory, error) {
	if s.dialect != sqlstore.Postgres {
		return readDirectory(db)
	}
	var version int64
	if err := db.Raw("SELECT version FROM directory_version WHERE id = 1").Row().Scan(&version); err != nil {
		return nil, err
	}
	s.dirMu.Lock()
	d, last := s.dir, s.dirVersion
	s.dirMu.Unlock()
	if d != nil && last == version {
		return d, nil
	}
	d, err := readDirectory(db)
	if err != nil {
		return nil, err
	}
	s.dirMu.Lock()
	if s.dir == nil || s.dirVersion <= version {
		s.dir, s.dirVersion = d, version
	}
	s.dirMu.Unlock()
	return d, nil
}

// readDirectory reads the users, their choices and the robots. The
// directory it returns is not changed after: dispatches share it.
func readDirectory(db *gorm.DB) (*directory, error) {
	var users []userRow
	if err := db.Where("NOT disabled").Order("name").Find(&users).Error; err != nil {
		return nil, err
	}
	var prefs []prefRow
	if err := db.Find(&prefs).Error; err != nil {
		return nil, err
	}
	var robots []robotRow
	if err := db.Order("id").Find(&robots).Error; err != nil {
		return nil, err
	}
	// The organisations that work in a county (a county sub-branch of the
	// central bank): their users hear what the county's office hears.
	var inCounty []struct{ Code, CountyCode string }
	if err := db.Raw("SELECT code, county_code FROM organisations WHERE county_code <> ''").Scan(&inCounty).Error; err != nil {
		return nil, err
	}
	d := &directory{byOrg: map[string][]userRow{}, byRole: map[string][]userRow{},
		prefs: map[string]map[string][]string{}, robots: map[string][]robotRow{}, branches: map[string][]string{}}
	countyOf := make(map[string]string, len(inCounty))
	for _, o := range inCounty {
		countyOf[o.Code] = o.CountyCode
		d.branches[o.CountyCode] = append(d.branches[o.CountyCode], o.Code)
	}
	for _, u := range users {
		d.byOrg[u.OrgCode] = append(d.byOrg[u.OrgCode], u)
		d.byRole[u.Role] = append(d.byRole[u.Role], u)
		if county := countyOf[u.OrgCode]; county != "" {
			d.byOrg[county] = append(d.byOrg[county], u)
		}
	}
	for _, p := range prefs {
		if d.prefs[p.UserName] == nil {
			d.prefs[p.UserName] = map[string][]string{}
		}
		d.prefs[p.UserName][p.Kind] = splitList(p.Channels)
	}
	for _, r := range robots {
		d.robots[r.OrgCode] = append(d.robots[r.OrgCode], r)
	}
	return d, nil
}

// channels returns the user's channels for a kind of notice.
func (d *directory) channels(user, kind string) []string {
	if p := d.prefs[user]; p != nil {
		if chs, ok := p[kind]; ok {
			return chs
		}
		if chs, ok := p["*"]; ok {
			return chs
		}
	}
	return DefaultUserChannels
}

func splitList(s string) []string {
	out := []string{}
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// dispatchBatch claims a batch of pending notices and expands each into
// its inbox rows and deliveries, in db's transaction; with skipConflicts,
// rows whose keys are taken already are left out. It returns how many
// notices it took, those that reached an inbox, and the channels of the
// deliveries it wrote.
func (s *Service) dispatchBatch(ctx context.Context, db *gorm.DB, skipConflicts bool) (int, []string, map[string]bool, error) {
	now := s.now()
	claimed, err := db.Raw("SELECT "+sqlstore.NoticeColumns+" FROM outbox WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?"+s.forUpdate(),
		now, s.cfg.Batch).Rows()
	if err != nil {
		return 0, nil, nil, err
	}
	rows, err := sqlstore.ScanNotices(claimed)
	claimed.Close()
	if err != nil || len(rows) == 0 {
		return 0, nil, nil, err
	}
	dir, err := s.loadDirectory(db)
	if err != nil {
		return 0, nil, nil, err
	}
	var (
		inbox      []inboxRow
		deliveries []deliveryRow
		// gone are the notices expanded, deleted once their rows are
		// written; done are those kept, marked done (EndNotices).
		gone, done []string
		inboxed    []string
	)
	for _, r := range rows {
		n, err := sqlstore.NoticeFromRow(r)
		if err != nil {
			s.log.Error("notify: unreadable notice; marked done", "notice", r.ID, "err", err)
			done = append(done, r.ID)
			continue
		}
		if r.DedupeKey != nil {
			done = append(done, r.ID)
		} else {
			gone = append(gone, r.ID)
		}
		in, ds, err := s.expand(&n, dir, now)
		if err != nil {
			return 0, nil, nil, err
		}
		if len(in) > 0 {
			inboxed = append(inboxed, n.ID)
		}
		inbox = append(inbox, in...)
		deliveries = append(deliveries, ds...)
	}
	// Exactly one inbox row per notice and user, one delivery per notice
	// and destination: their keys say so. A notice is claimed and ended in
	// one transaction, so its rows are new but when two dispatchers read
	// it at once where the database cannot lock the rows read (SQLite,
	// across processes): the second's insert then fails with a conflict,
	// and its batch runs again with skipConflicts, leaving the rows
	// already there as they are. Plain inserts otherwise: a speculative
	// insertion (ON CONFLICT) costs PostgreSQL a check of the keys before
	// each row and a second record of it in the WAL.
	if len(inbox) > 0 {
		if err := s.cfg.Store.InsertRows(ctx, db, &inbox, skipConflicts); err != nil {
			return 0, nil, nil, err
		}
	}
	if len(deliveries) > 0 {
		if err := s.cfg.Store.InsertRows(ctx, db, &deliveries, skipConflicts); err != nil {
			return 0, nil, nil, err
		}
	}
	if err := s.cfg.Store.EndNotices(ctx, db, gone, done); err != nil {
		return 0, nil, nil, err
	}
	channels := map[string]bool{}
	for _, d := range deliveries {
		channels[d.Channel] = true
	}
	return len(rows), inboxed, channels, nil
}

// expand returns a notice's inbox rows and deliveries.
func (s *Service) expand(n *engine.Notice, dir *directory, now time.Time) ([]inboxRow, []deliveryRow, error) {
	var (
		inbox      []inboxRow
		deliveries []deliveryRow
		seenUser   = map[string]bool{}
		seenOrg    = map[string]bool{}
	)
	link := s.Link(n.CaseNumber)
	// One rendering per notice for those asked to act and one for those
	// copied: the words do not depend on the user (all read zh-CN). When
	// the notice's templates do not look at Copy, the two share one
	// subject and body, rendered once.
	rendered := map[bool]*Message{}
	var (
		data  Data   // the notice's, read once for both renderings; its payload only if a template names it
		src   string // the notice's templates' text (Templates.source), read with data
		read  bool
		parts *[2]string // the shared subject and body, once rendered
	)
	render := func(cp bool) (*Message, error) {
		if m := rendered[cp]; m != nil {
			return m, nil
		}
		if parts == nil {
			if !read {
				src = s.tpl.source(locale.ZH, n)
				data, read = dataWith(locale.ZH, n, false, link, strings.Contains(src, "Payload")), true
			}
			d := data
			d.Copy = cp
			subject, body, err := s.tpl.renderParts(locale.ZH, n, d)
			if err != nil {
				return nil, err
			}
			if !strings.Contains(src, "Copy") {
				parts = &[2]string{subject, body}
			}
			m := s.tpl.message(locale.ZH, subject, body, link, cp)
			rendered[cp] = m
			return m, nil
		}
		m := s.tpl.message(locale.ZH, parts[0], parts[1], link, cp)
		rendered[cp] = m
		return m, nil
	}
	addDelivery := func(ch, dest, recipient string, m *Message) error {
		raw, err := json.Marshal(m.forChannel(ch))
		if err != nil {
			return err
		}
		deliveries = append(deliveries, deliveryRow{
			ID: n.ID + ":" + ch + ":" + dest, NoticeID: n.ID, Channel: ch, Destination: dest, Recipient: recipient,
			Kind: n.Kind, CaseID: n.CaseID, Message: string(raw), Status: statusPending, NextAt: now,
			CreatedAt: now, UpdatedAt: now,
		})
		return nil
	}
	for _, r := range n.Recipients {
		users := dir.byRole[string(r.Role)]
		if r.Org != "" {
			users = nil
			for _, u := range dir.byOrg[r.Org] {
				if r.Role == "" || u.Role == string(r.Role) {
					users = append(users, u)
				}
			}
		}
		for _, u := range users {
			if seenUser[u.Name] || u.Name == n.Actor.Name() {
				continue
			}
			seenUser[u.Name] = true
			m, err := render(r.Copy)
			if err != nil {
				return nil, nil, err
			}
			for _, ch := range dir.channels(u.Name, n.Kind) {
				switch {
				case ch == Inbox:
					inbox = append(inbox, inboxRow{
						ID: n.ID + ":" + u.Name, UserName: u.Name, NoticeID: n.ID, Kind: n.Kind, CaseID: n.CaseID,
						CaseNumber: n.CaseNumber, Subject: m.Subject, Body: m.Body, Link: link, CreatedAt: n.At.UTC(),
					})
				case ch == Email && u.Email != "" && s.cfg.Senders[Email] != nil:
					if err := s.tpl.addHTML(locale.ZH, m); err != nil {
						return nil, nil, err
					}
					em := *m
					em.To = u.Email
					if err := addDelivery(Email, u.Name, u.Name, &em); err != nil {
						return nil, nil, err
					}
				}
			}
		}
		// The organisations' robots: for a role, the organisation its
		// users act for (the city office's users act for "city").
		orgs := append([]string{r.Org}, dir.branches[r.Org]...)
		if r.Org == "" {
			orgs = nil
			for _, u := range users {
				orgs = append(orgs, u.OrgCode)
			}
		}
		for _, org := range orgs {
			if seenOrg[org] {
				continue
			}
			seenOrg[org] = true
			for _, rb := range dir.robots[org] {
				if s.cfg.Senders[rb.Channel] == nil || (rb.Kinds != "" && !containsStr(splitList(rb.Kinds), n.Kind)) {
					continue
				}
				m, err := render(r.Copy)
				if err != nil {
					return nil, nil, err
				}
				rm := *m
				rm.Notice = noticeJSON(n, org, r.Copy, link)
				if err := addDelivery(rb.Channel, rb.ID, org, &rm); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	return inbox, deliveries, nil
}

func containsStr(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
