package accesslog

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"
)

// A request ended by its client's going away is told apart from a failure:
// its context is cancelled and the error is that cancellation.
func TestClientGone(t *testing.T) {
	live := httptest.NewRequest("POST", "/api/v1/session", nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	gone := live.WithContext(ctx)
	wrapped := fmt.Errorf("password check: %w", context.Canceled)
	for _, c := range []struct {
		name string
		gone bool
		err  error
		want bool
	}{
		{"client gone, cancellation", true, context.Canceled, true},
		{"client gone, cancellation wrapped", true, wrapped, true},
		{"client gone, another error", true, errors.New("database down"), false},
		{"client here, a cancellation of something else", false, context.Canceled, false},
		{"client here, no error", false, nil, false},
	} {
		r := live
		if c.gone {
			r = gone
		}
		if got := ClientGone(r, c.err); got != c.want {
			t.Errorf("%s: ClientGone %v, want %v", c.name, got, c.want)
		}
	}
}
