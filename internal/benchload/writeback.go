package benchload

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Writeback returns how the machine's kernel writes dirty pages back to
// disk, and how the block device holding dir queues its writes, to be
// recorded beside a figure. PostgreSQL 15 grows a table's file by writing
// zeroed pages through the page cache; the kernel writes them out later,
// on the disk the commits sync their WAL to, and how much it writes at
// once shows in the commits' latency:
//
//   - dirty_background_bytes, or dirty_background_ratio (of memory) when
//     it is 0: past this much dirty data the kernel starts writing in the
//     background;
//   - dirty_expire_centisecs: data dirty for longer is written out by the
//     next pass of the flusher, every dirty_writeback_centisecs;
//   - the device's wbt_lat_usec: the latency of its reads and syncs past
//     which the kernel holds the background writes back (0: never).
func Writeback(dir string) string {
	read := func(path string) string {
		raw, err := os.ReadFile(path)
		if err != nil {
			return "?"
		}
		return strings.TrimSpace(string(raw))
	}
	vm := func(name string) string { return read("/proc/sys/vm/" + name) }
	background := "dirty_background_ratio=" + vm("dirty_background_ratio") + "%"
	if b := vm("dirty_background_bytes"); b != "0" && b != "?" {
		background = "dirty_background_bytes=" + b
	}
	out := fmt.Sprintf("%s, dirty_expire_centisecs=%s, dirty_writeback_centisecs=%s",
		background, vm("dirty_expire_centisecs"), vm("dirty_writeback_centisecs"))
	if queue := deviceQueue(dir); queue != "" {
		out += fmt.Sprintf("; %s's device: wbt_lat_usec=%s, scheduler %s, rotational=%s", dir,
			read(filepath.Join(queue, "wbt_lat_usec")), read(filepath.Join(queue, "scheduler")), read(filepath.Join(queue, "rotational")))
	}
	return out
}

// deviceQueue returns the sysfs queue directory of the block device that
// holds dir (its disk's, for a partition), or "" where it cannot be told
// (another machine's directory, a file system with no block device).
func deviceQueue(dir string) string {
	if dir == "" {
		return ""
	}
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		return ""
	}
	dev := fmt.Sprintf("/sys/dev/block/%d:%d", unix.Major(uint64(st.Dev)), unix.Minor(uint64(st.Dev)))
	for _, q := range []string{dev + "/queue", dev + "/../queue"} {
		if _, err := os.Stat(q); err == nil {
			return q
		}
	}
	return ""
}
