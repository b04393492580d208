package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/internal/accesslog"
	"github.com/parkfin/parkfin/locale"
)

//go:embed templates/*.html
var templateFS embed.FS

// views holds one parsed template set per page: the layout, the shared
// partials and the page's own file.
type views struct{ pages map[string]*template.Template }

func mustViews() *views {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t := template.Must(template.New(base).Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/partials.html", name))
		v.pages[base] = t
	}
	return v
}

// page is what every template gets: the reader's language and user, the
// menu and breadcrumb, and the page's own data in View.
type page struct {
	Lang   string
	User   *engine.User
	CSRF   string
	Name   string
	Path   string
	URL    string
	Menu   []menuGroup
	Crumbs []crumb
	// Poll is the list refresh interval in seconds.
	Poll int
	// Unread is the signed-in user's unread messages: the bell.
	Unread int
	View   any
	s      *Server
	c      echo.Context
	orgs   map[string]string
}

// crumb is one step of the breadcrumb, a catalogue key and a link.
type crumb struct{ Key, Href string }

// missingKeys records catalogue keys a page asked for that do not exist;
// the tests fail on any.
var missingKeys sync.Map

// T returns the catalogue's text for key in the page's language, falling
// back to the other keys given.
func (p *page) T(key string, fallbacks ...string) string {
	out := locale.T(p.Lang, key, fallbacks...)
	if out == key {
		missingKeys.Store(key, true)
	}
	return out
}

// Tf formats the catalogue's text for key with args.
// A text without a verb takes no argument.
func (p *page) Tf(key string, args ...any) string {
	format := p.T(key)
	if !strings.Contains(format, "%") {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// render writes the page name with its view data inside the layout.
func (s *Server) render(c echo.Context, status int, name string, view any) error {
	p := s.newPage(c, name, view)
	t := s.views.pages[name]
	if t == nil {
		return fmt.Errorf("web: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Language", p.Lang)
	return c.HTMLBlob(status, buf.Bytes())
}

func (s *Server) newPage(c echo.Context, name string, view any) *page {
	p := &page{Lang: langOf(c), User: userOf(c), Name: name, Path: c.Request().URL.Path,
		URL: c.Request().URL.RequestURI(), View: view, s: s, c: c, Poll: int(s.cfg.Poll.Seconds())}
	if p.Poll < 1 {
		p.Poll = 1
	}
	if sess := sessionOf(c); sess != nil {
		p.CSRF = sess.CSRF
	}
	if p.User != nil {
		p.Menu = menuFor(p.User.Role)
		p.Unread = s.unreadCount(c, p.User.Name)
		p.Crumbs = crumbsFor(p.Menu, p.Path)
	}
	return p
}

// handleError shows errors as pages: 404 for a case one may not see (as
// for one that does not exist), 403, 429, and a generic 500 that tells
// nothing of the inside.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	// The client went away (a sign-in given up while it waited its turn):
	// nobody reads an answer, and it is no failure to log.
	if accesslog.ClientGone(c.Request(), err) {
		c.Response().WriteHeader(accesslog.StatusClientGone)
		return
	}
	status := http.StatusInternalServerError
	code := engine.ErrorCode(err)
	if he, ok := err.(*echo.HTTPError); ok {
		status = he.Code
		switch status {
		case http.StatusNotFound:
			code = engine.ENOTFOUND
		case http.StatusMethodNotAllowed:
			code = "method"
		}
	}
	switch code {
	case engine.ENOTFOUND:
		status = http.StatusNotFound
	case engine.EFORBIDDEN:
		status = http.StatusForbidden
		e := s.who(c).Entry(audit.Forbidden, c.Request().Method+" "+c.Request().URL.Path, audit.Denied, engine.ErrorMessage(err, "zh"))
		e.At = s.clock.Now()
		s.audit.Record(c.Request().Context(), e)
	case engine.ERATELIMITED:
		status = http.StatusTooManyRequests
	case engine.EUNAUTHORIZED:
		status = http.StatusUnauthorized
	case engine.EINVALID:
		status = http.StatusUnprocessableEntity
	}
	msg := ""
	if status == http.StatusInternalServerError {
		s.cfg.Logger.Error("page failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	} else if _, ok := err.(*echo.HTTPError); !ok {
		msg = errText(err, langOf(c))
	}
	if rerr := s.render(c, status, "error", errorView{Status: status, Message: msg}); rerr != nil {
		s.cfg.Logger.Error("error page failed", "err", rerr)
		_ = c.String(status, http.StatusText(status))
	}
}

// errorView is the error page's data.
type errorView struct {
	Status  int
	Message string
}

// errText is an error's message in the language: the engine's own words.
func errText(err error, lang string) string {
	if lang == locale.EN {
		return engine.ErrorMessage(err, "en")
	}
	return engine.ErrorMessage(err, "zh")
}

// fieldErrors maps each field at fault to its message in the language.
func fieldErrors(err error, lang string) map[string]string {
	out := map[string]string{}
	var e *engine.Error
	if !errors.As(err, &e) {
		return out
	}
	for _, f := range e.Fields {
		msg := f.MessageZH
		if lang == locale.EN || msg == "" {
			msg = f.Message
		}
		if _, seen := out[f.Field]; !seen {
			out[f.Field] = msg
		}
	}
	return out
}
