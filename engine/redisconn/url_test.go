package redisconn_test

import (
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/parkfin/parkfin/engine/redisconn"
)

func TestParseURL(t *testing.T) {
	for _, c := range []struct {
		url  string
		mode redisconn.Mode
	}{
		{"redis://127.0.0.1:6379", redisconn.Standalone},
		{"rediss://user:secret@redis.example:6380/3?dial_timeout=3s", redisconn.Standalone},
		{"unix:///run/redis.sock?db=2", redisconn.Standalone},
		{"redis-sentinel://s1:26379?master_name=mymaster&addr=s2:26379", redisconn.Sentinel},
		{"rediss-sentinel://s1:26379/2?master_name=mymaster&password=secret", redisconn.Sentinel},
		{"redis://s1:26379?master_name=mymaster", redisconn.Sentinel},
		{"redis-cluster://n1:6379", redisconn.Cluster},
		{"redis://n1:6379?addr=n2:6379&addr=n3:6379", redisconn.Cluster},
	} {
		t.Run(c.url, func(t *testing.T) {
			mode, err := redisconn.ModeOf(c.url)
			if err != nil || mode != c.mode {
				t.Fatalf("ModeOf = %v, %v; want %v", mode, err, c.mode)
			}
			client, err := redisconn.ParseURL(c.url)
			if err != nil {
				t.Fatalf("ParseURL: %v", err)
			}
			defer client.Close()
			_, isCluster := client.(*redis.ClusterClient)
			_, isClient := client.(*redis.Client)
			if (c.mode == redisconn.Cluster) != isCluster || (c.mode != redisconn.Cluster) != isClient {
				t.Fatalf("ParseURL returned a %T for a %v URL", client, c.mode)
			}
		})
	}
}

func TestParseURLStandaloneOptions(t *testing.T) {
	client, err := redisconn.ParseURL("rediss://user:secret@redis.example:6380/3?pool_size=7")
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	o := client.(*redis.Client).Options()
	if o.Addr != "redis.example:6380" || o.DB != 3 || o.Username != "user" || o.Password != "secret" || o.PoolSize != 7 || o.TLSConfig == nil {
		t.Fatalf("options = %+v", o)
	}
}

func TestParseURLErrors(t *testing.T) {
	for _, u := range []string{
		"http://127.0.0.1:6379",
		"redis-sentinel://s1:26379",
		"redis-sentinel://s1:26379?master_name=",
		"redis-mirror://n1:6379",
		"unix-cluster:///run/redis.sock",
		"redis://127.0.0.1:6379?no_such_option=1",
		"redis-cluster://n1:6379?db=1",
		"redis://127.0.0.1:6379/x",
	} {
		if _, err := redisconn.ParseURL(u); err == nil {
			t.Errorf("ParseURL(%q): no error", u)
		}
	}
}
