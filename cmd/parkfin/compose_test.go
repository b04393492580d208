package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// No Docker engine runs here, so the compose file is checked for the shape
// production relies on: services, persistence, health checks, one migration
// before the app, two worker replicas.
func TestComposeFile(t *testing.T) {
	raw, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Services map[string]struct {
			Image       string         `yaml:"image"`
			Build       any            `yaml:"build"`
			Command     []string       `yaml:"command"`
			Environment map[string]any `yaml:"environment"`
			Healthcheck *struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
			DependsOn map[string]struct {
				Condition string `yaml:"condition"`
			} `yaml:"depends_on"`
			Deploy struct {
				Replicas int `yaml:"replicas"`
			} `yaml:"deploy"`
		} `yaml:"services"`
		Volumes map[string]any `yaml:"volumes"`
	}
	dec := yaml.NewDecoder(bytesReader(raw))
	dec.KnownFields(false)
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	for _, name := range []string{"postgres", "redis", "migrate", "serve", "worker"} {
		if _, ok := doc.Services[name]; !ok {
			t.Fatalf("no %s service", name)
		}
	}
	s := doc.Services
	if s["postgres"].Healthcheck == nil || s["redis"].Healthcheck == nil || s["serve"].Healthcheck == nil {
		t.Fatal("postgres, redis and serve need health checks")
	}
	if !containsAll(s["postgres"].Command, "-c", "max_wal_size=4GB") {
		t.Fatalf("postgres without the larger max_wal_size that a stream of openings needs: %v", s["postgres"].Command)
	}
	if !containsAll(s["redis"].Command, "--appendonly", "yes") {
		t.Fatalf("redis without AOF: %v", s["redis"].Command)
	}
	if s["worker"].Deploy.Replicas != 2 {
		t.Fatalf("worker replicas %d", s["worker"].Deploy.Replicas)
	}
	for _, app := range []string{"serve", "worker"} {
		if s[app].DependsOn["migrate"].Condition != "service_completed_successfully" {
			t.Fatalf("%s does not wait for the migration", app)
		}
		for _, key := range []string{"PARKFIN_DATABASE_URL", "PARKFIN_REDIS_URL"} {
			if s[app].Environment[key] == nil {
				t.Fatalf("%s lacks %s", app, key)
			}
		}
	}
	if len(s["migrate"].Command) == 0 || s["migrate"].Command[0] != "migrate" {
		t.Fatalf("migrate runs %v", s["migrate"].Command)
	}
	// Secrets come from env files: no password is written in the file,
	// each is required from .env, Redis asks for one, and PostgreSQL is
	// reached with sslmode=prefer.
	text := string(raw)
	for _, leak := range []string{"parkfin:parkfin@", "POSTGRES_PASSWORD: parkfin", "sslmode=disable"} {
		if strings.Contains(text, leak) {
			t.Errorf("docker-compose.yml contains %q", leak)
		}
	}
	url, _ := s["serve"].Environment["PARKFIN_DATABASE_URL"].(string)
	if !strings.Contains(url, "${APP_DB_PASSWORD:?") || !strings.Contains(url, "sslmode=prefer") {
		t.Errorf("database URL %q", url)
	}
	if owner, _ := s["migrate"].Environment["PARKFIN_DATABASE_URL"].(string); !strings.Contains(owner, "${POSTGRES_PASSWORD:?") {
		t.Errorf("the owner's database URL %q", owner)
	}
	if redisURL, _ := s["worker"].Environment["PARKFIN_REDIS_URL"].(string); !strings.Contains(redisURL, ":${REDIS_PASSWORD:?") {
		t.Errorf("Redis URL without the password: %q", redisURL)
	}
	if !containsAll(s["redis"].Command, "--requirepass") {
		t.Errorf("Redis without a password: %v", s["redis"].Command)
	}
	for _, f := range []string{"../../.env.example", "../../parkfin.env.example"} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("no %s to copy the secrets' file from", f)
		}
	}
	// Two roles: the owner migrates and grants the app role, which serve
	// and worker connect as; the init script makes the app role.
	owner, app := s["migrate"].Environment["PARKFIN_DATABASE_URL"], s["serve"].Environment["PARKFIN_DATABASE_URL"]
	if owner == app || s["migrate"].Environment["PARKFIN_DATABASE_APP_ROLE"] != "parkfin_app" ||
		s["worker"].Environment["PARKFIN_DATABASE_URL"] != app || !strings.Contains(fmt.Sprint(app), "//parkfin_app:") {
		t.Fatalf("roles: migrate as %v granting %v, serve as %v", owner, s["migrate"].Environment["PARKFIN_DATABASE_APP_ROLE"], app)
	}
	if init, err := os.ReadFile("../../configs/postgres/10-app-role.sh"); err != nil || !strings.Contains(string(init), "CREATE ROLE parkfin_app LOGIN") ||
		!strings.Contains(string(init), "APP_DB_PASSWORD") {
		t.Fatalf("the app role's init script: %v", err)
	}
	if _, err := os.Stat("../../Dockerfile"); err != nil {
		t.Fatal("the services build from a Dockerfile that is missing")
	}
}

func containsAll(xs []string, want ...string) bool {
	have := map[string]bool{}
	for _, x := range xs {
		have[x] = true
	}
	for _, w := range want {
		if !have[w] {
			return false
		}
	}
	return true
}

// The database host's kernel settings (configs/sysctl/) name settings this
// kernel has, and start the write-back early: at a few megabytes, not at a
// share of the memory.
func TestDatabaseHostSysctl(t *testing.T) {
	raw, err := os.ReadFile("../../configs/sysctl/90-parkfin-database.conf")
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for i, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("line %d: %q is not key = value", i+1, line)
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if _, err := os.Stat("/proc/sys/" + strings.ReplaceAll(key, ".", "/")); err != nil {
			t.Errorf("line %d: the kernel has no %s: %v", i+1, key, err)
		}
		settings[key] = value
	}
	var background int64
	if _, err := fmt.Sscan(settings["vm.dirty_background_bytes"], &background); err != nil ||
		background < 1<<20 || background > 64<<20 {
		t.Fatalf("vm.dirty_background_bytes = %q: want 1-64 MB", settings["vm.dirty_background_bytes"])
	}
}
