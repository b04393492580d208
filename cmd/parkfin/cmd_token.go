package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
)

func (c *cli) tokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "personal API tokens (Bearer) for machines"}
	cmd.AddCommand(c.tokenIssueCmd(), c.tokenRevokeCmd())
	return cmd
}

func (c *cli) tokenIssueCmd() *cobra.Command {
	var (
		user, name string
		days       int
	)
	cmd := &cobra.Command{
		Use:   "issue --user NAME",
		Short: "issue a personal API token and print it, alone, on stdout (it is shown only this once)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if days < 1 || days > 366 {
				return engine.Errorf(engine.EINVALID, "--ttl-days 应在 1 到 366 之间。", "--ttl-days must be between 1 and 366.")
			}
			return c.withMain(OpenOptions{}, func(m *Main) error {
				now := m.Clock.Now()
				secret, t, err := auth.IssueToken(c.ctx, m.Store, m.Store, user, name, now, time.Duration(days)*24*time.Hour)
				if err != nil {
					return err
				}
				ev := cliAdmin().Entry(audit.TokenIssue, user, audit.OK, t.ID+" "+name+"（命令行签发）")
				ev.At = now
				if err := m.Store.AppendAudit(c.ctx, &ev); err != nil {
					return err
				}
				_, err = fmt.Fprintln(c.stdout, secret)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "the user the token acts as")
	cmd.Flags().StringVar(&name, "name", "cli", "what the token is for")
	cmd.Flags().IntVar(&days, "ttl-days", 90, "days until the token expires")
	_ = cmd.MarkFlagRequired("user")
	return cmd
}

func (c *cli) tokenRevokeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID",
		Short: "revoke a token by its ID",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				t, err := m.Store.Token(c.ctx, args[0])
				if err != nil {
					return err
				}
				now := m.Clock.Now()
				if err := m.Store.RevokeToken(c.ctx, t.ID, now); err != nil {
					return err
				}
				ev := cliAdmin().Entry(audit.TokenRevoke, t.User, audit.OK, t.ID)
				ev.At = now
				return m.Store.AppendAudit(c.ctx, &ev)
			})
		},
	}
}
