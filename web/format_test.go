package web

import (
	"net/url"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/workflows/financing"
)

func TestAmounts(t *testing.T) {
	for _, c := range []struct{ in, yuan, wan string }{
		{"1500000", "1,500,000.00", "150.00"},
		{"1500000.5", "1,500,000.50", "150.00"},
		{"999", "999.00", "0.10"},
		{"123456789.01", "123,456,789.01", "12,345.68"},
		{"-2500", "-2,500.00", "-0.25"},
		{"abc", "abc", "abc"},
	} {
		if got := yuan(c.in); got != c.yuan {
			t.Errorf("yuan(%q) = %q, want %q", c.in, got, c.yuan)
		}
		if got := wan(c.in); got != c.wan {
			t.Errorf("wan(%q) = %q, want %q", c.in, got, c.wan)
		}
	}
}

func TestTimes(t *testing.T) {
	sh := calendar.Location()
	if got := fmtTime(time.Date(2026, 10, 13, 1, 30, 0, 0, time.UTC)); got != "2026-10-13 09:30" {
		t.Errorf("fmtTime shows %q, want Beijing time 2026-10-13 09:30", got)
	}
	if got := deadlineText(time.Date(2026, 10, 14, 0, 0, 0, 0, sh)); got != "2026-10-13 24:00" {
		t.Errorf("a limit ending at midnight shows %q, want 2026-10-13 24:00", got)
	}
	if got := deadlineText(time.Date(2026, 10, 13, 17, 0, 0, 0, sh)); got != "2026-10-13 17:00" {
		t.Errorf("a limit ending at 17:00 shows %q", got)
	}
	if got := groupUSCC("91430900MA4L00010R"); got != "91 430900 MA4L00010 R" {
		t.Errorf("groupUSCC = %q", got)
	}
}

func TestPayloadOf(t *testing.T) {
	form := url.Values{"can_handle": {"yes"}, "conditions": {"抵押"}, "procedure": {""}, "amount_offered": {"1,200,000"}}
	raw, errs := payloadOf(financing.AnswerInput{}, form)
	if len(errs) != 0 {
		t.Fatalf("errors %v", errs)
	}
	// can_handle is required and sent; empty optional fields are left out;
	// separators leave the amount.
	if want := `{"amount_offered":"1200000","can_handle":"yes","conditions":"抵押"}`; string(raw) != want {
		t.Fatalf("payload %s, want %s", raw, want)
	}
	raw, errs = payloadOf(financing.ExtensionInput{}, url.Values{"workdays": {"three"}, "reason": {"x"}})
	if len(errs) != 1 || errs[0].Field != "workdays" || errs[0].MessageZH != "请填写整数。" {
		t.Fatalf("a non-number: %s %v", raw, errs)
	}
	raw, _ = payloadOf(financing.OpenInput{}, url.Values{"enterprise.name": {"某公司"}, "park": {"GXQ"}, "need": {"贷款"}, "enterprise.uscc": {"X"}})
	if want := `{"enterprise":{"name":"某公司","uscc":"X"},"need":"贷款","park":"GXQ"}`; string(raw) != want {
		t.Fatalf("nested payload %s, want %s", raw, want)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/inbox?tab=routed": "/inbox?tab=routed", "//evil.example": "",
		"https://evil.example/": "", "/\\evil": "", "": ""} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
