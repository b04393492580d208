package engine_test

import (
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
)

func TestCursor(t *testing.T) {
	c := &engine.Case{ID: "01a23279-4ad5-7c68-b574-bc759385cbe7", ReceivedAt: time.Date(2026, 11, 2, 10, 0, 0, 123456000, time.UTC)}
	cur, err := engine.ParseCursor(engine.CursorAfter(c))
	if err != nil || cur.ID != c.ID || !cur.ReceivedAt.Equal(c.ReceivedAt) {
		t.Fatalf("round trip: %+v %v", cur, err)
	}
	for _, bad := range []string{"", c.ID, "AQ", "!!!", "AQAAAAAAAAAAJyc"} {
		if _, err := engine.ParseCursor(bad); engine.ErrorCode(err) != engine.EINVALID {
			t.Errorf("cursor %q: %v, want validation_failed", bad, err)
		}
	}
}
