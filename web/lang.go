package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/locale"
)

// langCookie remembers the reader's language.
const langCookie = "parkfin_lang"

// langOf is the reader's language: the remembered choice, else Chinese.
// Chinese is the default whatever the browser asks for: the offices'
// machines are often set up in English.
func langOf(c echo.Context) string {
	if l, ok := c.Get("web.lang").(string); ok {
		return l
	}
	l := locale.ZH
	if ck, err := c.Cookie(langCookie); err == nil {
		l = locale.Lang(ck.Value)
	}
	c.Set("web.lang", l)
	return l
}

// switchLang remembers a language for a year and goes back to the page.
func (s *Server) switchLang(c echo.Context) error {
	l := locale.Lang(c.Param("lang"))
	c.SetCookie(&http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || c.Request().TLS != nil})
	back := safeNext(c.QueryParam("back"))
	if back == "" {
		back = "/"
	}
	return c.Redirect(http.StatusSeeOther, back)
}
