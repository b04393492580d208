package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// The embedded SQLite database with two writers at once: serve taking case
// creations over HTTP while operator commands write through their own
// connections. Writers wait for one another (busy timeout, immediate
// transactions) instead of failing with SQLITE_BUSY: 1,000 creations and
// the commands all succeed.
func TestSQLiteServeAndCLIWriteTogether(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 creations: not in -short")
	}
	t.Setenv("PARKFIN_DATA_DIR", t.TempDir())
	t.Setenv("PARKFIN_DATABASE_URL", "")
	t.Setenv("PARKFIN_REDIS_URL", "")
	t.Setenv("PARKFIN_HTTP_ADDR", "127.0.0.1:0")
	m := mustServe(t, ServeOptions{HTTP: true, Worker: true})
	ctx := context.Background()
	token, _, err := auth.IssueToken(ctx, m.Store, m.Store, "window-GXQ", "load", time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	check, _ := uscc.CheckChar("91430900MA4L00005")
	body, _ := json.Marshal(map[string]any{"park": "GXQ", "need": "流动资金贷款",
		"enterprise": map[string]any{"name": "并发写入测试企业", "uscc": "91430900MA4L00005" + string(check)}})

	const creations, clients = 1000, 8
	var (
		next     atomic.Int64
		failures atomic.Int64
		firstErr atomic.Value
		wg       sync.WaitGroup
	)
	client := &http.Client{Timeout: 30 * time.Second}
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= creations {
				req, _ := http.NewRequest("POST", "http://"+m.Addr()+"/api/v1/cases", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("%d %s", resp.StatusCode, raw))
				}
			}
		}()
	}
	// Meanwhile the operator writes: cases opened and signed for from the
	// command line, each command its own process-like connection.
	cliWrites := 0
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for loop := true; loop; {
		select {
		case <-done:
			loop = false
		default:
			var out, errOut bytes.Buffer
			code := Execute(ctx, []string{"case", "open", "--as", "window-GXQ", "--park", "GXQ", "--enterprise", "命令行写入企业",
				"--uscc", "91430900MA4L00005" + string(check), "--need", "设备贷款"}, strings.NewReader(""), &out, &errOut)
			if code != 0 {
				t.Fatalf("CLI write %d during the load: %s", cliWrites+1, errOut.String())
			}
			cliWrites++
		}
	}
	if n := failures.Load(); n != 0 {
		t.Fatalf("%d of %d creations failed while the CLI wrote; first: %v", n, creations, firstErr.Load())
	}
	if cliWrites == 0 {
		t.Fatal("no CLI write overlapped the load")
	}
	counts, err := m.Store.CaseCounts(ctx, engineFilterAll())
	if err != nil || counts.Total != creations+cliWrites {
		t.Fatalf("%d cases stored, want %d (%v)", counts.Total, creations+cliWrites, err)
	}
	t.Logf("1,000 API creations with %d CLI writes at the same time: no error", cliWrites)
}

func engineFilterAll() engine.CaseFilter { return engine.CaseFilter{Workflow: financing.Name} }
