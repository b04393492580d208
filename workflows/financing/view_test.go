package financing_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
)

// openedCase is a case as the open rules leave it, its record kept.
func openedCase(b *testing.B) *engine.Case {
	b.Helper()
	d := &financing.Data{Park: "GXQ", ParkName: "益阳高新技术产业开发区", County: "YY-HS",
		LeadBank: "ICBC", LeadBankName: "中国工商银行益阳分行", PairingYear: 2026,
		Enterprise: financing.Enterprise{Name: "益阳市压测企业1有限公司", USCC: "91350100M000100Y43"},
		Need:       "流动资金贷款，了解抵押条件和办理流程。", Amount: "3000000", WindowDelayWorkdays: 0,
		Rounds: []financing.Round{{Bank: "ICBC", BankName: "中国工商银行益阳分行", Cause: financing.Open,
			RoutedAt: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}}}
	raw, err := json.Marshal(d)
	if err != nil {
		b.Fatal(err)
	}
	c := &engine.Case{}
	c.SetRecord(raw, d)
	return c
}

// BenchmarkViewOf: reading the record of a case just opened, kept
// (ViewOf) and decoded again (DataOf), as the answer to its creation does.
func BenchmarkViewOf(b *testing.B) {
	c := openedCase(b)
	b.Run("kept", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if d, err := financing.ViewOf(c); err != nil || d.Park != "GXQ" {
				b.Fatal(d, err)
			}
		}
	})
	b.Run("decoded", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if d, err := financing.DataOf(c); err != nil || d.Park != "GXQ" {
				b.Fatal(d, err)
			}
		}
	})
}
