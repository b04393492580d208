package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// The CLI speaks the clerk's language: case show prints the state, the
// need, the amount in 万元, the credit code, the limits and the events this
// user may fire in Chinese; case fire --help lists the events and their
// fields; a paper record's routed time sets the bank's limit.
func TestCaseInChinese(t *testing.T) {
	forEachDB(t, func(t *testing.T) {
		mustRun(t, "demo", "seed")
		check, _ := uscc.CheckChar("91430900MA4L00004")
		code := "91430900MA4L00004" + string(check)
		now := time.Now().In(calendar.Location())
		var opened struct {
			Number      string
			RoutedAt    string `json:"routed_at"`
			ReceivedAt  string `json:"received_at"`
			Provisional bool   `json:"deadline_provisional"`
		}
		received, routed := now.Add(-50*time.Hour).Format(time.RFC3339), now.Add(-26*time.Hour).Format(time.RFC3339)
		mustJSONOut(t, &opened, "case", "open", "--as", "window-GXQ", "--park", "GXQ", "--enterprise", "益阳某某科技有限公司",
			"--uscc", code, "--need", "设备更新贷款", "--amount", "800000", "--received-at", received, "--routed-at", routed)
		if opened.RoutedAt != routed || opened.ReceivedAt != received {
			t.Fatalf("opened %+v, want received %s routed %s", opened, received, routed)
		}
		out := mustRun(t, "case", "show", "--as", "bank-ICBC", opened.Number)
		for _, want := range []string{"待签收", "设备更新贷款", "80.00 万元", code, "银行答复期限", "签收（accept）", "退单（return）"} {
			if !strings.Contains(out, want) {
				t.Errorf("case show lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "routed\t") || strings.Contains(out, " routed ") {
			t.Errorf("case show prints a state code:\n%s", out)
		}
		help := mustRun(t, "case", "fire", "--help")
		for _, want := range []string{"request_extension", "申请延期", "--set workdays=", "延期工作日数", "satisfied|basically_satisfied|dissatisfied"} {
			if !strings.Contains(help, want) {
				t.Errorf("case fire --help lacks %q", want)
			}
		}
		// An integer field typed from --set.
		mustRun(t, "case", "fire", "--as", "bank-ICBC", opened.Number, "accept")
		out = mustRun(t, "case", "fire", "--as", "bank-ICBC", opened.Number, "request_extension", "--set", "workdays=2", "--set", "reason=需总行审批")
		if !strings.Contains(out, "延期审批期限") {
			t.Errorf("extension limit not shown:\n%s", out)
		}
		if out := mustRun(t, "calendar", "recompute"); !strings.Contains(out, "0 件") {
			t.Errorf("calendar recompute: %q", out)
		}
	})
}

// From 1 November a missing next year is logged once a day, not before and
// not twice.
func TestYearWatch(t *testing.T) {
	cal, err := calendar.LoadDefault() // 2024–2027
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	w := &yearWatch{log: slog.New(slog.NewTextHandler(&logs, nil))}
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, tc := range []struct {
		now  string
		logs bool
	}{
		{"2027-10-31T23:00:00+08:00", false},
		{"2027-11-01T00:00:00+08:00", true},
		{"2027-11-01T08:00:00+08:00", false},
		{"2027-11-01T23:59:00+08:00", false},
		{"2027-11-02T00:01:00+08:00", true},
		{"2026-11-15T09:00:00+08:00", false}, // 2027 is there
	} {
		if got := w.check(cal, at(tc.now)); got != tc.logs {
			t.Errorf("%s: logged %v, want %v", tc.now, got, tc.logs)
		}
	}
	if n := strings.Count(logs.String(), "year=2028"); n != 2 {
		t.Fatalf("logged 2028 %d times, want 2:\n%s", n, logs.String())
	}
}
