package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/parkfin/parkfin/engine"
)

// SMTPConfig says how to reach the mail server.
type SMTPConfig struct {
	// URL is smtp://user:pass@host:587 (STARTTLS; required unless the
	// server is on this machine's loopback, where it is used when offered) or smtps://user:pass@host:465 (implicit TLS).
	URL string
	// From is the sender's address, e.g. "园区融资服务 <noreply@example.cn>".
	From string
	// TLS is the TLS configuration; nil means the system's roots.
	TLS *tls.Config
	// Timeout bounds one message's whole conversation. Default 30s.
	Timeout time.Duration
	// Clock dates the messages.
	Clock engine.Clock
}

// SMTPSender sends e-mail. It is a Sender.
type SMTPSender struct {
	cfg      SMTPConfig
	addr     string
	host     string
	implicit bool
	user     string
	pass     string
	from     *mail.Address
}

var _ Sender = (*SMTPSender)(nil)

// NewSMTPSender checks the configuration and returns a sender.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("smtp url: %w", err)
	}
	s := &SMTPSender{cfg: cfg, host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		s.addr = net.JoinHostPort(u.Hostname(), portOr(u, "587"))
	case "smtps":
		s.implicit = true
		s.addr = net.JoinHostPort(u.Hostname(), portOr(u, "465"))
	default:
		return nil, fmt.Errorf("smtp url must start with smtp:// or smtps://, not %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("smtp url has no host")
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	if s.from, err = mail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("smtp from %q: %w", cfg.From, err)
	}
	if s.cfg.Timeout <= 0 {
		s.cfg.Timeout = 30 * time.Second
	}
	if s.cfg.Clock == nil {
		s.cfg.Clock = engine.SystemClock{}
	}
	if s.cfg.TLS == nil {
		s.cfg.TLS = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	}
	return s, nil
}

func portOr(u *url.URL, def string) string {
	if p := u.Port(); p != "" {
		return p
	}
	return def
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send sends one message: one SMTP conversation.
func (s *SMTPSender) Send(ctx context.Context, d *Delivery) error {
	to, err := mail.ParseAddress(d.Message.To)
	if err != nil {
		return Permanent(fmt.Errorf("recipient %q: %w", d.Message.To, err))
	}
	msg, err := BuildEmail(s.from, to, d, s.cfg.Clock.Now())
	if err != nil {
		return Permanent(err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	var c *smtp.Client
	if s.implicit {
		tc := tls.Client(conn, s.cfg.TLS)
		if err := tc.HandshakeContext(ctx); err != nil {
			return err
		}
		c = smtp.NewClient(tc)
	} else {
		if c, err = s.startTLS(ctx, conn); err != nil {
			return err
		}
	}
	defer c.Close()
	if s.user != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.user, s.pass)); err != nil {
			return classifySMTP(err)
		}
	}
	if err := c.SendMail(s.from.Address, []string{to.Address}, bytes.NewReader(msg)); err != nil {
		return classifySMTP(err)
	}
	_ = c.Quit()
	return nil
}

// startTLS greets the server on conn and upgrades the conversation with
// STARTTLS. Only to a server on this machine's loopback may it go on in
// clear when STARTTLS is not offered: anywhere else neither the password
// nor the message crosses the network in clear.
func (s *SMTPSender) startTLS(ctx context.Context, conn net.Conn) (*smtp.Client, error) {
	if !isLoopback(s.host) {
		return smtp.NewClientStartTLS(conn, s.cfg.TLS)
	}
	probe := smtp.NewClient(conn)
	if err := probe.Hello("parkfin"); err != nil {
		return nil, err
	}
	if ok, _ := probe.Extension("STARTTLS"); !ok {
		return probe, nil
	}
	// go-smtp upgrades only a fresh conversation: start again with TLS.
	_ = probe.Quit()
	var dialer net.Dialer
	again, err := dialer.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = again.SetDeadline(dl)
	}
	c, err := smtp.NewClientStartTLS(again, s.cfg.TLS)
	if err != nil {
		again.Close()
		return nil, err
	}
	return c, nil
}

// classifySMTP marks 5xx replies (a mailbox that does not exist, a
// refused sender) permanent; 4xx and broken connections are retried.
func classifySMTP(err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code >= 500 && se.Code != 535 {
		return Permanent(err)
	}
	return err
}

// MessageID returns the Message-ID of a delivery: the same on every
// attempt, so that a mailbox that got it twice can tell.
func MessageID(deliveryID string) string {
	sum := sha256.Sum256([]byte(deliveryID))
	return "<" + hex.EncodeToString(sum[:16]) + "@parkfin>"
}

// BuildEmail writes a MIME message: multipart/alternative with a plain and
// an HTML part, quoted-printable UTF-8; the subject and names encoded as
// RFC 2047 words.
func BuildEmail(from, to *mail.Address, d *Delivery, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	boundary := "parkfin-" + hex.EncodeToString(sha256.New().Sum([]byte(d.ID)))[:24]
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", from.String())
	h("To", to.String())
	h("Subject", mime.BEncoding.Encode("UTF-8", d.Message.Subject))
	h("Date", now.Format(time.RFC1123Z))
	h("Message-ID", MessageID(d.ID))
	h("X-Parkfin-Delivery", d.ID)
	h("MIME-Version", "1.0")
	h("Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
	b.WriteString("\r\n")
	part := func(ctype, body string) error {
		fmt.Fprintf(&b, "--%s\r\nContent-Type: %s; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", boundary, ctype)
		w := quotedprintable.NewWriter(&b)
		if _, err := w.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n"))); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		b.WriteString("\r\n")
		return nil
	}
	if err := part("text/plain", d.Message.Text); err != nil {
		return nil, err
	}
	if err := part("text/html", d.Message.HTML); err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes(), nil
}
