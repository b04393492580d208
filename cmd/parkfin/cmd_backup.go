package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/ledger"
	"github.com/parkfin/parkfin/engine/sqlstore"
)

// backupReport is what backup and restore print.
type backupReport struct {
	File    string `json:"file"`
	Bytes   int64  `json:"bytes"`
	Cases   int    `json:"cases"`
	Entries int    `json:"ledger_entries"`
	// Previous is where restore moved the database it replaced.
	Previous string `json:"previous,omitempty"`
}

func (c *cli) backupCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "copy the embedded database to FILE while parkfin runs, then check the copy (PostgreSQL: pg_dump, see docs/operations.md)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := LoadConfig(c.configPath)
			if err != nil {
				return err
			}
			if !isSQLite(cfg.DatabaseURL) {
				return notEmbedded("backup")
			}
			// The copy's ledger is verified with the keys it was signed with.
			keys, err := ledgerKeys(cfg, slog.Default())
			if err != nil {
				return err
			}
			file, err := filepath.Abs(args[0])
			if err != nil {
				return err
			}
			store, err := sqlstore.Open(c.ctx, cfg.DatabaseURL, sqlstore.Options{})
			if err != nil {
				return err
			}
			err = store.BackupTo(c.ctx, file)
			store.Close()
			if err != nil {
				return engine.Errorf(engine.EINVALID, "备份失败：%v", "Backup failed: %v", err)
			}
			r, err := checkDatabase(c.ctx, file, keys)
			if err != nil {
				return err
			}
			return c.emit(r, func(w io.Writer) {
				fmt.Fprintf(w, "ok: %s (%d bytes): %d cases, %d ledger entries, ledger intact\n", r.File, r.Bytes, r.Cases, r.Entries)
			})
		},
	}
}

func (c *cli) restoreCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "restore FILE",
		Short: "replace the embedded database with a backup, after checking it; stop serve and workers first (PostgreSQL: pg_restore)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := LoadConfig(c.configPath)
			if err != nil {
				return err
			}
			if !isSQLite(cfg.DatabaseURL) {
				return notEmbedded("restore")
			}
			keys, err := ledgerKeys(cfg, slog.Default())
			if err != nil {
				return err
			}
			// The backup is checked before anything is touched: a copy
			// that is damaged or whose ledger does not verify is refused.
			if _, err := checkDatabase(c.ctx, args[0], keys); err != nil {
				return err
			}
			target := strings.TrimPrefix(cfg.DatabaseURL, "sqlite://")
			previous, err := replaceFile(args[0], target)
			if err != nil {
				return engine.Errorf(engine.EINVALID, "恢复失败：%v", "Restore failed: %v", err)
			}
			// Bring the restored copy up to this version's schema, and
			// check it once more where it now lives.
			m, err := c.open(OpenOptions{Migrate: true})
			if err != nil {
				return err
			}
			m.Close()
			r, err := checkDatabase(c.ctx, target, keys)
			if err != nil {
				return err
			}
			r.Previous = previous
			return c.emit(r, func(w io.Writer) {
				fmt.Fprintf(w, "ok: restored %s: %d cases, %d ledger entries, ledger intact\n", r.File, r.Cases, r.Entries)
				if previous != "" {
					fmt.Fprintf(w, "the database it replaced is kept as %s\n", previous)
				}
			})
		},
	}
}

func notEmbedded(what string) error {
	return engine.Errorf(engine.EINVALID,
		"parkfin %s 仅用于内置 SQLite 数据库；PostgreSQL 请用 pg_dump / pg_restore（见 docs/operations.md）。",
		"parkfin %s is for the embedded SQLite database; back PostgreSQL up with pg_dump and pg_restore (docs/operations.md).", what)
}

// checkDatabase opens the SQLite file at path, runs the integrity check and
// verifies the whole ledger.
func checkDatabase(ctx context.Context, path string, keys *ledger.Keyring) (backupReport, error) {
	r := backupReport{File: path}
	st, err := os.Stat(path)
	if err != nil {
		return r, engine.Errorf(engine.ENOTFOUND, "找不到文件 %s。", "No file %s.", path)
	}
	r.Bytes = st.Size()
	store, err := sqlstore.Open(ctx, "sqlite://"+path, sqlstore.Options{LedgerKeys: keys})
	if err != nil {
		return r, err
	}
	defer store.Close()
	if err := store.CheckIntegrity(ctx); err != nil {
		return r, engine.Errorf(engine.ELEDGERBROKEN, "%s 已损坏：%v", "%s is damaged: %v", path, err)
	}
	rep, err := store.VerifyLedger(ctx)
	if err != nil {
		return r, engine.Errorf(engine.ELEDGERBROKEN, "%s 无法校验解决台账：%v", "%s: the ledger cannot be verified: %v", path, err)
	}
	if !rep.OK() {
		return r, engine.Errorf(engine.ELEDGERBROKEN, "%s 的解决台账校验失败：%s", "%s: ledger verification failed: %s", path, rep.String())
	}
	r.Cases, r.Entries = rep.Cases, rep.Entries
	return r, nil
}

// replaceFile copies src over dst through a temporary file and a rename;
// the database at dst, with its WAL, is moved aside and its new name
// returned.
func replaceFile(src, dst string) (string, error) {
	tmp := dst + ".restoring"
	if err := copyFile(src, tmp); err != nil {
		return "", err
	}
	previous := ""
	if _, err := os.Stat(dst); err == nil {
		previous = dst + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		for _, suffix := range []string{"-wal", "-shm"} {
			if _, err := os.Stat(dst + suffix); err == nil {
				if err := os.Rename(dst+suffix, previous+suffix); err != nil {
					return "", err
				}
			}
		}
		if err := os.Rename(dst, previous); err != nil {
			return "", err
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		return previous, err
	}
	if d, err := os.Open(filepath.Dir(dst)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return previous, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
