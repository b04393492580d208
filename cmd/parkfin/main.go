// Command parkfin runs the park financing service window system: the web
// server, the timer worker and the operator commands.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/net/netutil"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/memtimer"
	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/engine/password"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/accesslog"
	"github.com/parkfin/parkfin/internal/demo"
	"github.com/parkfin/parkfin/internal/metrics"
	"github.com/parkfin/parkfin/internal/signin"
	"github.com/parkfin/parkfin/report"
	"github.com/parkfin/parkfin/web"
	"github.com/parkfin/parkfin/workflows/all"
	"github.com/parkfin/parkfin/workflows/financing"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := Execute(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Main is one parkfin process: its configuration and everything wired from
// it. End-to-end tests run the same Main on a temporary directory.
type Main struct {
	Config Config
	// Operator confirms that the person at the command line may act as
	// users against a remote database (--operator).
	Operator bool
	Clock    engine.Clock
	Logger   *slog.Logger

	Store *sqlstore.Store
	// Calendar is the working-day calendar in force: the built-in data,
	// the configured files and the administrator's overrides.
	Calendar *calendar.Overrides
	Index    engine.TimerIndex
	Engine   *engine.Engine
	// Notify delivers the engine's outbox: inbox, e-mail, robots, webhooks.
	Notify *notify.Service
	// Report is the supervision side: statistics, rankings, exports.
	Report *report.Service
	// Metrics are served at /metrics.
	Metrics *metrics.Metrics

	redis redis.UniversalClient
	// logOut is where the logs and the access log go.
	logOut io.Writer

	closers []func() error

	// Serving state.
	listener net.Listener
	server   *http.Server
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// NewMain returns a Main for the configuration, with the wall clock.
func NewMain(cfg Config, logOut io.Writer) *Main {
	level := slog.LevelInfo
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	return &Main{
		Config:  cfg,
		Clock:   engine.SystemClock{},
		Logger:  slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level})),
		Metrics: metrics.New(),
		logOut:  logOut,
	}
}

// OpenOptions say what Open does besides connecting.
type OpenOptions struct {
	// Migrate applies the database migrations.
	Migrate bool
	// Index connects the timer index (Redis or in-process).
	Index bool
}

// Open connects the database, loads the calendar, connects the timer index
// and builds the engine with its workflows.
func (m *Main) Open(ctx context.Context, opts OpenOptions) error {
	base, err := m.loadCalendar()
	if err != nil {
		return err
	}
	keys, err := ledgerKeys(m.Config, m.Logger)
	if err != nil {
		return err
	}
	store, err := sqlstore.Open(ctx, m.Config.DatabaseURL, sqlstore.Options{LedgerKeys: keys})
	if err != nil {
		return err
	}
	m.Store = store
	m.closers = append(m.closers, store.Close)
	if opts.Migrate {
		applied, err := store.Migrate(ctx)
		if err != nil {
			return err
		}
		for _, name := range applied {
			m.Logger.Info("migration applied", "migration", name)
		}
		if err := report.Migrate(ctx, store.DB(), store.Dialect() == sqlstore.Postgres); err != nil {
			return err
		}
	}
	if m.Calendar, err = calendar.NewOverrides(ctx, base, store); err != nil {
		return fmt.Errorf("calendar overrides (has `parkfin migrate` run?): %w", err)
	}
	if opts.Index {
		if err := m.openIndex(ctx); err != nil {
			return err
		}
	}
	m.Engine = engine.New(engine.Config{Store: store, Clock: m.Clock, Calendar: m.Calendar.Live(), Index: m.Index, Logger: m.Logger,
		OpenBatch: m.Config.Open.Batch, OpenCommitters: m.Config.Open.Committers})
	m.Engine.OnTransition(m.Metrics.Transitions)
	m.Engine.OnOpenBatch(m.Metrics.OpenBatch)
	m.registerStoreMetrics()
	f := m.Config.Financing
	all.Register(m.Engine, all.Config{Financing: financing.Config{
		ReminderWorkdays:       f.ReminderWorkdays,
		LimitWorkdays:          f.LimitWorkdays,
		MaxBackdate:            time.Duration(f.MaxBackdateDays) * 24 * time.Hour,
		ReturnWorkdays:         f.ReturnWorkdays,
		MaxExtensions:          f.MaxExtensions,
		MaxExtensionWorkdays:   f.MaxExtensionWorkdays,
		OfficeReminderWorkdays: f.OfficeReminderWorkdays,
		OfficeLimitWorkdays:    f.OfficeLimitWorkdays,
		SupplyWorkdays:         f.SupplyWorkdays,
		MaxInfoRequests:        f.MaxInfoRequests,
		FollowUpWorkdays:       f.FollowUpWorkdays,
	}})
	pg := store.Dialect() == sqlstore.Postgres
	m.Report = report.New(report.Config{DB: store.DB(), Engine: m.Engine,
		Projector: report.NewProjector(store.DB(), store, m.Calendar.Live(), m.Clock, pg),
		Weights:   m.Config.Report.Weights, Interview: m.Config.Report.Interview})
	return m.openNotify()
}

// loadCalendar loads the built-in calendar with the configured override
// files and those in <data_dir>/calendar; the overrides in the database
// apply over it.
func (m *Main) loadCalendar() (*calendar.Calendar, error) {
	files := append([]string{}, m.Config.Calendar.Overrides...)
	local, err := filepath.Glob(filepath.Join(m.Config.DataDir, "calendar", "*.json"))
	if err != nil {
		return nil, err
	}
	files = append(files, local...)
	return calendar.LoadFiles(files...)
}

// openIndex connects the timer index: Redis when configured, in-process
// otherwise.
func (m *Main) openIndex(ctx context.Context) error {
	if m.Config.RedisURL == "" {
		m.Index = memtimer.New()
		return nil
	}
	return m.openRedisIndex(ctx)
}

// followEvery is how often the worker looks in the database for timers
// other processes armed: with the in-process index only (Redis carries
// their wake-ups and their timers).
func (m *Main) followEvery() time.Duration {
	if m.Config.RedisURL != "" {
		return 0
	}
	return m.Config.Worker.Follow
}

// SeedDemoIfEmpty loads the demonstration data into a database that has no
// parks yet (the first run), when the configuration asks for it.
func (m *Main) SeedDemoIfEmpty(ctx context.Context) error {
	if !m.Config.Demo {
		return nil
	}
	m.Logger.Warn("demo mode: demonstration users share the password parkfin-demo; for trying parkfin only (PARKFIN_DEMO=false turns it off)")
	parks, err := m.Store.Parks(ctx)
	if err != nil || len(parks) > 0 {
		return err
	}
	r, err := demo.Seed(ctx, m.Store, m.Clock.Now())
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	m.Logger.Info("demo data loaded", "parks", r.Parks, "banks", r.Banks, "pairings", r.Pairings, "users", r.Users)
	return nil
}

// ServeOptions say what Serve runs.
type ServeOptions struct {
	HTTP   bool
	Worker bool
}

// Serve starts the HTTP server and/or the timer worker in the background
// and returns; Close stops them.
func (m *Main) Serve(ctx context.Context, opts ServeOptions) error {
	ctx, m.cancel = context.WithCancel(ctx)
	// A long-running process expands its transitions' notices in their
	// own transactions where it can (engine/notify/inline.go); the rest
	// go to the outbox for a dispatcher.
	m.Engine.ExpandNoticesWith(m.Notify)
	if err := m.Notify.ReadDirectory(ctx); err != nil {
		m.Logger.Warn("notify: reading the directory failed; notices go to the outbox until it is read", "err", err)
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.reloadCalendar(ctx)
	}()
	if opts.Worker {
		w := engine.NewWorker(m.Engine, m.Index, engine.WorkerConfig{
			Poll:           m.Config.Worker.Poll,
			Lease:          m.Config.Worker.Lease,
			Batch:          m.Config.Worker.Batch,
			Concurrency:    m.Config.Worker.Concurrency,
			FireBatch:      m.Config.Worker.FireBatch,
			ReconcileEvery: m.Config.Worker.ReconcileEvery,
			ShutdownGrace:  m.Config.Worker.ShutdownGrace,
			Follow:         m.followEvery(),
			Observer:       m.Metrics,
			Logger:         m.Logger,
		})
		m.Engine.OnSchedule(w.WakeFor)
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			if err := w.Run(ctx); err != nil {
				m.Logger.Error("timer worker stopped", "err", err)
			}
		}()
		// The outbox is drained wherever timers fire: every worker process
		// dispatches and sends, safely side by side.
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			m.Notify.Run(ctx)
		}()
	}
	if l := m.Config.Ledger; opts.HTTP && l.CheckpointEvery > 0 {
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			m.checkpointLoop(ctx, l.Checkpoint, l.CheckpointEvery)
		}()
	}
	if opts.HTTP {
		ln, err := net.Listen("tcp", m.Config.HTTPAddr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", m.Config.HTTPAddr, err)
		}
		// At most MaxConnections at once: a flood queues in the kernel's
		// backlog instead of exhausting memory and file descriptors.
		m.listener = netutil.LimitListener(ln, m.Config.HTTP.MaxConnections)
		m.server = &http.Server{Handler: m.handler(ctx), ErrorLog: slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
			// A slow or stalled client cannot hold a connection for ever:
			// headers in 10 s, the whole request in 30 s, the answer (an
			// export of a quarter's ledger included) written in 2 minutes,
			// an idle keep-alive connection closed after 2.
			ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
			WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			serve := func() error { return m.server.Serve(m.listener) }
			if m.Config.TLS() {
				m.server.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
				serve = func() error { return m.server.ServeTLS(m.listener, m.Config.HTTP.TLSCert, m.Config.HTTP.TLSKey) }
			}
			if err := serve(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				m.Logger.Error("http server stopped", "err", err)
			}
		}()
		scheme := "http://"
		if m.Config.TLS() {
			scheme = "https://"
		}
		m.Logger.Info("parkfin serving", "addr", scheme+ln.Addr().String(), "secure_cookies", m.Config.SecureCookies())
	}
	return nil
}

// handler serves the JSON API under /api/ (with /healthz and /readyz) and
// the web pages everywhere else; both sign people in through one limiter.
func (m *Main) handler(ctx context.Context) http.Handler {
	limiter := signin.NewLimiter(signin.Limits{})
	password.SetMaxConcurrent(m.Config.Security.MaxHashing)
	// The web pages warm up in the background (the offices' boards
	// computed once: see web.Server.Ready); /readyz waits for it. The
	// warm-up stops when serve does, and Close waits for it before it
	// closes the store.
	webSrv := web.New(web.Config{Context: ctx,
		Engine: m.Engine, Auth: m.Store, Calendar: m.Calendar.Live(), Overrides: m.Calendar, Limiter: limiter,
		SessionTTL: m.Config.HTTP.SessionTTL, SecureCookies: m.Config.SecureCookies(), BehindProxy: m.Config.HTTP.BehindProxy,
		TrustedProxies: m.Config.HTTP.TrustedProxies, Policy: m.Config.Policy(),
		Demo: m.Config.Demo, Poll: m.Config.HTTP.Poll, Logger: m.Logger, Notify: m.Notify, Report: m.Report, Warm: true,
	})
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		_ = webSrv.Ready(context.Background())
	}()
	ready := append(m.readyChecks(), api.Check{Name: "warm_up", Ping: webSrv.Ready, Failing: "pending"})
	apiSrv := api.New(api.Config{
		Engine: m.Engine, Auth: m.Store, Calendar: m.Calendar, Ready: ready, Logger: m.Logger, Limiter: limiter,
		Notify: m.Notify, NoticeKinds: all.NoticeKinds(), Report: m.Report,
		SecureCookies: m.Config.SecureCookies(), BehindProxy: m.Config.HTTP.BehindProxy, SessionTTL: m.Config.HTTP.SessionTTL,
		TrustedProxies: m.Config.HTTP.TrustedProxies, Policy: m.Config.Policy(),
	}).Handler()
	mux := http.NewServeMux()
	mux.Handle("/api/", apiSrv)
	mux.Handle("/healthz", apiSrv)
	mux.Handle("/readyz", apiSrv)
	mux.Handle("/metrics", metricsRoute(m.Metrics.Handler(m.Config.HTTP.MetricsToken)))
	mux.Handle("/", webSrv.Handler())
	var accessLog *slog.Logger
	if m.Config.HTTP.AccessLog {
		accessLog = slog.New(slog.NewJSONHandler(m.logOut, nil))
	}
	return accesslog.Handler(accesslog.Config{Logger: accessLog, Observe: m.Metrics.ObserveRequest}, mux)
}

// metricsRoute names the /metrics route in the access log.
func metricsRoute(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accesslog.SetRoute(r.Context(), "/metrics")
		h.ServeHTTP(w, r)
	})
}

// reloadCalendar picks up calendar overrides that an administrator entered
// through another process, every ReconcileEvery, until ctx is done, and
// recomputes the deadlines that were provisional for want of a year's
// notice. It does so once at once: a year's file may have been added to
// <data_dir>/calendar since the last run.
func (m *Main) reloadCalendar(ctx context.Context) {
	t := time.NewTicker(m.Config.Worker.ReconcileEvery)
	defer t.Stop()
	watch := &yearWatch{log: m.Logger}
	for {
		m.recompute(ctx)
		watch.check(m.Calendar.Live().Current(), m.Clock.Now())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := m.Calendar.Reload(ctx); err != nil && ctx.Err() == nil {
				m.Logger.Warn("calendar overrides not reloaded", "err", err)
			}
		}
	}
}

// recompute recomputes provisional deadlines with the calendar in force.
func (m *Main) recompute(ctx context.Context) {
	n, err := m.Engine.RecomputeProvisional(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		m.Logger.Warn("provisional deadlines not recomputed", "err", err)
	case n > 0:
		m.Logger.Info("provisional deadlines recomputed with the calendar in force", "cases", n)
	}
}

// yearWatch logs, once a day from 1 November, that next year's holiday
// arrangement has not been entered: deadlines reaching into it are
// provisional until it is.
type yearWatch struct {
	log    *slog.Logger
	logged calendar.Date
}

// check logs the missing year at most once per Shanghai day; it reports
// whether it logged.
func (w *yearWatch) check(cal *calendar.Calendar, now time.Time) bool {
	year, missing := cal.MissingNextYear(now)
	today := calendar.DateOf(now)
	if !missing || w.logged == today {
		return false
	}
	w.logged = today
	w.log.Warn("next year's holiday arrangement is not entered: deadlines reaching into it are provisional (Monday to Friday) until an administrator enters the State Council notice",
		"year", year, "how", "PUT /api/v1/calendar/overrides/"+strconv.Itoa(year)+" or a file in <data_dir>/calendar/")
	return true
}

// Addr returns the address the HTTP server listens on.
func (m *Main) Addr() string {
	if m.listener == nil {
		return ""
	}
	return m.listener.Addr().String()
}

func (m *Main) readyChecks() []api.Check {
	checks := []api.Check{{Name: "database", Ping: m.Store.Ping}}
	if m.redis != nil {
		checks = append(checks, api.Check{Name: "redis", Ping: pingRedis(m.redis)})
	}
	return checks
}

// Close stops serving (in-flight requests and timers get ShutdownGrace plus
// a little) and closes every connection.
func (m *Main) Close() error {
	if m.cancel != nil {
		m.cancel()
	}
	var errs []error
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
		errs = append(errs, m.server.Shutdown(ctx))
		cancel()
	}
	m.wg.Wait()
	for i := len(m.closers) - 1; i >= 0; i-- {
		errs = append(errs, m.closers[i]())
	}
	m.closers = nil
	return errors.Join(errs...)
}
