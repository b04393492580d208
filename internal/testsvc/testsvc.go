// Package testsvc connects tests to the real services they need: PostgreSQL
// and Redis on this machine. Under CI=true a service that cannot be reached
// fails the test; elsewhere the test is skipped with a loud message.
package testsvc

import (
	"fmt"
	"os"
	"testing"
)

// Unavailable ends the test because the named service could not be reached:
// a failure under CI=true, a loud skip otherwise.
func Unavailable(t testing.TB, service string, err error) {
	t.Helper()
	msg := fmt.Sprintf("%s is not reachable (%v): start it (see README, .ci/run) to run this test", service, err)
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true: %s", msg)
	}
	fmt.Fprintf(os.Stderr, "\n*** SKIPPING %s: %s ***\n\n", t.Name(), msg)
	t.Skip(msg)
}

// Env returns the environment variable key, or def when it is empty.
func Env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
