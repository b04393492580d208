package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/parkfin/parkfin/engine"
)

func (c *cli) ledgerCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "ledger", Short: "the resolution ledger (解决台账)"}
	cmd.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "prove that no ledger entry was changed, removed, inserted or re-ordered",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				r, err := m.Store.VerifyLedger(c.ctx)
				if err != nil {
					return err
				}
				if err := c.emit(map[string]any{"ok": r.OK(), "entries": r.Entries, "cases": r.Cases,
					"problem": r.Problem, "bad_seq": r.BadSeq, "bad_case": r.BadCase}, func(w io.Writer) {
					if r.OK() {
						fmt.Fprintln(w, r.String())
					}
				}); err != nil {
					return err
				}
				if !r.OK() {
					return engine.Errorf(engine.ELEDGERBROKEN, "解决台账校验失败：%s", "Ledger verification failed: %s", r.String())
				}
				return nil
			})
		},
	})
	return cmd
}
