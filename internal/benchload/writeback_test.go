package benchload

import (
	"strings"
	"testing"
)

func TestWriteback(t *testing.T) {
	got := Writeback("")
	// Every Linux kernel this runs on has the four files; a missing one
	// would show as "?".
	if strings.Contains(got, "?") || !strings.Contains(got, "dirty_background_") || !strings.Contains(got, "dirty_expire_centisecs=") {
		t.Fatalf("Writeback(\"\") = %q", got)
	}
	// A directory on no block device (/proc) adds nothing; one on a disk
	// names its queue, where the machine has one.
	if got := Writeback("/proc"); strings.Contains(got, "device") {
		t.Errorf("Writeback(/proc) = %q", got)
	}
	dir := t.TempDir()
	if q := deviceQueue(dir); q != "" {
		t.Logf("the temporary directory's device queue: %s", q)
		if got := Writeback(dir); !strings.Contains(got, "wbt_lat_usec=") || !strings.Contains(got, "scheduler") {
			t.Errorf("Writeback(temp dir on %s) = %q", q, got)
		}
	}
}
