package financing

import (
	"context"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/workflows/payload"
)

// applyFunc is an event's Apply.
type applyFunc = func(context.Context, *engine.Transition) error

// rules are the event rules with the workflow's numbers.
type rules struct{ cfg Config }

// edit decodes and checks the event's input, then lets update change the
// case's record; all problems of the input are reported at once.
func edit[T any](t *engine.Transition, in *T, check func(*payload.Checker, *T), update func(*Data, *T) error) error {
	var d *Data
	return payload.Apply(t, in, check, func(in *T) error {
		var err error
		if d, err = DataOf(t.Case); err != nil {
			return err
		}
		if update != nil {
			if err := update(d, in); err != nil {
				return err
			}
		}
		return d.store(t.Case)
	})
}

// refuse is the error of a move the rules do not allow now.
func refuse(zh, en string, args ...any) error {
	return engine.Errorf(engine.ETRANSITION, zh, en, args...)
}

// endOfToday is 24:00 of now's day in Asia/Shanghai.
func endOfToday(now time.Time) time.Time { return calendar.DateOf(now).AddDays(1).Start() }

// workdaysSince counts the working days after the day of from up to and
// including now's day.
func workdaysSince(t *engine.Transition, from time.Time) (int, error) {
	n, _, err := t.Calendar.ProvisionalRemaining(from, endOfToday(t.Now))
	return n, err
}

// lateness reports whether the bank's limit has passed and by how many
// working days (at least one: a limit that ended on Friday is one day late
// on the Saturday after).
func lateness(t *engine.Transition) (bool, int, error) {
	c := t.Case
	if !c.PastDue || c.DueAt == nil {
		return false, 0, nil
	}
	n, err := workdaysSince(t, c.DueAt.Add(-time.Microsecond))
	return true, max(n, 1), err
}

func (r *rules) note() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &NoteInput{}, func(c *payload.Checker, in *NoteInput) { in.check(c, t.Event) }, func(d *Data, _ *NoteInput) error {
			if t.Event == Urge {
				d.Urges++
			}
			return nil
		})
	}
}

func (r *rules) accept() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &NoteInput{}, func(c *payload.Checker, in *NoteInput) { in.check(c, t.Event) }, func(d *Data, _ *NoteInput) error {
			rd := d.round()
			if rd == nil {
				return nil
			}
			n, err := workdaysSince(t, rd.RoutedAt)
			if err != nil {
				return err
			}
			now := t.Now
			rd.AcceptedAt, rd.SignWorkdays = &now, &n
			return nil
		})
	}
}

func (r *rules) returnCase() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &ReturnInput{}, func(c *payload.Checker, in *ReturnInput) {
			c.OneOf("category", lbl(t.Event, "category"), &in.Category, returnCategories...)
			c.Text("reason", lbl(t.Event, "reason"), &in.Reason, true, payload.MaxText)
		}, func(d *Data, in *ReturnInput) error {
			rd := d.round()
			until, _, err := t.Calendar.ProvisionalDeadline(rd.RoutedAt, r.cfg.ReturnWorkdays)
			if err != nil {
				return err
			}
			if !t.Now.Before(until) {
				return refuse("退单须在案件转到本行后 %[1]d 个工作日内提出（截至 %[2]s），现已超过；请答复，或在邀请参与行后申报无法解决。",
					"A case can be returned only within %[1]d working day(s) of routing (until %[2]s); answer it or declare that it cannot be solved.",
					r.cfg.ReturnWorkdays, until.In(calendar.Location()).Format("2006-01-02 15:04"))
			}
			d.Returns = append(d.Returns, ReturnRecord{Bank: t.Actor.Org, Category: in.Category, Reason: in.Reason, At: t.Now})
			return nil
		})
	}
}

// decideReturn records the county's decision on the latest return.
func decideReturn(d *Data, t *engine.Transition, decision string) {
	if n := len(d.Returns); n > 0 {
		now := t.Now
		d.Returns[n-1].Decision, d.Returns[n-1].DecidedAt, d.Returns[n-1].DecisionBy = decision, &now, t.Actor.Org
	}
}

// bank looks the bank up, as a field error when it does not exist.
func bankOf(ctx context.Context, t *engine.Transition, c *payload.Checker, code string) *engine.Bank {
	if code == "" {
		return nil
	}
	b, err := t.Directory.Bank(ctx, code)
	if err != nil {
		c.Add("bank", "unknown", "No bank "+code+".", "没有编码为“"+code+"”的银行。")
		return nil
	}
	return b
}

// hand gives the case to bank b: b becomes the bank that must answer, the
// bank that had it keeps only its own entries, and a new round begins with
// a fresh limit (the engine arms it as the case enters routed).
func hand(d *Data, t *engine.Transition, b *engine.Bank, cause engine.EventName) {
	if b.Code != d.LeadBank {
		t.Case.RemoveParty(d.LeadBank, RelLeadBank)
		if !t.Case.HasParty(d.LeadBank, RelParticipant) {
			t.Case.AddParty(d.LeadBank, RelFormerBank)
		}
		t.Case.RemoveParty(b.Code, RelFormerBank)
		t.Case.AddParty(b.Code, RelLeadBank)
		d.LeadBank, d.LeadBankName = b.Code, b.Name
	}
	d.Answer = nil
	d.Rounds = append(d.Rounds, Round{Bank: b.Code, BankName: b.Name, Cause: cause, RoutedAt: t.Now})
}

func (r *rules) reroute() applyFunc {
	return func(ctx context.Context, t *engine.Transition) error {
		var b *engine.Bank
		return edit(t, &BankInput{}, func(c *payload.Checker, in *BankInput) {
			c.Text("bank", lbl(t.Event, "bank"), &in.Bank, true, 64)
			c.Text("reason", lbl(t.Event, "reason"), &in.Reason, true, payload.MaxText)
			b = bankOf(ctx, t, c, in.Bank)
		}, func(d *Data, in *BankInput) error {
			if b.Code == d.LeadBank {
				return engine.Invalid(engine.FieldError{Field: "bank", Code: "same_bank",
					Message: "Reroute to another bank than the one that returned it.", MessageZH: "请改派给退单银行以外的银行。"})
			}
			decideReturn(d, t, string(Reroute))
			hand(d, t, b, Reroute)
			return nil
		})
	}
}

func (r *rules) resubmit() applyFunc {
	return func(ctx context.Context, t *engine.Transition) error {
		return edit(t, &NoteInput{}, func(c *payload.Checker, in *NoteInput) { in.check(c, t.Event) }, func(d *Data, _ *NoteInput) error {
			b, err := t.Directory.Bank(ctx, d.LeadBank)
			if err != nil {
				return err
			}
			hand(d, t, b, Resubmit)
			return nil
		})
	}
}

func (r *rules) dismiss() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &ReasonInput{}, func(c *payload.Checker, in *ReasonInput) {
			c.Text("reason", lbl(t.Event, "reason"), &in.Reason, true, payload.MaxText)
		}, func(d *Data, _ *ReasonInput) error {
			decideReturn(d, t, string(Dismiss))
			closeWith(d, t, OutcomeDismissed)
			return nil
		})
	}
}

// closeWith records how and when the case closed.
func closeWith(d *Data, t *engine.Transition, outcome string) {
	now := t.Now
	d.Outcome, d.ClosedAt, d.FollowedUp = outcome, &now, false
}

func (r *rules) requestInfo() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &RequestInfoInput{}, func(c *payload.Checker, in *RequestInfoInput) {
			c.Text("question", lbl(t.Event, "question"), &in.Question, true, payload.MaxText)
		}, func(d *Data, in *RequestInfoInput) error {
			if len(d.InfoRequests) >= r.cfg.MaxInfoRequests {
				return refuse("每件案件最多可要求补充材料 %[1]d 次，已用完；请根据现有材料答复。",
					"Materials may be requested at most %[1]d times per case; answer with what you have.", r.cfg.MaxInfoRequests)
			}
			d.InfoRequests = append(d.InfoRequests, InfoRequest{Question: in.Question, AskedAt: t.Now})
			return nil
		})
	}
}

func (r *rules) supplyInfo() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &SupplyInfoInput{}, func(c *payload.Checker, in *SupplyInfoInput) {
			c.Text("info", lbl(t.Event, "info"), &in.Info, true, payload.MaxText)
		}, func(d *Data, in *SupplyInfoInput) error {
			if n := len(d.InfoRequests); n > 0 {
				now := t.Now
				d.InfoRequests[n-1].Info, d.InfoRequests[n-1].SuppliedAt = in.Info, &now
			}
			return nil
		})
	}
}

// infoTimeout closes the case for want of materials; the payload is the
// engine's record of the timer, kept as it is.
func (r *rules) infoTimeout() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return system(t, func(d *Data) { closeWith(d, t, OutcomeNoMaterials) })
	}
}

// breach marks the bank's round late; the case stays with the bank.
func (r *rules) breach() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return system(t, func(d *Data) {
			if rd := d.round(); rd != nil {
				rd.Late = true
			}
		})
	}
}

// system changes the record on a timer's event, whose payload is the
// engine's and stays as it is.
func system(t *engine.Transition, update func(*Data)) error {
	d, err := DataOf(t.Case)
	if err != nil {
		return err
	}
	update(d)
	return d.store(t.Case)
}

func (r *rules) answer() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &AnswerInput{}, func(c *payload.Checker, in *AnswerInput) { in.check(c, t.Event) }, func(d *Data, in *AnswerInput) error {
			late, days, err := lateness(t)
			if err != nil {
				return err
			}
			d.Answer = &AnswerRecord{AnswerInput: *in, Bank: t.Actor.Org, At: t.Now, Late: late, WorkdaysLate: days}
			if rd := d.round(); rd != nil {
				now := t.Now
				rd.AnsweredAt, rd.Late, rd.WorkdaysLate = &now, late, days
			}
			return nil
		})
	}
}

func (r *rules) invite() applyFunc {
	return func(ctx context.Context, t *engine.Transition) error {
		var b *engine.Bank
		return edit(t, &InviteInput{}, func(c *payload.Checker, in *InviteInput) {
			c.Text("bank", lbl(t.Event, "bank"), &in.Bank, true, 64)
			b = bankOf(ctx, t, c, in.Bank)
		}, func(d *Data, in *InviteInput) error {
			if b.Code == d.LeadBank {
				return engine.Invalid(engine.FieldError{Field: "bank", Code: "lead_bank",
					Message: "The lead bank cannot invite itself.", MessageZH: "主联系行无需邀请自己。"})
			}
			if !t.Case.HasParty(b.Code, RelParticipant) {
				d.Participants = append(d.Participants, b.Code)
				t.Case.AddParty(b.Code, RelParticipant)
			}
			return nil
		})
	}
}

func (r *rules) offer() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &AnswerInput{}, func(c *payload.Checker, in *AnswerInput) { in.check(c, t.Event) }, func(d *Data, in *AnswerInput) error {
			d.Offers = append(d.Offers, BankOffer{Bank: t.Actor.Org, AnswerInput: *in, At: t.Now})
			return nil
		})
	}
}

func (r *rules) cannotSolve() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &CannotSolveInput{}, func(c *payload.Checker, in *CannotSolveInput) {
			c.Text("reason", lbl(t.Event, "reason"), &in.Reason, true, payload.MaxText)
			c.Text("no_participant_reason", lbl(t.Event, "no_participant_reason"), &in.NoParticipantReason, false, payload.MaxText)
		}, func(d *Data, in *CannotSolveInput) error {
			if len(d.Participants) == 0 && in.NoParticipantReason == "" {
				return engine.Invalid(engine.FieldError{Field: "no_participant_reason", Code: "required",
					Message:   "Invite at least one participating bank first, or state why none can help.",
					MessageZH: "请先邀请至少一家参与行会诊，或说明没有参与行能够解决的原因。"})
			}
			late, days, err := lateness(t)
			if err != nil {
				return err
			}
			if rd := d.round(); rd != nil {
				now := t.Now
				rd.AnsweredAt, rd.Late, rd.WorkdaysLate = &now, late, days
			}
			d.Escalation = &Escalation{Cause: string(CannotSolve), By: t.Actor.Org, At: t.Now, Reason: in.Reason,
				NoParticipantReason: in.NoParticipantReason, Overdue: t.Case.PastDue}
			return nil
		})
	}
}

func (r *rules) requestExtension() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &ExtensionInput{}, func(c *payload.Checker, in *ExtensionInput) {
			c.IntRange("workdays", lbl(t.Event, "workdays"), in.Workdays, 1, r.cfg.MaxExtensionWorkdays)
			c.Text("reason", lbl(t.Event, "reason"), &in.Reason, true, payload.MaxText)
		}, func(d *Data, in *ExtensionInput) error {
			c := t.Case
			if l := c.Limit(ClockExtension); l != nil && (l.Running || l.PastDue) {
				return refuse("已有一项延期申请等待区县金融办审批。", "An extension request is already awaiting the county office's decision.")
			}
			granted := 0
			for _, x := range d.Extensions {
				if x.Decision == "granted" {
					granted++
				}
			}
			if granted >= r.cfg.MaxExtensions {
				return refuse("每件案件最多可延期 %[1]d 次，已用完。", "A case may be extended at most %[1]d time(s).", r.cfg.MaxExtensions)
			}
			if c.PastDue || c.DueAt == nil || !t.Now.Before(*c.DueAt) {
				return refuse("延期须在答复期限届满前申请；期限已过，请尽快答复。", "An extension must be asked for before the limit; it has passed, so answer now.")
			}
			d.Extensions = append(d.Extensions, Extension{Bank: t.Actor.Org, Workdays: in.Workdays, Reason: in.Reason, RequestedAt: t.Now})
			// The county office decides before the bank's limit.
			t.SetDue(TimerExtension, *c.DueAt)
			return nil
		})
	}
}

// decideExtension records the county office's decision on the request
// awaiting one, or refuses when there is none.
func decideExtension(d *Data, t *engine.Transition, decision, note string) (*Extension, error) {
	x, err := pendingExtension(d)
	if err != nil {
		return nil, err
	}
	now := t.Now
	x.Decision, x.DecidedAt, x.DecidedBy, x.Note = decision, &now, t.Actor.Org, note
	return x, nil
}

// pendingExtension returns the request awaiting a decision, or refuses.
func pendingExtension(d *Data) (*Extension, error) {
	if n := len(d.Extensions); n > 0 && d.Extensions[n-1].Decision == "" {
		return &d.Extensions[n-1], nil
	}
	return nil, refuse("没有待审批的延期申请。", "There is no extension request to decide.")
}

func (r *rules) grantExtension() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &NoteInput{}, func(c *payload.Checker, in *NoteInput) { in.check(c, t.Event) }, func(d *Data, in *NoteInput) error {
			x, err := decideExtension(d, t, "granted", in.Note)
			if err != nil {
				return err
			}
			t.ExtendBy = x.Workdays
			return nil
		})
	}
}

func (r *rules) refuseExtension() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &ReasonInput{}, func(c *payload.Checker, in *ReasonInput) {
			c.Text("reason", lbl(t.Event, "reason"), &in.Reason, true, payload.MaxText)
		}, func(d *Data, in *ReasonInput) error {
			_, err := decideExtension(d, t, "refused", in.Reason)
			return err
		})
	}
}

func (r *rules) supervise() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		var due time.Time
		return edit(t, &SuperviseInput{}, func(c *payload.Checker, in *SuperviseInput) {
			c.Text("notice", lbl(t.Event, "notice"), &in.Notice, true, payload.MaxText)
			c.Text("reply_by", lbl(t.Event, "reply_by"), &in.ReplyBy, true, 10)
			if in.ReplyBy == "" {
				return
			}
			day, err := calendar.ParseDate(in.ReplyBy)
			if err != nil {
				c.Add("reply_by", "date", "reply_by must be a date such as 2026-10-20.", "回复期限应为日期，例如 2026-10-20。")
				return
			}
			due = day.AddDays(1).Start()
			if !due.After(t.Now) || day.After(calendar.DateOf(t.Now).AddDays(60)) {
				c.Add("reply_by", "range", "reply_by must be from today to 60 days ahead.", "回复期限应在今天至 60 天以内。")
			}
		}, func(d *Data, in *SuperviseInput) error {
			if l := t.Case.Limit(ClockSupervision); l != nil && (l.Running || l.PastDue) {
				return refuse("该案件已有一份督办通知尚未回复。", "A supervision notice of this case is still unanswered.")
			}
			d.Supervisions = append(d.Supervisions, Supervision{By: t.Actor.Org, Role: string(t.Actor.Role),
				Notice: in.Notice, ReplyBy: in.ReplyBy, IssuedAt: t.Now})
			t.SetDue(TimerSupervision, due)
			return nil
		})
	}
}

func (r *rules) replySupervision() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &ReplyInput{}, func(c *payload.Checker, in *ReplyInput) {
			c.Text("reply", lbl(t.Event, "reply"), &in.Reply, true, payload.MaxText)
		}, func(d *Data, in *ReplyInput) error {
			l := t.Case.Limit(ClockSupervision)
			n := len(d.Supervisions)
			if l == nil || !(l.Running || l.PastDue) || n == 0 {
				return refuse("没有待回复的督办通知。", "There is no supervision notice to reply to.")
			}
			now := t.Now
			s := &d.Supervisions[n-1]
			s.Reply, s.RepliedAt, s.Late = in.Reply, &now, l.PastDue
			return nil
		})
	}
}

func (r *rules) escalate() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &ReasonInput{}, func(c *payload.Checker, in *ReasonInput) {
			c.Text("reason", lbl(t.Event, "reason"), &in.Reason, true, payload.MaxText)
		}, func(d *Data, in *ReasonInput) error {
			if t.From == Returned {
				decideReturn(d, t, string(Escalate))
			}
			d.Escalation = &Escalation{Cause: "county", By: t.Actor.Org, At: t.Now, Reason: in.Reason, Overdue: t.Case.PastDue}
			return nil
		})
	}
}

func (r *rules) acknowledge() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &NoteInput{}, func(c *payload.Checker, in *NoteInput) { in.check(c, t.Event) }, func(d *Data, _ *NoteInput) error {
			if d.Escalation != nil {
				now := t.Now
				d.Escalation.AcknowledgedBy, d.Escalation.AcknowledgedAt = string(t.Actor.Role), &now
			}
			return nil
		})
	}
}

func (r *rules) resolve() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &ResolveInput{}, func(c *payload.Checker, in *ResolveInput) {
			c.Text("resolution", lbl(t.Event, "resolution"), &in.Resolution, true, payload.MaxText)
			in.AnswerInput.check(c, t.Event)
		}, func(d *Data, in *ResolveInput) error {
			d.Resolution = in
			return nil
		})
	}
}

func (r *rules) assign() applyFunc {
	return func(ctx context.Context, t *engine.Transition) error {
		var b *engine.Bank
		return edit(t, &AssignInput{}, func(c *payload.Checker, in *AssignInput) {
			c.Text("bank", lbl(t.Event, "bank"), &in.Bank, true, 64)
			c.Text("instructions", lbl(t.Event, "instructions"), &in.Instructions, true, payload.MaxText)
			b = bankOf(ctx, t, c, in.Bank)
		}, func(d *Data, in *AssignInput) error {
			hand(d, t, b, Assign)
			d.round().Instructions = in.Instructions
			return nil
		})
	}
}

func (r *rules) transfer() applyFunc {
	return func(ctx context.Context, t *engine.Transition) error {
		var b *engine.Bank
		return edit(t, &BankInput{}, func(c *payload.Checker, in *BankInput) {
			c.Text("bank", lbl(t.Event, "bank"), &in.Bank, true, 64)
			c.Text("reason", lbl(t.Event, "reason"), &in.Reason, true, payload.MaxText)
			b = bankOf(ctx, t, c, in.Bank)
		}, func(d *Data, in *BankInput) error {
			if b.Code == d.LeadBank {
				return engine.Invalid(engine.FieldError{Field: "bank", Code: "same_bank",
					Message: "The case is with this bank already.", MessageZH: "案件已在该银行办理。"})
			}
			d.Transfers = append(d.Transfers, TransferRecord{From: d.LeadBank, To: b.Code, Reason: in.Reason, By: t.Actor.Org, At: t.Now})
			hand(d, t, b, Transfer)
			return nil
		})
	}
}

func (r *rules) feedback() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &FeedbackInput{}, func(c *payload.Checker, in *FeedbackInput) {
			c.OneOf("outcome", lbl(t.Event, "outcome"), &in.Outcome, feedbackOutcomes...)
			c.Amount("amount_financed", lbl(t.Event, "amount_financed"), &in.AmountFinanced)
			c.Text("note", lbl(t.Event, "note"), &in.Note, false, payload.MaxNote)
			switch {
			case in.Outcome == OutcomeFinanced && in.AmountFinanced == "":
				c.Add("amount_financed", "required", "A financed case needs the amount financed (greater than zero).",
					"已获得融资的，请填写实际融资金额（大于零）。")
			case in.Outcome != OutcomeFinanced && in.AmountFinanced != "":
				c.Add("amount_financed", "not_financed", "Only a financed case has an amount financed.",
					"未获得融资的，不应填写融资金额。")
			}
		}, func(d *Data, in *FeedbackInput) error {
			d.Feedback = in
			closeWith(d, t, in.Outcome)
			return nil
		})
	}
}

func (r *rules) withdraw() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &WithdrawInput{}, func(c *payload.Checker, in *WithdrawInput) {
			c.Text("reason", lbl(t.Event, "reason"), &in.Reason, false, payload.MaxText)
		}, func(d *Data, in *WithdrawInput) error {
			closeWith(d, t, OutcomeWithdrawn)
			return nil
		})
	}
}

// lastFollowUp returns the follow-up made since the case last closed, or
// nil.
func lastFollowUp(d *Data) *FollowUpRecord {
	if n := len(d.FollowUps); n > 0 && d.FollowedUp {
		return &d.FollowUps[n-1]
	}
	return nil
}

func (r *rules) followUp() applyFunc {
	return func(_ context.Context, t *engine.Transition) error {
		return edit(t, &FollowUpInput{}, func(c *payload.Checker, in *FollowUpInput) {
			c.OneOf("satisfaction", lbl(t.Event, "satisfaction"), &in.Satisfaction, satisfactions...)
			c.Text("comments", lbl(t.Event, "comments"), &in.Comments, false, payload.MaxText)
		}, func(d *Data, in *FollowUpInput) error {
			if lastFollowUp(d) != nil {
				return refuse("该案件办结后已回访过。", "The case was followed up since it closed.")
			}
			l := t.Case.Limit(ClockFollowUp)
			d.FollowUps = append(d.FollowUps, FollowUpRecord{Satisfaction: in.Satisfaction, Comments: in.Comments, At: t.Now,
				Late: l != nil && l.PastDue})
			d.FollowedUp = true
			return nil
		})
	}
}

func (r *rules) reopen() applyFunc {
	return func(ctx context.Context, t *engine.Transition) error {
		return edit(t, &ReasonInput{}, func(c *payload.Checker, in *ReasonInput) {
			c.Text("reason", lbl(t.Event, "reason"), &in.Reason, true, payload.MaxText)
		}, func(d *Data, _ *ReasonInput) error {
			f := lastFollowUp(d)
			if f == nil || f.Satisfaction != Dissatisfied {
				return refuse("只有回访时企业“不满意”的案件才能重办。", "Only a case whose follow-up found the enterprise dissatisfied can be redone.")
			}
			b, err := t.Directory.Bank(ctx, d.LeadBank)
			if err != nil {
				return err
			}
			d.Redone++
			d.Feedback, d.Outcome, d.Escalation, d.Resolution = nil, "", nil, nil
			hand(d, t, b, Reopen)
			return nil
		})
	}
}
