// Package web is parkfin's web application in Simplified Chinese (and
// English): server-rendered html/template pages with htmx and ECharts,
// vendored and embedded, for the park windows, the banks and the financial
// offices. It talks to the engine through the same calls as the JSON API,
// with the same permission and version checks, and signs people in with
// the API's session cookie, CSRF token and rate limits (package signin).
// Every form works without JavaScript; htmx only makes pages nicer.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/internal/signin"
	"github.com/parkfin/parkfin/report"
)

// Config holds what the web application is built from.
type Config struct {
	Engine *engine.Engine
	// Auth keeps sessions and tokens; the SQL store implements it.
	Auth auth.Store
	// Calendar counts the working days left on a limit.
	Calendar engine.Calendar
	// Overrides, when set, lets the administrator upload a year's holiday
	// notice.
	Overrides *calendar.Overrides
	// Limiter is the sign-in limiter shared with the API.
	Limiter *signin.Limiter
	// SessionTTL is how long a session lasts; default 12 hours.
	SessionTTL    time.Duration
	SecureCookies bool
	// BehindProxy and TrustedProxies: see api.Config.
	BehindProxy    bool
	TrustedProxies []string
	// Policy sets lock-out, idle timeout, password age and history.
	Policy auth.Policy
	// Demo lists the demonstration accounts on the sign-in page.
	Demo bool
	// Poll is how often lists refresh themselves; default 5 seconds.
	Poll time.Duration
	// BoardTTL is how old the board's figures may be (default 5 seconds);
	// list counts may be 2/5 of it.
	BoardTTL time.Duration
	Logger   *slog.Logger
	// Notify keeps the in-app messages behind the bell; nil shows none.
	Notify *notify.Service
	// Report is the supervision side (统计, 季度排名, downloads); nil
	// answers its pages with not_found.
	Report *report.Service
	// Warm, set by serve, warms the server up in the background as it
	// is built (see warm); Ready reports when it is done.
	Warm bool
	// Context, when set, is the server's lifetime: the warm-up stops when
	// it ends (serve stopping before the warm-up is done).
	Context context.Context
}

// Server is the web application.
type Server struct {
	cfg    Config
	echo   *echo.Echo
	engine *engine.Engine
	signin *signin.Service
	// audit records the security audit log; nil without a store that
	// keeps it.
	audit *audit.Log
	clock engine.Clock
	views *views
	memo  memo
	// warmed is closed once the warm-up is done.
	warmed chan struct{}
}

// New builds the web application and registers its routes.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Limiter == nil {
		cfg.Limiter = signin.NewLimiter(signin.Limits{})
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 5 * time.Second
	}
	if cfg.BoardTTL <= 0 {
		cfg.BoardTTL = 5 * time.Second
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = signin.ClientIP(cfg.BehindProxy, cfg.TrustedProxies)
	s := &Server{cfg: cfg, echo: e, engine: cfg.Engine, clock: cfg.Engine.Clock(), views: mustViews()}
	if as, ok := cfg.Auth.(audit.Store); ok {
		s.audit = &audit.Log{Store: as, Clock: cfg.Engine.Clock(), Logger: cfg.Logger}
	}
	s.signin = &signin.Service{Auth: cfg.Auth, Users: cfg.Engine.Store().Directory(), Limiter: cfg.Limiter,
		Policy: cfg.Policy, Audit: s.audit, TTL: cfg.SessionTTL, SecureCookies: cfg.SecureCookies, Logger: cfg.Logger}
	e.HTTPErrorHandler = s.handleError
	s.routes()
	s.warmed = make(chan struct{})
	if cfg.Warm {
		go s.warm()
	} else {
		close(s.warmed)
	}
	return s
}

// Handler returns the application as an http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// routes registers every page, top to bottom.
func (s *Server) routes() {
	e := s.echo
	// Pages and assets are compressed: the inbox with htmx weighs about
	// 30 KB on the wire.
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{Level: 5, MinLength: 1024}))
	e.Use(s.secureHeaders, s.session)
	e.GET("/assets/*", s.asset)
	e.GET("/", s.root)
	e.GET("/signin", s.signInPage)
	e.POST("/signin", s.signInPost)
	e.GET("/lang/:lang", s.switchLang)
	e.GET("/contacts", s.publicContacts)

	u := e.Group("", s.requireUser, s.checkCSRF)
	u.POST("/signout", s.signOut)
	u.GET("/password", s.passwordPage)
	u.POST("/password", s.passwordPost)
	u.GET("/home", s.home)

	u.GET("/register", s.registerPage)
	u.POST("/register", s.registerPost)
	u.GET("/register/uscc", s.checkUSCC)
	u.GET("/park", s.parkCases)
	u.GET("/inbox", s.inbox)
	u.GET("/board", s.board)
	u.GET("/cases", s.caseList)
	u.GET("/search", s.search)
	u.GET("/cases/:id", s.casePage)
	u.POST("/cases/:id", s.fire)
	u.GET("/cases/:id/receipt", s.receipt)
	u.GET("/cases/:id/files/:sha256", s.caseFile)
	u.GET("/duties/:workflow", s.dutyList)
	u.POST("/duties/:workflow", s.dutyOpen)
	u.GET("/notifications", s.notifications)
	u.POST("/notifications/read", s.readAllNotifications)
	u.POST("/notifications/:id/read", s.readNotification)
	u.GET("/stats", s.statsPage)
	u.GET("/stats/export", s.statsExport)
	u.GET("/greenchannel", s.greenPage)
	u.GET("/greenchannel/export", s.greenExport)
	u.GET("/ranking", s.rankingPage)
	u.GET("/ranking/export", s.rankingExport)
	u.GET("/filings", s.filingsPage)
	u.POST("/filings", s.filingsPost)
	u.POST("/filings/import", s.filingsImport)

	s.adminRoutes(u)
}
