package main

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// registerStoreMetrics adds the gauges read from the database at each
// scrape: timers pending and late, the outbox's depth, deliveries waiting,
// and the connection pool.
func (m *Main) registerStoreMetrics() {
	db := m.Store.DB()
	count := func(q string, args ...func() any) func(ctx context.Context) (int64, error) {
		return func(ctx context.Context) (int64, error) {
			vals := make([]any, len(args))
			for i, a := range args {
				vals[i] = a()
			}
			var n int64
			err := db.WithContext(ctx).Raw(q, vals...).Scan(&n).Error
			return n, err
		}
	}
	lateBefore := func() any { return m.Clock.Now().Add(-time.Second).UTC() }
	m.Metrics.Count("parkfin_timers_pending", "Timers armed and not yet fired.",
		count("SELECT count(*) FROM timers WHERE status = 'pending'"))
	m.Metrics.Count("parkfin_timers_late", "Pending timers more than a second past their due instant.",
		count("SELECT count(*) FROM timers WHERE status = 'pending' AND due_at < ?", lateBefore))
	m.Metrics.Count("parkfin_outbox_depth", "Notices written by transitions and not yet dispatched.",
		count("SELECT count(*) FROM outbox WHERE status = 'pending'"))
	m.Metrics.Count("parkfin_deliveries_pending", "Messages (e-mail, robots, webhooks) waiting to be sent.",
		count("SELECT count(*) FROM deliveries WHERE status = 'pending'"))
	if sqlDB, err := db.DB(); err == nil {
		m.Metrics.DB(sqlDB)
	}
	const rerunHelp = "Transactions of openings run again because the directory or the case numbers this process kept had changed (PostgreSQL)."
	m.Metrics.Counter("parkfin_transactions_rerun_total", rerunHelp, prometheus.Labels{"changed": "directory"},
		func() uint64 { d, _ := m.Store.Reruns(); return d })
	m.Metrics.Counter("parkfin_transactions_rerun_total", rerunHelp, prometheus.Labels{"changed": "numbers"},
		func() uint64 { _, n := m.Store.Reruns(); return n })
	const tokenHelp = "Bearer tokens looked up, answered from what this process kept (kept) or read from the database (database). PostgreSQL."
	m.Metrics.Counter("parkfin_token_lookups_total", tokenHelp, prometheus.Labels{"from": "kept"},
		func() uint64 { k, _ := m.Store.TokenLookups(); return k })
	m.Metrics.Counter("parkfin_token_lookups_total", tokenHelp, prometheus.Labels{"from": "database"},
		func() uint64 { _, r := m.Store.TokenLookups(); return r })
}
