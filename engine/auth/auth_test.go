package auth_test

import (
	"strings"
	"testing"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/auth"
)

func TestSecrets(t *testing.T) {
	a, err := auth.NewSecret(auth.TokenPrefix)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := auth.NewSecret(auth.TokenPrefix)
	if a == b || !auth.LooksLikeToken(a) || !strings.HasPrefix(a, "pfk_") {
		t.Fatalf("secrets %q %q", a, b)
	}
	if auth.LooksLikeToken("pfk_short") || auth.LooksLikeToken(strings.Replace(a, "pfk_", "xyz_", 1)) {
		t.Fatal("LooksLikeToken accepts malformed tokens")
	}
	if h := auth.Hash(a); len(h) != 64 || h == auth.Hash(b) || h != auth.Hash(a) {
		t.Fatalf("hash %q", h)
	}
}

func TestRoles(t *testing.T) {
	for _, r := range engine.Roles {
		a := engine.Actor{User: "u", Role: r, Org: "X"}
		wantAdmin := r == engine.RoleAdmin
		if err := auth.MayAdminister(a); (err == nil) != wantAdmin || (err != nil && engine.ErrorCode(err) != engine.EFORBIDDEN) {
			t.Errorf("MayAdminister(%s) = %v", r, err)
		}
		wantAudit := r == engine.RoleAdmin || r == engine.RoleCity || r == engine.RolePBoC
		if err := auth.MayAudit(a); (err == nil) != wantAudit {
			t.Errorf("MayAudit(%s) = %v", r, err)
		}
	}
}
