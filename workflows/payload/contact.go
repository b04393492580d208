package payload

import (
	"net/mail"
	"regexp"
	"strings"
)

// Mainland phone numbers: a mobile number of 11 digits, or a landline with
// its area code (010, 02X, or four digits starting with 0), a number of 7
// or 8 digits and an optional extension.
var (
	mobileNumber   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landlineNumber = regexp.MustCompile(`^(010|02[0-9]|0[3-9][0-9]{2})-?([2-9][0-9]{6,7})(?:(?:-|转)([0-9]{1,6}))?$`)
	phoneNoise     = strings.NewReplacer(" ", "", "\u3000", "", "(", "", ")", "", "（", "", "）", "", "－", "-", "—", "-")
)

// Phone normalises *s to a mainland mobile number (13907371234) or a
// landline with its area code (0737-4221234, 0737-4221234-801) and checks
// it is one; spaces and brackets are dropped, +86 is accepted before a
// mobile number. An empty optional value stays empty.
func (c *Checker) Phone(field, label string, s *string, required bool) {
	c.Text(field, label, s, required, 32)
	if *s == "" {
		return
	}
	v := phoneNoise.Replace(*s)
	v = strings.TrimPrefix(strings.TrimPrefix(v, "+86"), "0086")
	v = strings.TrimPrefix(v, "-")
	if mobileNumber.MatchString(v) {
		*s = v
		return
	}
	if m := landlineNumber.FindStringSubmatch(v); m != nil {
		*s = m[1] + "-" + m[2]
		if m[3] != "" {
			*s += "-" + m[3]
		}
		return
	}
	c.Add(field, "phone", field+" must be a mainland mobile number (11 digits) or a landline with its area code, such as 0737-4221234.",
		label+"应为 11 位手机号码，或带区号的固定电话，例如 0737-4221234。")
}

// Email normalises *s (trimmed, the domain in lower case) and checks it is
// one plain address (name@example.com, no display name).
func (c *Checker) Email(field, label string, s *string, required bool) {
	c.Text(field, label, s, required, 254)
	if *s == "" {
		return
	}
	a, err := mail.ParseAddress(*s)
	local, domain, ok := strings.Cut(*s, "@")
	if err != nil || a.Address != *s || !ok || local == "" || !strings.Contains(domain, ".") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		c.Add(field, "email", field+" must be an e-mail address such as liaison@example.com.",
			label+"应为电子邮箱地址，例如 liaison@example.com。")
		return
	}
	*s = local + "@" + strings.ToLower(domain)
}
