package testsvc

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/parkfin/parkfin/engine/redisconn"
)

// RedisCluster is a real Redis Cluster of three primaries on loopback ports,
// started from the machine's redis-server for one test process.
type RedisCluster struct {
	// URL reaches the cluster in the form engine/redisconn parses
	// (redis-cluster://node1?addr=node2&addr=node3).
	URL   string
	Addrs []string
	dir   string
	procs []*exec.Cmd
	logs  []*bytes.Buffer
}

var (
	clusterOnce sync.Once
	cluster     *RedisCluster
	clusterErr  error
)

// StartRedisCluster returns the process's Redis Cluster, starting it on
// first use: three redis-server processes in cluster mode, joined with
// redis-cli --cluster create, no replicas, nothing kept on disk beyond a
// temporary directory. It is stopped by StopRedisCluster (call it from
// TestMain). Without redis-server and redis-cli the test is Unavailable.
func StartRedisCluster(t testing.TB) *RedisCluster {
	t.Helper()
	for _, bin := range []string{"redis-server", "redis-cli"} {
		if _, err := exec.LookPath(bin); err != nil {
			Unavailable(t, bin+" (for the Redis Cluster)", err)
		}
	}
	clusterOnce.Do(func() { cluster, clusterErr = startCluster() })
	if clusterErr != nil {
		t.Fatalf("Redis Cluster: %v", clusterErr)
	}
	return cluster
}

// StopRedisCluster stops the process's Redis Cluster, if one was started.
func StopRedisCluster() {
	if cluster != nil {
		cluster.stop()
	}
}

// Client returns a cluster client, closed when the test ends.
func (rc *RedisCluster) Client(t testing.TB) redis.UniversalClient {
	t.Helper()
	c, err := redisconn.ParseURL(rc.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func startCluster() (*RedisCluster, error) {
	dir, err := os.MkdirTemp("", "parkfin-redis-cluster-")
	if err != nil {
		return nil, err
	}
	rc := &RedisCluster{dir: dir}
	for i := 0; i < 3; i++ {
		// The cluster bus gets a port of its own: the default, the client
		// port + 10000, may be taken or beyond 65535.
		port, err := freePort()
		if err != nil {
			rc.stop()
			return nil, err
		}
		bus, err := freePort()
		if err != nil {
			rc.stop()
			return nil, err
		}
		node := filepath.Join(dir, "node"+strconv.Itoa(i))
		cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--cluster-enabled", "yes", "--cluster-port", strconv.Itoa(bus),
			"--cluster-config-file", node+".conf", "--cluster-node-timeout", "5000",
			"--dir", dir, "--dbfilename", "node"+strconv.Itoa(i)+".rdb", "--save", "", "--appendonly", "no")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			rc.stop()
			return nil, err
		}
		rc.procs = append(rc.procs, cmd)
		rc.logs = append(rc.logs, &out)
		rc.Addrs = append(rc.Addrs, "127.0.0.1:"+strconv.Itoa(port))
	}
	for i, addr := range rc.Addrs {
		if err := waitPing(addr); err != nil {
			rc.stop()
			return nil, fmt.Errorf("node %s did not start: %v\n%s", addr, err, rc.logs[i])
		}
	}
	args := append([]string{"--cluster", "create"}, rc.Addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		rc.stop()
		return nil, fmt.Errorf("redis-cli --cluster create: %v\n%s", err, out)
	}
	rc.URL = "redis-cluster://" + rc.Addrs[0] + "?addr=" + rc.Addrs[1] + "&addr=" + rc.Addrs[2]
	if err := rc.waitOK(); err != nil {
		rc.stop()
		return nil, err
	}
	return rc, nil
}

// waitOK waits until every node reports the cluster ok with all slots
// assigned.
func (rc *RedisCluster) waitOK() error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok := true
		for _, addr := range rc.Addrs {
			c := redis.NewClient(&redis.Options{Addr: addr})
			info, err := c.ClusterInfo(context.Background()).Result()
			c.Close()
			if err != nil || !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, "cluster_slots_assigned:16384") {
				ok = false
			}
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the cluster did not become ok within 30s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (rc *RedisCluster) stop() {
	for _, p := range rc.procs {
		if p.Process != nil {
			_ = p.Process.Kill()
			_ = p.Wait()
		}
	}
	if rc.dir != "" {
		_ = os.RemoveAll(rc.dir)
	}
}

func waitPing(addr string) error {
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := c.Ping(context.Background()).Err()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freePort returns a loopback port free at the moment.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
