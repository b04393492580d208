package main

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/workflows/financing"
)

// NotifyConfig configures notifications (engine/notify).
type NotifyConfig struct {
	SMTPURL        string        `yaml:"smtp_url" env:"PARKFIN_SMTP_URL"`
	SMTPFrom       string        `yaml:"smtp_from" env:"PARKFIN_SMTP_FROM"`
	BaseURL        string        `yaml:"base_url" env:"PARKFIN_BASE_URL"`
	Poll           time.Duration `yaml:"poll" env:"PARKFIN_NOTIFY_POLL"`
	Lease          time.Duration `yaml:"lease" env:"PARKFIN_NOTIFY_LEASE"`
	MaxAge         time.Duration `yaml:"max_age" env:"PARKFIN_NOTIFY_MAX_AGE"`
	WeComPerMinute int           `yaml:"wecom_per_minute" env:"PARKFIN_WECOM_PER_MINUTE"`
	DigestAt       time.Duration `yaml:"digest_at" env:"PARKFIN_DIGEST_AT"`
	InboxDays      int           `yaml:"inbox_days" env:"PARKFIN_INBOX_DAYS"`
}

func (n NotifyConfig) validate() []error {
	var errs []error
	if n.SMTPURL != "" {
		u, err := url.Parse(n.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			errs = append(errs, errors.New("notify.smtp_url must be smtp://user:pass@host:587 or smtps://user:pass@host:465"))
		}
		if n.SMTPFrom == "" {
			errs = append(errs, errors.New("notify.smtp_from is empty but smtp_url is set"))
		}
	}
	if u, err := url.Parse(n.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("notify.base_url %q must be http(s)://host[:port][/path]", n.BaseURL))
	}
	if n.Poll <= 0 || n.Lease < time.Second || n.MaxAge < time.Minute {
		errs = append(errs, errors.New("notify: poll must be positive, lease at least 1s, max_age at least 1m"))
	}
	if n.WeComPerMinute < 1 || n.InboxDays < 1 || n.DigestAt < 0 || n.DigestAt >= 24*time.Hour {
		errs = append(errs, errors.New("notify: wecom_per_minute and inbox_days must be at least 1, digest_at a time of day"))
	}
	return errs
}

// workdays answers the digest's question with the calendar in force.
type workdays struct{ o *calendar.Overrides }

func (w workdays) IsWorkday(d calendar.Date) (bool, error) { return w.o.Live().Current().IsWorkday(d) }

// openNotify builds the notification service: e-mail when an SMTP server
// is configured, WeCom robots and webhooks always, templates overridable in
// <data_dir>/templates.
func (m *Main) openNotify() error {
	cfg := m.Config.Notify
	senders := map[string]notify.Sender{
		notify.WeCom:    notify.NewWeComSender(m.Clock),
		notify.Webhook:  notify.NewWebhookSender(m.Clock),
		notify.DingTalk: notify.NewDingTalkSender(m.Clock),
	}
	if cfg.SMTPURL != "" {
		mailer, err := notify.NewSMTPSender(notify.SMTPConfig{URL: cfg.SMTPURL, From: cfg.SMTPFrom, Clock: m.Clock})
		if err != nil {
			return err
		}
		senders[notify.Email] = mailer
	}
	m.Notify = notify.New(notify.Config{
		Store: m.Store, Clock: m.Clock, Logger: m.Logger,
		Templates: notify.NewTemplates(filepath.Join(m.Config.DataDir, "templates")),
		Senders:   senders, BaseURL: cfg.BaseURL, Lease: cfg.Lease, Poll: cfg.Poll, MaxAge: cfg.MaxAge,
		RateLimits:     map[string]int{notify.WeCom: cfg.WeComPerMinute, notify.DingTalk: cfg.WeComPerMinute},
		InboxRetention: time.Duration(cfg.InboxDays) * 24 * time.Hour,
		Calendar:       workdays{m.Calendar}, DigestAt: cfg.DigestAt,
		// With Redis, a notice written by serve wakes the worker's
		// dispatcher at once (and the reverse).
		Redis: m.redis, RedisPrefix: m.Config.RedisPrefix,
		Digest: notify.DigestConfig{Workflow: financing.Name, OpenStates: financing.OpenStates,
			Assignee: financing.RelLeadBank, Supervisor: financing.RelCounty},
	})
	m.Engine.OnNotice(m.Notify.Wake)
	// Opened after the store and the Redis client, it is closed before
	// them (the closers run in reverse): its wake-ups and directory reads
	// in the background end first.
	m.closers = append(m.closers, m.Notify.Close)
	return nil
}
