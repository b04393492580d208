package web

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/parkfin/parkfin/engine"
)

// warmFor bounds the warm-up: past it the server is ready all the same,
// and the first pages pay what is left.
const warmFor = 2 * time.Minute

// warm does, once when the server starts, what would otherwise fall on
// the first pages of its life: html/template's escaping of every page
// (done on a set's first execution), the read model brought up to the
// ledger, and each office's board computed once: the city's and every
// county's, so that the database connections its reads run on are open,
// their statements prepared and the pages of the per-day figures and the
// tally in memory. The boards computed are not kept: a reader's first
// board is computed for it, on a warm server.
func (s *Server) warm() {
	defer close(s.warmed)
	life := s.cfg.Context
	if life == nil {
		life = context.Background()
	}
	ctx, cancel := context.WithTimeout(life, warmFor)
	defer cancel()
	t0 := time.Now()
	for _, t := range s.views.pages {
		// The data is missing, so execution stops at once with an error;
		// the escaping it starts with is kept.
		_ = t.ExecuteTemplate(io.Discard, "layout", nil)
	}
	s.orgs(ctx)
	if s.cfg.Report == nil {
		return
	}
	offices := []engine.Actor{{User: "warm-up", Role: engine.RoleCity}}
	stopping := func() bool {
		if life.Err() == nil {
			return false
		}
		s.cfg.Logger.Info("board warm-up ended: the server is stopping")
		return true
	}
	counties, err := s.engine.Store().Directory().Counties(ctx)
	if err != nil {
		if stopping() {
			return
		}
		s.cfg.Logger.Warn("board warm-up: counties not read", "err", err)
	}
	for _, c := range counties {
		offices = append(offices, engine.Actor{User: "warm-up", Role: engine.RoleCounty, Org: c.Code})
	}
	for _, a := range offices {
		if _, err := s.boardView(ctx, a, "", ""); err != nil {
			if stopping() {
				return
			}
			s.cfg.Logger.Warn("board warm-up stopped", "err", err, "role", a.Role, "org", a.Org)
			return
		}
	}
	s.cfg.Logger.Info("boards warmed", "offices", len(offices), "took", time.Since(t0).Round(time.Millisecond))
}

// errWarming answers readiness while the server warms up.
var errWarming = errors.New("web: warming up")

// Ready returns nil once the server has warmed up (at once when
// Config.Warm is off), or an error when ctx ends first. serve's /readyz
// asks it: a deployment routes readers to the server once its first
// boards are quick.
func (s *Server) Ready(ctx context.Context) error {
	select {
	case <-s.warmed:
		return nil
	default:
	}
	select {
	case <-s.warmed:
		return nil
	case <-ctx.Done():
		return errWarming
	}
}
