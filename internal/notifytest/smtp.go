// Package notifytest starts, for tests and benchmarks, the real servers
// notifications go to: an SMTP server (github.com/emersion/go-smtp) that
// keeps what it receives and reads it back, and an HTTP receiver for WeCom
// robots and signed webhooks that verifies signatures and de-duplicates by
// idempotency key, as a real integration would.
package notifytest

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one message the SMTP server accepted, read back.
type Mail struct {
	From string
	To   []string
	// Header fields, the subject decoded from its RFC 2047 words.
	Subject   string
	HeaderTo  string
	MessageID string
	Delivery  string
	// Text and HTML are the decoded parts of multipart/alternative.
	Text string
	HTML string
	Raw  []byte
}

// SMTPServer is a real SMTP server on 127.0.0.1 requiring AUTH PLAIN.
type SMTPServer struct {
	Addr string
	User string
	Pass string

	srv    *smtp.Server
	scheme string
	mu     sync.Mutex
	mails  []Mail
	refuse func() error
	notify chan struct{}
}

// StartSMTP starts a server with the credentials, stopped when the test ends.
func StartSMTP(t testing.TB, user, pass string) *SMTPServer {
	t.Helper()
	s := newSMTP(user, pass)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.start(t, ln)
	return s
}

func newSMTP(user, pass string) *SMTPServer {
	s := &SMTPServer{User: user, Pass: pass, scheme: "smtp", notify: make(chan struct{}, 1)}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	return s
}

func (s *SMTPServer) start(t testing.TB, ln net.Listener) {
	s.Addr = ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }()
	t.Cleanup(func() { s.srv.Close() })
}

// URL returns the smtp:// (or smtps://) URL to reach the server.
func (s *SMTPServer) URL() string { return s.scheme + "://" + s.User + ":" + s.Pass + "@" + s.Addr }

// Refuse makes the server answer MAIL FROM with the error fn returns while
// it returns one (a 421 "try again later", say); nil accepts again.
func (s *SMTPServer) Refuse(fn func() error) {
	s.mu.Lock()
	s.refuse = fn
	s.mu.Unlock()
}

// TempFail is the SMTP reply of a server that cannot take mail now.
var TempFail = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}

// Mails returns what the server accepted so far.
func (s *SMTPServer) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail{}, s.mails...)
}

// WaitFor waits until the server accepted at least n messages.
func (s *SMTPServer) WaitFor(t testing.TB, n int, timeout time.Duration) []Mail {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if m := s.Mails(); len(m) >= n {
			return m
		}
		select {
		case <-s.notify:
		case <-deadline.C:
			t.Fatalf("SMTP server: %d messages after %v, want %d", len(s.Mails()), timeout, n)
		}
	}
}

// WaitUntil waits until the messages accepted so far satisfy cond, and
// returns them.
func (s *SMTPServer) WaitUntil(t testing.TB, what string, timeout time.Duration, cond func([]Mail) bool) []Mail {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if m := s.Mails(); cond(m) {
			return m
		}
		select {
		case <-s.notify:
		case <-deadline.C:
			t.Fatalf("SMTP server: no %s after %v; accepted %d messages", what, timeout, len(s.Mails()))
		}
	}
}

type session struct {
	s      *SMTPServer
	authed bool
	from   string
	to     []string
}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != x.s.User || pass != x.s.Pass {
			return errors.New("invalid credentials")
		}
		x.authed = true
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if !x.authed {
		return smtp.ErrAuthRequired
	}
	x.s.mu.Lock()
	refuse := x.s.refuse
	x.s.mu.Unlock()
	if refuse != nil {
		if err := refuse(); err != nil {
			return err
		}
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := Parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "unreadable message: " + err.Error()}
	}
	m.From, m.To = x.from, x.to
	x.s.mu.Lock()
	x.s.mails = append(x.s.mails, m)
	x.s.mu.Unlock()
	select {
	case x.s.notify <- struct{}{}:
	default:
	}
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

// Parse reads a message back as a mail client would: the subject decoded,
// the parts of multipart/alternative decoded from quoted-printable.
func Parse(raw []byte) (Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Mail{}, err
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Mail{}, err
	}
	m := Mail{Subject: subject, HeaderTo: msg.Header.Get("To"), MessageID: msg.Header.Get("Message-ID"),
		Delivery: msg.Header.Get("X-Parkfin-Delivery"), Raw: raw}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return Mail{}, err
	}
	if !strings.HasPrefix(mt, "multipart/") {
		return Mail{}, errors.New("not multipart: " + mt)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Mail{}, err
		}
		body, err := io.ReadAll(p)
		if err != nil {
			return Mail{}, err
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			m.Text = strings.ReplaceAll(string(body), "\r\n", "\n")
		case "text/html":
			m.HTML = string(body)
		}
	}
	return m, nil
}
