package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

var shanghai = calendar.Location()

// start is a Monday morning with published calendar data around it.
var start = time.Date(2026, time.March, 2, 10, 0, 0, 0, shanghai)

// env is the API on the real engine over a fresh database with the demo
// data, a fake clock, and a loopback HTTP server.
type env struct {
	t      *testing.T
	ctx    context.Context
	clock  *engine.FakeClock
	store  *sqlstore.Store
	engine *engine.Engine
	worker *engine.Worker
	srv    *httptest.Server
	tokens map[string]string
	// notify keeps the inbox (no sending channels).
	notify *notify.Service
	x      *enginetest.Env
}

// forEachDB runs fn as a subtest on SQLite and on PostgreSQL.
func forEachDB(t *testing.T, fn func(t *testing.T, db testsvc.Database)) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) { fn(t, db) })
	}
}

func MustEnv(t *testing.T, db testsvc.Database, cfg api.Config) *env {
	t.Helper()
	return envOn(t, enginetest.New(t, db, start), cfg)
}

// envOn serves the API on the engine x.
func envOn(t *testing.T, x *enginetest.Env, cfg api.Config) *env {
	t.Helper()
	cfg.Engine, cfg.Auth, cfg.Calendar = x.Engine, x.Store, x.Overrides
	cfg.Ready = []api.Check{{Name: "database", Ping: x.Store.Ping}}
	if cfg.Notify == nil {
		cfg.Notify = notify.New(notify.Config{Store: x.Store, Clock: x.Clock, BaseURL: "http://parkfin.test"})
		cfg.NoticeKinds = financing.NoticeKinds
	}
	if cfg.Report == nil {
		cfg.Report = mustReport(t, x)
	}
	srv := httptest.NewServer(api.New(cfg).Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, ctx: context.Background(), clock: x.Clock, store: x.Store, engine: x.Engine, srv: srv,
		worker: x.Worker, tokens: map[string]string{}, notify: cfg.Notify, x: x}
}

// token returns a personal API token of the demo user, issued on first use.
func (e *env) token(user string) string {
	e.t.Helper()
	if tok, ok := e.tokens[user]; ok {
		return tok
	}
	secret, _, err := auth.IssueToken(e.ctx, e.store, e.store, user, "test", e.clock.Now(), auth.DefaultTokenTTL)
	if err != nil {
		e.t.Fatalf("issue token for %s: %v", user, err)
	}
	e.tokens[user] = secret
	return secret
}

// response is an answer with its decoded JSON body.
type response struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   map[string]any
}

// do sends a request as the user ("" for none) with a JSON body (nil for
// none; a string or []byte is sent as it is).
func (e *env) do(user, method, path string, body any, hdr ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(e.ctx, method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.token(user))
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return e.send(req)
}

func (e *env) send(req *http.Request) response {
	e.t.Helper()
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	checkContract(e.t, req, res, raw)
	r := response{Status: res.StatusCode, Header: res.Header, Raw: raw}
	if strings.Contains(res.Header.Get("Content-Type"), "json") && len(raw) > 0 {
		_ = json.Unmarshal(raw, &r.Body)
	}
	return r
}

// want fails unless the answer has the status (and, for a problem, the
// code).
func (r response) want(t *testing.T, status int, code ...string) response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	if len(code) > 0 {
		if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("Content-Type %q, want application/problem+json", ct)
		}
		if got := r.Body["code"]; got != code[0] {
			t.Fatalf("code %v, want %s: %s", got, code[0], r.Raw)
		}
	}
	return r
}

func (r response) str(key string) string {
	s, _ := r.Body[key].(string)
	return s
}

func (r response) num(key string) int {
	f, _ := r.Body[key].(float64)
	return int(f)
}

// validUSCC returns a valid credit code built from seventeen characters.
func validUSCC(t *testing.T, first17 string) string {
	t.Helper()
	c, err := uscc.CheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

// newCase is a valid creation body for the park.
func newCase(t *testing.T, park string) map[string]any {
	return map[string]any{
		"park":        park,
		"enterprise":  map[string]any{"name": "益阳市示范机械制造有限公司", "uscc": validUSCC(t, "91430900MA4L00001")},
		"need":        "扩大生产线，需流动资金贷款，希望了解抵押条件和办理流程。",
		"amount":      "3000000",
		"received_at": start.Add(-time.Hour).Format(time.RFC3339),
	}
}

// open creates a case at the park's window and returns its answer.
func (e *env) open(park string) response {
	e.t.Helper()
	return e.do("window-"+park, "POST", "/api/v1/cases", newCase(e.t, park)).want(e.t, http.StatusCreated)
}

var answerYes = map[string]any{"can_handle": "yes", "conditions": "提供厂房抵押，抵押率不超过七成。",
	"procedure": "提交申请→尽调→审批→签约放款。", "product": "流动资金贷款", "amount_offered": "2500000"}
