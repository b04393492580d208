package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/parkfin/parkfin/internal/demo"
)

func (c *cli) demoCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "demo", Short: "demonstration data"}
	cmd.AddCommand(&cobra.Command{
		Use:   "seed",
		Short: "load the ten parks, their counties, a dozen banks, the other organisations (a guarantee company, city departments, a leading-group office), pairings for 2026 and 2027 and demo users (idempotent)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				r, err := demo.Seed(c.ctx, m.Store, m.Clock.Now())
				if err != nil {
					return err
				}
				return c.emit(r, func(w io.Writer) {
					fmt.Fprintf(w, "ok: %d counties, %d parks, %d banks, %d other organisations written; %d pairings and %d users added\n",
						r.Counties, r.Parks, r.Banks, r.Orgs, r.Pairings, r.Users)
				})
			})
		},
	})
	return cmd
}
