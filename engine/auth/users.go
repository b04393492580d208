package auth

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/password"
	"github.com/parkfin/parkfin/locale"
)

// NormText is text as parkfin keeps it: NFC, trimmed.
func NormText(s string) string { return strings.TrimSpace(norm.NFC.String(s)) }

// UserInput is an administrator's creation or change of a user, from the
// API or the pages.
type UserInput struct {
	Name        string
	DisplayName string
	Role        engine.Role
	Org         string
	// Email is kept as it is when nil.
	Email *string
	// Password is set when not empty; the user must change it at the next
	// sign-in. A new user needs one.
	Password string
	Disabled bool
}

// CheckOrg returns a field error unless the organisation is of the type
// the role acts for (see engine.RoleDef): window staff act for a park, bank
// contacts for a bank, county offices for a county, the city office for
// CITY, a city department's staff for a city department; a role acting for
// no type (the administrator, the auditor) names no directory entry.
func CheckOrg(ctx context.Context, dir engine.Directory, role engine.Role, org string) (*engine.FieldError, error) {
	t := role.ActsFor()
	def, _ := engine.OrgTypeOf(t)
	ok := true
	var err error
	switch {
	case t == "":
		return nil, nil
	case def.Fixed != "":
		ok = org == def.Fixed
	case t == engine.OrgPark:
		_, err = dir.Park(ctx, org)
	case t == engine.OrgBank:
		_, err = dir.Bank(ctx, org)
	case t == engine.OrgCounty:
		_, err = dir.County(ctx, org)
	default:
		var o *engine.Organisation
		if o, err = dir.Organisation(ctx, org); err == nil {
			ok = o.Type == t
		}
	}
	if engine.ErrorCode(err) == engine.ENOTFOUND || (err == nil && !ok) {
		name := locale.T(locale.ZH, "orgtype."+string(t))
		return &engine.FieldError{Field: "org", Code: "unknown",
			Message:   fmt.Sprintf("No %s with the code %s: the role %s acts for one.", locale.T(locale.EN, "orgtype."+string(t)), org, role),
			MessageZH: fmt.Sprintf("没有编码为“%s”的单位（该角色须属于%s）。", org, name)}, nil
	}
	return nil, err
}

// CheckEmail returns the address trimmed, or a field error; empty is
// allowed (no e-mail).
func CheckEmail(s string) (string, *engine.FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
		return "", &engine.FieldError{Field: "email", Code: "malformed",
			Message: "This is not an e-mail address.", MessageZH: "电子邮箱地址格式不正确。"}
	}
	return s, nil
}

// CheckUser checks an administrator's input: the name (for a new user),
// the role, the organisation, the e-mail and the password against the
// policy. It returns a validation_failed error with every field at fault.
func CheckUser(ctx context.Context, dir engine.Directory, in UserInput, create bool) error {
	var fields []engine.FieldError
	if create {
		if in.Name == "" {
			fields = append(fields, engine.FieldError{Field: "name", Code: "required", Message: "Enter a user name.", MessageZH: "请填写用户名。"})
		} else if _, err := dir.User(ctx, in.Name); err == nil {
			fields = append(fields, engine.FieldError{Field: "name", Code: "taken", Message: "This user name is taken.", MessageZH: "该用户名已存在。"})
		} else if engine.ErrorCode(err) != engine.ENOTFOUND {
			return err
		}
	}
	if !in.Role.Valid() {
		fields = append(fields, engine.FieldError{Field: "role", Code: "required", Message: "Choose a role.", MessageZH: "请选择角色。"})
	} else if f, err := CheckOrg(ctx, dir, in.Role, in.Org); err != nil {
		return err
	} else if f != nil {
		fields = append(fields, *f)
	}
	if in.Email != nil {
		if _, f := CheckEmail(*in.Email); f != nil {
			fields = append(fields, *f)
		}
	}
	switch {
	case in.Password != "":
		if err := password.CheckPolicy(in.Password, in.Name); err != nil {
			pe := err.(*password.PolicyError)
			fields = append(fields, engine.FieldError{Field: "password", Code: pe.Code, Message: pe.Message, MessageZH: pe.MessageZH})
		}
	case create:
		fields = append(fields, engine.FieldError{Field: "password", Code: "required",
			Message: "A new user needs a password.", MessageZH: "新用户需要设置密码。"})
	}
	if len(fields) > 0 {
		return engine.Invalid(fields...)
	}
	return nil
}

// Admin carries out administrators' changes of users — from the API, the
// pages and the command line — each written with its audit entry in one
// transaction.
type Admin struct {
	Dir   engine.DirectoryAdmin
	Creds Credentials
}

// PutUser creates the user in.Name, or changes it, for the administrator
// who. A password set here must be changed at the next sign-in; disabling
// the user ends its sessions and revokes its tokens (and the service
// tokens it issued), which enabling it again does not bring back.
func (m Admin) PutUser(ctx context.Context, who audit.Who, in UserInput, now time.Time) (*engine.User, error) {
	if err := MayAdminister(who.Actor); err != nil {
		return nil, err
	}
	in.DisplayName = NormText(in.DisplayName)
	in.Org = strings.TrimSpace(in.Org)
	old, err := m.Dir.User(ctx, in.Name)
	create := engine.ErrorCode(err) == engine.ENOTFOUND
	if err != nil && !create {
		return nil, err
	}
	if err := CheckUser(ctx, m.Dir, in, create); err != nil {
		return nil, err
	}
	u := engine.User{Name: in.Name, DisplayName: in.DisplayName, Role: in.Role, Org: in.Org, Disabled: in.Disabled,
		CreatedAt: now}
	if !create {
		u.PasswordHash, u.CreatedAt, u.Email = old.PasswordHash, old.CreatedAt, old.Email
		u.PasswordChangedAt, u.MustChangePassword, u.LockedUntil = old.PasswordChangedAt, old.MustChangePassword, old.LockedUntil
	}
	if in.Email != nil {
		u.Email, _ = CheckEmail(*in.Email)
	}
	var hash string
	if in.Password != "" {
		if hash, err = password.Hash(in.Password); err != nil {
			return nil, err
		}
		if create {
			u.PasswordHash, u.PasswordChangedAt, u.MustChangePassword = hash, now, true
		}
	}
	what := "修改"
	if create {
		what = "新建"
	}
	ev := who.Entry(audit.UserChange, u.Name, audit.OK, fmt.Sprintf("%s：角色 %s，机构 %s，%s", what, u.Role, u.Org, map[bool]string{false: "启用", true: "停用"}[u.Disabled]))
	ev.At = now
	if err := m.Dir.PutUser(ctx, u, &ev); err != nil {
		return nil, err
	}
	if hash != "" {
		ev := who.Entry(audit.PasswordChange, u.Name, audit.OK, "管理员设置，下次登录时须修改")
		ev.At = now
		if err := m.Creds.SetPassword(ctx, u.Name, hash, now, true, &ev); err != nil {
			return nil, err
		}
		u.PasswordHash, u.PasswordChangedAt, u.MustChangePassword = hash, now, true
	}
	if u.Disabled && (create || !old.Disabled) {
		ev := who.Entry(audit.UserDisable, u.Name, audit.OK, "已终止全部会话并吊销令牌")
		ev.At = now
		if err := m.Creds.RevokeCredentials(ctx, u.Name, now, true, &ev); err != nil {
			return nil, err
		}
	}
	return &u, nil
}

// Unlock lifts a lock-out before it ends.
func (m Admin) Unlock(ctx context.Context, who audit.Who, name string, now time.Time) error {
	if err := MayAdminister(who.Actor); err != nil {
		return err
	}
	if _, err := m.Dir.User(ctx, name); err != nil {
		return err
	}
	ev := who.Entry(audit.Unlock, name, audit.OK, "")
	ev.At = now
	return m.Creds.UnlockUser(ctx, name, &ev)
}
