package web

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/ledger"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/payload"
)

// entryView is one line of the timeline: who did what when, in words.
type entryView struct {
	At            string
	User, RoleKey string
	// Operator is the operator at the command line who acted as User,
	// or empty.
	Operator         string
	Org              string
	EventKey         string
	FromKey, ToKey   string
	Details          []detailView
	System, Moved    bool
	EventFallbackKey string
	// Files are the files the event handed in.
	Files []fileView
}

// detailView is one field of an event's input.
type detailView struct {
	LabelKey, LabelFall string
	Value, ValueKey     string
}

// timelineOf turns ledger entries into words, newest last. Fields the
// catalogue has no label for (internal bookkeeping) are not shown.
func timelineOf(words payload.Words, entries []ledger.Entry, names map[string]string) []entryView {
	out := make([]entryView, 0, len(entries))
	for _, e := range entries {
		user, operator := engine.SplitActor(e.ActorUser)
		if n, ok := names["user:"+user]; ok {
			user = n
		}
		v := entryView{At: fmtTime(e.At), User: user, Operator: operator, RoleKey: "role." + e.ActorRole, Org: names[e.ActorOrg],
			EventKey: words.Key("event", e.Event), EventFallbackKey: "engine.event." + e.Event,
			FromKey: words.Key("state", e.From), ToKey: words.Key("state", e.To),
			System: e.ActorRole == "system", Moved: e.From != e.To}
		var m map[string]any
		if len(e.Payload) > 0 && json.Unmarshal(e.Payload, &m) == nil {
			v.Details = details(words, e.Event, "", m, names)
			v.Files = filesOf(m)
		}
		out = append(out, v)
	}
	return out
}

func details(words payload.Words, event, prefix string, m map[string]any, names map[string]string) []detailView {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []detailView
	for _, k := range keys {
		name := prefix + k
		if sub, ok := m[k].(map[string]any); ok {
			out = append(out, details(words, event, name+".", sub, names)...)
			continue
		}
		key, fall := words.Key("field", event+"."+name), words.Key("field", name)
		if !locale.Has(locale.ZH, key) && !locale.Has(locale.ZH, fall) {
			continue
		}
		d := detailView{LabelKey: key, LabelFall: fall}
		switch val := m[k].(type) {
		case string:
			if val == "" {
				continue
			}
			d.Value = val
			if ck := words.Key("choice", k+"."+val); locale.Has(locale.ZH, ck) {
				d.Value, d.ValueKey = "", ck
			} else if strings.HasPrefix(k, "amount") {
				d.Value = yuan(val) // the label says 元
			} else if k == "bank" || k == "park" || k == "org" || k == "lead" {
				if n, ok := names[val]; ok {
					d.Value = n
				}
			}
		case float64:
			d.Value = strconv.FormatFloat(val, 'f', -1, 64)
		default:
			continue
		}
		out = append(out, d)
	}
	return out
}

// fileView is a file an event handed in, as the timeline links it.
type fileView struct{ Name, SHA256, Size string }

// filesOf lists the files a ledger entry names.
func filesOf(m map[string]any) []fileView {
	list, _ := m["files"].([]any)
	var out []fileView
	for _, f := range list {
		fm, _ := f.(map[string]any)
		name, _ := fm["name"].(string)
		sha, _ := fm["sha256"].(string)
		size, _ := fm["size"].(float64)
		if sha != "" {
			out = append(out, fileView{Name: name, SHA256: sha, Size: humanSize(int64(size))})
		}
	}
	return out
}

// humanSize shows a byte count as people read it: 12.3 KB.
func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
