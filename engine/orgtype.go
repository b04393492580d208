package engine

import (
	"fmt"
	"sync"
)

// OrgType is a kind of organisation a user can act for: a park, a bank, a
// county office, a city department. Its name is in the catalogue under
// "orgtype.<type>".
type OrgType string

// The organisation types the directory declares. A workflow declares the
// ones it adds in its Definition.
const (
	// OrgPark is an industrial park (园区), in the directory's parks table.
	OrgPark OrgType = "park"
	// OrgBank is a bank branch (银行), in the banks table.
	OrgBank OrgType = "bank"
	// OrgCounty is a county financial office (区县(市)政府金融办), in the
	// counties table.
	OrgCounty OrgType = "county"
	// OrgCity is the city financial office (市政府金融办): one office, code
	// CITY.
	OrgCity OrgType = "city"
	// OrgPBoC is the central-bank branch (人民银行益阳市中心支行): one
	// office, code PBOC.
	OrgPBoC OrgType = "pboc"
	// OrgCountyPBoC is a county sub-branch of the central bank (人民银行县
	// 支行), in the organisations table.
	OrgCountyPBoC OrgType = "county_pboc"
	// OrgGuarantor is a guarantee company (融资担保公司), in the
	// organisations table.
	OrgGuarantor OrgType = "guarantor"
)

// OrgTypeDef declares an organisation type: where its organisations are
// kept.
type OrgTypeDef struct {
	Type OrgType
	// Fixed is the code of the type's one organisation, for a type that
	// has exactly one and keeps it nowhere (the city office, CITY).
	Fixed string
	// Own says the type has a table of its own, with relations (a park's
	// county, a bank's pairings); the others are kept in the directory's
	// organisations table.
	Own bool
	// InCounty says each organisation of the type names the county it
	// works in, and its users act through that county's relations to the
	// cases (Actor.Unit): a county sub-branch of the central bank, which
	// leads its county's cases with the county's financial office.
	InCounty bool
}

// RoleDef declares a role: the organisation type its users act for. A role
// acting for no type (the administrator, the auditor) names no directory
// organisation.
type RoleDef struct {
	Role    Role
	ActsFor OrgType
}

// registry holds the declared organisation types, in the order they were
// declared (the directory's first, then each workflow's), and the roles;
// Roles lists these in order.
var registry struct {
	mu     sync.RWMutex
	types  []OrgTypeDef
	byType map[OrgType]OrgTypeDef
	byRole map[Role]RoleDef
}

// DeclareOrgTypes adds organisation types. Declaring a type again as it
// was is nothing; declaring it otherwise is an error.
func DeclareOrgTypes(defs ...OrgTypeDef) error {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if registry.byType == nil {
		registry.byType = make(map[OrgType]OrgTypeDef)
	}
	for _, d := range defs {
		if d.Type == "" {
			return fmt.Errorf("organisation type without a name")
		}
		if old, ok := registry.byType[d.Type]; ok {
			if old != d {
				return fmt.Errorf("organisation type %q declared twice, differently", d.Type)
			}
			continue
		}
		registry.byType[d.Type] = d
		registry.types = append(registry.types, d)
	}
	return nil
}

// DeclareRoles adds roles, each acting for a declared organisation type
// (or none). Declaring a role again as it was is nothing; declaring it
// otherwise is an error.
func DeclareRoles(defs ...RoleDef) error {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if registry.byRole == nil {
		registry.byRole = make(map[Role]RoleDef)
	}
	for _, d := range defs {
		if d.Role == "" || d.Role == RoleSystem {
			return fmt.Errorf("role %q cannot be declared", d.Role)
		}
		if _, ok := registry.byType[d.ActsFor]; d.ActsFor != "" && !ok {
			return fmt.Errorf("role %q acts for undeclared organisation type %q", d.Role, d.ActsFor)
		}
		if old, ok := registry.byRole[d.Role]; ok {
			if old != d {
				return fmt.Errorf("role %q declared twice, differently", d.Role)
			}
			continue
		}
		registry.byRole[d.Role] = d
		// A new slice, so that a list read before stays as it was.
		Roles = append(Roles[:len(Roles):len(Roles)], d.Role)
	}
	return nil
}

// OrgTypes lists the declared organisation types in declaration order.
func OrgTypes() []OrgTypeDef {
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	return append([]OrgTypeDef(nil), registry.types...)
}

// OrgTypeOf returns the declaration of an organisation type.
func OrgTypeOf(t OrgType) (OrgTypeDef, bool) {
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	d, ok := registry.byType[t]
	return d, ok
}

// Roles lists the roles a user can have, in display order: the
// directory's, then those the registered workflows declared. DeclareRoles
// adds to it; read it after the workflows are registered.
var Roles []Role

// RoleOf returns the declaration of a role.
func RoleOf(r Role) (RoleDef, bool) {
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	d, ok := registry.byRole[r]
	return d, ok
}

// Valid reports whether r is a declared role a user can have.
func (r Role) Valid() bool {
	_, ok := RoleOf(r)
	return ok
}

// ActsFor is the organisation type the role's users act for; "" for a role
// that names no directory organisation, or an undeclared one.
func (r Role) ActsFor() OrgType {
	d, _ := RoleOf(r)
	return d.ActsFor
}

// Declare declares the organisation types and roles of workflows without
// registering them: seeding the directory before an engine is built.
func Declare(defs ...Definition) error {
	for i := range defs {
		if err := declareDefinition(&defs[i]); err != nil {
			return err
		}
	}
	return nil
}

// declareDefinition declares a workflow's organisation types and roles.
func declareDefinition(d *Definition) error {
	if err := DeclareOrgTypes(d.OrgTypes...); err != nil {
		return err
	}
	return DeclareRoles(d.Roles...)
}

// The directory's organisation types and roles.
func init() {
	err := DeclareOrgTypes(
		OrgTypeDef{Type: OrgPark, Own: true},
		OrgTypeDef{Type: OrgBank, Own: true},
		OrgTypeDef{Type: OrgCounty, Own: true},
		OrgTypeDef{Type: OrgCity, Fixed: "CITY"},
		OrgTypeDef{Type: OrgPBoC, Fixed: "PBOC"},
		OrgTypeDef{Type: OrgCountyPBoC, InCounty: true},
		OrgTypeDef{Type: OrgGuarantor},
	)
	if err == nil {
		err = DeclareRoles(
			RoleDef{Role: RoleWindow, ActsFor: OrgPark},
			RoleDef{Role: RoleBank, ActsFor: OrgBank},
			RoleDef{Role: RoleCounty, ActsFor: OrgCounty},
			RoleDef{Role: RoleCity, ActsFor: OrgCity},
			RoleDef{Role: RolePBoC, ActsFor: OrgPBoC},
			RoleDef{Role: RoleCountyPBoC, ActsFor: OrgCountyPBoC},
			RoleDef{Role: RoleGuarantor, ActsFor: OrgGuarantor},
			RoleDef{Role: RoleAdmin},
			RoleDef{Role: RoleAuditor},
		)
	}
	if err != nil {
		panic(err)
	}
}
