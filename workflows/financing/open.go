package financing

import (
	"context"
	"strconv"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// OpenInput is the window's registration of an enterprise's need.
type OpenInput struct {
	// Park is the code of the park whose window registers the case.
	Park       string     `json:"park"`
	Enterprise Enterprise `json:"enterprise"`
	// Need is the financing need or question, in the enterprise's words.
	Need string `json:"need"`
	// Amount is the amount sought in yuan, a decimal string; optional.
	Amount string `json:"amount,omitempty"`
	// Contact is how the window reaches the enterprise; optional.
	Contact string `json:"contact,omitempty"`
}

// Validate normalises the input and checks every field, reporting all
// problems at once.
func (in *OpenInput) Validate() error {
	var c checker
	c.text("park", "园区", &in.Park, true, 64)
	c.text("enterprise.name", "企业名称", &in.Enterprise.Name, true, maxName)
	c.text("enterprise.uscc", "统一社会信用代码", &in.Enterprise.USCC, true, 64)
	if in.Enterprise.USCC != "" {
		code, err := uscc.Validate(in.Enterprise.USCC)
		if err != nil {
			c.add("enterprise.uscc", engine.EINVALIDUSCC, engine.ErrorMessage(err, "en"), engine.ErrorMessage(err, "zh"))
		} else {
			in.Enterprise.USCC = code
		}
	}
	c.text("need", "融资需求或问题", &in.Need, true, maxText)
	c.amount("amount", "拟融资金额", &in.Amount)
	c.text("contact", "联系方式", &in.Contact, false, maxName)
	return c.err()
}

// applyOpen registers the case: it routes it to the lead bank paired with
// the park for the year it was received in and copies the county office.
func applyOpen(ctx context.Context, t *engine.Transition) error {
	var in OpenInput
	if err := decode(t.Payload, &in); err != nil {
		return err
	}
	if err := in.Validate(); err != nil {
		return err
	}
	park, err := t.Directory.Park(ctx, in.Park)
	if err != nil {
		if engine.ErrorCode(err) == engine.ENOTFOUND {
			return engine.Invalid(engine.FieldError{Field: "park", Code: "unknown",
				Message: "No park " + in.Park + ".", MessageZH: "没有编码为“" + in.Park + "”的园区。"})
		}
		return err
	}
	year := t.Case.ReceivedAt.In(calendar.Location()).Year()
	pairing, err := t.Directory.LeadBank(ctx, park.Code, year)
	if err != nil {
		return err
	}
	bank, err := t.Directory.Bank(ctx, pairing.Bank)
	if err != nil {
		return err
	}
	d := &Data{
		Park: park.Code, ParkName: park.Name, County: park.County,
		LeadBank: bank.Code, LeadBankName: bank.Name, PairingYear: year,
		Enterprise: in.Enterprise, Need: in.Need, Amount: in.Amount, Contact: in.Contact,
	}
	c := t.Case
	c.Title = in.Enterprise.Name
	c.Number = park.Code + "-" + strconv.Itoa(year) + "-"
	c.AddParty(park.Code, RelPark)
	c.AddParty(bank.Code, RelLeadBank)
	c.AddParty(park.County, RelCounty)
	if err := d.store(c); err != nil {
		return err
	}
	return normalised(t, in)
}
