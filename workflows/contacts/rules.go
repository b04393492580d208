package contacts

import (
	"context"
	"strconv"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/workflows/payload"
)

// filed is what the ledger records of a filing: the input as understood,
// its limit and whether it was late.
type filed struct {
	FileInput
	DueAt string `json:"due_at"`
	Late  bool   `json:"late"`
}

// register opens the organisation's register: the actor's own bank or
// park, one register each (a second is refused as a duplicate).
func (r *rules) register(ctx context.Context, t *engine.Transition) error {
	var in RegisterInput
	return payload.Apply(t, &in, func(c *payload.Checker, in *RegisterInput) {
		in.check(c, Register)
		if d := r.effective(c, Register, &in.Effective, false, t.Now); d.Valid() && d.After(calendar.DateOf(t.Now)) {
			c.Add("effective", "in_future", "A registration takes effect today or earlier; announce a later change instead.",
				"首次登记的生效日期不能晚于今天；以后的变更请使用“预报变更”。")
		}
	}, func(in *RegisterInput) error {
		d := &Data{}
		cs := t.Case
		switch t.Actor.Role {
		case engine.RoleBank:
			b, err := t.Directory.Bank(ctx, t.Actor.Org)
			if err != nil {
				return err
			}
			d.Org, d.OrgName, d.Kind = b.Code, b.Name, KindBank
			cs.AddParty(b.Code, RelBank)
		case engine.RoleWindow:
			p, err := t.Directory.Park(ctx, t.Actor.Org)
			if err != nil {
				return err
			}
			d.Org, d.OrgName, d.Kind, d.County = p.Code, p.Name, KindPark, p.County
			cs.AddParty(p.Code, RelPark)
			cs.AddParty(p.County, RelCounty)
		default:
			return engine.Errorf(engine.EFORBIDDEN, "只有银行和园区窗口可以登记本单位的联络人。",
				"Only a bank or a park window registers its own contacts.")
		}
		d.Filings = []Filing{{ContactSet: in.ContactSet, Effective: in.Effective, Event: string(Register), FiledAt: t.Now, FiledBy: t.Actor.User}}
		cs.Title, cs.Ref, cs.ScheduledFor = d.OrgName, d.Org, d.Org
		cs.Number = "LX-" + strconv.Itoa(calendar.DateOf(t.Now).Year) + "-"
		return d.store(cs)
	})
}

// announce arms the filing limit of a change: 24:00 of the 3rd working day
// after the day it takes effect.
func (r *rules) announce(_ context.Context, t *engine.Transition) error {
	var (
		in  AnnounceInput
		eff calendar.Date
	)
	return payload.Apply(t, &in, func(c *payload.Checker, in *AnnounceInput) {
		eff = r.effective(c, Announce, &in.Effective, true, t.Now)
		c.Text("note", words.Label(Announce, "note"), &in.Note, true, payload.MaxNote)
	}, func(in *AnnounceInput) error {
		due, _, err := t.Calendar.ProvisionalDeadline(eff.Start(), r.cfg.Workdays)
		if err != nil {
			return err
		}
		t.SetDue(TimerLimit, due)
		d, err := DataOf(t.Case)
		if err != nil {
			return err
		}
		d.Announced = &Announcement{Effective: in.Effective, Note: in.Note, At: t.Now, By: t.Actor.User, DueAt: due}
		return d.store(t.Case)
	})
}

// file records a change. It is late when it comes at or after 24:00 of the
// 3rd working day after its effective date, or after the announced
// change's limit lapsed.
func (r *rules) file(_ context.Context, t *engine.Transition) error {
	var (
		in  FileInput
		eff calendar.Date
		rec filed
	)
	err := payload.Apply(t, &in, func(c *payload.Checker, in *FileInput) {
		in.check(c, File)
		eff = r.effective(c, File, &in.Effective, true, t.Now)
		c.Text("note", words.Label(File, "note"), &in.Note, false, payload.MaxNote)
	}, func(in *FileInput) error {
		due, _, err := t.Calendar.ProvisionalDeadline(eff.Start(), r.cfg.Workdays)
		if err != nil {
			return err
		}
		late := !t.Now.Before(due) || (t.From == Changing && t.Case.PastDue)
		d, err := DataOf(t.Case)
		if err != nil {
			return err
		}
		d.Filings = append(d.Filings, Filing{ContactSet: in.ContactSet, Effective: in.Effective, Note: in.Note,
			Event: string(File), FiledAt: t.Now, FiledBy: t.Actor.User, DueAt: &due, Late: late})
		d.Announced = nil
		if late {
			t.Case.Mark(MarkLate)
		} else {
			t.Case.Unmark(MarkLate)
		}
		rec = filed{FileInput: *in, DueAt: due.Format(time.RFC3339), Late: late}
		return d.store(t.Case)
	})
	if err != nil {
		return err
	}
	return payload.Normalised(t, rec)
}

// cancel withdraws the announced change; its limit stops.
func (r *rules) cancel(_ context.Context, t *engine.Transition) error {
	var in CancelInput
	return payload.Apply(t, &in, func(c *payload.Checker, in *CancelInput) {
		c.Text("reason", words.Label(Cancel, "reason"), &in.Reason, true, payload.MaxNote)
	}, func(*CancelInput) error {
		d, err := DataOf(t.Case)
		if err != nil {
			return err
		}
		d.Announced = nil
		return d.store(t.Case)
	})
}
