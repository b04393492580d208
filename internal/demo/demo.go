// Package demo loads the demonstration data of configs/demo into a
// directory: the ten parks of the Yiyang plan, their counties, a dozen
// banks, pairings for 2026 and 2027, a guarantee company, the city
// departments and the leading-group office of plan 3, and at least one user
// per role per organisation. Seeding is idempotent.
package demo

import (
	"context"
	"fmt"
	"sort"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/parkfin/parkfin/configs"
	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/password"
	"github.com/parkfin/parkfin/workflows/all"
)

// Data is the demonstration data as read from configs/demo/reference.yaml.
type Data struct {
	Counties []engine.County           `yaml:"counties"`
	Parks    []parkYAML                `yaml:"parks"`
	Banks    []engine.Bank             `yaml:"banks"`
	Orgs     []orgYAML                 `yaml:"organisations"`
	Pairings map[int]map[string]string `yaml:"pairings"`
	Password string                    `yaml:"password"`
	Extra    []userYAML                `yaml:"users"`
}

type parkYAML struct {
	Code   string `yaml:"code"`
	Name   string `yaml:"name"`
	County string `yaml:"county"`
}

type orgYAML struct {
	Code string         `yaml:"code"`
	Type engine.OrgType `yaml:"type"`
	Name string         `yaml:"name"`
	// County: a county sub-branch of the central bank's county.
	County string `yaml:"county"`
}

type userYAML struct {
	Name        string      `yaml:"name"`
	DisplayName string      `yaml:"display_name"`
	Role        engine.Role `yaml:"role"`
	Org         string      `yaml:"org"`
}

// Load reads the embedded demonstration data.
func Load() (*Data, error) {
	raw, err := configs.Demo.ReadFile("demo/reference.yaml")
	if err != nil {
		return nil, err
	}
	var d Data
	if err := yaml.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return &d, nil
}

// Users returns every demo user: the listed ones, plus one window user per
// park, one contact per bank and one user per county office, each with the
// address <name>@demo.invalid.
func (d *Data) Users() []engine.User {
	var out []engine.User
	for _, p := range d.Parks {
		out = append(out, engine.User{Name: "window-" + p.Code, DisplayName: p.Name + "融资服务窗口", Role: engine.RoleWindow, Org: p.Code})
	}
	for _, b := range d.Banks {
		out = append(out, engine.User{Name: "bank-" + b.Code, DisplayName: b.Name + "联络员", Role: engine.RoleBank, Org: b.Code})
	}
	for _, c := range d.Counties {
		out = append(out, engine.User{Name: "county-" + c.Code, DisplayName: c.Name, Role: engine.RoleCounty, Org: c.Code})
	}
	for _, u := range d.Extra {
		out = append(out, engine.User{Name: u.Name, DisplayName: u.DisplayName, Role: u.Role, Org: u.Org})
	}
	// Every demo user has an address on the reserved .invalid domain, so
	// that the embedded default with PARKFIN_SMTP_URL set sends real mail
	// to a local test server, and never to anyone real.
	for i := range out {
		out[i].Email = out[i].Name + "@demo.invalid"
	}
	return out
}

// Result counts what a seed wrote.
type Result struct {
	Counties, Parks, Banks, Orgs, Pairings, Users int
}

// Seed writes the demonstration data into dir. Existing users keep their
// passwords; pairings already in force are left alone. Running it twice
// changes nothing the second time.
func Seed(ctx context.Context, dir engine.DirectoryAdmin, now time.Time) (Result, error) {
	var r Result
	d, err := Load()
	if err != nil {
		return r, err
	}
	for _, c := range d.Counties {
		if err := dir.PutCounty(ctx, c, nil); err != nil {
			return r, err
		}
		r.Counties++
	}
	for _, p := range d.Parks {
		if err := dir.PutPark(ctx, engine.Park{Code: p.Code, Name: p.Name, County: p.County}, nil); err != nil {
			return r, err
		}
		r.Parks++
	}
	for _, b := range d.Banks {
		if err := dir.PutBank(ctx, b, nil); err != nil {
			return r, err
		}
		r.Banks++
	}
	// The organisation types and roles of the workflows are declared
	// when the workflows are registered; the demo's organisations and
	// users need them before.
	if err := engine.Declare(all.Definitions(all.Config{})...); err != nil {
		return r, err
	}
	for _, o := range d.Orgs {
		if err := dir.PutOrganisation(ctx, engine.Organisation{Code: o.Code, Type: o.Type, Name: o.Name, County: o.County}, nil); err != nil {
			return r, err
		}
		r.Orgs++
	}
	years := make([]int, 0, len(d.Pairings))
	for y := range d.Pairings {
		years = append(years, y)
	}
	sort.Ints(years)
	for _, y := range years {
		for park, bank := range d.Pairings[y] {
			if _, err := dir.LeadBank(ctx, park, y); err == nil {
				continue
			} else if engine.ErrorCode(err) != engine.ENOPAIRING {
				return r, err
			}
			if _, err := dir.Pair(ctx, engine.Pairing{Year: y, Park: park, Bank: bank, RecordedAt: now, RecordedBy: "demo"}, nil); err != nil {
				return r, err
			}
			r.Pairings++
		}
	}
	// One hash serves every demo user: they share the demo password, and
	// argon2id is deliberately slow.
	var hash string
	for _, u := range d.Users() {
		if _, err := dir.User(ctx, u.Name); err == nil {
			continue
		} else if engine.ErrorCode(err) != engine.ENOTFOUND {
			return r, err
		}
		if hash == "" {
			if hash, err = password.Hash(d.Password); err != nil {
				return r, err
			}
		}
		u.PasswordHash = hash
		u.CreatedAt = now
		if err := dir.PutUser(ctx, u, nil); err != nil {
			return r, err
		}
		r.Users++
	}
	return r, nil
}
