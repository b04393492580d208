package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/accesslog"
	"github.com/parkfin/parkfin/internal/textcheck"
	"github.com/parkfin/parkfin/locale"
)

// apiCSP forbids a JSON answer from loading or running anything should a
// browser ever render it; the reference page sets its own.
const apiCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"

// safeDefaults sets the headers every answer carries: nothing is cached
// (sessions, tokens and case data are personal), the content type is not
// sniffed, no referrer leaves, and over TLS browsers are told to come back
// only over TLS. It also tells the access log the route and the user.
func (s *Server) safeDefaults(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", apiCSP)
		if c.Request().TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		ctx := c.Request().Context()
		accesslog.SetRoute(ctx, c.Path())
		err := next(c)
		accesslog.SetUser(ctx, actorOf(c).User)
		return err
	}
}

// refuseBadText refuses a request whose path, query or header values are
// not valid UTF-8 (or carry a lone surrogate), naming the part at fault.
func (s *Server) refuseBadText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if f := textcheck.BadField(c.Request()); f != "" {
			return engine.Invalid(engine.FieldError{Field: f, Code: "invalid_utf8",
				Message: locale.T(locale.EN, "http.invalid_utf8"), MessageZH: locale.T(locale.ZH, "http.invalid_utf8")})
		}
		return next(c)
	}
}

// withRequestID gives a request served without the access log in front
// (tests, embedding) its identifier all the same.
func withRequestID(h http.Handler) http.Handler { return accesslog.WithID(h) }
