package engine_test

import (
	"testing"

	"github.com/parkfin/parkfin/engine"
)

// The directory declares the base roles, each acting for its organisation
// type; a workflow's declaration adds roles, and a declaration that
// contradicts an earlier one, or names an undeclared type, is refused.
func TestRolesAreDeclared(t *testing.T) {
	for r, want := range map[engine.Role]engine.OrgType{engine.RoleWindow: engine.OrgPark, engine.RoleBank: engine.OrgBank,
		engine.RoleCounty: engine.OrgCounty, engine.RoleCity: engine.OrgCity, engine.RolePBoC: engine.OrgPBoC, engine.RoleAdmin: ""} {
		if !r.Valid() || r.ActsFor() != want {
			t.Errorf("role %s: valid %v, acts for %q", r, r.Valid(), r.ActsFor())
		}
	}
	if engine.RoleSystem.Valid() || engine.Role("boss").Valid() {
		t.Fatal("the system or an undeclared role is a user's role")
	}
	if err := engine.DeclareRoles(engine.RoleDef{Role: "drill_officer", ActsFor: "drill_office"}); err == nil {
		t.Fatal("a role acting for an undeclared type was declared")
	}
	if err := engine.DeclareOrgTypes(engine.OrgTypeDef{Type: "drill_office"}); err != nil {
		t.Fatal(err)
	}
	def := engine.RoleDef{Role: "drill_officer", ActsFor: "drill_office"}
	if err := engine.DeclareRoles(def, def); err != nil {
		t.Fatal(err)
	}
	if !engine.Role("drill_officer").Valid() || engine.Roles[len(engine.Roles)-1] != "drill_officer" {
		t.Fatalf("the declared role is not listed last: %v", engine.Roles)
	}
	if err := engine.DeclareRoles(engine.RoleDef{Role: "drill_officer", ActsFor: engine.OrgBank}); err == nil {
		t.Fatal("a role was declared again for another type")
	}
	if err := engine.DeclareOrgTypes(engine.OrgTypeDef{Type: engine.OrgCity, Fixed: "OTHER"}); err == nil {
		t.Fatal("the city office's type was declared again, differently")
	}
}
