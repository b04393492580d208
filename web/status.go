package web

import (
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/payload"
	"github.com/parkfin/parkfin/workflows/plan3"
)

// tag is a coloured status tag: a catalogue key and a colour class. The
// word is always shown: colour is never the only signal.
type tag struct{ Key, Class string }

// stateColours are the tag colours of the states (ui.md).
var stateColours = map[engine.State]string{
	financing.Routed:        "blue",
	financing.Accepted:      "blue",
	financing.InfoRequested: "grey",
	financing.Returned:      "orange",
	financing.WithWindow:    "orange",
	financing.Answered:      "green",
	financing.Escalated:     "purple",
	financing.Coordinating:  "purple",
	financing.Closed:        "default",
}

// stateTag is the tag of a financing case's state.
func stateTag(s engine.State) tag {
	return tag{Key: financing.Key("state", string(s)), Class: stateColours[s]}
}

// caseStateTag is the tag of any case's state, in its workflow's words:
// a final state is plain, an open one blue.
func (s *Server) caseStateTag(c *engine.Case) tag {
	if c.Workflow == financing.Name {
		return stateTag(c.State)
	}
	t := tag{Key: payload.Words(c.Workflow).Key("state", string(c.State)), Class: "blue"}
	def, _ := s.engine.Workflow(c.Workflow)
	for _, st := range def.States {
		if st.Name == c.State && st.Final {
			t.Class = "default"
		}
	}
	if c.Workflow == plan3.Name && c.State == plan3.Supervised {
		t.Class = "red" // 督办
	}
	return t
}

// timeTag is the time-left tag of an open case: green in time, yellow past
// the warning, red overdue, grey paused; none for a closed case.
func timeTag(c *engine.Case) tag {
	if c.State == financing.Closed {
		return tag{}
	}
	clock := financing.ClockBank
	if c.Workflow != financing.Name && len(c.Limits) > 0 {
		clock = c.Limits[0].Clock // the main one comes first
	}
	l := c.Limit(clock)
	switch {
	case c.PastDue:
		return tag{"time.past_due", "red"}
	case l != nil && l.Paused:
		return tag{"time.paused", "grey"}
	case c.DueSoon:
		return tag{"time.due_soon", "yellow"}
	case l != nil && l.Running:
		return tag{"time.normal", "green"}
	}
	return tag{}
}

// limitView is one time limit as the case page shows it.
type limitView struct {
	ClockKey    string
	Deadline    string
	Running     bool
	Paused      bool
	PastDue     bool
	DueSoon     bool
	Provisional bool
	// LeftKey and Left say the working days left or overdue.
	LeftKey string
	Left    int
}

// limitsOf shows the limits of a case that were ever armed, the main one
// first.
func (s *Server) limitsOf(c *engine.Case, now time.Time) []limitView {
	var out []limitView
	for _, l := range c.Limits {
		if l.DueAt == nil && !l.Paused {
			continue
		}
		v := limitView{ClockKey: payload.Words(c.Workflow).Key("clock", l.Clock), Running: l.Running, Paused: l.Paused,
			PastDue: l.PastDue, DueSoon: l.DueSoon, Provisional: l.Provisional}
		if l.DueAt != nil {
			v.Deadline = deadlineText(*l.DueAt)
		}
		switch {
		case l.Paused:
			v.LeftKey, v.Left = "web.limit.paused", l.Remaining
		case l.PastDue && l.DueAt != nil:
			v.LeftKey, v.Left = "web.limit.over", s.workdaysBetween(*l.DueAt, now)
		case l.Running && l.DueAt != nil:
			v.Left = s.workdaysLeft(now, *l.DueAt)
			v.LeftKey = "web.limit.left"
			if v.Left == 0 {
				v.LeftKey = "web.limit.today"
			}
		default:
			v.LeftKey = "web.limit.stopped"
		}
		out = append(out, v)
	}
	return out
}

// workdaysLeft counts the working days after now's day up to the limit's
// last day.
func (s *Server) workdaysLeft(now, due time.Time) int {
	if s.cfg.Calendar == nil || !now.Before(due) {
		return 0
	}
	n, _, err := s.cfg.Calendar.ProvisionalRemaining(now, due)
	if err != nil {
		return 0
	}
	return n
}

// workdaysBetween counts the working days after the limit's last day up to
// now's day: how late it is.
func (s *Server) workdaysBetween(due, now time.Time) int {
	if s.cfg.Calendar == nil || !now.After(due) {
		return 0
	}
	n, _, err := s.cfg.Calendar.ProvisionalRemaining(due.Add(-time.Nanosecond), now.Add(time.Nanosecond))
	if err != nil {
		return 0
	}
	return n
}
