package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/unicode/norm"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/password"
)

// adminRoutes registers the administrator's pages, the ledger check and
// everyone's personal tokens. Every page asks the engine's auth rules
// (MayAdminister, MayAudit) before it reads or writes anything.
func (s *Server) adminRoutes(g *echo.Group) {
	a := g.Group("/admin", s.mayAdminister)
	a.GET("/users", s.usersPage)
	a.POST("/users", s.userPost)
	a.GET("/orgs", s.orgsPage)
	a.POST("/orgs", s.orgPost)
	a.GET("/pairings", s.pairingsPage)
	a.POST("/pairings", s.pairPost)
	a.GET("/calendar", s.calendarPage)
	a.POST("/calendar", s.calendarPost)
	g.GET("/admin/ledger", s.ledgerPage)
	g.GET("/tokens", s.tokensPage)
	g.POST("/tokens", s.tokenPost)
}

func (s *Server) mayAdminister(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := auth.MayAdminister(actorOf(c)); err != nil {
			return err
		}
		return next(c)
	}
}

func (s *Server) dir() engine.DirectoryAdmin { return s.engine.Store().Directory() }

// adminView is the data of an administrator's page: its lists, the form's
// errors and a notice of what was just done.
type adminView struct {
	Users    []engine.User
	Parks    []engine.Park
	Banks    []engine.Bank
	Counties []engine.County
	Pairings []engine.Pairing
	Year     int
	Roles    []engine.Role
	Errors   map[string]string
	Error    string
	Done     string
	// Secret is a new token, shown once; Info is the year's calendar or
	// the ledger's report, as text.
	Secret string
	Info   string
	OK     bool
	Ran    bool
	Tokens []auth.Token
	Values map[string]string
}

func normText(s string) string { return strings.TrimSpace(norm.NFC.String(s)) }

// adminFailed shows the page again with the error: field errors under
// their fields, anything else above the form.
func (s *Server) adminFailed(c echo.Context, name string, v *adminView, err error) error {
	code := engine.ErrorCode(err)
	if code == engine.EINTERNAL || code == engine.EFORBIDDEN {
		return err
	}
	v.Errors = fieldErrors(err, langOf(c))
	if len(v.Errors) == 0 {
		v.Error = errText(err, langOf(c))
	}
	if v.Values == nil {
		v.Values = map[string]string{}
	}
	form, _ := c.FormParams()
	for k := range form {
		if k != "password" && k != csrfField {
			v.Values[k] = form.Get(k)
		}
	}
	return s.render(c, http.StatusUnprocessableEntity, name, v)
}

func (s *Server) usersPage(c echo.Context) error {
	v := &adminView{Roles: engine.Roles, Done: c.QueryParam("done")}
	if err := s.loadUsers(c.Request().Context(), v); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "users", v)
}

func (s *Server) loadUsers(ctx context.Context, v *adminView) error {
	var err error
	v.Users, err = s.dir().Users(ctx)
	return err
}

// userPost creates a user, or for an existing one disables, enables or
// resets the password, as the form's "op" says.
func (s *Server) userPost(c echo.Context) error {
	ctx := c.Request().Context()
	v := &adminView{Roles: engine.Roles}
	if err := s.loadUsers(ctx, v); err != nil {
		return err
	}
	name := strings.TrimSpace(c.FormValue("name"))
	op := c.FormValue("op")
	var err error
	if op == "create" {
		err = s.createUser(ctx, name, c)
	} else {
		err = s.changeUser(ctx, name, op, c.FormValue("password"))
	}
	if err != nil {
		return s.adminFailed(c, "users", v, err)
	}
	forgetOrgs()
	return c.Redirect(http.StatusSeeOther, "/admin/users?done="+op)
}

func (s *Server) createUser(ctx context.Context, name string, c echo.Context) error {
	var fields []engine.FieldError
	if name == "" {
		fields = append(fields, engine.FieldError{Field: "name", Code: "required", Message: "Enter a user name.", MessageZH: "请填写用户名。"})
	} else if _, err := s.dir().User(ctx, name); err == nil {
		fields = append(fields, engine.FieldError{Field: "name", Code: "taken", Message: "This user name is taken.", MessageZH: "该用户名已存在。"})
	}
	role := engine.Role(c.FormValue("role"))
	if !role.Valid() {
		fields = append(fields, engine.FieldError{Field: "role", Code: "required", Message: "Choose a role.", MessageZH: "请选择角色。"})
	}
	org := strings.TrimSpace(c.FormValue("org"))
	if msg := s.checkOrg(ctx, role, org); msg != nil {
		fields = append(fields, *msg)
	}
	pw := c.FormValue("password")
	if len([]rune(pw)) < 10 {
		fields = append(fields, engine.FieldError{Field: "password", Code: "too_short", Message: "The password needs at least 10 characters.", MessageZH: "密码至少需要 10 个字符。"})
	}
	if len(fields) > 0 {
		return engine.Invalid(fields...)
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	return s.dir().PutUser(ctx, engine.User{Name: name, DisplayName: normText(c.FormValue("display_name")), Role: role,
		Org: org, PasswordHash: hash, CreatedAt: s.clock.Now()})
}

// checkOrg checks that a user's organisation fits the role, as the API
// does: window staff act for a park, bank contacts for a bank, county
// offices for a county.
func (s *Server) checkOrg(ctx context.Context, role engine.Role, org string) *engine.FieldError {
	var err error
	switch role {
	case engine.RoleWindow:
		_, err = s.dir().Park(ctx, org)
	case engine.RoleBank:
		_, err = s.dir().Bank(ctx, org)
	case engine.RoleCounty:
		_, err = s.dir().County(ctx, org)
	default:
		return nil
	}
	if err != nil {
		return &engine.FieldError{Field: "org", Code: "unknown",
			Message:   fmt.Sprintf("No organisation %s for the role %s.", org, role),
			MessageZH: fmt.Sprintf("该角色没有编码为“%s”的单位。", org)}
	}
	return nil
}

func (s *Server) changeUser(ctx context.Context, name, op, pw string) error {
	u, err := s.dir().User(ctx, name)
	if err != nil {
		return err
	}
	switch op {
	case "disable":
		u.Disabled = true
	case "enable":
		u.Disabled = false
	case "reset":
		if len([]rune(pw)) < 10 {
			return engine.Invalid(engine.FieldError{Field: "password", Code: "too_short",
				Message: "The password needs at least 10 characters.", MessageZH: "密码至少需要 10 个字符。"})
		}
		if u.PasswordHash, err = password.Hash(pw); err != nil {
			return err
		}
	default:
		return echo.ErrBadRequest
	}
	return s.dir().PutUser(ctx, *u)
}
