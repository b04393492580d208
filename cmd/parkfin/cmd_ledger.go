package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/ledger"
)

func (c *cli) ledgerCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "ledger", Short: "the resolution ledger (解决台账)"}
	var checkpointFile string
	verify := &cobra.Command{
		Use:   "verify",
		Short: "prove that no ledger entry was changed, removed, inserted or re-ordered, and no case changed without one",
		Long: `Verify the whole resolution ledger: every entry's hash and MAC, the global
chain without gaps, each case's chain, and each case row against its last
entry. With --checkpoint, also prove that nothing up to each checkpoint in
the file (written by ` + "`parkfin ledger checkpoint`" + `) changed, even if the
database's head was rolled back. Exits non-zero, naming the fault, when the
ledger is broken.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var cps []ledger.Checkpoint
			if checkpointFile != "" {
				f, err := os.Open(checkpointFile)
				if err != nil {
					return err
				}
				cps, err = ledger.ReadCheckpoints(f)
				f.Close()
				if err != nil {
					return fmt.Errorf("%s: %w", checkpointFile, err)
				}
			}
			return c.withMain(OpenOptions{}, func(m *Main) error {
				r, err := m.Store.VerifyLedgerAgainst(c.ctx, cps)
				if err != nil {
					return err
				}
				if err := c.emit(map[string]any{"ok": r.OK(), "entries": r.Entries, "cases": r.Cases,
					"legacy": r.Legacy, "first_authenticated": r.FirstAuthenticated, "head_seq": r.HeadSeq,
					"checkpoints": r.Checkpoints, "unsealed": r.Unsealed, "kind": r.Kind,
					"problem": r.Problem, "bad_seq": r.BadSeq, "bad_case": r.BadCase, "bad_unsealed": r.BadUnsealed, "walked": r.Walked}, func(w io.Writer) {
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
	}
	verify.Flags().StringVar(&checkpointFile, "checkpoint", "", "a file of checkpoints to prove (one JSON line each)")
	cmd.AddCommand(verify)

	var out string
	checkpoint := &cobra.Command{
		Use:   "checkpoint",
		Short: "write the signed head of the ledger's global chain outside the database",
		Long: `Write a checkpoint: the global chain's head (sequence number and hash),
the time and a MAC under the current ledger key, as one JSON line appended
to a file, or POSTed as JSON to an http(s) URL. Keep the file where the
database's administrators cannot write (another host, write-once storage).
--out defaults to ledger.checkpoint (PARKFIN_LEDGER_CHECKPOINT); serve also
writes one every ledger.checkpoint_every.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				target := out
				if target == "" {
					target = m.Config.Ledger.Checkpoint
				}
				if target == "" {
					return engine.Errorf(engine.EINVALID, "请用 --out 或 PARKFIN_LEDGER_CHECKPOINT 指定检查点写入的文件或网址。",
						"Name the checkpoint's file or URL with --out or PARKFIN_LEDGER_CHECKPOINT.")
				}
				cp, err := m.checkpoint(c.ctx, target)
				if err != nil {
					return err
				}
				return c.emit(cp, func(w io.Writer) {
					fmt.Fprintf(w, "checkpoint: entry %d, chain %.16s…, key %s, written to %s\n", cp.Seq, cp.ChainHash, cp.KeyID, redactURL(target))
				})
			})
		},
	}
	checkpoint.Flags().StringVar(&out, "out", "", "file or http(s) URL the checkpoint goes to")
	cmd.AddCommand(checkpoint)

	var alg, id string
	keygen := &cobra.Command{
		Use:   "keygen",
		Short: "print a new ledger key line (append it to the key file to rotate)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := ledger.NewKey(id, ledger.Alg(alg))
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(c.stdout, ledger.FormatKey(k))
			return err
		},
	}
	keygen.Flags().StringVar(&alg, "alg", string(ledger.HMACSHA256), "hmac-sha256, or hmac-sm3 (商用密码)")
	keygen.Flags().StringVar(&id, "id", "", "the new key's id (required; never reuse one)")
	_ = keygen.MarkFlagRequired("id")
	cmd.AddCommand(keygen)
	return cmd
}
