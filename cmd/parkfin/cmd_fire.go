package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/all"
	"github.com/parkfin/parkfin/workflows/payload"
)

// eventHelp lists, per workflow, the events people fire, with their
// Chinese names and the fields each takes, drawn from the declarations.
func eventHelp() string {
	var b strings.Builder
	b.WriteString("Events (操作) and their fields (字段):\n")
	for _, d := range all.Definitions(all.Config{}) {
		words := payload.Words(d.Name)
		fmt.Fprintf(&b, "\n%s (%s):\n", d.Name, locale.T(locale.ZH, d.Name+".name"))
		for _, ev := range d.Events {
			if len(ev.Grants) == 0 || ev.Name == d.OpenEvent {
				continue
			}
			fmt.Fprintf(&b, "  %-20s %s\n", ev.Name, locale.T(locale.ZH, words.Key("event", string(ev.Name))))
			for _, f := range payload.Fields(ev.Input) {
				extra := f.Kind
				if len(f.Choices) > 0 {
					extra = strings.Join(f.Choices, "|")
				}
				req := ""
				if f.Required {
					req = ", required"
				}
				fmt.Fprintf(&b, "      --set %s=…  %s (%s%s)\n", f.Name, words.Label(ev.Name, f.Name), extra, req)
			}
			if ev.TakesFiles {
				fmt.Fprintf(&b, "      --file PATH  %s\n", locale.T(locale.ZH, words.Key("field", "files")))
			}
		}
	}
	return b.String()
}

// setPayload builds an event's payload from --set field=value pairs, typed
// by the event's declared input in the case's workflow (a number stays a
// number).
func setPayload(def engine.Definition, ev engine.EventName, sets []string) (json.RawMessage, error) {
	kinds := map[string]string{}
	for _, d := range def.Events {
		if d.Name == ev {
			for _, f := range payload.Fields(d.Input) {
				kinds[f.Name] = f.Kind
			}
		}
	}
	out := map[string]any{}
	for _, kv := range sets {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, engine.Errorf(engine.EINVALID, "--set 应写作 字段=值，而不是“%s”。", "--set takes key=value, not %q.", kv)
		}
		if kinds[k] == payload.KindInt {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, engine.Invalid(engine.FieldError{Field: k, Code: "type",
					Message: k + " must be a whole number.", MessageZH: "字段 " + k + " 应为整数。"})
			}
			payload.SetPath(out, k, n)
			continue
		}
		payload.SetPath(out, k, v)
	}
	return json.Marshal(out)
}
