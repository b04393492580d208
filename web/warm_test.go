package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/web"
)

// TestWarmUp: a server built to warm up (as serve builds it) is ready
// once it has brought the read model up to the ledger and computed the
// boards, and the board it then serves counts what was registered before
// it started; a server not asked to warm up is ready at once.
func TestWarmUp(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := MustEnv(t, db, 0)
			MustRegister(t, e.MustSignIn("window-GXQ"), "益阳市示范机械制造有限公司", nil)
			cold := web.New(web.Config{Engine: e.x.Engine, Auth: e.x.Store, Calendar: e.x.Overrides.Live(), Report: e.report})
			done, cancel := context.WithCancel(context.Background())
			cancel()
			if err := cold.Ready(done); err != nil {
				t.Errorf("a server without warm-up is not ready: %v", err)
			}
			ws := web.New(web.Config{Engine: e.x.Engine, Auth: e.x.Store, Calendar: e.x.Overrides.Live(), Report: e.report, Warm: true})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := ws.Ready(ctx); err != nil {
				t.Fatalf("not ready after a minute: %v", err)
			}
			// The warm-up caught the read model up: nothing is left to
			// project.
			if n, err := e.report.Projector().CatchUp(ctx); err != nil || n != 0 {
				t.Errorf("after the warm-up the projector still projected %d cases (%v)", n, err)
			}
			srv := httptest.NewServer(ws.Handler())
			defer srv.Close()
			warm := &env{t: t, x: e.x, srv: srv, notify: e.notify, report: e.report}
			_, body := warm.MustSignIn("county-GX").get("/board")
			if got := figure(t, body, "/cases?state=routed"); got != 1 {
				t.Errorf("the warm server's board counts %d routed cases, want 1", got)
			}
			if got := parkReceived(t, body, "GXQ"); got != 1 {
				t.Errorf("the warm server's board: GXQ received %d, want 1", got)
			}
		})
	}
}

// TestWarmUpStopsWithTheServer: a warm-up whose server is stopping (its
// Context ended) ends at once, says so, and leaves the server ready
// rather than computing boards on a store about to close.
func TestWarmUpStopsWithTheServer(t *testing.T) {
	e := MustEnv(t, testsvc.Databases()[0], 0)
	var logs bytes.Buffer
	life, stop := context.WithCancel(context.Background())
	stop()
	ws := web.New(web.Config{Engine: e.x.Engine, Auth: e.x.Store, Calendar: e.x.Overrides.Live(), Report: e.report, Warm: true,
		Context: life, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ws.Ready(ctx); err != nil {
		t.Fatalf("a warm-up whose server stopped did not end: %v", err)
	}
	if !strings.Contains(logs.String(), "board warm-up ended: the server is stopping") || strings.Contains(logs.String(), "boards warmed") ||
		strings.Contains(logs.String(), "level=WARN") {
		t.Fatalf("logged %q", logs.String())
	}
}
