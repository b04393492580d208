package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/parkfin/parkfin/engine"
)

// The webhook's headers.
const (
	// HeaderDelivery carries the delivery's idempotency key: the same on
	// every attempt. Receivers de-duplicate on it.
	HeaderDelivery = "X-Parkfin-Delivery"
	// HeaderTimestamp is the Unix time, in seconds, the request was signed.
	HeaderTimestamp = "X-Parkfin-Timestamp"
	// HeaderSignature is "sha256=" and the hex HMAC-SHA256, keyed with the
	// webhook's secret, of the timestamp, a full stop, and the body.
	HeaderSignature = "X-Parkfin-Signature"
)

// Sign returns the signature header's value for a body sent at ts.
func Sign(secret []byte, ts int64, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a webhook request's signature and that its timestamp lies
// within tolerance of now; it is what a receiver runs (docs/notifications.md).
func Verify(secret []byte, header http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(header.Get(HeaderTimestamp), 10, 64)
	if err != nil {
		return errors.New("no timestamp")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("timestamp %d is %v away from now", ts, d)
	}
	want := Sign(secret, ts, body)
	if !hmac.Equal([]byte(want), []byte(header.Get(HeaderSignature))) {
		return errors.New("signature does not match")
	}
	return nil
}

// HTTPSender posts webhook, WeCom and DingTalk robot deliveries. It is a
// Sender for each of these channels; Channel picks the body.
type HTTPSender struct {
	Channel string
	Client  *http.Client
	Clock   engine.Clock
}

var _ Sender = (*HTTPSender)(nil)

// newClient returns an HTTP client that keeps a connection per concurrent
// sender to each destination: the default keeps two, and a channel sending
// 16 at a time to one robot would open and close connections all along.
func newClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Timeout: 10 * time.Second, Transport: t}
}

// NewWebhookSender returns the generic webhook's sender.
func NewWebhookSender(clock engine.Clock) *HTTPSender {
	return &HTTPSender{Channel: Webhook, Client: newClient(), Clock: clock}
}

// NewDingTalkSender returns the DingTalk group robot's sender.
func NewDingTalkSender(clock engine.Clock) *HTTPSender {
	return &HTTPSender{Channel: DingTalk, Client: newClient(), Clock: clock}
}

// DingTalkSign returns the sign parameter of a DingTalk robot request at
// timestamp ms (milliseconds): base64 of HMAC-SHA256, keyed with the
// secret, of the timestamp, a newline and the secret.
func DingTalkSign(secret string, ms int64) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(ms, 10) + "\n" + secret))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// NewWeComSender returns the WeCom group robot's sender.
func NewWeComSender(clock engine.Clock) *HTTPSender {
	return &HTTPSender{Channel: WeCom, Client: newClient(), Clock: clock}
}

// Send posts one delivery.
func (h *HTTPSender) Send(ctx context.Context, d *Delivery) error {
	var body []byte
	var err error
	target := d.URL
	switch h.Channel {
	case WeCom:
		// https://developer.work.weixin.qq.com/document/path/91770
		body, err = json.Marshal(map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": d.Message.Markdown}})
	case DingTalk:
		// https://open.dingtalk.com/document/robots/custom-robot-access
		body, err = json.Marshal(map[string]any{"msgtype": "markdown",
			"markdown": map[string]string{"title": d.Message.Subject, "text": d.Message.Markdown}})
		if d.Secret != "" {
			ms := h.Clock.Now().UnixMilli()
			u, perr := url.Parse(d.URL)
			if perr != nil {
				return Permanent(perr)
			}
			q := u.Query()
			q.Set("timestamp", strconv.FormatInt(ms, 10))
			q.Set("sign", DingTalkSign(d.Secret, ms))
			u.RawQuery = q.Encode()
			target = u.String()
		}
	default:
		ev := WebhookEvent{}
		if d.Message.Notice != nil {
			ev = *d.Message.Notice
		}
		ev.ID, ev.Subject, ev.Text = d.ID, d.Message.Subject, d.Message.Body
		body, err = json.Marshal(ev)
	}
	if err != nil {
		return Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set(HeaderDelivery, d.ID)
	if h.Channel == Webhook {
		ts := h.Clock.Now().Unix()
		req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
		req.Header.Set(HeaderSignature, Sign([]byte(d.Secret), ts, body))
	}
	resp, err := h.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 || resp.StatusCode == http.StatusRequestTimeout:
		return fmt.Errorf("%s answered %s", h.Channel, resp.Status)
	case resp.StatusCode >= 400:
		return Permanent(fmt.Errorf("%s answered %s: %s", h.Channel, resp.Status, bytes.TrimSpace(reply)))
	case resp.StatusCode >= 300:
		return fmt.Errorf("%s answered %s", h.Channel, resp.Status)
	}
	if h.Channel == WeCom || h.Channel == DingTalk {
		var r struct {
			ErrCode int    `json:"errcode"`
			ErrMsg  string `json:"errmsg"`
		}
		if err := json.Unmarshal(reply, &r); err != nil {
			return fmt.Errorf("wecom: unreadable answer: %w", err)
		}
		switch r.ErrCode {
		case 0:
		case 45009, 130101, -1: // over the robot's rate limit (WeCom, DingTalk); busy
			return fmt.Errorf("%s: %d %s", h.Channel, r.ErrCode, r.ErrMsg)
		default: // an invalid key or signature, a malformed message
			return Permanent(fmt.Errorf("%s: %d %s", h.Channel, r.ErrCode, r.ErrMsg))
		}
	}
	return nil
}
