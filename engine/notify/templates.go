package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/locale"
)

// Templates renders notices into messages. The texts are the catalogue's
// (locale/<lang>/notify.json, keys notify.<workflow>.<kind>.subject and
// .body, written as Go text/template); an administrator overrides any of
// them without a rebuild with a file <dir>/<lang>.json of the same flat
// form, re-read when it changes (Reload, every minute while serving).
type Templates struct {
	dir string

	mu        sync.RWMutex
	overrides map[string]map[string]string
	mtimes    map[string]time.Time
	parsed    map[parsedKey]*parsedTemplate
}

// parsedTemplate is a template parsed, and its parts when it is plain
// (plain.go).
type parsedTemplate struct {
	tp    *template.Template
	parts []plainPart
	plain bool
}

// parsedKey names a parsed template by its language and its text.
type parsedKey struct{ lang, src string }

// NewTemplates returns the catalogue's templates with the overrides in dir
// (empty: none).
func NewTemplates(dir string) *Templates {
	t := &Templates{dir: dir}
	_ = t.Reload()
	return t
}

// Reload re-reads the override files whose modification time changed. A
// file that does not parse is reported and the previous texts are kept.
func (t *Templates) Reload() error {
	if t.dir == "" {
		t.mu.Lock()
		if t.parsed == nil {
			t.parsed = map[parsedKey]*parsedTemplate{}
		}
		t.mu.Unlock()
		return nil
	}
	t.mu.RLock()
	changed := t.parsed == nil
	for _, lang := range locale.Langs {
		fi, err := os.Stat(filepath.Join(t.dir, lang+".json"))
		var mt time.Time
		if err == nil {
			mt = fi.ModTime()
		}
		if !mt.Equal(t.mtimes[lang]) {
			changed = true
		}
	}
	t.mu.RUnlock()
	if !changed {
		return nil
	}
	overrides := map[string]map[string]string{}
	mtimes := map[string]time.Time{}
	var errs []string
	for _, lang := range locale.Langs {
		path := filepath.Join(t.dir, lang+".json")
		raw, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			continue
		}
		if err == nil {
			var m map[string]string
			if err = json.Unmarshal(raw, &m); err == nil {
				for k, v := range m {
					if _, perr := template.New(k).Funcs(funcs).Parse(v); perr != nil {
						err = perr
						break
					}
				}
				if err == nil {
					overrides[lang] = m
				}
			}
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", path, err))
			t.mu.RLock()
			overrides[lang] = t.overrides[lang]
			t.mu.RUnlock()
		}
		if fi, serr := os.Stat(path); serr == nil {
			mtimes[lang] = fi.ModTime()
		}
	}
	t.mu.Lock()
	t.overrides, t.mtimes, t.parsed = overrides, mtimes, map[parsedKey]*parsedTemplate{}
	t.mu.Unlock()
	if len(errs) > 0 {
		return fmt.Errorf("notify templates: %s", strings.Join(errs, "; "))
	}
	return nil
}

// text returns the text of key in lang: an override, else the catalogue.
func (t *Templates) text(lang, key string, fallbacks ...string) string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	// The reader's language first (its override, then its catalogue),
	// then Chinese.
	langs := [2]string{locale.Lang(lang), locale.ZH}
	find := func(k string) (string, bool) {
		for _, l := range langs {
			if v, ok := t.overrides[l][k]; ok {
				return v, true
			}
			if locale.Has(l, k) {
				return locale.T(l, k), true
			}
		}
		return "", false
	}
	if v, ok := find(key); ok {
		return v
	}
	for _, k := range fallbacks {
		if v, ok := find(k); ok {
			return v
		}
	}
	return locale.T(lang, key, fallbacks...)
}

// funcs are the functions a notice's template may call.
var funcs = template.FuncMap{"clause": typedClause}

// typedClause, the templates' clause, is a text someone typed into a case
// (a reason, a question, what was supplied), for a template that ends the
// sentence itself: a full stop or semicolon it already ends with is
// dropped, so that the message does not show two ("年财务报表。。"). A
// missing value is empty.
func typedClause(v any) string {
	if v == nil {
		return ""
	}
	return strings.TrimRight(strings.TrimSpace(fmt.Sprint(v)), "。．.；;")
}

func (t *Templates) exec(lang, key string, data any, fallbacks ...string) (string, error) {
	src := t.text(lang, key, fallbacks...)
	cacheKey := parsedKey{lang, src}
	t.mu.RLock()
	pt := t.parsed[cacheKey]
	t.mu.RUnlock()
	if pt == nil {
		tp, err := template.New(key).Funcs(funcs).Option("missingkey=zero").Parse(src)
		if err != nil {
			return "", fmt.Errorf("notify: template %s: %w", key, err)
		}
		pt = &parsedTemplate{tp: tp}
		pt.parts, pt.plain = plainOf(tp)
		t.mu.Lock()
		if t.parsed == nil {
			t.parsed = map[parsedKey]*parsedTemplate{}
		}
		t.parsed[cacheKey] = pt
		t.mu.Unlock()
	}
	if d, ok := data.(Data); ok && pt.plain {
		var b strings.Builder
		renderPlain(&b, pt.parts, &d)
		return strings.TrimSpace(b.String()), nil
	}
	var b bytes.Buffer
	if err := pt.tp.Execute(&b, data); err != nil {
		return "", fmt.Errorf("notify: template %s: %w", key, err)
	}
	return strings.TrimSpace(b.String()), nil
}

// Data is what a notice's templates see.
type Data struct {
	// Number and Title are the case's number and title (the enterprise).
	Number string
	Title  string
	// State and Event are the case's state and the event, in words;
	// EventCode is the event's stable code (open, reopen, ...), for a
	// template that words one event apart from another.
	State     string
	Event     string
	EventCode string
	// Actor is who fired the event: the user's name (the user an
	// operator acted as at the command line; the ledger names both), or
	// "系统" for timers.
	Actor string
	// At is when it happened, DueAt the case's deadline ("2026-10-13
	// 24:00"), in Beijing time.
	At    string
	DueAt string
	Link  string
	// Copy is set for those kept informed rather than asked to act.
	Copy bool
	// Payload holds the event's fields (question, reason, notice, ...), and
	// a digest's content.
	Payload map[string]any
}

// BeijingTime formats an instant as people here read it: 2026-10-13 09:30,
// and a limit ending at midnight as 2026-10-13 24:00.
func BeijingTime(t time.Time) string {
	l := t.In(calendar.Location())
	if l.Hour() == 0 && l.Minute() == 0 && l.Second() == 0 {
		return l.Add(-time.Minute).Format("2006-01-02") + " 24:00"
	}
	return l.Format("2006-01-02 15:04")
}

func dataOf(lang string, n *engine.Notice, cp bool, link string) Data {
	return dataWith(lang, n, cp, link, true)
}

// dataWith is dataOf, the notice's payload decoded only when withPayload.
func dataWith(lang string, n *engine.Notice, cp bool, link string, withPayload bool) Data {
	d := Data{
		Number: n.CaseNumber, Title: n.CaseTitle, Link: link, Copy: cp, At: BeijingTime(n.At),
		State: locale.T(lang, n.Workflow+".state."+string(n.State)),
		Event: locale.T(lang, n.Workflow+".event."+string(n.Event)), EventCode: string(n.Event),
		Actor: n.Actor.Name(),
	}
	if n.Actor.Role == engine.RoleSystem {
		d.Actor = locale.T(lang, "notify.system")
	}
	if n.DueAt != nil {
		d.DueAt = BeijingTime(*n.DueAt)
	}
	if withPayload && len(n.Payload) > 0 {
		_ = json.Unmarshal(n.Payload, &d.Payload)
	}
	return d
}

// Render renders a notice for one recipient.
func (t *Templates) Render(lang string, n *engine.Notice, cp bool, link string) (*Message, error) {
	m, err := t.renderText(lang, n, cp, link)
	if err != nil {
		return nil, err
	}
	return m, t.addHTML(lang, m)
}

// renderText is Render without the e-mail's HTML part, which only an
// e-mail delivery needs (addHTML).
func (t *Templates) renderText(lang string, n *engine.Notice, cp bool, link string) (*Message, error) {
	return t.renderData(lang, n, dataOf(lang, n, cp, link))
}

// renderData is renderText with the notice's data read already (dataOf):
// the renderings of one notice for those asked to act and those copied
// differ only in d.Copy.
func (t *Templates) renderData(lang string, n *engine.Notice, d Data) (*Message, error) {
	subject, body, err := t.renderParts(lang, n, d)
	if err != nil {
		return nil, err
	}
	return t.message(lang, subject, body, d.Link, d.Copy), nil
}

// templateKeys are the catalogue's keys of a notice's subject and body.
func templateKeys(n *engine.Notice) (subject, body string) {
	base := "notify." + n.Workflow + "." + n.Kind
	if n.Kind == KindDigest {
		base = "notify.digest." + string(n.Event)
	}
	return base + ".subject", base + ".body"
}

// renderParts renders a notice's subject, before the prefix of a copy,
// and its body.
func (t *Templates) renderParts(lang string, n *engine.Notice, d Data) (subject, body string, err error) {
	sk, bk := templateKeys(n)
	if subject, err = t.exec(lang, sk, d, "notify.default.subject"); err != nil {
		return "", "", err
	}
	if body, err = t.exec(lang, bk, d, "notify.default.body"); err != nil {
		return "", "", err
	}
	return subject, body, nil
}

// message lays a rendered subject and body out, the subject marked as a
// copy's for those copied.
func (t *Templates) message(lang, subject, body, link string, cp bool) *Message {
	if cp {
		subject = t.text(lang, "notify.copy_prefix") + subject
	}
	return t.compose(lang, subject, body, link)
}

// source returns the text of a notice's subject and body templates, as the
// catalogue and its overrides give them now: what a template does not name
// it cannot read. If neither names Copy, the renderings for those asked to
// act and those copied have the same subject and body; if neither names
// Payload, the notice's payload need not be decoded for them.
func (t *Templates) source(lang string, n *engine.Notice) string {
	sk, bk := templateKeys(n)
	return t.text(lang, sk, "notify.default.subject") + "\n" + t.text(lang, bk, "notify.default.body")
}

var htmlLayout = htmltemplate.Must(htmltemplate.New("email").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family:-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;font-size:14px;line-height:1.6;color:#222">
<h2 style="font-size:16px">{{.Subject}}</h2>
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}<p><a href="{{.Link}}">{{.Open}}</a></p>
<p style="color:#666;font-size:12px">{{.Footer}}</p>
</body></html>
`))

// compose lays a subject and body out for every channel but e-mail's
// HTML (addHTML).
func (t *Templates) compose(lang, subject, body, link string) *Message {
	open := t.text(lang, "notify.open_case")
	footer := t.text(lang, "notify.footer")
	return &Message{
		Subject:  subject,
		Body:     body,
		Text:     body + "\n\n" + open + "：" + link + "\n\n" + footer,
		Markdown: "### " + subject + "\n" + body + "\n[" + open + "](" + link + ")",
		Link:     link,
	}
}

// addHTML lays the message out as the e-mail's HTML part, once.
func (t *Templates) addHTML(lang string, m *Message) error {
	if m.HTML != "" {
		return nil
	}
	var paras []string
	for _, p := range strings.Split(m.Body, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, p)
		}
	}
	var h bytes.Buffer
	err := htmlLayout.Execute(&h, map[string]any{"Lang": locale.Lang(lang), "Subject": m.Subject, "Paragraphs": paras,
		"Link": m.Link, "Open": t.text(lang, "notify.open_case"), "Footer": t.text(lang, "notify.footer")})
	if err != nil {
		return err
	}
	m.HTML = h.String()
	return nil
}
