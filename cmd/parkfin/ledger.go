package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/parkfin/parkfin/engine/ledger"
)

// LedgerConfig says where the ledger's keys are and where its checkpoints go
// (docs/ledger.md).
type LedgerConfig struct {
	// Keys are the keys themselves, "id:alg:base64-secret" separated by
	// semicolons, the current one last.
	Keys string `yaml:"keys" env:"PARKFIN_LEDGER_KEY"`
	// KeyFile is a file of keys, one a line, the current one last, mode
	// 0600. With neither Keys nor KeyFile, <data_dir>/ledger.key is used,
	// and made on first run.
	KeyFile string `yaml:"key_file" env:"PARKFIN_LEDGER_KEY_FILE"`
	// KeyAlg is the algorithm of a key made on first run: hmac-sha256 or
	// hmac-sm3.
	KeyAlg string `yaml:"key_alg" env:"PARKFIN_LEDGER_KEY_ALG"`
	// Checkpoint is where checkpoints go: a file (one JSON line appended
	// per checkpoint) or an http(s) URL (each checkpoint POSTed as JSON).
	Checkpoint string `yaml:"checkpoint" env:"PARKFIN_LEDGER_CHECKPOINT"`
	// CheckpointEvery makes serve write a checkpoint at this interval;
	// zero: only `parkfin ledger checkpoint` writes them.
	CheckpointEvery time.Duration `yaml:"checkpoint_every" env:"PARKFIN_LEDGER_CHECKPOINT_EVERY"`
}

func (l LedgerConfig) validate() []error {
	var errs []error
	if l.Keys != "" && l.KeyFile != "" {
		errs = append(errs, errors.New("ledger: set the keys (PARKFIN_LEDGER_KEY) or a key file (PARKFIN_LEDGER_KEY_FILE), not both"))
	}
	switch ledger.Alg(l.KeyAlg) {
	case "", ledger.HMACSHA256, ledger.HMACSM3:
	default:
		errs = append(errs, fmt.Errorf("ledger.key_alg is %q: hmac-sha256 or hmac-sm3", l.KeyAlg))
	}
	if l.CheckpointEvery < 0 || (l.CheckpointEvery > 0 && l.CheckpointEvery < time.Minute) {
		errs = append(errs, fmt.Errorf("ledger.checkpoint_every %v: zero (off) or at least a minute", l.CheckpointEvery))
	}
	if l.CheckpointEvery > 0 && l.Checkpoint == "" {
		errs = append(errs, errors.New("ledger.checkpoint_every is set but ledger.checkpoint names no file or URL"))
	}
	return errs
}

// ledgerKeys returns the configured keyring, making the key file in the
// data directory on first run when no key is configured.
func ledgerKeys(cfg Config, log *slog.Logger) (*ledger.Keyring, error) {
	var (
		keys []ledger.Key
		err  error
	)
	switch {
	case cfg.Ledger.Keys != "":
		keys, err = ledger.ParseKeys(cfg.Ledger.Keys)
	case cfg.Ledger.KeyFile != "":
		keys, err = ledger.LoadKeyFile(cfg.Ledger.KeyFile)
	default:
		path := filepath.Join(cfg.DataDir, "ledger.key")
		if _, statErr := os.Stat(path); errors.Is(statErr, os.ErrNotExist) {
			alg := ledger.Alg(cfg.Ledger.KeyAlg)
			if alg == "" {
				alg = ledger.HMACSHA256
			}
			k, err := ledger.CreateKeyFile(path, alg)
			switch {
			case errors.Is(err, os.ErrExist): // made meanwhile by another process
			case err != nil:
				return nil, fmt.Errorf("ledger: make the key file: %w", err)
			default:
				log.Warn("ledger key file made: it authenticates the resolution ledger; back it up apart from the database, which must never hold it",
					"file", path, "key_id", k.ID, "alg", k.Alg)
			}
		}
		if !isSQLite(cfg.DatabaseURL) {
			log.Warn("no ledger key configured: using the data directory's key file; every serve and worker process must share one key file (PARKFIN_LEDGER_KEY_FILE)", "file", path)
		}
		keys, err = ledger.LoadKeyFile(path)
	}
	if err != nil {
		return nil, err
	}
	return ledger.NewKeyring(keys...)
}

// writeCheckpoint sends the checkpoint to target: POSTed as JSON to an
// http(s) URL, or appended as one line to a file (made with mode 0600) and
// synced.
func writeCheckpoint(ctx context.Context, target string, cp ledger.Checkpoint) error {
	line := cp.MarshalLine()
	if strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://") {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(line))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return fmt.Errorf("ledger checkpoint: %w", err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("ledger checkpoint: %s answered %s", redactURL(target), resp.Status)
		}
		return nil
	}
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("ledger checkpoint: %w", err)
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return fmt.Errorf("ledger checkpoint: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// checkpoint takes a checkpoint of the ledger and writes it to target.
func (m *Main) checkpoint(ctx context.Context, target string) (ledger.Checkpoint, error) {
	cp, err := m.Store.Checkpoint(ctx, m.Clock.Now())
	if err != nil {
		return cp, err
	}
	return cp, writeCheckpoint(ctx, target, cp)
}

// checkpointLoop writes a checkpoint every interval until ctx ends.
func (m *Main) checkpointLoop(ctx context.Context, target string, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			cp, err := m.checkpoint(ctx, target)
			if err != nil {
				m.Logger.Error("ledger checkpoint failed", "err", err)
				continue
			}
			m.Logger.Info("ledger checkpoint written", "seq", cp.Seq, "key_id", cp.KeyID)
		}
	}
}
