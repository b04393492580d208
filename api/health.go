package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

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
			if chk.Failing != "" {
				status[chk.Name] = chk.Failing
			}
			code = http.StatusServiceUnavailable
			s.cfg.Logger.Warn("readiness check failed", "check", chk.Name, "err", err)
			continue
		}
		status[chk.Name] = "ok"
	}
	return c.JSON(code, status)
}
