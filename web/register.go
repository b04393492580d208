package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
	"github.com/parkfin/parkfin/workflows/payload"
)

// registerView is the window's register form.
type registerView struct {
	Fields []fieldView
	Errors map[string]string
	Values url.Values
	Error  string
}

// registerFields are the register form's fields, drawn from the opening
// input (the park is the window's own) plus the two times of a paper
// record.
func (s *Server) registerFields(values url.Values, errs map[string]string) []fieldView {
	def, _ := s.engine.Workflow(financing.Name)
	f := s.formOf(payload.Words(financing.Name), eventDef(def, financing.Open), 0, nil, values, errs)
	var out []fieldView
	for _, fv := range f.Fields {
		if fv.Name == "park" {
			continue
		}
		out = append(out, fv)
	}
	for _, name := range []string{"received_at", "routed_at"} {
		out = append(out, fieldView{ID: "open-" + strings.ReplaceAll(name, "_", "-"), Name: name, Kind: "datetime",
			LabelKey: financing.Key("field", name), LabelFall: financing.Key("field", name),
			Value: values.Get(name), Error: errs[name]})
	}
	return out
}

func (s *Server) registerPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "register", registerView{Fields: s.registerFields(url.Values{}, nil)})
}

// registerPost opens a case through the engine, as the API does: all
// mistakes are reported at once, under their fields.
func (s *Server) registerPost(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	a := actorOf(c)
	in := financing.OpenInput{Park: a.Org,
		Enterprise: financing.Enterprise{Name: form.Get("enterprise.name"), USCC: form.Get("enterprise.uscc")},
		Need:       form.Get("need"), Amount: strings.ReplaceAll(strings.TrimSpace(form.Get("amount")), ",", ""),
		Contact: form.Get("contact")}
	var fields []engine.FieldError
	if verr := in.Validate(); verr != nil {
		fields = append(fields, verr.(*engine.Error).Fields...)
	}
	received, ferr := localTime(form.Get("received_at"), "received_at")
	if ferr != nil {
		fields = append(fields, *ferr)
	}
	routed, ferr := localTime(form.Get("routed_at"), "routed_at")
	if ferr != nil {
		fields = append(fields, *ferr)
	}
	if !received.IsZero() && routed.IsZero() {
		routed = received // a paper record reached the bank when it was received, unless told otherwise
	}
	if len(fields) == 0 {
		body, _ := json.Marshal(in)
		var cs *engine.Case
		cs, err = s.engine.Open(c.Request().Context(), engine.OpenRequest{Workflow: financing.Name, Actor: a,
			Payload: body, ReceivedAt: received, RoutedAt: routed})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/cases/"+cs.ID+"?done=open")
		}
	} else {
		err = engine.Invalid(fields...)
	}
	lang := langOf(c)
	v := registerView{Values: form}
	status := http.StatusUnprocessableEntity
	switch engine.ErrorCode(err) {
	case engine.EINVALID:
		v.Errors = fieldErrors(err, lang)
	case engine.EINTERNAL:
		return err
	default:
		status = http.StatusConflict
		v.Error = errText(err, lang)
	}
	v.Fields = s.registerFields(form, v.Errors)
	if msg, ok := v.Errors["park"]; ok {
		v.Error = msg
	}
	return s.render(c, status, "register", v)
}

// localTime reads a datetime-local value as Beijing time; empty is zero.
func localTime(s, field string) (time.Time, *engine.FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, calendar.Location()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, &engine.FieldError{Field: field, Code: "time",
		Message: "Enter a date and time such as 2026-09-30 15:00.", MessageZH: "请按“2026-09-30 15:00”的格式填写日期和时间。"}
}

// checkUSCC answers the credit-code box as it is typed, with the engine's
// own message (htmx swaps it in under the field).
func (s *Server) checkUSCC(c echo.Context) error {
	code := strings.TrimSpace(c.QueryParam("enterprise.uscc"))
	if code == "" {
		return c.HTML(http.StatusOK, "")
	}
	p := s.newPage(c, "", nil)
	norm, err := uscc.Validate(code)
	if err != nil {
		return c.HTML(http.StatusOK, `<p class="field-error" role="alert">`+html.EscapeString(errText(err, p.Lang))+`</p>`)
	}
	return c.HTML(http.StatusOK, `<p class="field-ok">`+html.EscapeString(p.Tf("web.register.uscc_ok", groupUSCC(norm)))+`</p>`)
}
