package engine

import "strings"

// Role is what a user does in the system. Roles are coarse; what a user may
// do with one case depends also on how the user's organisation relates to it.
// Roles are declared (see RoleDef): the directory declares these, each
// workflow the ones it adds.
type Role string

// The roles the directory declares.
const (
	// RoleWindow is park window staff (园区企业融资服务窗口工作人员).
	RoleWindow Role = "window"
	// RoleBank is a bank's contact (主联系行或参与行联络员).
	RoleBank Role = "bank"
	// RoleCounty is a county financial office (区县(市)政府金融办).
	RoleCounty Role = "county"
	// RoleCity is the city financial office (市政府金融办).
	RoleCity Role = "city"
	// RolePBoC is the central-bank branch (人民银行益阳市中心支行).
	RolePBoC Role = "pboc"
	// RoleCountyPBoC is a county sub-branch of the central bank (人民银行
	// 县支行).
	RoleCountyPBoC Role = "county_pboc"
	// RoleGuarantor is a guarantee company's contact (融资担保公司联络员).
	RoleGuarantor Role = "guarantor"
	// RoleAdmin is the system administrator (系统管理员).
	RoleAdmin Role = "admin"
	// RoleAuditor is the security auditor (安全审计员): reads and exports
	// the security audit log and changes nothing else.
	RoleAuditor Role = "auditor"
	// RoleSystem is parkfin itself: timers fire events as the system.
	RoleSystem Role = "system"
)

// Actor is who fires an event: a user with a role acting for an
// organisation, or the system.
type Actor struct {
	// User is the user's login name, or "system". When an operator at the
	// command line acts as a user it is "operator:<os user> as <user>"
	// (OperatorAs), so that the ledger names the real actor; Name gives the
	// user's login name back.
	User string
	// Role is the user's role.
	Role Role
	// Org is the code of the organisation the user acts for (a park, a
	// bank, a county office, ...). Empty for the system.
	Org string
	// Unit is the organisation through whose relations to cases the actor
	// acts, when it is not Org: a county sub-branch of the central bank
	// leads its county's cases with the county's financial office, so it
	// acts through its county (ResolveUnit). Empty means Org. The ledger
	// still records Org.
	Unit string
}

// relOrg is the organisation whose relations to a case decide what the
// actor may see and do.
func (a Actor) relOrg() string {
	if a.Unit != "" {
		return a.Unit
	}
	return a.Org
}

// System is the actor of timer-fired events.
var System = Actor{User: "system", Role: RoleSystem}

// OperatorAs is the actor name recorded when the operator (an
// "operator:<os user>" name) acts as the user at the command line.
func OperatorAs(operator, user string) string { return operator + " as " + user }

// SplitActor parses an actor name as recorded in the ledger and the
// outbox: for "operator:<os user> as <user>" it returns the user and the
// operator; for any other name, the name itself and "".
func SplitActor(name string) (user, operator string) {
	if !strings.HasPrefix(name, "operator:") {
		return name, ""
	}
	i := strings.LastIndex(name, " as ")
	if i < 0 {
		return name, ""
	}
	return name[i+len(" as "):], name[:i]
}

// Name is the login name of the user the actor is: the user behind an
// operator acting as one. Lookups of the user (its display name, its
// notifications, its settings) use it, never User.
func (a Actor) Name() string {
	u, _ := SplitActor(a.User)
	return u
}

// Operator is the operator acting as the user, or "".
func (a Actor) Operator() string {
	_, op := SplitActor(a.User)
	return op
}
