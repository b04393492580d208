package web

import (
	"strings"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/plan3"
)

// menuGroup is one task group of the left menu.
type menuGroup struct {
	Key   string
	Items []menuItem
}

// menuItem is a link of the menu: a catalogue key and a path.
type menuItem struct{ Key, Href string }

// menuFor returns the menu of a role, grouped by task.
func menuFor(r engine.Role) []menuGroup {
	search := menuItem{"web.nav.search", "/search"}
	stats, ranking := menuItem{"report.web.nav.stats", "/stats"}, menuItem{"report.web.nav.ranking", "/ranking"}
	filings := menuItem{"report.web.nav.filings", "/filings"}
	submissions := menuItem{"web.nav.submissions", "/duties/submission"}
	var out []menuGroup
	switch r {
	case engine.RoleWindow:
		out = append(out, menuGroup{"web.nav.group.window", []menuItem{
			{"web.nav.register", "/register"}, {"web.nav.park", "/park"}, search, stats}})
	case engine.RoleBank:
		out = append(out, menuGroup{"web.nav.group.bank", []menuItem{
			{"web.nav.inbox", "/inbox"}, submissions, search, stats, ranking, filings}})
	case engine.RoleCounty, engine.RoleCountyPBoC:
		out = append(out, menuGroup{"web.nav.group.monitor", []menuItem{
			{"web.nav.board", "/board"}, {"web.nav.cases", "/cases"}, search, stats}})
	case engine.RoleCity, engine.RolePBoC:
		out = append(out, menuGroup{"web.nav.group.monitor", []menuItem{
			{"web.nav.board", "/board"}, {"web.nav.cases", "/cases"}, submissions, search, stats, ranking, filings, {"web.nav.ledger", "/admin/ledger"}}})
	case engine.RoleAdmin:
		out = append(out, menuGroup{"web.nav.group.admin", []menuItem{
			{"web.nav.users", "/admin/users"}, {"web.nav.orgs", "/admin/orgs"},
			{"web.nav.pairings", "/admin/pairings"}, {"web.nav.calendar", "/admin/calendar"},
			{"web.nav.ledger", "/admin/ledger"}}},
			menuGroup{"web.nav.group.monitor", []menuItem{{"web.nav.cases", "/cases"}, search}})
	case engine.RoleAuditor:
		out = append(out, menuGroup{"web.nav.group.audit", []menuItem{{"web.nav.audit", "/audit"}}})
	case plan3.RoleCityDept, plan3.RoleLeadingGroup:
		out = append(out, menuGroup{"web.nav.group.monitor", []menuItem{{"plan3.web.nav", "/duties/" + plan3.Name}, search}})
	default:
		// A role with no lists of its own (a guarantee company) sees the
		// cases it is a party to.
		out = append(out, menuGroup{"web.nav.group.monitor", []menuItem{{"web.nav.cases", "/cases"}, search}})
	}
	out = withVisits(r, out)
	out = withGreenChannel(r, out)
	out = withContactsMenu(out, r)
	return append(out, menuGroup{"web.nav.group.account", []menuItem{
		{"web.nav.password", "/password"}, {"web.nav.tokens", "/tokens"}}})
}

// beforeSearch adds an item to the role's first group, before the search
// and after the role's own lists.
func beforeSearch(menu []menuGroup, item menuItem) []menuGroup {
	if len(menu) == 0 {
		return menu
	}
	items := menu[0].Items
	at := len(items)
	for i, it := range items {
		if it.Href == "/search" {
			at = i
			break
		}
	}
	menu[0].Items = append(items[:at:at], append([]menuItem{item}, items[at:]...)...)
	return menu
}

// crumbsFor is the breadcrumb of a path: the menu group and item it is
// under.
func crumbsFor(menu []menuGroup, p string) []crumb {
	for _, g := range menu {
		for _, it := range g.Items {
			if p == it.Href || strings.HasPrefix(p, it.Href+"/") {
				return []crumb{{Key: g.Key}, {Key: it.Key, Href: it.Href}}
			}
		}
	}
	if strings.HasPrefix(p, "/cases/") {
		return []crumb{{Key: "web.nav.cases", Href: "/cases"}, {Key: "web.case.title"}}
	}
	return nil
}

// Active reports whether the menu item is the current page.
func (p *page) Active(href string) bool {
	return p.Path == href || strings.HasPrefix(p.Path, href+"/")
}
