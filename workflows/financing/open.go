package financing

import (
	"context"
	"strconv"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
	"github.com/parkfin/parkfin/workflows/payload"
)

// OpenInput is the window's registration of an enterprise's need.
type OpenInput struct {
	// Park is the code of the park whose window registers the case.
	Park       string     `json:"park" form:"text,required"`
	Enterprise Enterprise `json:"enterprise"`
	// Need is the financing need or question, in the enterprise's words.
	Need string `json:"need" form:"textarea,required"`
	// Amount is the amount sought in yuan, a decimal string; optional.
	Amount string `json:"amount,omitempty" form:"amount"`
	// Contact is how the window reaches the enterprise; optional.
	Contact string `json:"contact,omitempty" form:"text"`
}

// Validate normalises the input and checks every field, reporting all
// problems at once.
func (in *OpenInput) Validate() error {
	var c payload.Checker
	in.check(&c)
	return c.Err()
}

func (in *OpenInput) check(c *payload.Checker) {
	c.Text("park", lbl(Open, "park"), &in.Park, true, 64)
	c.Text("enterprise.name", lbl(Open, "enterprise.name"), &in.Enterprise.Name, true, payload.MaxName)
	c.Text("enterprise.uscc", lbl(Open, "enterprise.uscc"), &in.Enterprise.USCC, true, 64)
	if in.Enterprise.USCC != "" {
		code, err := uscc.Validate(in.Enterprise.USCC)
		if err != nil {
			c.Add("enterprise.uscc", engine.EINVALIDUSCC, engine.ErrorMessage(err, "en"), engine.ErrorMessage(err, "zh"))
		} else {
			in.Enterprise.USCC = code
		}
	}
	c.Text("need", lbl(Open, "need"), &in.Need, true, payload.MaxText)
	c.Amount("amount", lbl(Open, "amount"), &in.Amount)
	c.Text("contact", lbl(Open, "contact"), &in.Contact, false, payload.MaxName)
}

// open registers the case: it routes it to the lead bank paired with the
// park for the year it was received in, copies the county office, and
// records the window's own delay from receipt to routing.
func (r *rules) open() applyFunc {
	return func(ctx context.Context, t *engine.Transition) error {
		var (
			in   OpenInput
			park *engine.Park
		)
		var c payload.Checker
		if v, ok := t.Decoded.(*OpenInput); ok {
			// The caller decoded the payload already (the API does, to
			// answer for every field at once); checking again is cheap.
			in = *v
		} else if err := payload.Decode(t.Payload, &in); err != nil {
			c.AddError("payload", err)
		}
		in.check(&c)
		if in.Park != "" {
			p, err := t.Directory.Park(ctx, in.Park)
			switch {
			case engine.ErrorCode(err) == engine.ENOTFOUND:
				c.Add("park", "unknown", "No park "+in.Park+".", "没有编码为“"+in.Park+"”的园区。")
			case err != nil:
				return err
			default:
				park = p
			}
		}
		if err := c.Err(); err != nil {
			return err
		}
		cs := t.Case
		year := cs.ReceivedAt.In(calendar.Location()).Year()
		pairing, err := t.Directory.LeadBank(ctx, park.Code, year)
		if err != nil {
			return err
		}
		bank, err := t.Directory.Bank(ctx, pairing.Bank)
		if err != nil {
			return err
		}
		delay, _, err := t.Calendar.ProvisionalRemaining(cs.ReceivedAt, calendar.DateOf(cs.RoutedAt).AddDays(1).Start())
		if err != nil {
			return err
		}
		d := &Data{
			Park: park.Code, ParkName: park.Name, County: park.County,
			LeadBank: bank.Code, LeadBankName: bank.Name, PairingYear: year,
			Enterprise: in.Enterprise, Need: in.Need, Amount: in.Amount, Contact: in.Contact,
			WindowDelayWorkdays: delay,
			Origin:              t.OpenedBy,
			Rounds:              []Round{{Bank: bank.Code, BankName: bank.Name, Cause: Open, RoutedAt: cs.RoutedAt}},
		}
		cs.Title, cs.Ref = in.Enterprise.Name, in.Enterprise.USCC
		cs.Number = park.Code + "-" + strconv.Itoa(year) + "-"
		cs.AddParty(park.Code, RelPark)
		cs.AddParty(bank.Code, RelLeadBank)
		cs.AddParty(park.County, RelCounty)
		if err := d.store(cs); err != nil {
			return err
		}
		return payload.Normalised(t, in)
	}
}
