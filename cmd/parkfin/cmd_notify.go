package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/parkfin/parkfin/engine/notify"
)

func (c *cli) notifyCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "notify", Short: "notifications: dead letters, group robots and webhooks, sending now"}
	cmd.AddCommand(c.notifyDeadCmd(), c.notifyRetryCmd(), c.notifyDiscardCmd(), c.notifyRobotCmd(), c.notifyDrainCmd())
	return cmd
}

func (c *cli) notifyDeadCmd() *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "dead",
		Short: "list deliveries that failed for good (refused, or failing for 24 hours)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				dead, err := m.Notify.DeadLetters(c.ctx, limit)
				if err != nil {
					return err
				}
				return c.emit(dead, func(w io.Writer) {
					fmt.Fprintln(w, "ID\tCHANNEL\tRECIPIENT\tATTEMPTS\tSUBJECT\tLAST ERROR")
					for _, d := range dead {
						fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\n", d.ID, d.Channel, d.Recipient, d.Attempts, d.Subject, d.LastError)
					}
				})
			})
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many")
	return cmd
}

func (c *cli) notifyRetryCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "retry ID",
		Short: "give a dead letter another day of attempts, starting now",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error { return m.Notify.Retry(c.ctx, args[0]) })
		},
	}
}

func (c *cli) notifyDiscardCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "discard ID",
		Short: "drop a dead letter from the list",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error { return m.Notify.Discard(c.ctx, args[0]) })
		},
	}
}

func (c *cli) notifyDrainCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "drain",
		Short: "dispatch the outbox and send everything due now, then exit",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				n, err := m.Notify.Drain(c.ctx)
				if err != nil {
					return err
				}
				return c.emit(map[string]int{"attempted": n}, func(w io.Writer) { fmt.Fprintf(w, "ok: %d deliveries attempted\n", n) })
			})
		},
	}
}

func (c *cli) notifyRobotCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "robot", Short: "an organisation's WeCom group robots (企业微信群机器人) and webhooks"}
	var (
		org, channel, url, secret, kinds string
	)
	add := &cobra.Command{
		Use:   "add --org CODE --channel wecom|dingtalk|webhook --url URL [--secret S] [--kinds breach,warning]",
		Short: "add a robot or webhook to an organisation (a bank, a county office, city, pboc)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				var ks []string
				for _, k := range strings.Split(kinds, ",") {
					if k = strings.TrimSpace(k); k != "" {
						ks = append(ks, k)
					}
				}
				r, err := m.Notify.AddRobot(c.ctx, notify.Robot{Org: org, Channel: channel, URL: url, Secret: secret, Kinds: ks})
				if err != nil {
					return err
				}
				return c.emit(map[string]string{"id": r.ID}, func(w io.Writer) { fmt.Fprintln(w, r.ID) })
			})
		},
	}
	add.Flags().StringVar(&org, "org", "", "the organisation's code")
	add.Flags().StringVar(&channel, "channel", notify.WeCom, "wecom, dingtalk or webhook")
	add.Flags().StringVar(&url, "url", "", "the robot's webhook address (with its key), or the webhook's")
	add.Flags().StringVar(&secret, "secret", "", "the webhook's signing secret (at least 16 characters), or the DingTalk robot's (加签)")
	add.Flags().StringVar(&kinds, "kinds", "", "only these kinds of notice, comma-separated (default: all)")
	_ = add.MarkFlagRequired("org")
	_ = add.MarkFlagRequired("url")
	list := &cobra.Command{
		Use:   "list [--org CODE]",
		Short: "list robots and webhooks (secrets masked)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				rs, err := m.Notify.Robots(c.ctx, org)
				if err != nil {
					return err
				}
				for i := range rs {
					if rs[i].Secret != "" {
						rs[i].Secret = "***"
					}
				}
				return c.emit(rs, func(w io.Writer) {
					fmt.Fprintln(w, "ID\tORG\tCHANNEL\tKINDS\tURL")
					for _, r := range rs {
						fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Org, r.Channel, strings.Join(r.Kinds, ","), r.URL)
					}
				})
			})
		},
	}
	list.Flags().StringVar(&org, "org", "", "only this organisation's")
	remove := &cobra.Command{
		Use:   "remove ID",
		Short: "remove a robot or webhook",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error { return m.Notify.RemoveRobot(c.ctx, args[0]) })
		},
	}
	cmd.AddCommand(add, list, remove)
	return cmd
}
