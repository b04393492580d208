package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/payload"
)

// eventHelp lists the events people fire, with their Chinese names and the
// fields each takes, drawn from the workflow's declaration.
func eventHelp() string {
	var b strings.Builder
	b.WriteString("Events (操作) and their fields (字段):\n")
	for _, ev := range financing.Definition(financing.Config{}).Events {
		if len(ev.Grants) == 0 || ev.Name == financing.Open {
			continue
		}
		fmt.Fprintf(&b, "  %-20s %s\n", ev.Name, locale.T(locale.ZH, financing.Key("event", string(ev.Name))))
		for _, f := range payload.Fields(ev.Input) {
			label := locale.T(locale.ZH, financing.Key("field", string(ev.Name)+"."+f.Name), financing.Key("field", f.Name))
			extra := f.Kind
			if len(f.Choices) > 0 {
				extra = strings.Join(f.Choices, "|")
			}
			req := ""
			if f.Required {
				req = ", required"
			}
			fmt.Fprintf(&b, "      --set %s=…  %s (%s%s)\n", f.Name, label, extra, req)
		}
	}
	return b.String()
}

// setPayload builds an event's payload from --set field=value pairs, typed
// by the event's declared input (a number stays a number).
func setPayload(ev engine.EventName, sets []string) (json.RawMessage, error) {
	kinds := map[string]string{}
	for _, d := range financing.Definition(financing.Config{}).Events {
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
			out[k] = n
			continue
		}
		out[k] = v
	}
	return json.Marshal(out)
}
