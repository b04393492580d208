package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/password"
	"github.com/parkfin/parkfin/internal/logsink"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// serveLogged is mustServe with the log stream kept for the test to read.
func serveLogged(t *testing.T) (*Main, *logsink.Buffer) {
	t.Helper()
	cfg, err := LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	logs := &logsink.Buffer{}
	m := NewMain(cfg, logs)
	ctx := context.Background()
	if err := m.Open(ctx, OpenOptions{Migrate: true, Index: true}); err != nil {
		t.Fatal(err)
	}
	if err := m.SeedDemoIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Serve(ctx, ServeOptions{HTTP: true, Worker: true}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, logs
}

func get(t *testing.T, client *http.Client, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// Every request is one JSON line in the access log, with the route
// pattern, the status, the user and the identifier the answer carried; the
// same requests, the transition they made and the stores' gauges are at
// /metrics for this machine.
func TestAccessLogAndMetrics(t *testing.T) {
	t.Setenv("PARKFIN_DATA_DIR", t.TempDir())
	t.Setenv("PARKFIN_DATABASE_URL", "")
	t.Setenv("PARKFIN_REDIS_URL", "")
	t.Setenv("PARKFIN_HTTP_ADDR", "127.0.0.1:0")
	m, logs := serveLogged(t)
	ctx := context.Background()
	token, _, err := auth.IssueToken(ctx, m.Store, m.Store, "window-GXQ", "ops", time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	check, _ := uscc.CheckChar("91430900MA4L00005")
	body, _ := json.Marshal(map[string]any{"park": "GXQ", "need": "流动资金贷款",
		"enterprise": map[string]any{"name": "访问日志测试企业", "uscc": "91430900MA4L00005" + string(check)}})
	req, _ := http.NewRequest("POST", "http://"+m.Addr()+"/api/v1/cases", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	created := resp.Header.Get("X-Request-ID")
	nf, _ := get(t, http.DefaultClient, "http://"+m.Addr()+"/api/v1/no-such-resource")

	type line struct {
		Msg, Method, Route, Path, User, RequestID string
		Status                                    int
		DurationMS                                *float64 `json:"duration_ms"`
	}
	var lines []line
	for _, raw := range strings.Split(logs.String(), "\n") {
		if !strings.HasPrefix(raw, "{") {
			continue
		}
		var l line
		var withID struct {
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			t.Fatalf("access log line is not JSON: %s", raw)
		}
		_ = json.Unmarshal([]byte(raw), &withID)
		l.RequestID = withID.RequestID
		lines = append(lines, l)
	}
	find := func(id string) *line {
		for i := range lines {
			if lines[i].RequestID == id {
				return &lines[i]
			}
		}
		return nil
	}
	if l := find(created); l == nil || l.Msg != "request" || l.Method != "POST" || l.Route != "/api/v1/cases" ||
		l.Status != 201 || l.User != "window-GXQ" || l.DurationMS == nil {
		t.Fatalf("access log line of the creation %s: %+v\n%s", created, l, logs)
	}
	if l := find(nf.Header.Get("X-Request-ID")); l == nil || l.Status != 404 || l.Path != "/api/v1/no-such-resource" || l.User != "" {
		t.Fatalf("access log line of the missing page: %+v", l)
	}

	r, text := get(t, http.DefaultClient, "http://"+m.Addr()+"/metrics")
	if r.StatusCode != 200 {
		t.Fatalf("/metrics from loopback: %d %s", r.StatusCode, text)
	}
	for _, want := range []string{
		`parkfin_http_requests_total{method="POST",route="/api/v1/cases",status="201"} 1`,
		`parkfin_transitions_total{event="open",workflow="financing"} 1`,
		`parkfin_timers_pending `, `parkfin_timers_late 0`, `parkfin_timers_firing 0`, `parkfin_outbox_depth `,
		`parkfin_deliveries_pending `, `go_sql_open_connections{db_name="parkfin"}`, `parkfin_redis_errors_total 0`,
		`parkfin_http_request_duration_seconds_bucket{route="/api/v1/cases",le="0.03"}`,
		`parkfin_transactions_rerun_total{changed="directory"} 0`, `parkfin_transactions_rerun_total{changed="numbers"} 0`,
		`parkfin_open_batch_openings_count 1`, `parkfin_open_batch_openings_sum 1`,
		`parkfin_password_hashes_running 0`, `parkfin_password_hashes_waiting 0`,
		fmt.Sprintf("parkfin_password_hashes_max %d\n", password.MaxConcurrent()),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(text, "parkfin_timers_pending 0\n") {
		t.Error("the case's timers are not counted pending")
	}
	if busy := metricValue(t, text, "parkfin_open_committer_seconds_total"); busy <= 0 || busy > 30 {
		t.Errorf("the committer was busy %v s with one opening", busy)
	}
	// Relayed by a proxy, a loopback peer is not this machine's scraper.
	if r, _ := get(t, http.DefaultClient, "http://"+m.Addr()+"/metrics", "X-Forwarded-For", "203.0.113.9"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("/metrics through a proxy: %d", r.StatusCode)
	}
}

// With a metrics token, /metrics wants it, from anywhere.
func TestMetricsToken(t *testing.T) {
	t.Setenv("PARKFIN_DATA_DIR", t.TempDir())
	t.Setenv("PARKFIN_DATABASE_URL", "")
	t.Setenv("PARKFIN_REDIS_URL", "")
	t.Setenv("PARKFIN_HTTP_ADDR", "127.0.0.1:0")
	t.Setenv("PARKFIN_METRICS_TOKEN", "scrape-secret-1")
	m := mustServe(t, ServeOptions{HTTP: true})
	url := "http://" + m.Addr() + "/metrics"
	for _, tc := range []struct {
		auth string
		want int
	}{{"", 403}, {"Bearer wrong", 403}, {"Bearer scrape-secret-1", 200}} {
		var hdr []string
		if tc.auth != "" {
			hdr = []string{"Authorization", tc.auth}
		}
		if r, _ := get(t, http.DefaultClient, url, hdr...); r.StatusCode != tc.want {
			t.Errorf("/metrics with %q: %d, want %d", tc.auth, r.StatusCode, tc.want)
		}
	}
	if strings.Contains(m.Config.String(), "scrape-secret-1") {
		t.Error("the configuration shows the metrics token")
	}
}

// Session cookies are Secure unless parkfin serves plain HTTP on loopback.
func TestSecureCookiesByDefault(t *testing.T) {
	for _, tc := range []struct {
		addr, setting, cert string
		want                bool
	}{
		{"127.0.0.1:8080", "auto", "", false},
		{"[::1]:8080", "", "", false},
		{"localhost:8080", "auto", "", false},
		{"0.0.0.0:8080", "auto", "", true},
		{":8080", "auto", "", true},
		{"127.0.0.1:8443", "auto", "cert.pem", true},
		{"0.0.0.0:8080", "false", "", false},
		{"127.0.0.1:8080", "true", "", true},
	} {
		var c Config
		c.HTTPAddr, c.HTTP.SecureCookies, c.HTTP.TLSCert, c.HTTP.TLSKey = tc.addr, tc.setting, tc.cert, tc.cert
		if got := c.SecureCookies(); got != tc.want {
			t.Errorf("%s %q tls=%v: Secure %v, want %v", tc.addr, tc.setting, tc.cert != "", got, tc.want)
		}
	}
	t.Setenv("PARKFIN_DATA_DIR", t.TempDir())
	t.Setenv("PARKFIN_TLS_CERT", "only-a-cert.pem")
	if _, err := LoadConfig(""); err == nil || !strings.Contains(err.Error(), "tls_key") {
		t.Fatalf("a certificate without its key: %v", err)
	}
}

// parkfin serves HTTPS itself with PARKFIN_TLS_CERT and PARKFIN_TLS_KEY:
// the session cookie is Secure, answers carry HSTS and no-store.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	t.Setenv("PARKFIN_DATA_DIR", dir)
	t.Setenv("PARKFIN_DATABASE_URL", "")
	t.Setenv("PARKFIN_REDIS_URL", "")
	t.Setenv("PARKFIN_HTTP_ADDR", "127.0.0.1:0")
	t.Setenv("PARKFIN_TLS_CERT", certFile)
	t.Setenv("PARKFIN_TLS_KEY", keyFile)
	m := mustServe(t, ServeOptions{HTTP: true})
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	body := strings.NewReader(`{"user":"window-GXQ","password":"parkfin-demo"}`)
	resp, err := client.Post("https://"+m.Addr()+"/api/v1/session", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("sign-in over TLS: %d", resp.StatusCode)
	}
	cookies := resp.Cookies()
	if len(cookies) == 0 || !cookies[0].Secure || !cookies[0].HttpOnly {
		t.Fatalf("session cookie over TLS: %+v", cookies)
	}
	if resp.Header.Get("Strict-Transport-Security") == "" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("headers over TLS: %v", resp.Header)
	}
	page, _ := get(t, client, "https://"+m.Addr()+"/signin")
	if page.Header.Get("Strict-Transport-Security") == "" || !strings.Contains(page.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("sign-in page headers over TLS: %v", page.Header)
	}
	if _, err := http.Get("http://" + m.Addr() + "/healthz"); err == nil {
		if r, _ := get(t, http.DefaultClient, "http://"+m.Addr()+"/healthz"); r.StatusCode == 200 {
			t.Fatal("plain HTTP answered on the TLS listener")
		}
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "parkfin test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// metricValue is the value of the counter name in a text exposition.
func metricValue(t *testing.T, exposition, name string) float64 {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(exposition))
	if err != nil {
		t.Fatalf("/metrics: %v", err)
	}
	f := families[name]
	if f == nil || len(f.GetMetric()) == 0 {
		t.Fatalf("no sample %s", name)
	}
	return f.GetMetric()[0].GetCounter().GetValue()
}
