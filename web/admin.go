package web

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
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
	g.GET("/audit", s.auditPage)
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
	Orgs     []engine.Organisation
	OrgTypes []engine.OrgType
	Pairings []engine.Pairing
	Year     int
	Roles    []engine.Role
	// Choices are the organisations a new user may belong to, offered
	// under the code box by code and name.
	Choices []orgChoice
	Errors  map[string]string
	Error   string
	Done    string
	// Secret is a new token, shown once; Info is the year's calendar or
	// the ledger's report, as text.
	Secret string
	Info   string
	OK     bool
	Ran    bool
	Tokens []auth.Token
	Values map[string]string
}

func normText(s string) string { return auth.NormText(s) }

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
	v.Choices = s.orgChoices(ctx)
	return err
}

// orgChoice is one organisation offered for a new user: its code and its
// name, or the catalogue's key of its name.
type orgChoice struct{ Code, Name, Key string }

// orgChoices lists every organisation by code: the directory's parks,
// banks, counties and others; the offices whose type has one fixed code
// (CITY, PBOC); and the codes the hint gives administrators and auditors.
func (s *Server) orgChoices(ctx context.Context) []orgChoice {
	names, _, _ := s.orgs(ctx)
	out := make([]orgChoice, 0, len(names)+4)
	for code, name := range names {
		if !strings.HasPrefix(code, "user:") {
			out = append(out, orgChoice{Code: code, Name: name})
		}
	}
	for code, key := range fixedOrgKeys() {
		if _, listed := names[code]; !listed {
			out = append(out, orgChoice{Code: code, Key: key})
		}
	}
	slices.SortFunc(out, func(a, b orgChoice) int { return strings.Compare(a.Code, b.Code) })
	return out
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
		err = s.changeUser(ctx, c, name, op, c.FormValue("password"))
	}
	if err != nil {
		return s.adminFailed(c, "users", v, err)
	}
	forgetOrgs()
	return c.Redirect(http.StatusSeeOther, "/admin/users?done="+op)
}

// admin carries out administrators' changes of users, with the API's
// rules (package auth).
func (s *Server) admin() auth.Admin { return auth.Admin{Dir: s.dir(), Creds: s.cfg.Auth} }

func (s *Server) who(c echo.Context) audit.Who {
	return audit.Who{Actor: actorOf(c), Via: "session", Addr: c.RealIP()}
}

func (s *Server) createUser(ctx context.Context, name string, c echo.Context) error {
	if _, err := s.dir().User(ctx, name); err == nil {
		return engine.Invalid(engine.FieldError{Field: "name", Code: "taken", Message: "This user name is taken.", MessageZH: "该用户名已存在。"})
	}
	if name == "" {
		return engine.Invalid(engine.FieldError{Field: "name", Code: "required", Message: "Enter a user name.", MessageZH: "请填写用户名。"})
	}
	_, err := s.admin().PutUser(ctx, s.who(c), auth.UserInput{Name: name, DisplayName: c.FormValue("display_name"),
		Role: engine.Role(c.FormValue("role")), Org: c.FormValue("org"), Password: c.FormValue("password")}, s.clock.Now())
	return err
}

// changeUser disables, enables, unlocks or resets the password of a user.
func (s *Server) changeUser(ctx context.Context, c echo.Context, name, op, pw string) error {
	u, err := s.dir().User(ctx, name)
	if err != nil {
		return err
	}
	in := auth.UserInput{Name: u.Name, DisplayName: u.DisplayName, Role: u.Role, Org: u.Org, Disabled: u.Disabled}
	switch op {
	case "disable":
		in.Disabled = true
	case "enable":
		in.Disabled = false
	case "unlock":
		return s.admin().Unlock(ctx, s.who(c), name, s.clock.Now())
	case "reset":
		if pw == "" {
			return engine.Invalid(engine.FieldError{Field: "password", Code: "required",
				Message: "Enter the new password.", MessageZH: "请填写新密码。"})
		}
		in.Password = pw
	default:
		return echo.ErrBadRequest
	}
	_, err = s.admin().PutUser(ctx, s.who(c), in, s.clock.Now())
	return err
}
