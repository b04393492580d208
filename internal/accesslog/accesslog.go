// Package accesslog gives every HTTP request an identifier, returns it in
// the X-Request-ID header and writes one structured JSON line per request:
// method, route, status, duration, user and identifier. The routers below
// it (the API's and the web pages') fill in the route pattern and the
// signed-in user through the request's Record.
package accesslog

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Header is the response header that carries the request identifier.
const Header = "X-Request-ID"

// StatusClientGone is the status a request is logged with when its client
// went away before the answer (as nginx logs it): nobody reads the answer,
// and it is no failure of the server's.
const StatusClientGone = 499

// ClientGone reports whether err ended the request because its client went
// away: the request's context is cancelled, and err is that cancellation.
func ClientGone(r *http.Request, err error) bool {
	return r.Context().Err() != nil && errors.Is(err, context.Canceled)
}

// Record is what the handlers learn about a request while serving it.
type Record struct {
	ID string
	// Route is the matched route pattern ("/api/v1/cases/:id"); empty when
	// no route matched.
	Route string
	// User is the signed-in user, if any.
	User string
}

type ctxKey struct{}

// From returns the request's record, or nil outside Handler and WithID.
func From(ctx context.Context) *Record {
	r, _ := ctx.Value(ctxKey{}).(*Record)
	return r
}

// RequestID returns the request's identifier, or "".
func RequestID(ctx context.Context) string {
	if r := From(ctx); r != nil {
		return r.ID
	}
	return ""
}

// SetRoute records the matched route pattern.
func SetRoute(ctx context.Context, route string) {
	if r := From(ctx); r != nil {
		r.Route = route
	}
}

// SetUser records the signed-in user.
func SetUser(ctx context.Context, user string) {
	if r := From(ctx); r != nil && user != "" {
		r.User = user
	}
}

// NewID returns a fresh 128-bit identifier in hex.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// WithID makes sure the request has a record with an identifier, returned
// in the X-Request-ID header; a request that already has one (Handler is
// in front) keeps it.
func WithID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if From(r.Context()) != nil {
			next.ServeHTTP(w, r)
			return
		}
		rec := &Record{ID: NewID()}
		w.Header().Set(Header, rec.ID)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, rec)))
	})
}

// Observer is told of every request once it is answered (metrics).
type Observer func(method, route string, status int, d time.Duration)

// Config says where the lines go.
type Config struct {
	// Logger receives one line per request; nil writes none (the
	// identifier is still given).
	Logger *slog.Logger
	// Observe, when set, is called for every request.
	Observe Observer
}

// Handler serves next, giving the request its identifier, and logs it.
func Handler(cfg Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &Record{ID: NewID()}
		w.Header().Set(Header, rec.ID)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			d := time.Since(start)
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			route := rec.Route
			if route == "" {
				route = "unmatched"
			}
			if cfg.Observe != nil {
				cfg.Observe(r.Method, route, status, d)
			}
			if cfg.Logger != nil {
				cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
					slog.String("request_id", rec.ID),
					slog.String("method", r.Method),
					slog.String("route", route),
					slog.String("path", r.URL.Path),
					slog.Int("status", status),
					slog.Float64("duration_ms", float64(d.Microseconds())/1000),
					slog.Int64("bytes", sw.bytes),
					slog.String("user", rec.User),
					slog.String("remote", remoteHost(r.RemoteAddr)))
			}
		}()
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), ctxKey{}, rec)))
	})
}

func remoteHost(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// statusWriter remembers the status and counts the bytes written.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Flush passes a flush on (streamed exports).
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack passes a hijack on.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("accesslog: the connection cannot be hijacked")
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
