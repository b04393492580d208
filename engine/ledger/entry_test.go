package ledger_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/ledger"
)

// goldenEntry is an entry whose content hash is pinned: the format of
// what an entry's hash covers is the ledger's on disk, and must not move.
func goldenEntry() ledger.Entry {
	return ledger.Entry{CaseID: "0190a3c2-7b1e-7cc0-9a51-1f2e3d4c5b6a", Workflow: "financing", Number: "GXQ-2026-00001", Version: 3,
		At: time.Date(2026, 12, 3, 9, 30, 15, 123456000, time.UTC), ActorUser: "bank-ICBC", ActorRole: "bank", ActorOrg: "ICBC",
		Event: "answer", From: "accepted", To: "answered", Payload: json.RawMessage(`{"can_handle":true,"conditions":"抵押"}`),
		PrevHash: "5f2b6c1e0d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c"}
}

func TestContentHashGolden(t *testing.T) {
	e := goldenEntry()
	if got := e.ContentHash(); got != "867500a3063384b2d1983a8806f03381f6b1d9cd8391714ec1bbbe3495f3794c" {
		t.Errorf("content hash %s", got)
	}
	e.Payload = nil // hashed as null
	if got := e.ContentHash(); got != "b3a9b4aa76308ed441391127e56afb02a47485bbad2fe7dee6d8b7e946271c9d" {
		t.Errorf("content hash without a payload %s", got)
	}
}

func BenchmarkContentHash(b *testing.B) {
	e := goldenEntry()
	b.ReportAllocs()
	for b.Loop() {
		_ = e.ContentHash()
	}
}
