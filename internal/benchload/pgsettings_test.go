package benchload

import (
	"os"
	"testing"
)

func TestComposeSettings(t *testing.T) {
	got, err := ComposeSettings([]byte(`
services:
  postgres:
    image: postgres:15
    command: ["postgres", "-c", "max_wal_size=4GB", "-c", "checkpoint_completion_target=0.9"]
  redis:
    command: ["redis-server", "-c", "not=this"]
`))
	if err != nil || len(got) != 2 || got[0] != [2]string{"max_wal_size", "4GB"} || got[1] != [2]string{"checkpoint_completion_target", "0.9"} {
		t.Fatalf("ComposeSettings = %v, %v", got, err)
	}
	if _, err := ComposeSettings([]byte("services:\n  postgres:\n    command: [postgres, -c, nonsense]\n")); err == nil {
		t.Fatal("a setting without a value was taken")
	}
	if _, err := ComposeSettings([]byte("services:\n  redis: {}\n")); err == nil {
		t.Fatal("a file without a postgres service was taken")
	}
	// The deployed file's own settings read, each one PostgreSQL reloads.
	raw, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	deployed, err := ComposeSettings(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range deployed {
		switch s[0] {
		case "max_wal_size", "checkpoint_completion_target", "checkpoint_timeout", "wal_compression":
		default:
			t.Errorf("docker-compose.yml sets %s, which the serve benchmark may not be able to apply by a reload", s[0])
		}
	}
}
