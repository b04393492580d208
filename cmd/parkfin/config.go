package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
	"go.yaml.in/yaml/v3"

	"github.com/parkfin/parkfin/configs"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/report"
)

// Config is parkfin's whole configuration: the defaults of
// configs/parkfin.yaml, then the file given with --config, then the
// environment. It is validated once and passed down as plain values.
type Config struct {
	DataDir     string `yaml:"data_dir" env:"PARKFIN_DATA_DIR"`
	DatabaseURL string `yaml:"database_url" env:"PARKFIN_DATABASE_URL"`
	// DatabaseAppRole is, on PostgreSQL, the role serve and worker connect
	// as: `parkfin migrate`, run as the owner, grants it what it needs and
	// no more (INSERT and SELECT only on the ledger).
	DatabaseAppRole string `yaml:"database_app_role" env:"PARKFIN_DATABASE_APP_ROLE"`
	RedisURL        string `yaml:"redis_url" env:"PARKFIN_REDIS_URL"`
	RedisPrefix     string `yaml:"redis_prefix" env:"PARKFIN_REDIS_PREFIX"`
	HTTPAddr        string `yaml:"http_addr" env:"PARKFIN_HTTP_ADDR"`
	LogLevel        string `yaml:"log_level" env:"PARKFIN_LOG_LEVEL"`
	// DemoSetting is auto, true or false: whether serve loads the
	// demonstration data (users with one shared password) into an empty
	// database. auto means only for the embedded SQLite database.
	DemoSetting string `yaml:"demo" env:"PARKFIN_DEMO"`
	// Demo is DemoSetting resolved against the database.
	Demo bool `yaml:"-"`

	HTTP struct {
		// SecureCookies is auto, true or false. auto (the default) marks
		// session cookies Secure unless parkfin serves plain HTTP on a
		// loopback address (trying it on this machine): over TLS, and
		// behind a proxy that ends TLS, they are Secure.
		SecureCookies string `yaml:"secure_cookies" env:"PARKFIN_SECURE_COOKIES"`
		// TLSCert and TLSKey, both set, make parkfin serve HTTPS itself
		// (PEM files).
		TLSCert string `yaml:"tls_cert" env:"PARKFIN_TLS_CERT"`
		TLSKey  string `yaml:"tls_key" env:"PARKFIN_TLS_KEY"`
		// AccessLog writes one JSON line per request (method, route,
		// status, duration, user, request id) to the log stream.
		AccessLog bool `yaml:"access_log" env:"PARKFIN_ACCESS_LOG"`
		// MetricsToken, when set, is the bearer token a scraper must send
		// for /metrics; empty, /metrics answers loopback peers only.
		MetricsToken string `yaml:"metrics_token" env:"PARKFIN_METRICS_TOKEN"`
		// BehindProxy takes the client address from X-Forwarded-For, when
		// the peer is one of TrustedProxies (loopback when empty).
		BehindProxy    bool          `yaml:"behind_proxy" env:"PARKFIN_BEHIND_PROXY"`
		TrustedProxies []string      `yaml:"trusted_proxies" env:"PARKFIN_TRUSTED_PROXIES" envSeparator:","`
		SessionTTL     time.Duration `yaml:"session_ttl" env:"PARKFIN_SESSION_TTL"`
		// MaxConnections caps the connections served at once.
		MaxConnections int `yaml:"max_connections" env:"PARKFIN_HTTP_MAX_CONNECTIONS"`
		// Poll is how often the web pages' lists refresh themselves.
		Poll time.Duration `yaml:"poll" env:"PARKFIN_WEB_POLL"`
	} `yaml:"http"`

	// Security is the sign-in policy and the audit log's retention
	// (等保 2.0 level 2).
	Security struct {
		MaxFailures    int           `yaml:"max_failures" env:"PARKFIN_MAX_FAILURES"`
		FailureWindow  time.Duration `yaml:"failure_window" env:"PARKFIN_FAILURE_WINDOW"`
		LockFor        time.Duration `yaml:"lock_for" env:"PARKFIN_LOCK_FOR"`
		IdleTimeout    time.Duration `yaml:"idle_timeout" env:"PARKFIN_IDLE_TIMEOUT"`
		PasswordMaxAge time.Duration `yaml:"password_max_age" env:"PARKFIN_PASSWORD_MAX_AGE"`
		PasswordReuse  int           `yaml:"password_history" env:"PARKFIN_PASSWORD_HISTORY"`
		// MaxHashing bounds the password hashes computed at once.
		MaxHashing int `yaml:"max_hashing" env:"PARKFIN_MAX_HASHING"`
		// AuditRetention is how long the audit log is kept at least; never
		// less than 180 days.
		AuditRetention time.Duration `yaml:"audit_retention" env:"PARKFIN_AUDIT_RETENTION"`
	} `yaml:"security"`

	Calendar struct {
		Overrides []string `yaml:"overrides" env:"PARKFIN_CALENDAR_OVERRIDES" envSeparator:","`
	} `yaml:"calendar"`

	Financing struct {
		ReminderWorkdays       int `yaml:"reminder_workdays" env:"PARKFIN_REMINDER_WORKDAYS"`
		LimitWorkdays          int `yaml:"limit_workdays" env:"PARKFIN_LIMIT_WORKDAYS"`
		MaxBackdateDays        int `yaml:"max_backdate_days" env:"PARKFIN_MAX_BACKDATE_DAYS"`
		ReturnWorkdays         int `yaml:"return_workdays" env:"PARKFIN_RETURN_WORKDAYS"`
		MaxExtensions          int `yaml:"max_extensions" env:"PARKFIN_MAX_EXTENSIONS"`
		MaxExtensionWorkdays   int `yaml:"max_extension_workdays" env:"PARKFIN_MAX_EXTENSION_WORKDAYS"`
		OfficeReminderWorkdays int `yaml:"office_reminder_workdays" env:"PARKFIN_OFFICE_REMINDER_WORKDAYS"`
		OfficeLimitWorkdays    int `yaml:"office_limit_workdays" env:"PARKFIN_OFFICE_LIMIT_WORKDAYS"`
		SupplyWorkdays         int `yaml:"supply_workdays" env:"PARKFIN_SUPPLY_WORKDAYS"`
		MaxInfoRequests        int `yaml:"max_info_requests" env:"PARKFIN_MAX_INFO_REQUESTS"`
		FollowUpWorkdays       int `yaml:"follow_up_workdays" env:"PARKFIN_FOLLOW_UP_WORKDAYS"`
	} `yaml:"financing"`

	Notify NotifyConfig `yaml:"notify"`
	// Report weighs the quarterly ranking and says who is a 约谈
	// candidate (docs/indicators.md); zero values take the defaults.
	Report struct {
		Weights   report.Weights       `yaml:"weights"`
		Interview report.InterviewRule `yaml:"interview"`
	} `yaml:"report"`

	Ledger LedgerConfig `yaml:"ledger"`

	// Open batches concurrent case openings into shared transactions
	// (engine.Config.OpenBatch, OpenCommitters).
	Open struct {
		Batch      int `yaml:"batch" env:"PARKFIN_OPEN_BATCH"`
		Committers int `yaml:"committers" env:"PARKFIN_OPEN_COMMITTERS"`
	} `yaml:"open"`

	Worker struct {
		Poll           time.Duration `yaml:"poll" env:"PARKFIN_WORKER_POLL"`
		Lease          time.Duration `yaml:"lease" env:"PARKFIN_WORKER_LEASE"`
		Batch          int           `yaml:"batch" env:"PARKFIN_WORKER_BATCH"`
		Concurrency    int           `yaml:"concurrency" env:"PARKFIN_WORKER_CONCURRENCY"`
		FireBatch      int           `yaml:"fire_batch" env:"PARKFIN_WORKER_FIRE_BATCH"`
		ReconcileEvery time.Duration `yaml:"reconcile_every" env:"PARKFIN_WORKER_RECONCILE_EVERY"`
		ShutdownGrace  time.Duration `yaml:"shutdown_grace" env:"PARKFIN_WORKER_SHUTDOWN_GRACE"`
		// Follow is how often a worker with the in-process timer index
		// looks in the database for timers other processes armed.
		Follow time.Duration `yaml:"follow" env:"PARKFIN_WORKER_FOLLOW"`
	} `yaml:"worker"`
}

// LoadConfig reads the defaults, the file at path (if not empty) and the
// environment, and validates the result.
func LoadConfig(path string) (Config, error) {
	var c Config
	if err := yaml.Unmarshal(configs.Default, &c); err != nil {
		return c, fmt.Errorf("config: built-in defaults: %w", err)
	}
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config: %w", err)
		}
		if err := yaml.Unmarshal(raw, &c); err != nil {
			return c, fmt.Errorf("config: %s: %w", path, err)
		}
	}
	if err := env.Parse(&c); err != nil {
		return c, fmt.Errorf("config: environment: %w", err)
	}
	return c, c.validate()
}

// validate fills derived defaults and rejects incoherent combinations.
// Policy is the sign-in policy of the configuration.
func (c *Config) Policy() auth.Policy {
	s := c.Security
	return auth.Policy{MaxFailures: s.MaxFailures, FailureWindow: s.FailureWindow, LockFor: s.LockFor,
		IdleTimeout: s.IdleTimeout, PasswordMaxAge: s.PasswordMaxAge, HistoryDepth: s.PasswordReuse}.WithDefaults()
}

func (c *Config) validate() error {
	var errs []error
	if c.DataDir == "" {
		errs = append(errs, errors.New("data_dir is empty"))
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = "sqlite://" + filepath.Join(c.DataDir, "parkfin.db")
	}
	if !strings.HasPrefix(c.DatabaseURL, "sqlite://") && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("database_url must start with postgres:// or sqlite://"))
	}
	sqlite := strings.HasPrefix(c.DatabaseURL, "sqlite://")
	switch strings.ToLower(strings.TrimSpace(c.DemoSetting)) {
	case "", "auto":
		c.Demo = sqlite
	case "true", "on", "yes", "1":
		c.Demo = true
		if !sqlite {
			errs = append(errs, errors.New("demo is on but the database is PostgreSQL: demonstration users share one published password and are for the embedded SQLite database only; unset PARKFIN_DEMO and create users with `parkfin user create`"))
		}
	case "false", "off", "no", "0":
		c.Demo = false
	default:
		errs = append(errs, fmt.Errorf("demo is %q: it must be auto, true or false", c.DemoSetting))
	}
	if c.RedisURL != "" && strings.HasPrefix(c.DatabaseURL, "sqlite://") {
		errs = append(errs, errors.New("redis_url is set but the database is SQLite: several workers need a shared PostgreSQL database; unset PARKFIN_REDIS_URL for the embedded mode"))
	}
	if c.Financing.ReminderWorkdays < 1 || c.Financing.LimitWorkdays < 1 || c.Financing.ReminderWorkdays >= c.Financing.LimitWorkdays {
		errs = append(errs, fmt.Errorf("financing: reminder (%d) must come before the limit (%d), both at least 1 working day",
			c.Financing.ReminderWorkdays, c.Financing.LimitWorkdays))
	}
	if c.Financing.MaxBackdateDays < 0 {
		errs = append(errs, errors.New("financing.max_backdate_days is negative"))
	}
	f := c.Financing
	if f.OfficeReminderWorkdays < 1 || f.OfficeLimitWorkdays < 1 || f.OfficeReminderWorkdays >= f.OfficeLimitWorkdays {
		errs = append(errs, fmt.Errorf("financing: the offices' reminder (%d) must come before their limit (%d), both at least 1 working day",
			f.OfficeReminderWorkdays, f.OfficeLimitWorkdays))
	}
	for name, n := range map[string]int{"return_workdays": f.ReturnWorkdays, "max_extensions": f.MaxExtensions,
		"max_extension_workdays": f.MaxExtensionWorkdays, "supply_workdays": f.SupplyWorkdays,
		"max_info_requests": f.MaxInfoRequests, "follow_up_workdays": f.FollowUpWorkdays} {
		if n < 1 || n > 60 {
			errs = append(errs, fmt.Errorf("financing.%s is %d: it must be from 1 to 60", name, n))
		}
	}
	if c.Worker.Poll <= 0 || c.Worker.Poll > 10*time.Second {
		errs = append(errs, fmt.Errorf("worker.poll %v must be in (0, 10s]", c.Worker.Poll))
	}
	errs = append(errs, c.Notify.validate()...)
	if (c.HTTP.TLSCert == "") != (c.HTTP.TLSKey == "") {
		errs = append(errs, errors.New("http.tls_cert and http.tls_key go together: set both (PEM files) or neither"))
	}
	switch strings.ToLower(strings.TrimSpace(c.HTTP.SecureCookies)) {
	case "", "auto", "true", "on", "yes", "1", "false", "off", "no", "0":
	default:
		errs = append(errs, fmt.Errorf("http.secure_cookies is %q: it must be auto, true or false", c.HTTP.SecureCookies))
	}
	errs = append(errs, c.Ledger.validate()...)
	if c.HTTP.MaxConnections < 1 {
		errs = append(errs, fmt.Errorf("http.max_connections is %d: at least 1", c.HTTP.MaxConnections))
	}
	if c.Worker.Follow <= 0 || c.Worker.Follow > time.Second {
		errs = append(errs, fmt.Errorf("worker.follow %v must be in (0, 1s]: timers armed by other processes fire within a second", c.Worker.Follow))
	}
	if c.Open.Batch < 1 || c.Open.Batch > 500 {
		errs = append(errs, fmt.Errorf("open.batch is %d: it must be from 1 (each opening alone) to 500", c.Open.Batch))
	}
	if c.Open.Committers < 1 || c.Open.Committers > 64 {
		errs = append(errs, fmt.Errorf("open.committers is %d: it must be from 1 to 64", c.Open.Committers))
	}
	if c.Worker.Lease < time.Second {
		errs = append(errs, fmt.Errorf("worker.lease %v is shorter than a second", c.Worker.Lease))
	}
	return errors.Join(errs...)
}

// TLS reports whether parkfin serves HTTPS itself.
func (c Config) TLS() bool { return c.HTTP.TLSCert != "" && c.HTTP.TLSKey != "" }

// SecureCookies resolves http.secure_cookies: auto is Secure except for
// plain HTTP on a loopback address.
func (c Config) SecureCookies() bool {
	switch strings.ToLower(strings.TrimSpace(c.HTTP.SecureCookies)) {
	case "true", "on", "yes", "1":
		return true
	case "false", "off", "no", "0":
		return false
	}
	return c.TLS() || !loopbackAddr(c.HTTPAddr)
}

// loopbackAddr reports whether a listen address is on loopback only.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// String shows the configuration with secrets masked.
func (c Config) String() string {
	masked := c
	if masked.HTTP.MetricsToken != "" {
		masked.HTTP.MetricsToken = "xxxxx"
	}
	masked.DatabaseURL = redactURL(c.DatabaseURL)
	masked.RedisURL = redactURL(c.RedisURL)
	masked.Notify.SMTPURL = redactURL(c.Notify.SMTPURL)
	if masked.Ledger.Keys != "" {
		masked.Ledger.Keys = "(set)"
	}
	out, _ := yaml.Marshal(masked)
	return string(out)
}

func redactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable)"
	}
	return u.Redacted()
}
