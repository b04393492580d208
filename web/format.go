package web

import (
	"html/template"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/parkfin/parkfin/engine/calendar"
)

// funcs are the template functions that need no language.
var funcs = template.FuncMap{
	"time": fmtTime,
	"date": fmtDate,
	"yuan": yuan,
	"wan":  wan,
	"wanHint": func(s string) string {
		if _, err := decimal.NewFromString(strings.ReplaceAll(strings.TrimSpace(s), ",", "")); err != nil {
			return ""
		}
		return wan(strings.ReplaceAll(s, ",", ""))
	},
	"uscc":   groupUSCC,
	"add":    func(a, b int) int { return a + b },
	"hasKey": func(m map[string]string, k string) bool { _, ok := m[k]; return ok },
	"get":    func(m map[string]string, k string) string { return m[k] },
	"list":   func(v ...string) []string { return v },
	"arg":    func(p *page, v any) pageArg { return pageArg{P: p, V: v} },
}

// fmtTime shows an instant as Beijing time, YYYY-MM-DD HH:mm.
func fmtTime(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.In(calendar.Location()).Format("2006-01-02 15:04")
	case *time.Time:
		if v == nil {
			return ""
		}
		return fmtTime(*v)
	}
	return ""
}

// fmtDate shows the Beijing date of an instant.
func fmtDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Location()).Format("2006-01-02")
}

// deadlineText shows a due instant as its day and hour: a limit that ends
// at midnight ends at 24:00 of the day before, as the offices write it.
func deadlineText(due time.Time) string {
	t := due.In(calendar.Location())
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Add(-time.Nanosecond).Format("2006-01-02") + " 24:00"
	}
	return t.Format("2006-01-02 15:04")
}

// thousands puts separators into the integer part of a fixed decimal.
func thousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// yuan shows an amount in yuan with separators: 1,500,000.00. An amount
// that is not a number is shown as it is.
func yuan(s string) string {
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	if err != nil {
		return s
	}
	return thousands(d.StringFixed(2))
}

// wan shows an amount in yuan as 万元 with separators: 150.00.
func wan(s string) string {
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	if err != nil {
		return s
	}
	return thousands(d.Shift(-4).StringFixed(2))
}

// groupUSCC groups a credit code for reading on screen only: the
// registering authority and kind (2), the area code (6), the organisation
// code (9) and the check character.
func groupUSCC(s string) string {
	if len(s) != 18 {
		return s
	}
	return s[:2] + " " + s[2:8] + " " + s[8:17] + " " + s[17:]
}

// pageArg passes the page with a value to a shared template, so that the
// template can look words up.
type pageArg struct {
	P *page
	V any
}
