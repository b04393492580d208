package payload_test

import (
	"testing"

	"github.com/parkfin/parkfin/workflows/payload"
)

func TestPhoneAndEmail(t *testing.T) {
	for _, tc := range []struct{ in, want, code string }{
		{"13907371234", "13907371234", ""},
		{"+86 139 0737 1234", "13907371234", ""},
		{"0737-4221234", "0737-4221234", ""},
		{"(0737)4221234", "0737-4221234", ""},
		{"010 12345678", "", "phone"}, // a local number does not start with 1
		{"010-62345678-801", "010-62345678-801", ""},
		{"07374221234", "0737-4221234", ""},
		{"4221234", "", "phone"},
		{"12907371234", "", "phone"},
		{"0737-422123", "", "phone"},
	} {
		var c payload.Checker
		s := tc.in
		c.Phone("phone", "电话", &s, true)
		code := ""
		if err := c.Err(); err != nil {
			code = payload.Errors(err)[0].Code
		}
		if code != tc.code || (code == "" && s != tc.want) {
			t.Errorf("%q: %q %q, want %q %q", tc.in, s, code, tc.want, tc.code)
		}
	}
	for _, tc := range []struct{ in, want, code string }{
		{" Liaison@Bank.CN ", "Liaison@bank.cn", ""},
		{"liaison@", "", "email"},
		{"王 <w@bank.cn>", "", "email"},
		{"w@localhost", "", "email"},
		{"", "", ""},
	} {
		var c payload.Checker
		s := tc.in
		c.Email("email", "邮箱", &s, false)
		code := ""
		if err := c.Err(); err != nil {
			code = payload.Errors(err)[0].Code
		}
		if code != tc.code || (code == "" && s != tc.want) {
			t.Errorf("%q: %q %q, want %q %q", tc.in, s, code, tc.want, tc.code)
		}
	}
}
