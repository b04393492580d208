package web

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/payload"
)

// formView is one event's form on the case page.
type formView struct {
	Event    engine.EventName
	LabelKey string
	Version  int
	Fields   []fieldView
	// Open unfolds the form: it has errors, or it is the only one.
	Open  bool
	Error string
	// Confirm asks before submitting (where JavaScript runs): the event
	// closes the case or hands it away, and cannot be undone.
	Confirm bool
	// Files makes the form take files (a multipart form); FilesKey labels
	// the input.
	Files, FilesRequired bool
	FilesKey, FilesError string
}

// fieldView is one field of a form, with what was typed and its error.
type fieldView struct {
	ID, Name  string
	Kind      string
	LabelKey  string
	LabelFall string
	Required  bool
	Value     string
	Error     string
	Min, Max  int
	Choices   []choiceView
	// GroupKey and Row label a field of a row ("参与人员 2：姓名").
	GroupKey, GroupFall string
	Row                 int
}

// choiceView is one option of a choice or bank field.
type choiceView struct {
	Value, Key, Label string
}

// formOf draws the form of an event from its declared input type: the
// fields, labelled from the catalogue, with the values and errors given.
func (s *Server) formOf(words payload.Words, def *engine.EventDef, version int, banks []engine.Bank, values url.Values, errs map[string]string) formView {
	f := formView{Event: def.Name, LabelKey: words.Key("event", string(def.Name)), Version: version,
		Confirm: confirmStates[def.To], Files: def.TakesFiles, FilesRequired: def.NeedsFiles, FilesKey: words.Key("field", "files"),
		FilesError: errs["files"]}
	if f.FilesError != "" {
		f.Open = true
	}
	for _, fd := range payload.Fields(def.Input) {
		fv := fieldView{ID: string(def.Name) + "-" + strings.ReplaceAll(fd.Name, ".", "-"), Name: fd.Name, Kind: fd.Kind,
			LabelKey:  words.Key("field", string(def.Name)+"."+fd.Key),
			LabelFall: words.Key("field", fd.Key), Required: fd.Required, Min: fd.Min, Max: fd.Max,
			Value: values.Get(fd.Name), Error: errs[fd.Name], Row: fd.Row}
		if fd.Group != "" {
			fv.GroupKey, fv.GroupFall = words.Key("field", string(def.Name)+"."+fd.Group), words.Key("field", fd.Group)
		}
		switch fd.Kind {
		case payload.KindChoice:
			field := fd.Name[strings.LastIndex(fd.Name, ".")+1:]
			for _, c := range fd.Choices {
				fv.Choices = append(fv.Choices, choiceView{Value: c, Key: words.Key("choice", field+"."+c)})
			}
		case payload.KindBank:
			for _, b := range banks {
				fv.Choices = append(fv.Choices, choiceView{Value: b.Code, Label: b.Name})
			}
		case payload.KindOrg:
			for _, o := range s.orgsOfType(engine.OrgType(fd.OrgType)) {
				fv.Choices = append(fv.Choices, choiceView{Value: o.Code, Label: o.Name})
			}
		}
		if fv.Error != "" {
			f.Open = true
		}
		f.Fields = append(f.Fields, fv)
	}
	return f
}

// confirmStates are the states an event cannot be taken back from: the
// case is closed, or has left the user's hands.
var confirmStates = map[engine.State]bool{financing.Closed: true, financing.Escalated: true,
	financing.Returned: true, financing.WithWindow: true}

// payloadOf turns a submitted form into the event's JSON payload: dotted
// names nest, ints are numbers, empty optional fields are left out (a
// required one is sent empty, so that the workflow names it). A field
// that is not a number comes back as a field error.
func payloadOf(input any, form url.Values) (json.RawMessage, []engine.FieldError) {
	flat := map[string]any{}
	var errs []engine.FieldError
	for _, fd := range payload.Fields(input) {
		raw := strings.TrimSpace(form.Get(fd.Name))
		if raw == "" && !fd.Required {
			continue
		}
		// The workflow normalises text itself (NFC, trimmed): send it as typed.
		var v any = form.Get(fd.Name)
		if fd.Kind == payload.KindInt {
			n, err := strconv.Atoi(raw)
			if err != nil {
				errs = append(errs, engine.FieldError{Field: fd.Name, Code: "integer",
					Message: "Enter a whole number.", MessageZH: "请填写整数。"})
				continue
			}
			v = n
		}
		if fd.Kind == payload.KindAmount {
			v = strings.ReplaceAll(raw, ",", "")
		}
		flat[fd.Name] = v
	}
	raw, _ := json.Marshal(payload.Nest(flat))
	return raw, errs
}
