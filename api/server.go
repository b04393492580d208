// Package api serves parkfin over HTTP with echo: health and readiness now,
// the JSON API and the web UI as they arrive. It owns echo entirely; cmd
// only sees an http.Handler.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/parkfin/parkfin/engine"
)

// Check is one dependency that must answer for the service to be ready.
type Check struct {
	Name string
	Ping func(ctx context.Context) error
}

// Config holds what the server is built from.
type Config struct {
	Engine *engine.Engine
	// Ready lists the dependencies /readyz checks: the database and, when
	// configured, Redis.
	Ready  []Check
	Logger *slog.Logger
}

// Server is parkfin's HTTP interface.
type Server struct {
	cfg  Config
	echo *echo.Echo
}

// New builds the server and registers every route.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.Use(middleware.Recover())
	s := &Server{cfg: cfg, echo: e}
	s.routes()
	return s
}

// Handler returns the server as an http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// routes registers every route, top to bottom.
func (s *Server) routes() {
	s.echo.GET("/healthz", s.healthz)
	s.echo.GET("/readyz", s.readyz)
}

// healthz answers while the process is alive.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 when every dependency answers within a second, 503
// naming the ones that do not.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), time.Second)
	defer cancel()
	status := map[string]string{}
	code := http.StatusOK
	for _, chk := range s.cfg.Ready {
		if err := chk.Ping(ctx); err != nil {
			status[chk.Name] = "unreachable"
			code = http.StatusServiceUnavailable
			s.cfg.Logger.Warn("readiness check failed", "check", chk.Name, "err", err)
			continue
		}
		status[chk.Name] = "ok"
	}
	return c.JSON(code, status)
}
