// Package metrics keeps parkfin's Prometheus metrics (client_golang) and
// serves them at /metrics: requests by route and status, transitions by
// workflow and event, timers pending, firing and late, the outbox's depth,
// the database pool, Redis errors, the committers of case openings and the
// password hashes under their bound.
// Only this machine, or a scraper that presents the configured bearer
// token, may read them.
package metrics

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/password"
	"github.com/parkfin/parkfin/locale"
)

// Metrics is one process's registry and the metrics parkfin updates.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	transitions *prometheus.CounterVec
	firing      prometheus.Gauge
	lateness    prometheus.Histogram
	redisErrors prometheus.Counter
	openBatch   prometheus.Histogram
	committers  prometheus.Counter
}

// New returns the metrics with the Go runtime's and the process's.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "parkfin_http_requests_total",
			Help: "HTTP requests answered, by method, route pattern and status."}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "parkfin_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .03, .05, .1, .25, .5, 1, 2.5, 10}}, []string{"route"}),
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "parkfin_transitions_total",
			Help: "Case transitions committed, by workflow and event."}, []string{"workflow", "event"}),
		firing: prometheus.NewGauge(prometheus.GaugeOpts{Name: "parkfin_timers_firing",
			Help: "Timers this process is firing now."}),
		lateness: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "parkfin_timer_lateness_seconds",
			Help:    "How long after its due instant a timer fired.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2, 5, 30, 60, 300}}),
		redisErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "parkfin_redis_errors_total",
			Help: "Redis commands that failed (a missing key is not a failure)."}),
		openBatch: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "parkfin_open_batch_openings",
			Help:    "Case openings a committer took into one transaction (open.batch).",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 500}}),
		committers: prometheus.NewCounter(prometheus.CounterOpts{Name: "parkfin_open_committer_seconds_total",
			Help: "Time the committers of case openings were busy with a batch; near 1 per committer with batches growing means openings queue."}),
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration, m.transitions, m.firing, m.lateness, m.redisErrors, m.openBatch, m.committers)
	// The password hashes (sign-ins, password changes), bounded in the
	// process: under a flood of sign-ins those running stay at the bound
	// and the rest wait.
	hashes := func(name, help string, read func(running, waiting, bound int) int) {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
			func() float64 { return float64(read(password.Load())) }))
	}
	hashes("parkfin_password_hashes_running", "Password hashes computing now (sign-ins, password changes).",
		func(r, _, _ int) int { return r })
	hashes("parkfin_password_hashes_waiting", "Password hashes waiting for a place under the bound (security.max_hashing).",
		func(_, w, _ int) int { return w })
	hashes("parkfin_password_hashes_max", "Password hashes computed at once at most (security.max_hashing), about 19 MiB each.",
		func(_, _, b int) int { return b })
	return m
}

// Registry returns the registry, for tests and further collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveRequest counts an answered request (accesslog.Observer).
func (m *Metrics) ObserveRequest(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

// Transitions counts committed transitions (engine.OnTransition).
func (m *Metrics) Transitions(moves []engine.Move) {
	for _, mv := range moves {
		m.transitions.WithLabelValues(mv.Workflow, mv.Event).Inc()
	}
}

// OpenBatch records a batch of case openings and how long its committer
// was busy with it (engine.OnOpenBatch).
func (m *Metrics) OpenBatch(openings int, held time.Duration) {
	m.openBatch.Observe(float64(openings))
	m.committers.Add(held.Seconds())
}

// Firing follows the timers being fired (engine.TimerObserver).
func (m *Metrics) Firing(delta int) { m.firing.Add(float64(delta)) }

// Fired records how late a timer fired (engine.TimerObserver).
func (m *Metrics) Fired(late time.Duration) { m.lateness.Observe(max(late, 0).Seconds()) }

// DB adds the database pool's figures: connections open, in use, idle,
// waits.
func (m *Metrics) DB(db *sql.DB) {
	m.reg.MustRegister(collectors.NewDBStatsCollector(db, "parkfin"))
}

// Count adds a gauge read by a query at each scrape (timers pending, the
// outbox's depth); a failed query reports -1.
func (m *Metrics) Count(name, help string, count func(ctx context.Context) (int64, error)) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := count(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	}))
}

// Counter adds a counter read from a function at each scrape.
func (m *Metrics) Counter(name, help string, labels prometheus.Labels, read func() uint64) {
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels},
		func() float64 { return float64(read()) }))
}

// RedisHook counts failed Redis commands; add it to a client with AddHook.
func (m *Metrics) RedisHook() redis.Hook { return redisHook{m.redisErrors} }

type redisHook struct{ errs prometheus.Counter }

func (h redisHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := next(ctx, network, addr)
		if err != nil {
			h.errs.Inc()
		}
		return c, err
	}
}

func (h redisHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if err != nil && !errors.Is(err, redis.Nil) {
			h.errs.Inc()
		}
		return err
	}
}

func (h redisHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, c := range cmds {
			if e := c.Err(); e != nil && !errors.Is(e, redis.Nil) {
				h.errs.Inc()
			}
		}
		return err
	}
}

// Handler serves the metrics to a scraper on this machine (a loopback peer
// with no X-Forwarded-For: not relayed by a proxy) or, when token is set,
// only to one that sends "Authorization: Bearer <token>".
func (m *Metrics) Handler(token string) http.Handler {
	inner := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowed(r, token) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			if token != "" {
				w.Header().Set("WWW-Authenticate", `Bearer realm="parkfin-metrics"`)
			}
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(locale.T(locale.ZH, "http.metrics_forbidden") + "\n" + locale.T(locale.EN, "http.metrics_forbidden") + "\n"))
			return
		}
		inner.ServeHTTP(w, r)
	})
}

func allowed(r *http.Request, token string) bool {
	if token != "" {
		got, ok := bearer(r.Header.Get("Authorization"))
		return ok && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
	}
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func bearer(h string) (string, bool) {
	const prefix = "Bearer "
	if len(h) <= len(prefix) || !equalFold(h[:len(prefix)], prefix) {
		return "", false
	}
	return h[len(prefix):], true
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
