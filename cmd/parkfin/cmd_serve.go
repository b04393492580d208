package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/report"
)

func (c *cli) serveCmd() *cobra.Command {
	var noWorker bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "serve HTTP and fire timers (the embedded mode migrates and loads demo data on first run)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.runUntilStopped(ServeOptions{HTTP: true, Worker: !noWorker}, func(m *Main) error {
				if noWorker && m.Config.RedisURL == "" {
					m.Logger.Warn("serve --no-worker with the in-process timer index: no timer fires in this process")
				}
				return m.SeedDemoIfEmpty(c.ctx)
			})
		},
	}
	cmd.Flags().BoolVar(&noWorker, "no-worker", false, "do not fire timers in this process (run `parkfin worker` instead)")
	return cmd
}

func (c *cli) workerCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "worker",
		Short: "claim and fire due timers; run as many as you like against one PostgreSQL and one Redis",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.runUntilStopped(ServeOptions{Worker: true}, nil)
		},
	}
}

// runUntilStopped opens a Main with its timer index (the embedded SQLite
// database is migrated; PostgreSQL deployments run `parkfin migrate` once
// first), runs before, serves opts until the command is told to stop
// (SIGINT, SIGTERM), then closes it.
func (c *cli) runUntilStopped(opts ServeOptions, before func(m *Main) error) error {
	m, err := c.open(OpenOptions{Index: true})
	if err != nil {
		return err
	}
	gcDefaults(os.Getenv, m.Logger)
	if before != nil {
		if err := before(m); err != nil {
			m.Close()
			return err
		}
	}
	if err := m.Serve(c.ctx, opts); err != nil {
		m.Close()
		return err
	}
	<-c.ctx.Done()
	m.Logger.Info("stopping")
	return m.Close()
}

func (c *cli) migrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "apply the database migrations (as the database owner; grants the app role on PostgreSQL)",
		Long: `Apply the database migrations.

On PostgreSQL two roles are used: the owner, which runs this command
(PARKFIN_DATABASE_URL names it here) and owns every table, and the app role
that serve and worker connect as. With PARKFIN_DATABASE_APP_ROLE set, this
command grants that role what serving needs: SELECT, INSERT, UPDATE and
DELETE on the tables, but only INSERT and SELECT on the ledger, and SELECT
and UPDATE on the ledger's chain head. The app role owns nothing, so it
cannot disable the ledger's triggers either. docs/ledger.md says more.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := LoadConfig(c.configPath)
			if err != nil {
				return err
			}
			// The store alone: Main.Open reads tables the migrations create.
			store, err := sqlstore.Open(c.ctx, cfg.DatabaseURL, sqlstore.Options{})
			if err != nil {
				return err
			}
			defer store.Close()
			applied, err := store.Migrate(c.ctx)
			if err != nil {
				return err
			}
			if err := report.Migrate(c.ctx, store.DB(), store.Dialect() == sqlstore.Postgres); err != nil {
				return err
			}
			// Make the ledger key on first run, before serve and worker
			// need it (they share the data directory in compose).
			if _, err := ledgerKeys(cfg, slog.New(slog.NewTextHandler(c.stderr, nil))); err != nil {
				return err
			}
			if cfg.DatabaseAppRole != "" {
				if err := store.GrantApp(c.ctx, cfg.DatabaseAppRole); err != nil {
					return err
				}
			}
			return c.emit(map[string]any{"applied": applied, "app_role": cfg.DatabaseAppRole}, func(w io.Writer) {
				if len(applied) == 0 {
					fmt.Fprintln(w, "ok: the database is up to date")
				}
				for _, a := range applied {
					fmt.Fprintln(w, "applied", a)
				}
				if cfg.DatabaseAppRole != "" {
					fmt.Fprintf(w, "granted %s what serve and worker need (INSERT and SELECT only on the ledger)\n", cfg.DatabaseAppRole)
				}
			})
		},
	}
}

func isSQLite(url string) bool { return len(url) >= 9 && url[:9] == "sqlite://" }
