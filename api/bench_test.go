package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/redistimer"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/benchload"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
)

// The API benchmarks run against PostgreSQL and Redis on this machine,
// through HTTP on loopback, with the wall clock. They are heavy (the list
// benchmark loads a million cases) and run only with PARKFIN_BENCH=1:
//
//	PARKFIN_BENCH=1 go test -run '^$' -bench . -benchtime 1x -timeout 30m ./api/
//
// PARKFIN_BENCH_SECONDS sets each load phase's length (default 10).

// benchParks are the demo parks with their 2026 lead banks and counties.
var benchParks = benchload.Parks

// benchEnv is the API over PostgreSQL with the Redis timer index.
type benchEnv struct {
	b      *testing.B
	ctx    context.Context
	store  *sqlstore.Store
	srv    *httptest.Server
	client *http.Client
	tokens map[string]string
	dur    time.Duration
}

func mustBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	if os.Getenv("PARKFIN_BENCH") == "" {
		b.Skip("set PARKFIN_BENCH=1 to run the API benchmarks (PostgreSQL, Redis, a million cases)")
	}
	ctx := context.Background()
	store, cal := benchload.Open(b)
	rc := testsvc.RedisDB(b, 13)
	index := redistimer.New(rc, redistimer.Options{Prefix: testsvc.RedisPrefix(b, rc)})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	eng := engine.New(engine.Config{Store: store, Calendar: cal.Live(), Index: index, Logger: log})
	eng.Register(financing.Definition(financing.Config{}))
	srv := httptest.NewServer(api.New(api.Config{Engine: eng, Auth: store, Calendar: cal, Logger: log}).Handler())
	b.Cleanup(srv.Close)
	dur := 10 * time.Second
	if s := os.Getenv("PARKFIN_BENCH_SECONDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("PARKFIN_BENCH_SECONDS=%q", s)
		}
		dur = time.Duration(n) * time.Second
	}
	e := &benchEnv{b: b, ctx: ctx, store: store, srv: srv, client: benchClient(), tokens: map[string]string{}, dur: dur}
	for _, p := range benchParks {
		e.token("window-" + p[0])
	}
	e.token("city")
	e.token("county-GX")
	e.token("bank-ICBC")
	return e
}

func (e *benchEnv) token(user string) string {
	if t, ok := e.tokens[user]; ok {
		return t
	}
	secret, _, err := auth.IssueToken(e.ctx, e.store, e.store, user, "bench", time.Now(), auth.DefaultTokenTTL)
	if err != nil {
		e.b.Fatal(err)
	}
	e.tokens[user] = secret
	return secret
}

// call sends one request and fails unless the status is want.
func (e *benchEnv) call(user, method, path string, body []byte, want int) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(e.ctx, method, e.srv.URL+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := e.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != want {
		return raw, fmt.Errorf("%s %s: %d: %.200s", method, path, res.StatusCode, raw)
	}
	return raw, nil
}

// createBody is a valid creation body for park i mod 10.
func createBody(i int) (string, []byte) {
	p := benchParks[i%len(benchParks)][0]
	return "window-" + p, []byte(`{"park":"` + p + `","enterprise":{"name":"益阳市压测企业` + strconv.Itoa(i) +
		`有限公司","uscc":"91350100M000100Y43"},"need":"流动资金贷款，了解抵押条件和办理流程。","amount":"3000000"}`)
}

func (e *benchEnv) report(b *testing.B, name string, r *loadResult) {
	b.Logf("%s: %s", name, r)
	if r.Errors > 0 {
		b.Errorf("%s: %d errors, first: %s", name, r.Errors, r.FirstErr)
	}
	b.ReportMetric(r.Rate(), name+"_req/s")
	b.ReportMetric(float64(r.Pct(50).Microseconds())/1000, name+"_p50_ms")
	b.ReportMetric(float64(r.Pct(99).Microseconds())/1000, name+"_p99_ms")
}

// BenchmarkCreateCase measures case creation through HTTP: the sustained
// rate of 32 clients back to back, then latency at a fixed 500/s.
func BenchmarkCreateCase(b *testing.B) {
	e := mustBenchEnv(b)
	create := func(i int) error {
		user, body := createBody(i)
		_, err := e.call(user, "POST", "/api/v1/cases", body, http.StatusCreated)
		return err
	}
	// Warm the connection pools and the plan caches.
	closedLoop(e.ctx, 8, time.Second, create)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.report(b, "max", closedLoop(e.ctx, 32, e.dur, create))
		e.report(b, "at500", openLoop(e.ctx, 500, e.dur, 512, create))
	}
}

// BenchmarkReadCase measures reading one case at a fixed 1,000 requests a
// second, over 1,000 cases, as the city office and as the cases' windows.
func BenchmarkReadCase(b *testing.B) {
	e := mustBenchEnv(b)
	type ref struct{ user, id string }
	var refs []ref
	for i := 0; i < 1000; i++ {
		user, body := createBody(i)
		raw, err := e.call(user, "POST", "/api/v1/cases", body, http.StatusCreated)
		if err != nil {
			b.Fatal(err)
		}
		refs = append(refs, ref{user, idOf(raw)})
	}
	read := func(i int) error {
		r := refs[i%len(refs)]
		user := r.user
		if i%2 == 0 {
			user = "city"
		}
		_, err := e.call(user, "GET", "/api/v1/cases/"+r.id, nil, http.StatusOK)
		return err
	}
	closedLoop(e.ctx, 8, time.Second, read)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.report(b, "at1000", openLoop(e.ctx, 1000, e.dur, 512, read))
	}
}

// BenchmarkOverdueList measures the first page of the overdue list among a
// million cases (2% overdue), as the city office (all cases) and as a
// county office (its parks' cases only); then a page of the whole list
// half a million cases down, as the city office and as a bank; then a
// search by an enterprise's name.
func BenchmarkOverdueList(b *testing.B) {
	e := mustBenchEnv(b)
	t0 := time.Now()
	n, err := bulkLoad(e.ctx, e.store, 1_000_000)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("bulk load: %d cases in %v", n, time.Since(t0).Round(time.Second))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, who := range []string{"city", "county-GX", "bank-ICBC"} {
			list := func(int) error {
				raw, err := e.call(who, "GET", "/api/v1/cases?overdue=true&limit=50", nil, http.StatusOK)
				if err == nil && !bytes.Contains(raw, []byte(`"overdue":true`)) {
					err = fmt.Errorf("no overdue case on the first page for %s", who)
				}
				return err
			}
			closedLoop(e.ctx, 1, time.Second, list) // warm
			e.report(b, "overdue_"+who, closedLoop(e.ctx, 1, e.dur/2, list))
		}
		// A page in the middle of the whole list: the cursor after the
		// case half a million down, as a client walking the list would
		// hold it there.
		var mid struct {
			ID         string
			ReceivedAt time.Time
		}
		if err := e.store.DB().WithContext(e.ctx).Raw("SELECT id, received_at FROM cases ORDER BY received_at DESC, id DESC OFFSET 500000 LIMIT 1").Scan(&mid).Error; err != nil || mid.ID == "" {
			b.Fatalf("the middle case: %q %v", mid.ID, err)
		}
		after := engine.CursorAfter(&engine.Case{ID: mid.ID, ReceivedAt: mid.ReceivedAt})
		for _, who := range []string{"city", "bank-ICBC"} {
			page := func(int) error {
				raw, err := e.call(who, "GET", "/api/v1/cases?limit=50&after="+after, nil, http.StatusOK)
				if err == nil && !bytes.Contains(raw, []byte(`"next_cursor"`)) {
					err = fmt.Errorf("the middle page for %s has no next page", who)
				}
				return err
			}
			closedLoop(e.ctx, 1, time.Second, page) // warm
			e.report(b, "middle_page_"+who, closedLoop(e.ctx, 1, e.dur/2, page))
		}
		// A clerk's search for one enterprise among the million: the
		// name matches one case, so the search reads every case's title.
		search := func(int) error {
			raw, err := e.call("city", "GET", "/api/v1/cases?limit=50&q="+url.QueryEscape("批量企业123456"), nil, http.StatusOK)
			if err == nil && !bytes.Contains(raw, []byte("批量企业123456")) {
				err = fmt.Errorf("the search found nothing: %.200s", raw)
			}
			return err
		}
		closedLoop(e.ctx, 1, time.Second, search) // warm
		e.report(b, "search_city", closedLoop(e.ctx, 1, e.dur/2, search))
	}
}

func idOf(raw []byte) string {
	i := bytes.Index(raw, []byte(`"id":"`))
	if i < 0 {
		return ""
	}
	rest := raw[i+6:]
	return string(rest[:bytes.IndexByte(rest, '"')])
}
