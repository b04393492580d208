// Package api serves parkfin over HTTP with echo: the JSON API described by
// openapi.yaml (served with it, and checked against every request), its
// reference page, health and readiness. It owns echo entirely; cmd only sees
// an http.Handler.
package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/internal/signin"
	"github.com/parkfin/parkfin/report"
)

// SignInLimits bound password attempts per account and per address.
type SignInLimits = signin.Limits

// Policy sets lock-out, idle timeout, password age and history.
type Policy = auth.Policy

// Check is one dependency that must answer for the service to be ready.
type Check struct {
	Name string
	Ping func(ctx context.Context) error
	// Failing is what /readyz says of the check when Ping fails:
	// "unreachable" (a dependency) unless set ("pending": a warm-up not
	// done yet).
	Failing string
}

// Config holds what the server is built from.
type Config struct {
	Engine *engine.Engine
	// Auth keeps tokens, sessions and idempotency records; the SQL store
	// implements it. Without it only /healthz, /readyz and the contract
	// are served.
	Auth auth.Store
	// Calendar is the working-day calendar in force with the
	// administrator's overrides: it answers the working-day calculator and
	// takes override changes.
	Calendar *calendar.Overrides
	// Ready lists the dependencies /readyz checks: the database and, when
	// configured, Redis.
	Ready  []Check
	Logger *slog.Logger
	// SecureCookies marks the session cookie Secure even when parkfin
	// itself is reached over plain HTTP (TLS ends at a proxy). Over TLS it
	// is always Secure.
	SecureCookies bool
	// SessionTTL is how long a browser session lasts; default 12 hours.
	SessionTTL time.Duration
	// SignInLimits bound password attempts; zero fields take defaults.
	SignInLimits SignInLimits
	// Notify keeps the in-app inbox, the users' channel choices and the
	// dead-letter list; nil serves no notification routes' data (404).
	Notify *notify.Service
	// NoticeKinds lists the kinds of notice users choose channels for.
	NoticeKinds []string
	// Limiter, when set, is the sign-in limiter shared with the web pages;
	// SignInLimits is then unused.
	Limiter *signin.Limiter
	// BehindProxy takes the client address (for the sign-in limits and the
	// audit log) from X-Forwarded-For — but only when the TCP peer is one
	// of TrustedProxies (loopback when none is given). Off, the TCP peer's
	// address counts.
	BehindProxy bool
	// TrustedProxies are the addresses or CIDR ranges of the reverse
	// proxies whose X-Forwarded-For is believed.
	TrustedProxies []string
	// Policy sets lock-out, idle timeout, password age and history; zero
	// fields take the defaults.
	Policy auth.Policy
	// Report is the supervision side (statistics, rankings, exports); nil
	// answers its routes with not_found.
	Report *report.Service
}

// Server is parkfin's HTTP interface.
type Server struct {
	cfg    Config
	echo   *echo.Echo
	engine *engine.Engine
	auth   auth.Store
	clock  engine.Clock
	spec   *openapi3.T
	docs   []byte
	signin *signin.Service
	// audit records the security audit log; auditStore reads it. Both
	// are nil without a store that keeps it.
	audit      *audit.Log
	auditStore audit.Store
}

// New builds the server and registers every route.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.IPExtractor = signin.ClientIP(cfg.BehindProxy, cfg.TrustedProxies)
	if cfg.Limiter == nil {
		cfg.Limiter = signin.NewLimiter(cfg.SignInLimits)
	}
	s := &Server{cfg: cfg, echo: e, engine: cfg.Engine, auth: cfg.Auth, spec: mustSpec()}
	if as, ok := cfg.Auth.(audit.Store); ok && cfg.Engine != nil {
		s.auditStore = as
		s.audit = &audit.Log{Store: as, Clock: cfg.Engine.Clock(), Logger: cfg.Logger}
	}
	if cfg.Engine != nil && cfg.Auth != nil {
		s.signin = &signin.Service{Auth: cfg.Auth, Users: cfg.Engine.Store().Directory(), Limiter: cfg.Limiter,
			Policy: cfg.Policy, Audit: s.audit, TTL: cfg.SessionTTL, SecureCookies: cfg.SecureCookies, Logger: cfg.Logger}
	}
	var err error
	if s.docs, err = renderDocs(s.spec); err != nil {
		panic(fmt.Sprintf("api: reference page: %v", err))
	}
	s.clock = engine.SystemClock{}
	if cfg.Engine != nil {
		s.clock = cfg.Engine.Clock()
	}
	e.HTTPErrorHandler = s.handleError
	s.routes()
	return s
}

// Handler returns the server as an http.Handler.
func (s *Server) Handler() http.Handler { return withRequestID(s.echo) }

// routes registers every route, top to bottom. Each route under /api/v1 is
// an operation of openapi.yaml; a test fails when the two disagree.
func (s *Server) routes() {
	e := s.echo
	// The body is read only once the route's caller is known: limitBody
	// comes after authenticate on every route that needs an actor.
	e.Use(s.recoverPanics, s.safeDefaults, s.refuseBadText)
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)

	v1 := e.Group("/api/v1")
	v1.GET("/openapi.yaml", s.getSpec)
	v1.GET("/docs", s.getDocs)
	v1.GET("/docs/:asset", s.getDocsAsset)
	v1.POST("/session", s.signIn, s.limitBody, s.validate)

	// Everything below needs an actor. The middleware is attached per
	// route, not to a group, so that echo still answers 405 for a known
	// path with another method.
	a := routeGroup{g: v1, mw: []echo.MiddlewareFunc{s.authenticate, s.limitBody, s.validate}}
	a.GET("/session", s.getSession)
	a.DELETE("/session", s.signOut)
	a.POST("/session/password", s.changePassword)

	a.GET("/cases", s.listCases)
	a.POST("/cases", s.createCase)
	a.POST("/workflows/:workflow/cases", s.openWorkflowCase)
	a.GET("/cases/counts", s.countCases)
	a.GET("/cases/:id", s.getCase)
	a.POST("/cases/:id/events", s.fireEvent)
	a.GET("/cases/:id/ledger", s.caseLedger)
	a.GET("/cases/:id/files/:sha256", s.caseFile)

	a.GET("/parks", s.listParks)
	a.PUT("/parks/:code", s.putPark)
	a.GET("/banks", s.listBanks)
	a.PUT("/banks/:code", s.putBank)
	a.GET("/counties", s.listCounties)
	a.PUT("/counties/:code", s.putCounty)
	a.GET("/organisations", s.listOrganisations)
	a.PUT("/organisations/:code", s.putOrganisation)
	a.GET("/pairings", s.listPairings)
	a.POST("/pairings", s.pair)

	a.GET("/users", s.listUsers)
	a.PUT("/users/:name", s.putUser)
	a.POST("/users/:name/unlock", s.unlockUser)
	a.GET("/tokens", s.listTokens)
	a.POST("/tokens", s.issueToken)
	a.DELETE("/tokens/:id", s.revokeToken)

	a.GET("/calendar/workdays", s.addWorkdays)
	a.GET("/calendar/overrides", s.listCalendarOverrides)
	a.PUT("/calendar/overrides/:year", s.putCalendarOverride)
	a.DELETE("/calendar/overrides/:year", s.deleteCalendarOverride)
	a.GET("/calendar/:year", s.calendarYear)
	a.GET("/ledger/verify", s.verifyLedger)

	a.GET("/notifications", s.listNotifications)
	a.GET("/notifications/unread", s.unreadNotifications)
	a.POST("/notifications/read", s.readAllNotifications)
	a.POST("/notifications/:id/read", s.readNotification)
	a.GET("/notification-settings", s.getNotificationSettings)
	a.PUT("/notification-settings", s.putNotificationSettings)
	a.GET("/dead-letters", s.listDeadLetters)
	a.POST("/dead-letters/:id/retry", s.retryDeadLetter)
	a.DELETE("/dead-letters/:id", s.discardDeadLetter)
	a.GET("/robots", s.listRobots)
	a.POST("/robots", s.addRobot)
	a.DELETE("/robots/:id", s.removeRobot)
	a.GET("/stats", s.getStats)
	a.GET("/stats/cases", s.statsCases)
	a.GET("/rankings/:quarter", s.getRanking)
	a.POST("/rankings/:quarter/versions", s.publishRanking)
	a.GET("/exports/ledger", s.exportLedger)
	a.GET("/exports/rankings/:quarter", s.exportRanking)
	a.GET("/filings", s.listFilings)
	a.POST("/filings", s.postFilings)
	a.POST("/filings/import", s.importFilings)
	a.GET("/filings/assessment", s.yearlyAssessment)
	a.GET("/evaluations", s.listEvaluations)
	a.POST("/evaluations", s.postEvaluation)
	a.GET("/audit", s.listAudit)
	a.GET("/audit/export", s.exportAudit)
}

// routeGroup registers routes under a group, each with the same middleware.
type routeGroup struct {
	g  *echo.Group
	mw []echo.MiddlewareFunc
}

// GET registers a GET route.
func (r routeGroup) GET(path string, h echo.HandlerFunc) { r.g.GET(path, h, r.mw...) }

// POST registers a POST route.
func (r routeGroup) POST(path string, h echo.HandlerFunc) { r.g.POST(path, h, r.mw...) }

// PUT registers a PUT route.
func (r routeGroup) PUT(path string, h echo.HandlerFunc) { r.g.PUT(path, h, r.mw...) }

// DELETE registers a DELETE route.
func (r routeGroup) DELETE(path string, h echo.HandlerFunc) { r.g.DELETE(path, h, r.mw...) }
