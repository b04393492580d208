package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/payload"
	"github.com/parkfin/parkfin/workflows/submission"
)

// caseView is the case page: the facts on top, the time limits, the
// bank's answer, the participants, the timeline and the forms of the
// events this user may fire now.
type caseView struct {
	ID, Number, Title string
	Version           int
	State, Time       tag
	Data              *financing.Data
	USCC              string
	Received, Routed  string
	Limits            []limitView
	Answer            *answerView
	Offers            []answerView
	Feedback          *feedbackView
	Parties           []partyView
	Timeline          []entryView
	Forms             []formView
	// Done names the event just fired; Conflict and Error explain a
	// refused one; Kept holds what was typed into a form that is gone.
	Done     string
	Conflict string
	Error    string
	Kept     []keptView
	Receipt  bool
	// Financing is set for an enterprise's financing case, whose facts
	// (enterprise, need, answer) the page shows; other workflows show
	// their title and period.
	Financing bool
	Period    string
	Workflow  string
	// LedgerHref downloads the resolution ledger a quarterly submission
	// reports on: the bank's parks' cases of the quarter, generated, for
	// the bank to review and annotate before it submits, and for the city
	// to compare with what was submitted.
	LedgerHref string
	// Visits is a park's half-year of visits; Origin the visit a
	// financing case came from.
	Visits *visitsView
	// Plan3 is an assigned difficulty (三办一销号).
	Plan3  *plan3View
	Origin *originView
	// Contacts is set for a contacts register: its contacts as a table.
	Contacts *contactsView
	// Green is a green-channel project's steps; GreenLinks a financing
	// case's projects.
	Green      *greenView
	GreenLinks []greenLink
}

// answerView is a bank's handling opinion.
type answerView struct {
	Bank, CanHandleKey, Conditions, Procedure, Product string
	AmountOffered, Reason, At                          string
	Late                                               bool
	WorkdaysLate                                       int
}

type feedbackView struct {
	OutcomeKey, AmountFinanced, Note string
}

// partyView is an organisation's relation to the case.
type partyView struct{ RelKey, Org string }

// keptView is a typed value kept for the user after the form went away;
// a choice shows its word (ValueKey).
type keptView struct{ LabelKey, LabelFall, Value, ValueKey string }

// loadCase finds a case the user may see by its ID or its number.
func (s *Server) loadCase(c echo.Context, ref string) (*engine.Case, error) {
	ctx := c.Request().Context()
	cs, err := s.engine.Case(ctx, actorOf(c), ref)
	if engine.ErrorCode(err) == engine.ENOTFOUND {
		if byNum, nerr := s.engine.CaseByNumber(ctx, actorOf(c), ref); nerr == nil {
			return byNum, nil
		}
	}
	return cs, err
}

func (s *Server) casePage(c echo.Context) error {
	cs, err := s.loadCase(c, c.Param("id"))
	if err != nil {
		return err
	}
	v, err := s.caseViewOf(c, cs, "", nil, nil)
	if err != nil {
		return err
	}
	if ev := c.QueryParam("done"); ev != "" {
		v.Done = payload.Words(cs.Workflow).Key("event", ev)
	}
	return s.render(c, http.StatusOK, "case", v)
}

// caseViewOf builds the case page; the form of event posted keeps values
// and shows errs.
func (s *Server) caseViewOf(c echo.Context, cs *engine.Case, posted engine.EventName, values url.Values, errs map[string]string) (*caseView, error) {
	ctx := c.Request().Context()
	a := actorOf(c)
	words := payload.Words(cs.Workflow)
	d := &financing.Data{}
	if cs.Workflow == financing.Name {
		var err error
		if d, err = financing.DataOf(cs); err != nil {
			return nil, err
		}
	}
	v := &caseView{ID: cs.ID, Number: cs.Number, Title: cs.Title, Version: cs.Version, State: s.caseStateTag(cs),
		Time: timeTag(cs), Data: d, USCC: groupUSCC(d.Enterprise.USCC), Received: fmtTime(cs.ReceivedAt),
		Routed: fmtTime(cs.RoutedAt), Limits: s.limitsOf(cs, s.clock.Now()),
		Receipt:   a.Role == engine.RoleWindow && cs.Workflow == financing.Name,
		Financing: cs.Workflow == financing.Name, Period: cs.Period, Workflow: cs.Workflow}
	if cs.Workflow == submission.Name && cs.Period != "" {
		v.LedgerHref = "/stats/export?" + url.Values{"period": {cs.Period}, "kind": {"ledger"}, "format": {"xlsx"}, "bank": {cs.ScheduledFor}}.Encode()
	}
	v.Origin = originOf(d.Origin)
	if d.Answer != nil {
		av := answerOf(d.Answer.AnswerInput, d.Answer.Bank, fmtTime(d.Answer.At))
		av.Late, av.WorkdaysLate = d.Answer.Late, d.Answer.WorkdaysLate
		v.Answer = &av
	}
	for _, o := range d.Offers {
		v.Offers = append(v.Offers, answerOf(o.AnswerInput, o.Bank, fmtTime(o.At)))
	}
	if d.Feedback != nil {
		v.Feedback = &feedbackView{OutcomeKey: financing.Key("choice", "outcome."+d.Feedback.Outcome), Note: d.Feedback.Note}
		if d.Feedback.AmountFinanced != "" {
			v.Feedback.AmountFinanced = yuan(d.Feedback.AmountFinanced)
		}
	}
	for _, p := range cs.Parties {
		v.Parties = append(v.Parties, partyView{RelKey: words.Key("relation", string(p.Relation)), Org: p.Org})
	}
	entries, err := s.engine.Ledger(ctx, a, cs.ID)
	if err != nil {
		return nil, err
	}
	names, banks, _ := s.orgs(ctx)
	v.Timeline = timelineOf(words, entries, names)
	def, _ := s.engine.Workflow(cs.Workflow)
	for _, ev := range s.engine.Events(a, cs) {
		ed := eventDef(def, ev)
		if ed == nil {
			continue
		}
		vals, fe := url.Values{}, map[string]string(nil)
		if ev == posted {
			vals, fe = values, errs
		}
		f := s.formOf(words, ed, cs.Version, banks, vals, fe)
		f.Open = f.Open || ev == posted
		v.Forms = append(v.Forms, f)
	}
	if v.Visits, err = visitsViewOf(cs, s.engine.Events(a, cs), names); err != nil {
		return nil, err
	}
	if v.Green, err = s.greenViewOf(cs); err != nil {
		return nil, err
	}
	v.GreenLinks = s.greenLinksOf(ctx, a, d)
	if v.Plan3, err = plan3ViewOf(cs, names); err != nil {
		return nil, err
	}
	return v, s.contactsCaseOf(v, cs)
}

func answerOf(in financing.AnswerInput, bank, at string) answerView {
	av := answerView{Bank: bank, CanHandleKey: financing.Key("choice", "can_handle."+in.CanHandle),
		Conditions: in.Conditions, Procedure: in.Procedure, Product: in.Product, Reason: in.Reason, At: at}
	if in.AmountOffered != "" {
		av.AmountOffered = yuan(in.AmountOffered)
	}
	return av
}

// eventDef returns the definition of an event of the workflow.
func eventDef(def engine.Definition, name engine.EventName) *engine.EventDef {
	for i := range def.Events {
		if def.Events[i].Name == name {
			return &def.Events[i]
		}
	}
	return nil
}

// fire fires the event of a submitted form against the version the user
// saw. A refused form comes back with what was typed: field errors under
// their fields, a lost race with the case's new state.
func (s *Server) fire(c echo.Context) error {
	cs, err := s.loadCase(c, c.Param("id"))
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	ev := engine.EventName(form.Get("_event"))
	version, err := strconv.Atoi(form.Get("_version"))
	if err != nil || version < 1 {
		version = -1 // never skip the version check
	}
	def, _ := s.engine.Workflow(cs.Workflow)
	ed := eventDef(def, ev)
	if ed == nil || ev == def.OpenEvent {
		return echo.ErrNotFound
	}
	lang := langOf(c)
	body, ferrs := payloadOf(ed.Input, form)
	files, ferr := formFiles(c, ed)
	if ferr != nil {
		ferrs = append(ferrs, *ferr)
	}
	if len(ferrs) == 0 {
		_, err = s.engine.Fire(c.Request().Context(), engine.FireRequest{CaseID: cs.ID, Event: ev,
			Actor: actorOf(c), Version: version, Payload: body, Files: files})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/cases/"+cs.ID+"?done="+string(ev)+"#top")
		}
	} else {
		err = engine.Invalid(ferrs...)
	}
	code := engine.ErrorCode(err)
	switch code {
	case engine.ENOTFOUND, engine.EINTERNAL:
		return err
	}
	// The case as it is now: after a lost race, the new state.
	if now, lerr := s.loadCase(c, cs.ID); lerr == nil {
		cs = now
	} else {
		return lerr
	}
	var errs map[string]string
	if code == engine.EINVALID {
		errs = fieldErrors(err, lang)
	}
	v, verr := s.caseViewOf(c, cs, ev, form, errs)
	if verr != nil {
		return verr
	}
	status := http.StatusConflict
	switch code {
	case engine.EINVALID:
		status = http.StatusUnprocessableEntity
		if len(errs) == 0 {
			v.Error = errText(err, lang)
		}
	case engine.ECONFLICT:
		v.Conflict = string(cs.State)
	case engine.EFORBIDDEN:
		status = http.StatusForbidden
		v.Error = errText(err, lang)
	default:
		v.Error = errText(err, lang)
	}
	// A form no longer offered keeps its text on the page all the same.
	offered := false
	for _, f := range v.Forms {
		offered = offered || f.Event == ev
	}
	if !offered {
		_, banks, _ := s.orgs(c.Request().Context())
		for _, fv := range s.formOf(payload.Words(cs.Workflow), ed, cs.Version, banks, form, nil).Fields {
			if fv.Value == "" {
				continue
			}
			k := keptView{LabelKey: fv.LabelKey, LabelFall: fv.LabelFall, Value: fv.Value}
			for _, ch := range fv.Choices {
				if ch.Value == fv.Value {
					k.Value, k.ValueKey = ch.Label, ch.Key
				}
			}
			v.Kept = append(v.Kept, k)
		}
	}
	return s.render(c, status, "case", v)
}

// receipt is the printable receipt (回执) the window hands the enterprise.
func (s *Server) receipt(c echo.Context) error {
	cs, err := s.loadCase(c, c.Param("id"))
	if err != nil {
		return err
	}
	v, err := s.caseViewOf(c, cs, "", nil, nil)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "receipt", v)
}

// formFiles reads the files of a multipart form for an event that takes
// them; the engine checks names, sizes and whether one is required.
func formFiles(c echo.Context, ed *engine.EventDef) ([]engine.File, *engine.FieldError) {
	if !ed.TakesFiles {
		return nil, nil
	}
	mf, err := c.MultipartForm()
	if err != nil {
		return nil, nil // no files sent: the engine says if one is needed
	}
	var out []engine.File
	for _, fh := range mf.File["files"] {
		f, err := fh.Open()
		if err != nil {
			return nil, &engine.FieldError{Field: "files", Code: "unreadable", Message: "The file could not be read.", MessageZH: "无法读取上传的文件。"}
		}
		raw, err := io.ReadAll(io.LimitReader(f, engine.MaxFileSize+1))
		f.Close()
		if err != nil {
			return nil, &engine.FieldError{Field: "files", Code: "unreadable", Message: "The file could not be read.", MessageZH: "无法读取上传的文件。"}
		}
		out = append(out, engine.File{Name: fh.Filename, MediaType: fh.Header.Get("Content-Type"), Content: raw})
	}
	return out, nil
}

// caseFile sends a file handed in with an event of a case the user sees.
func (s *Server) caseFile(c echo.Context) error {
	cs, err := s.loadCase(c, c.Param("id"))
	if err != nil {
		return err
	}
	f, err := s.engine.CaseFile(c.Request().Context(), actorOf(c), cs.ID, c.Param("sha256"))
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
	return c.Blob(http.StatusOK, f.MediaType, f.Content)
}
