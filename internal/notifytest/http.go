package notifytest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/notify"
)

// Request is one request a Receiver got.
type Request struct {
	Delivery string
	Body     []byte
	// At is when it arrived, by the wall clock.
	At time.Time
	// ClockAt is when it arrived by the receiver's clock (the tests'
	// fake clock).
	ClockAt time.Time
	// Status is what the receiver answered.
	Status int
}

// Receiver is an HTTP server standing in for a WeCom robot or a webhook
// integration. As a webhook receiver it verifies every request's signature
// (a request that fails is answered 401 and counted in BadSignatures) and
// de-duplicates by the delivery's idempotency key: Effective holds each
// delivery once, however often it arrived.
type Receiver struct {
	URL    string
	Secret []byte
	// WeCom makes it answer as a WeCom robot ({"errcode":0}).
	WeCom bool
	// DingTalk makes it answer as a DingTalk robot, checking the
	// timestamp and sign parameters against Secret.
	DingTalk bool

	clock engine.Clock
	srv   *httptest.Server

	mu            sync.Mutex
	requests      []Request
	attempts      map[string]int
	effective     []Request
	effectiveIDs  map[string]bool
	BadSignatures int
	fail          func(delivery string, attempt int) int
	hold          chan struct{}
	inFlight      int
	notify        chan struct{}
}

// StartReceiver starts a receiver, closed when the test ends. clock is the
// clock the sender signs with (timestamps are checked against it).
func StartReceiver(t testing.TB, secret string, clock engine.Clock) *Receiver {
	t.Helper()
	r := &Receiver{Secret: []byte(secret), clock: clock, attempts: map[string]int{}, effectiveIDs: map[string]bool{}, notify: make(chan struct{}, 1)}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	r.URL = r.srv.URL
	t.Cleanup(func() { r.Release(); r.srv.Close() })
	return r
}

// Fail makes the receiver answer with the status fn returns for a
// delivery's nth attempt (1-based); 0 or 200 accepts.
func (r *Receiver) Fail(fn func(delivery string, attempt int) int) {
	r.mu.Lock()
	r.fail = fn
	r.mu.Unlock()
}

// Hold makes every request wait, unanswered, until Release.
func (r *Receiver) Hold() {
	r.mu.Lock()
	r.hold = make(chan struct{})
	r.mu.Unlock()
}

// Release answers the held requests and stops holding.
func (r *Receiver) Release() {
	r.mu.Lock()
	if r.hold != nil {
		close(r.hold)
		r.hold = nil
	}
	r.mu.Unlock()
}

// InFlight counts the requests held now.
func (r *Receiver) InFlight() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.inFlight
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return
	}
	id := req.Header.Get(notify.HeaderDelivery)
	r.mu.Lock()
	hold := r.hold
	if hold != nil {
		r.inFlight++
	}
	r.mu.Unlock()
	r.signal()
	if hold != nil {
		select {
		case <-hold:
		case <-req.Context().Done():
		}
		r.mu.Lock()
		r.inFlight--
		r.mu.Unlock()
		r.signal()
		if req.Context().Err() != nil {
			return // the sender is gone: nothing was delivered
		}
	}
	status := http.StatusOK
	if r.DingTalk {
		ms, _ := strconv.ParseInt(req.URL.Query().Get("timestamp"), 10, 64)
		if req.URL.Query().Get("sign") != notify.DingTalkSign(string(r.Secret), ms) {
			r.mu.Lock()
			r.BadSignatures++
			r.mu.Unlock()
			_ = json.NewEncoder(w).Encode(map[string]any{"errcode": 310000, "errmsg": "sign not match"})
			return
		}
	} else if !r.WeCom {
		if err := notify.Verify(r.Secret, req.Header, body, r.clock.Now(), 5*time.Minute); err != nil {
			r.mu.Lock()
			r.BadSignatures++
			r.mu.Unlock()
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
	}
	r.mu.Lock()
	r.attempts[id]++
	if r.fail != nil {
		if s := r.fail(id, r.attempts[id]); s != 0 {
			status = s
		}
	}
	rq := Request{Delivery: id, Body: body, Status: status, At: time.Now(), ClockAt: r.clock.Now()}
	r.requests = append(r.requests, rq)
	if status == http.StatusOK && !r.effectiveIDs[id] {
		r.effectiveIDs[id] = true
		r.effective = append(r.effective, rq)
	}
	r.mu.Unlock()
	r.signal()
	if status != http.StatusOK {
		http.Error(w, http.StatusText(status), status)
		return
	}
	if r.WeCom || r.DingTalk {
		_ = json.NewEncoder(w).Encode(map[string]any{"errcode": 0, "errmsg": "ok"})
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (r *Receiver) signal() {
	select {
	case r.notify <- struct{}{}:
	default:
	}
}

// WaitUntil waits, on the receiver's own signals, until cond holds.
func (r *Receiver) WaitUntil(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-r.notify:
		case <-deadline.C:
			t.Fatalf("receiver: timed out after %v waiting for %s", timeout, what)
		}
	}
}

// Requests returns every request, failed ones included.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request{}, r.requests...)
}

// Effective returns each delivery accepted, once.
func (r *Receiver) Effective() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request{}, r.effective...)
}

// Duplicates counts accepted requests beyond the first per delivery.
func (r *Receiver) Duplicates() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	ok := 0
	for _, q := range r.requests {
		if q.Status == http.StatusOK {
			ok++
		}
	}
	return ok - len(r.effective)
}

// WaitFor waits until n deliveries were accepted.
func (r *Receiver) WaitFor(t testing.TB, n int, timeout time.Duration) []Request {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		got := len(r.effective)
		r.mu.Unlock()
		if got >= n {
			return r.Effective()
		}
		select {
		case <-r.notify:
		case <-deadline.C:
			t.Fatalf("receiver: %d deliveries after %v, want %d", len(r.Effective()), timeout, n)
		}
	}
}
