package api

import (
	"context"
	"fmt"
	"net/http"
	"net/mail"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/unicode/norm"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/password"
)

// userView is a user without the password hash.
type userView struct {
	Name        string      `json:"name"`
	DisplayName string      `json:"display_name"`
	Role        engine.Role `json:"role"`
	Org         string      `json:"org"`
	Email       string      `json:"email"`
	Disabled    bool        `json:"disabled"`
}

func viewUser(u engine.User) userView {
	return userView{Name: u.Name, DisplayName: u.DisplayName, Role: u.Role, Org: u.Org, Email: u.Email, Disabled: u.Disabled}
}

// normText is text as parkfin keeps it: NFC, trimmed.
func normText(s string) string { return strings.TrimSpace(norm.NFC.String(s)) }

func (s *Server) listUsers(c echo.Context) error {
	if err := auth.MayAdminister(actorOf(c)); err != nil {
		return err
	}
	users, err := s.dir().Users(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]userView, len(users))
	for i, u := range users {
		out[i] = viewUser(u)
	}
	return items(c, out)
}

// putUser creates or updates a user. A new user needs a password; an
// existing one keeps its password unless a new one is given.
func (s *Server) putUser(c echo.Context) error {
	if err := auth.MayAdminister(actorOf(c)); err != nil {
		return err
	}
	var in struct {
		DisplayName string      `json:"display_name"`
		Role        engine.Role `json:"role"`
		Org         string      `json:"org"`
		Password    string      `json:"password"`
		Disabled    bool        `json:"disabled"`
		// Email is kept as it is when absent.
		Email *string `json:"email"`
	}
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.checkOrg(ctx, in.Role, in.Org); err != nil {
		return err
	}
	u := engine.User{Name: c.Param("name"), DisplayName: normText(in.DisplayName), Role: in.Role, Org: in.Org,
		Disabled: in.Disabled, CreatedAt: s.clock.Now()}
	old, err := s.dir().User(ctx, u.Name)
	switch {
	case err == nil:
		u.PasswordHash, u.CreatedAt, u.Email = old.PasswordHash, old.CreatedAt, old.Email
	case engine.ErrorCode(err) != engine.ENOTFOUND:
		return err
	case in.Password == "":
		return engine.Invalid(engine.FieldError{Field: "password", Code: "required",
			Message: "A new user needs a password.", MessageZH: "新用户需要设置密码。"})
	}
	if in.Email != nil {
		if u.Email, err = checkEmail(*in.Email); err != nil {
			return err
		}
	}
	if in.Password != "" {
		if u.PasswordHash, err = password.Hash(in.Password); err != nil {
			return err
		}
	}
	if err := s.dir().PutUser(ctx, u); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewUser(u))
}

// checkOrg checks that a user's organisation fits the role: window staff
// act for a park, bank contacts for a bank, county offices for a county.
func (s *Server) checkOrg(ctx context.Context, role engine.Role, org string) error {
	var err error
	switch role {
	case engine.RoleWindow:
		_, err = s.dir().Park(ctx, org)
	case engine.RoleBank:
		_, err = s.dir().Bank(ctx, org)
	case engine.RoleCounty:
		_, err = s.dir().County(ctx, org)
	}
	if engine.ErrorCode(err) == engine.ENOTFOUND {
		return engine.Invalid(engine.FieldError{Field: "org", Code: "unknown",
			Message:   fmt.Sprintf("No organisation %s for the role %s.", org, role),
			MessageZH: fmt.Sprintf("角色“%s”没有编码为“%s”的机构。", role, org)})
	}
	return err
}

// checkEmail returns the address trimmed, or a validation error; empty is
// allowed (no e-mail).
func checkEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
		return "", engine.Invalid(engine.FieldError{Field: "email", Code: "malformed",
			Message: "This is not an e-mail address.", MessageZH: "电子邮箱地址格式不正确。"})
	}
	return s, nil
}
