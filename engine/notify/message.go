package notify

import (
	"encoding/json"
	"time"

	"github.com/parkfin/parkfin/engine"
)

// Message is a delivery's content, rendered when the notice was dispatched
// and kept with the delivery, so that a retry sends what the first attempt
// sent.
type Message struct {
	// Subject is the e-mail subject and the heading elsewhere.
	Subject string `json:"subject"`
	// Body is the notice's own words, without link or footer (the inbox).
	Body string `json:"body"`
	// Text is the plain-text body; HTML the e-mail's HTML part; Markdown
	// the WeCom robot's message.
	Text     string `json:"text"`
	HTML     string `json:"html,omitempty"`
	Markdown string `json:"markdown,omitempty"`
	Link     string `json:"link"`
	// To is the e-mail address.
	To string `json:"to,omitempty"`
	// Notice is the webhook's event, in the form docs/notifications.md
	// documents.
	Notice *WebhookEvent `json:"notice,omitempty"`
}

// WebhookEvent is the JSON body of a webhook delivery (its id is the
// delivery's idempotency key, added when sent).
type WebhookEvent struct {
	ID       string          `json:"id"`
	NoticeID string          `json:"notice_id"`
	Kind     string          `json:"kind"`
	Workflow string          `json:"workflow"`
	Event    string          `json:"event"`
	Org      string          `json:"org"`
	Copy     bool            `json:"copy"`
	At       time.Time       `json:"at"`
	DueAt    *time.Time      `json:"due_at,omitempty"`
	Case     *WebhookCase    `json:"case,omitempty"`
	Subject  string          `json:"subject"`
	Text     string          `json:"text"`
	Link     string          `json:"link"`
	Payload  json.RawMessage `json:"payload,omitempty"`
}

// WebhookCase is the case a webhook event tells of.
type WebhookCase struct {
	ID     string `json:"id"`
	Number string `json:"number"`
	Title  string `json:"title"`
	State  string `json:"state"`
}

// forChannel keeps what the channel sends: a delivery row holds no HTML it
// will never send.
func (m *Message) forChannel(ch string) *Message {
	out := &Message{Subject: m.Subject, Link: m.Link}
	switch ch {
	case Email:
		out.Text, out.HTML, out.To = m.Text, m.HTML, m.To
	case Webhook:
		out.Body, out.Notice = m.Body, m.Notice
	default: // the robots
		out.Markdown = m.Markdown
	}
	return out
}

func noticeJSON(n *engine.Notice, org string, cp bool, link string) *WebhookEvent {
	ev := &WebhookEvent{NoticeID: n.ID, Kind: n.Kind, Workflow: n.Workflow, Event: string(n.Event), Org: org,
		Copy: cp, At: n.At.UTC(), DueAt: n.DueAt, Link: link}
	if n.CaseID != "" {
		ev.Case = &WebhookCase{ID: n.CaseID, Number: n.CaseNumber, Title: n.CaseTitle, State: string(n.State)}
	}
	if len(n.Payload) > 0 && string(n.Payload) != "null" {
		ev.Payload = n.Payload
	}
	return ev
}
