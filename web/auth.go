package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/internal/demo"
	"github.com/parkfin/parkfin/internal/signin"
	"github.com/parkfin/parkfin/workflows/plan3"
)

// Context keys.
const (
	userKey    = "web.user"
	sessionKey = "web.session"
)

// csrfField is the hidden form field that carries the session's CSRF token;
// htmx sends it as the API's header instead.
const csrfField = "_csrf"

// refreshHeader marks the requests of a page refreshing itself (hx-headers
// on the polling element): they do not count as the user's activity, so an
// open list does not keep an idle session alive.
const refreshHeader = "X-Parkfin-Refresh"

// session resolves the session cookie, when there is one, to its user.
func (s *Server) session(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if ck, err := c.Cookie(signin.CookieName); err == nil && ck.Value != "" {
			resolve := s.signin.Resolve
			if c.Request().Header.Get(refreshHeader) != "" {
				resolve = s.signin.ResolveRefresh
			}
			sess, u, err := resolve(c.Request().Context(), ck.Value, s.clock.Now())
			switch {
			case err == nil:
				// A county sub-branch of the central bank acts through its
				// county.
				if err := engine.ResolveUnit(c.Request().Context(), s.dir(), u); err != nil {
					return err
				}
				c.Set(sessionKey, sess)
				c.Set(userKey, u)
			case engine.ErrorCode(err) != engine.EUNAUTHORIZED:
				return err
			}
		}
		return next(c)
	}
}

// userOf returns the signed-in user, or nil.
func userOf(c echo.Context) *engine.User {
	u, _ := c.Get(userKey).(*engine.User)
	return u
}

func sessionOf(c echo.Context) *auth.Session {
	s, _ := c.Get(sessionKey).(*auth.Session)
	return s
}

func actorOf(c echo.Context) engine.Actor {
	if u := userOf(c); u != nil {
		return u.Actor()
	}
	return engine.Actor{}
}

// requireUser sends people who are not signed in to the sign-in page, and
// back where they wanted to go afterwards.
func (s *Server) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if userOf(c) == nil {
			if c.Request().Header.Get("HX-Request") != "" {
				c.Response().Header().Set("HX-Redirect", "/signin")
				return c.NoContent(http.StatusUnauthorized)
			}
			return c.Redirect(http.StatusSeeOther, "/signin?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		}
		// A password set by the administrator is changed before anything
		// else is done.
		if userOf(c).MustChangePassword && c.Path() != "/password" && c.Path() != "/signout" {
			if c.Request().Header.Get("HX-Request") != "" {
				c.Response().Header().Set("HX-Redirect", "/password")
				return c.NoContent(http.StatusForbidden)
			}
			return c.Redirect(http.StatusSeeOther, "/password")
		}
		return next(c)
	}
}

// checkCSRF refuses a state-changing request that does not carry the
// session's CSRF token, in the form or in the API's header.
func (s *Server) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		m := c.Request().Method
		if m == http.MethodGet || m == http.MethodHead {
			return next(c)
		}
		token := c.Request().Header.Get(signin.CSRFHeader)
		if token == "" {
			token = c.FormValue(csrfField)
		}
		if err := signin.CheckCSRF(sessionOf(c), token); err != nil {
			return err
		}
		return next(c)
	}
}

// root is the first page: the sign-in page, or one's home.
func (s *Server) root(c echo.Context) error {
	if userOf(c) != nil {
		return s.home(c)
	}
	return s.signInPage(c)
}

// homes are where each role lands after signing in.
var homes = map[engine.Role]string{
	engine.RoleWindow:     "/park",
	engine.RoleBank:       "/inbox",
	engine.RoleCounty:     "/board",
	engine.RoleCountyPBoC: "/board",
	engine.RoleCity:       "/board",
	engine.RolePBoC:       "/board",
	engine.RoleAdmin:      "/admin/users",
	engine.RoleAuditor:    "/audit",
}

func (s *Server) home(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, homeOf(userOf(c).Role))
}

// workflowHomes are where the roles the workflows declare land.
var workflowHomes = map[engine.Role]string{
	plan3.RoleCityDept:     "/duties/" + plan3.Name,
	plan3.RoleLeadingGroup: "/duties/" + plan3.Name,
}

// homeOf is where a role lands: its own page, or the cases it may see for
// a role a workflow declared.
func homeOf(r engine.Role) string {
	if h, ok := homes[r]; ok {
		return h
	}
	if h, ok := workflowHomes[r]; ok {
		return h
	}
	return "/cases"
}

// demoAccount is one line of the demo accounts table.
type demoAccount struct {
	Name, DisplayName string
	Role              engine.Role
}

type signInView struct {
	// LoginCSRF is the sign-in form's token, tied to the pre-session
	// cookie.
	LoginCSRF  string
	User, Next string
	Error      string
	Demo       []demoAccount
	Password   string
}

func (s *Server) signInView(c echo.Context) signInView {
	v := signInView{Next: safeNext(c.QueryParam("next"))}
	if s.cfg.Demo {
		if d, err := demo.Load(); err == nil {
			v.Password = d.Password
			for _, u := range d.Users() {
				v.Demo = append(v.Demo, demoAccount{Name: u.Name, DisplayName: u.DisplayName, Role: u.Role})
			}
		}
	}
	return v
}

func (s *Server) signInPage(c echo.Context) error {
	v := s.signInView(c)
	if err := s.loginCSRF(c, &v); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "signin", v)
}

// loginCSRF gives the sign-in form a fresh token and sets the pre-session
// cookie it is tied to.
// A pre-session cookie the browser already has is kept, so that a second
// tab or a repeated request does not spoil the first form.
func (s *Server) loginCSRF(c echo.Context, v *signInView) error {
	if ck, err := c.Cookie(signin.LoginCookie); err == nil && len(ck.Value) == 43 {
		v.LoginCSRF = signin.LoginToken(ck.Value)
		return nil
	}
	secret, token, err := signin.NewLoginCSRF()
	if err != nil {
		return err
	}
	c.SetCookie(s.signin.LoginCookieOf(c.Request(), secret))
	v.LoginCSRF = token
	return nil
}

// signInPost checks the password through the shared sign-in service.
func (s *Server) signInPost(c echo.Context) error {
	v := s.signInView(c)
	v.User = strings.TrimSpace(c.FormValue("user"))
	v.Next = safeNext(c.FormValue("next"))
	var pre string
	if ck, err := c.Cookie(signin.LoginCookie); err == nil {
		pre = ck.Value
	}
	var (
		secret string
		sess   *auth.Session
		u      *engine.User
	)
	err := signin.CheckLoginCSRF(pre, c.FormValue(csrfField))
	if err == nil {
		secret, sess, u, err = s.signin.SignIn(c.Request().Context(), v.User, c.FormValue("password"), c.RealIP(), s.clock.Now())
	}
	if err != nil {
		status, ok := map[string]int{engine.EUNAUTHORIZED: http.StatusUnauthorized, engine.ERATELIMITED: http.StatusTooManyRequests,
			engine.ELOCKED: http.StatusLocked, engine.EFORBIDDEN: http.StatusForbidden}[engine.ErrorCode(err)]
		if !ok {
			return err
		}
		v.Error = errText(err, langOf(c))
		if err := s.loginCSRF(c, &v); err != nil {
			return err
		}
		return s.render(c, status, "signin", v)
	}
	c.SetCookie(s.signin.Cookie(c.Request(), secret, sess))
	next := v.Next
	if next == "" {
		next = homeOf(u.Role)
	}
	if u.MustChangePassword {
		next = "/password"
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// safeNext keeps a redirect target only when it is a path on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return ""
	}
	return next
}

func (s *Server) signOut(c echo.Context) error {
	who := audit.Who{Actor: actorOf(c), Via: "session", Addr: c.RealIP()}
	if err := s.signin.SignOut(c.Request().Context(), who, sessionOf(c), s.clock.Now()); err != nil {
		return err
	}
	c.SetCookie(s.signin.ClearCookie(c.Request()))
	return c.Redirect(http.StatusSeeOther, "/signin")
}

type passwordView struct {
	Errors map[string]string
	Done   bool
	// State is "required" (set by the administrator), "expired" or "".
	State string
}

func (s *Server) passwordPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "password", passwordView{Done: c.QueryParam("done") != "",
		State: s.signin.PasswordState(userOf(c), s.clock.Now())})
}

// passwordPost changes one's own password. Every session of the user ends;
// this browser continues in a new one.
func (s *Server) passwordPost(c echo.Context) error {
	who := audit.Who{Actor: actorOf(c), Via: "session", Addr: c.RealIP()}
	secret, sess, err := s.signin.ChangePassword(c.Request().Context(), who, c.FormValue("current"), c.FormValue("new"), s.clock.Now())
	if engine.ErrorCode(err) == engine.EINVALID {
		return s.render(c, http.StatusUnprocessableEntity, "password", passwordView{Errors: fieldErrors(err, langOf(c)),
			State: s.signin.PasswordState(userOf(c), s.clock.Now())})
	}
	if err != nil {
		return err
	}
	c.SetCookie(s.signin.Cookie(c.Request(), secret, sess))
	return c.Redirect(http.StatusSeeOther, "/password?done=1")
}
