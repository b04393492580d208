package password_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/engine/password"
)

func TestHashCheck(t *testing.T) {
	fast := password.Params{Memory: 1024, Time: 1, Threads: 1}
	h, err := password.HashWith("正确的密码", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q is not in PHC form", h)
	}
	t.Run("OK", func(t *testing.T) {
		if err := password.Check(h, "正确的密码"); err != nil {
			t.Fatalf("Check: %v", err)
		}
	})
	t.Run("ErrMismatch", func(t *testing.T) {
		if err := password.Check(h, "错误的密码"); !errors.Is(err, password.ErrMismatch) {
			t.Fatalf("Check wrong password: %v, want ErrMismatch", err)
		}
	})
	t.Run("SaltDiffers", func(t *testing.T) {
		h2, _ := password.HashWith("正确的密码", fast)
		if h2 == h {
			t.Fatal("two hashes of one password are equal: salt not random")
		}
	})
	t.Run("Malformed", func(t *testing.T) {
		for _, bad := range []string{"", "$bcrypt$x", "$argon2id$v=19$m=x$a$b", "$argon2id$v=18$m=1,t=1,p=1$AAAA$AAAA"} {
			if err := password.Check(bad, "x"); err == nil || errors.Is(err, password.ErrMismatch) {
				t.Errorf("Check(%q) = %v, want a malformed-hash error", bad, err)
			}
		}
	})
}

// BenchmarkCheck checks a password against a hash of the default
// parameters (argon2id, 19 MiB, two passes): a sign-in's cost to serve.
func BenchmarkCheck(b *testing.B) {
	h, err := password.Hash("Correct-Horse-1")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := password.Check(h, "Correct-Horse-1"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckParallel checks from several goroutines at once, as a
// flood of sign-ins does: the hashes the bound lets run at once hold 19 MiB
// each.
func BenchmarkCheckParallel(b *testing.B) {
	h, err := password.Hash("Correct-Horse-1")
	if err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(8)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := password.Check(h, "Correct-Horse-1"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
