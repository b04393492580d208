package web

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/accesslog"
	"github.com/parkfin/parkfin/internal/textcheck"
	"github.com/parkfin/parkfin/locale"
)

//go:embed assets
var assetFS embed.FS

// csp allows nothing but this site's own files: no inline script, no
// inline style, no other origin. ECharts sets element styles through the
// CSS object model, which the policy does not govern.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// secureHeaders sets the security headers of every answer and bounds the
// body of every request.
func (s *Server) secureHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		// Pages show people's cases: none is kept in a cache (the assets
		// set their own).
		h.Set("Cache-Control", "no-store")
		if c.Request().TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		ctx := c.Request().Context()
		accesslog.SetRoute(ctx, c.Path())
		if f := textcheck.BadField(c.Request()); f != "" {
			return &engine.Error{Code: engine.EINVALID,
				MessageZH: f + "：" + locale.T(locale.ZH, "http.invalid_utf8"), Message: f + ": " + locale.T(locale.EN, "http.invalid_utf8")}
		}
		limit := int64(2 << 20)
		if r := c.Request(); r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/cases/") {
			// An event's form may hand in a file of up to 20 MiB.
			limit = engine.MaxFileSize + 2<<20
		}
		c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, limit)
		err := next(c)
		accesslog.SetUser(ctx, actorOf(c).User)
		return err
	}
}

// asset serves an embedded file. Vendored files carry their version in
// their names and are cached for a year; the application's own for an
// hour.
func (s *Server) asset(c echo.Context) error {
	name := path.Clean("assets/" + c.Param("*"))
	if !strings.HasPrefix(name, "assets/") {
		return echo.ErrNotFound
	}
	data, err := fs.ReadFile(assetFS, name)
	if err != nil {
		return echo.ErrNotFound
	}
	ctype := "application/octet-stream"
	switch path.Ext(name) {
	case ".js":
		ctype = "text/javascript; charset=utf-8"
	case ".css":
		ctype = "text/css; charset=utf-8"
	case ".svg":
		ctype = "image/svg+xml"
	}
	if strings.HasPrefix(name, "assets/vendor/") {
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	}
	return c.Blob(http.StatusOK, ctype, data)
}
