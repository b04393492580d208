package main

import (
	"net"
	"net/http"
	"testing"
	"time"
)

// The server serves at most http.max_connections connections at once: one
// more waits (here: times out) until one of them closes.
func TestConnectionCap(t *testing.T) {
	t.Setenv("PARKFIN_DATA_DIR", t.TempDir())
	t.Setenv("PARKFIN_DATABASE_URL", "")
	t.Setenv("PARKFIN_REDIS_URL", "")
	t.Setenv("PARKFIN_HTTP_ADDR", "127.0.0.1:0")
	t.Setenv("PARKFIN_HTTP_MAX_CONNECTIONS", "2")
	m := mustServe(t, ServeOptions{HTTP: true})
	if m.Config.HTTP.MaxConnections != 2 {
		t.Fatalf("max connections %d", m.Config.HTTP.MaxConnections)
	}
	var held []net.Conn
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", m.Addr())
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	get := func(timeout time.Duration) error {
		client := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := client.Get("http://" + m.Addr() + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	if err := get(700 * time.Millisecond); err == nil {
		t.Fatal("a third connection was served while two were open")
	}
	held[0].Close()
	if err := get(10 * time.Second); err != nil {
		t.Fatalf("after one closed: %v", err)
	}
	held[1].Close()
}
