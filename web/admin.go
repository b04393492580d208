package web

import "github.com/labstack/echo/v4"

// adminRoutes registers the administrator's pages and the personal tokens.
func (s *Server) adminRoutes(g *echo.Group) {}
