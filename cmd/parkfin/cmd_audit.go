package main

import (
	"fmt"
	"io"
	"os/user"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
)

// operator names the person at the command line: the operating-system
// user, as the audit log and the ledger record it.
func operator() string {
	name := "unknown"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	return "operator:" + name
}

func (c *cli) auditCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "the security audit log (安全审计日志)"}
	cmd.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "prove that no audit entry was changed, removed or inserted",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				r, err := audit.Verify(c.ctx, m.Store)
				if err != nil {
					return err
				}
				if err := c.emit(map[string]any{"ok": r.OK(), "entries": r.Entries, "first": r.First, "last": r.Last,
					"broken": r.Broken}, func(w io.Writer) {
					if r.OK() {
						fmt.Fprintf(w, "audit log intact: %d entries (%d..%d)\n", r.Entries, r.First, r.Last)
					}
				}); err != nil {
					return err
				}
				if !r.OK() {
					return engine.Errorf(engine.ELEDGERBROKEN, "安全审计日志校验失败：%s", "Audit log verification failed: %s",
						strings.Join(r.Broken, "; "))
				}
				return nil
			})
		},
	})
	var olderThan time.Duration
	purge := &cobra.Command{
		Use:   "purge",
		Short: "delete audit entries older than --older-than (never younger than the retention, at least 180 days)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				if err := audit.CheckRetention(olderThan, m.Config.Security.AuditRetention); err != nil {
					return err
				}
				now := m.Engine.Clock().Now()
				op := operator()
				e := audit.Entry{At: now, Actor: op, ActorRole: "operator", Via: "cli", Action: audit.AuditPurge,
					Target: "audit_log", Result: audit.OK}
				n, err := m.Store.PurgeAudit(c.ctx, now.Add(-olderThan), &e)
				if err != nil {
					return err
				}
				return c.emit(map[string]any{"purged": n, "before": now.Add(-olderThan)}, func(w io.Writer) {
					fmt.Fprintf(w, "purged %d audit entries older than %s\n", n, now.Add(-olderThan).Format(time.RFC3339))
				})
			})
		},
	}
	purge.Flags().DurationVar(&olderThan, "older-than", 0, "age of the entries to delete, e.g. 4320h (180 days)")
	_ = purge.MarkFlagRequired("older-than")
	cmd.AddCommand(purge)
	return cmd
}
