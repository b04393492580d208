package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/all"
	"github.com/parkfin/parkfin/workflows/contacts"
	"github.com/parkfin/parkfin/workflows/payload"
)

// openOther opens a case of a workflow other than financing whose users
// open it themselves (a contacts register), its payload from --set.
func (c *cli) openOther(m *Main, a engine.Actor, workflow string, sets []string) error {
	def, ok := m.Engine.Workflow(workflow)
	if !ok {
		return engine.Errorf(engine.EINVALID, "没有名为“%s”的业务流程，可用的有：%s。", "No workflow %q; the workflows are %s.",
			workflow, strings.Join(m.Engine.Workflows(), ", "))
	}
	raw, err := setPayload(def, def.OpenEvent, sets)
	if err != nil {
		return err
	}
	cs, err := m.Engine.Open(c.ctx, engine.OpenRequest{Workflow: workflow, Actor: a, Payload: raw})
	if err != nil {
		return err
	}
	return c.showCase(m, a, cs)
}

// openHelp lists the workflows other than financing that people open
// themselves, with the fields of their opening.
func openHelp() string {
	var b strings.Builder
	for _, d := range all.Definitions(all.Config{}) {
		var open *engine.EventDef
		for i := range d.Events {
			if d.Events[i].Name == d.OpenEvent && len(d.Events[i].Grants) > 0 {
				open = &d.Events[i]
			}
		}
		if open == nil || d.Name == "financing" {
			continue
		}
		words := payload.Words(d.Name)
		fmt.Fprintf(&b, "--workflow %s (%s), %s:\n", d.Name, locale.T(locale.ZH, d.Name+".name"), locale.T(locale.ZH, words.Key("event", string(open.Name))))
		for _, f := range payload.Fields(open.Input) {
			req := ""
			if f.Required {
				req = ", required"
			}
			fmt.Fprintf(&b, "    --set %s=…  %s (%s%s)\n", f.Name, words.Label(open.Name, f.Name), f.Kind, req)
		}
	}
	return b.String()
}

// printContacts prints a register's latest contacts and its filings.
func printContacts(w io.Writer, data json.RawMessage) {
	var d contacts.Data
	if json.Unmarshal(data, &d) != nil {
		return
	}
	zh := func(k string) string { return locale.T(locale.ZH, k) }
	if a := d.Announced; a != nil {
		fmt.Fprintf(w, "预报变更\t%s 生效：%s\n", a.Effective, a.Note)
	}
	if f := d.Last(); f != nil {
		fmt.Fprintf(w, "联络人\t自 %s 起生效\n", f.Effective)
		for _, p := range []struct {
			key string
			p   contacts.Person
		}{{"first", f.First}, {"second", f.Second}, {"liaison", f.Liaison}} {
			fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", zh("contacts.role."+p.key), p.p.Name, p.p.Position, p.p.Phone, p.p.Email)
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", zh("contacts.role.department"), f.Department.Name, f.Department.Phone, f.Department.Email)
	}
	for _, f := range d.Filings {
		late := ""
		switch {
		case f.Late:
			late = "（" + zh("contacts.mark.late") + "）"
		case f.DueAt != nil:
			late = "（" + zh("contacts.web.in_time") + "）"
		}
		fmt.Fprintf(w, "  %s\t%s 生效\t%s\t%s%s\n", zh(contacts.Key("event", f.Event)), f.Effective, minute(shanghai(f.FiledAt)), f.FiledBy, late)
	}
}
