package web

import (
	"context"
	"sync"
	"time"

	"github.com/parkfin/parkfin/engine"
)

// orgNames caches the names of parks, banks, counties and the other
// organisations for a little
// while: every list shows them, and they change rarely.
type orgNames struct {
	mu    sync.Mutex
	at    time.Time
	names map[string]string
	banks []engine.Bank
	parks []engine.Park
	other []engine.Organisation
}

var orgCache orgNames

// orgs returns the names by code, and the banks and parks, at most ten
// seconds old.
func (s *Server) orgs(ctx context.Context) (map[string]string, []engine.Bank, []engine.Park) {
	orgCache.mu.Lock()
	defer orgCache.mu.Unlock()
	if orgCache.names != nil && time.Since(orgCache.at) < 10*time.Second {
		return orgCache.names, orgCache.banks, orgCache.parks
	}
	dir := s.engine.Store().Directory()
	names := map[string]string{}
	parks, err1 := dir.Parks(ctx)
	banks, err2 := dir.Banks(ctx)
	counties, err3 := dir.Counties(ctx)
	users, err4 := dir.Users(ctx)
	others, err5 := dir.Organisations(ctx)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || err5 != nil {
		return names, nil, nil
	}
	// People are named by their display names; "user:" keeps them apart
	// from organisation codes.
	for _, u := range users {
		if u.DisplayName != "" {
			names["user:"+u.Name] = u.DisplayName
		}
	}
	for _, p := range parks {
		names[p.Code] = p.Name
	}
	for _, b := range banks {
		names[b.Code] = b.Name
	}
	for _, c := range counties {
		names[c.Code] = c.Name
	}
	for _, o := range others {
		names[o.Code] = o.Name
	}
	orgCache.names, orgCache.banks, orgCache.parks, orgCache.other, orgCache.at = names, banks, parks, others, time.Now()
	return names, banks, parks
}

// forgetOrgs drops the cache after an administrator changed a name.
func forgetOrgs() {
	orgCache.mu.Lock()
	orgCache.names = nil
	orgCache.mu.Unlock()
}

// Org returns the name of an organisation: the directory's, else the
// catalogue's for a code the directory does not list (CITY, ADMIN), else
// the code.
func (p *page) Org(code string) string {
	if p.orgs == nil {
		p.orgs, _, _ = p.s.orgs(p.c.Request().Context())
	}
	if n, ok := p.orgs[code]; ok {
		return n
	}
	if key, ok := fixedOrgKeys()[code]; ok {
		return p.T(key)
	}
	return code
}

// fixedOrgKeys maps the codes that are no directory organisation's to the
// catalogue's keys of their names: the offices whose type has one fixed
// code (CITY, PBOC), and the codes administrators and auditors belong to.
func fixedOrgKeys() map[string]string {
	keys := map[string]string{"ADMIN": "role." + string(engine.RoleAdmin), "AUDIT": "role." + string(engine.RoleAuditor)}
	for _, d := range engine.OrgTypes() {
		if d.Fixed != "" {
			keys[d.Fixed] = "orgtype." + string(d.Type)
		}
	}
	return keys
}

// orgsOfType lists the organisations of a type without a table of its own
// (the city departments a difficulty is assigned to), by code.
func (s *Server) orgsOfType(t engine.OrgType) []engine.Organisation {
	s.orgs(context.Background())
	orgCache.mu.Lock()
	defer orgCache.mu.Unlock()
	var out []engine.Organisation
	for _, o := range orgCache.other {
		if o.Type == t {
			out = append(out, o)
		}
	}
	return out
}
