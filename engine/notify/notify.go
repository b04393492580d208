// Package notify delivers what the engine's outbox says: each notice a
// transition wrote in its own transaction becomes, after the commit, a row
// in the in-app inbox of every user it concerns (exactly once: one row per
// notice and user) and deliveries on the channels those users and their
// organisations chose — e-mail over SMTP, WeCom group robots, signed
// webhooks — sent at least once, each with an idempotency key, retried with
// exponential backoff and jitter for up to a day, then kept in a dead-letter
// list for an administrator.
//
// Two stages, both safe with any number of processes:
//
//   - Dispatch claims pending notices with SELECT … FOR UPDATE SKIP LOCKED
//     (SQLite has one writer) and, in the same transaction, writes the inbox
//     rows and the deliveries and marks the notices done: a dispatcher that
//     dies rolls back and the notices wait for the next.
//   - Send claims due deliveries of one channel with a lease (their next_at
//     moves to the lease's end) and sends them outside any transaction; a
//     sender killed holding claims leaves them to whoever claims after the
//     lease. Each channel has its own loop, so a mail server that is down
//     does not hold up the robots.
package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/sqlstore"
)

// The channels.
const (
	// Inbox is the in-app inbox; it is written by the dispatcher itself.
	Inbox = "inbox"
	// Email is e-mail over SMTP.
	Email = "email"
	// WeCom is a WeCom (企业微信) group robot.
	WeCom = "wecom"
	// Webhook is a generic signed webhook.
	Webhook = "webhook"
	// DingTalk is a DingTalk (钉钉) group robot with signed requests.
	DingTalk = "dingtalk"
)

// isRobot reports whether a channel's destinations are organisations'
// robots and webhooks (rather than users).
func isRobot(ch string) bool { return ch == WeCom || ch == Webhook || ch == DingTalk }

// UserChannels lists the channels a user may choose; robots and webhooks
// belong to organisations.
var UserChannels = []string{Inbox, Email}

// DefaultUserChannels are a user's channels for a kind without a choice.
var DefaultUserChannels = []string{Inbox, Email}

// Config holds what a Service is built from. Zero fields take defaults.
type Config struct {
	Store  *sqlstore.Store
	Clock  engine.Clock
	Logger *slog.Logger
	// Templates renders the messages; nil means the catalogue's defaults.
	Templates *Templates
	// Senders are the channels that send (not the inbox), by name. A
	// channel without a sender is not offered: no delivery is written for
	// it (e-mail without PARKFIN_SMTP_URL).
	Senders map[string]Sender
	// BaseURL makes the links to cases, e.g. https://parkfin.example.cn.
	BaseURL string
	// Lease is how long a claimed delivery stays with its sender. Default 1m.
	Lease time.Duration
	// Poll is the longest a loop sleeps between looks. Default 1s.
	Poll time.Duration
	// MaxAge is how long a delivery is retried before it is dead. Default 24h.
	MaxAge time.Duration
	// BackoffBase is the first retry's delay (before jitter); it doubles
	// with each attempt up to BackoffMax. Defaults 5s and 1h.
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// Batch is how many rows one claim takes. Default 256.
	Batch int
	// Concurrency is how many deliveries of one channel are sent at once.
	// Default 16.
	Concurrency int
	// InboxRetention is how long inbox rows are kept. Default 180 days.
	InboxRetention time.Duration
	// RateLimits caps messages per destination of a channel, per minute
	// (WeCom and DingTalk robots: 20). Messages over the limit wait; none
	// is dropped.
	RateLimits map[string]int
	// Redis, when set, carries wake-ups between processes: a notice
	// written by one process wakes the dispatchers of all at once, rather
	// than at their next poll. RedisPrefix prefixes its channel's name.
	Redis       redis.UniversalClient
	RedisPrefix string
	// Calendar decides the digest's working days; nil means no digest.
	Calendar Workdays
	// DigestAt is the Beijing time of day of the daily digest. Default 08:30.
	DigestAt time.Duration
	// Digest says what the digest lists; a zero Workflow means no digest.
	Digest DigestConfig
}

// Service runs the dispatcher, the senders and the digest, and answers the
// inbox, settings and dead-letter queries.
type Service struct {
	cfg     Config
	db      *gorm.DB
	dialect sqlstore.Dialect
	clock   engine.Clock
	log     *slog.Logger
	tpl     *Templates
	wake    chan struct{}
	// sendWake wakes each channel's claimer: the dispatcher wrote
	// deliveries of the channel.
	sendWake map[string]chan struct{}
	// pubMu guards publishing (a wake-up is being published to the other
	// processes, Config.Redis) and again (Wake was called meanwhile): a
	// burst of Wake calls publishes once or twice, from one goroutine.
	pubMu      sync.Mutex
	publishing bool
	again      bool
	// id names this service in the wake-ups it publishes, so that it
	// does not wake itself a second time on hearing its own.
	id string
	// dir is the directory read last and dirVersion the version of the
	// database's directory it was read at (PostgreSQL; loadDirectory),
	// guarded by dirMu; refreshing is set while refreshDirectory reads it
	// anew.
	dirMu      sync.Mutex
	dir        *directory
	dirVersion int64
	refreshing atomic.Bool
	mu         sync.Mutex
	// digested is the date (Beijing) of the last digest this process
	// wrote or found written.
	digested string
	// bg runs the short tasks no Run owns, until Close.
	bg background
	// onInbox, when set, is called with the notice IDs whose inbox rows
	// were committed (benchmarks measure the latency with it).
	onInbox func(ids []string)
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Clock == nil {
		cfg.Clock = engine.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Templates == nil {
		cfg.Templates = NewTemplates("")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.Lease, time.Minute)
	def(&cfg.Poll, time.Second)
	def(&cfg.MaxAge, 24*time.Hour)
	def(&cfg.BackoffBase, 5*time.Second)
	def(&cfg.BackoffMax, time.Hour)
	def(&cfg.InboxRetention, 180*24*time.Hour)
	def(&cfg.DigestAt, 8*time.Hour+30*time.Minute)
	if cfg.Batch <= 0 {
		cfg.Batch = 256
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 16
	}
	if cfg.RateLimits == nil {
		cfg.RateLimits = map[string]int{WeCom: 20, DingTalk: 20}
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	s := &Service{
		cfg: cfg, db: cfg.Store.DB(), dialect: cfg.Store.Dialect(), clock: cfg.Clock, log: cfg.Logger,
		tpl: cfg.Templates, wake: make(chan struct{}, 1), sendWake: map[string]chan struct{}{},
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	s.id = hex.EncodeToString(id[:])
	for ch := range cfg.Senders {
		s.sendWake[ch] = make(chan struct{}, 1)
	}
	return s
}

// Wake makes the dispatcher look at the outbox now: a transition wrote a
// notice. Register it with Engine.OnNotice. With Config.Redis, the
// dispatchers of the other processes are woken too.
func (s *Service) Wake() {
	signal(s.wake)
	if s.cfg.Redis == nil {
		return
	}
	s.pubMu.Lock()
	defer s.pubMu.Unlock()
	if s.publishing {
		s.again = true
		return
	}
	s.publishing = s.bg.start(s.publishWakes)
}

// signal sends on a wake-up channel of capacity one, unless a wake-up is
// pending already.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// OnInbox registers fn, called after each dispatch with the IDs of the
// notices whose inbox rows were committed.
func (s *Service) OnInbox(fn func(ids []string)) { s.onInbox = fn }

// now reads the clock at the microsecond precision the databases keep.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// forUpdate is the locking clause of a claim: rows other dispatchers or
// senders hold are skipped, not waited for. SQLite has one writer at a time.
func (s *Service) forUpdate() string {
	if s.dialect == sqlstore.Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// Link returns the address of a case for people.
func (s *Service) Link(caseNumber string) string {
	if caseNumber == "" {
		return s.cfg.BaseURL + "/"
	}
	return s.cfg.BaseURL + "/cases/" + caseNumber
}

func token() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Run dispatches, sends, digests and purges until ctx is done: one loop for
// the outbox, one per sending channel, one for the daily digest and the
// inbox's retention.
func (s *Service) Run(ctx context.Context) {
	done := make(chan struct{})
	n := 1
	if s.cfg.Redis != nil {
		n++
		go func() { s.runBus(ctx); done <- struct{}{} }()
	}
	// On PostgreSQL two dispatch transactions overlap (SKIP LOCKED gives
	// each its own notices): one expands a batch while the other's commit
	// is written. SQLite has one writer.
	lanes := 1
	if s.dialect == sqlstore.Postgres {
		lanes = 2
	}
	for i := 0; i < lanes; i++ {
		n++
		go func() { s.runDispatch(ctx); done <- struct{}{} }()
	}
	n--
	for name := range s.cfg.Senders {
		n++
		go func(ch string) { s.runChannel(ctx, ch); done <- struct{}{} }(name)
	}
	n++
	go func() { s.runDaily(ctx); done <- struct{}{} }()
	for i := 0; i < n; i++ {
		<-done
	}
}

// dispatchGap is the least time between the starts of two dispatches of
// the loop: under a stream of commits, the notices of each gap are
// expanded in one transaction rather than a few at a time. A run costs a
// transaction, its reads and its commit whatever it takes: at 100 ms a
// stream of 1,500 openings a second is dispatched in about ten runs a
// second rather than forty, and a notice waits at most 100 ms more.
const dispatchGap = 100 * time.Millisecond

func (s *Service) runDispatch(ctx context.Context) {
	for ctx.Err() == nil {
		next := time.Now().Add(dispatchGap)
		if _, err := s.Dispatch(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("notify: dispatch failed; the notices wait in the outbox", "err", err)
		}
		t := time.NewTimer(s.cfg.Poll)
		select {
		case <-ctx.Done():
		case <-s.wake:
		case <-t.C:
		}
		t.Stop()
		if d := time.Until(next); d > 0 {
			gap := time.NewTimer(d)
			select {
			case <-ctx.Done():
			case <-gap.C:
			}
			gap.Stop()
		}
	}
}

func (s *Service) runDaily(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		if _, err := s.Digest(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("notify: daily digest failed", "err", err)
		}
		if _, err := s.PurgeInbox(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("notify: inbox purge failed", "err", err)
		}
		if err := s.tpl.Reload(); err != nil {
			s.log.Warn("notify: templates not reloaded", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Drain dispatches and sends everything due now, channel by channel, until
// nothing is left that is due; tests and the CLI use it with a fake clock.
// It returns how many deliveries it sent.
func (s *Service) Drain(ctx context.Context) (int, error) {
	if _, err := s.Dispatch(ctx); err != nil {
		return 0, err
	}
	total := 0
	for ch := range s.cfg.Senders {
		for {
			n, err := s.SendDue(ctx, ch)
			if err != nil {
				return total, err
			}
			if n == 0 {
				break
			}
			total += n
		}
	}
	return total, nil
}
