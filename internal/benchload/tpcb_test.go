package benchload

import (
	"strings"
	"testing"
	"time"
)

func TestPacedLatenciesReadPgbenchRateLog(t *testing.T) {
	// Three transactions of pgbench --rate: the third waited 2,100 µs for
	// its client, and its time includes that wait.
	log := "0 0 1830 0 1764800000 123456 12\n" +
		"1 0 912 0 1764800000 124000 0\n" +
		"0 1 4410 0 1764800000 129000 2100\n"
	got, err := pacedLatencies([]byte(log))
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{1830 * time.Microsecond, 912 * time.Microsecond, 4410 * time.Microsecond}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("transaction %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

func TestPacedLatenciesRefuseAnUnpacedOrSkippedLine(t *testing.T) {
	for name, log := range map[string]string{
		"without --rate": "0 0 1830 0 1764800000 123456\n",
		"skipped":        "0 0 skipped 0 1764800000 123456 9000\n",
		"failed":         "0 0 failed 0 1764800000 123456 0\n",
	} {
		if _, err := pacedLatencies([]byte(log)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("%s: got %v, want an error naming line 1", name, err)
		}
	}
}
