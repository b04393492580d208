package auth

import "github.com/parkfin/parkfin/engine"

// MayAdminister returns nil when the actor may change reference data,
// users, pairings and other users' tokens: the administrator only. Anyone
// else gets a forbidden error.
func MayAdminister(a engine.Actor) error {
	if a.Role == engine.RoleAdmin {
		return nil
	}
	return engine.Errorf(engine.EFORBIDDEN, "只有系统管理员可以执行此操作。", "Only the administrator may do this.")
}

// MayAudit returns nil when the actor may verify the whole ledger: the two
// lead units (city financial office, central-bank branch) and the
// administrator.
func MayAudit(a engine.Actor) error {
	switch a.Role {
	case engine.RoleCity, engine.RolePBoC, engine.RoleAdmin:
		return nil
	}
	return engine.Errorf(engine.EFORBIDDEN, "只有市金融办、人民银行和系统管理员可以校验解决台账。",
		"Only the city financial office, the central-bank branch and the administrator may verify the ledger.")
}

// MayReadAudit returns nil when the actor may read and export the security
// audit log: the auditor only, who changes nothing else (separation of
// duties: the administrator manages accounts, the auditor checks them).
func MayReadAudit(a engine.Actor) error {
	if a.Role == engine.RoleAuditor {
		return nil
	}
	return engine.Errorf(engine.EFORBIDDEN, "只有安全审计员可以查看安全审计日志。", "Only the security auditor may read the audit log.")
}
