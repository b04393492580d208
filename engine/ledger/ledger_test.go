package ledger_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/ledger"
)

func TestCanonicalJSON(t *testing.T) {
	for in, want := range map[string]string{
		`{"b": 1, "a": {"d": [1, 2.50], "c": "中文 <x>"}}`: `{"a":{"c":"中文 <x>","d":[1,2.50]},"b":1}`,
		``:       `null`,
		` null `: `null`,
		`"x"`:    `"x"`,
	} {
		got, err := ledger.CanonicalJSON(json.RawMessage(in))
		if err != nil || string(got) != want {
			t.Errorf("CanonicalJSON(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{`{`, `{"a":1} {"b":2}`, `nul`} {
		if _, err := ledger.CanonicalJSON(json.RawMessage(bad)); err == nil {
			t.Errorf("CanonicalJSON(%s) accepted", bad)
		}
	}
}

func chain(t *testing.T, n int) []ledger.Entry {
	t.Helper()
	var out []ledger.Entry
	prev := ""
	for i := 1; i <= n; i++ {
		e := ledger.Entry{Seq: int64(i * 10), CaseID: "c1", At: time.Date(2026, 1, 5, 9, i, 0, 0, time.UTC),
			ActorUser: "u", ActorRole: "bank", Event: "e", From: "a", To: "b", Payload: json.RawMessage(`{"k": 1}`), PrevHash: prev}
		if err := e.Seal(); err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func verify(es []ledger.Entry, heads []ledger.Head) ledger.Report {
	v := ledger.NewVerifier()
	for i := range es {
		if !v.Add(&es[i]) {
			break
		}
	}
	return v.Finish(heads)
}

func TestVerifier(t *testing.T) {
	es := chain(t, 4)
	head := []ledger.Head{{CaseID: "c1", Hash: es[3].Hash, Len: 4}}
	if r := verify(es, head); !r.OK() || r.Entries != 4 || r.Cases != 1 {
		t.Fatalf("intact chain: %s", r)
	}
	t.Run("HashIgnoresKeyOrder", func(t *testing.T) {
		e := es[0]
		e.Payload = json.RawMessage(`{ "k" : 1 }`)
		if h, _ := e.ComputeHash(); h != es[0].Hash {
			t.Fatal("white space changed the hash")
		}
	})
	t.Run("Edited", func(t *testing.T) {
		bad := append([]ledger.Entry{}, es...)
		bad[2].Payload = json.RawMessage(`{"k": 2}`)
		if r := verify(bad, head); r.OK() || r.BadSeq != 30 {
			t.Fatalf("%s", r)
		}
	})
	t.Run("TimeMatters", func(t *testing.T) {
		bad := append([]ledger.Entry{}, es...)
		bad[1].At = bad[1].At.Add(time.Microsecond)
		if r := verify(bad, head); r.OK() || r.BadSeq != 20 {
			t.Fatalf("%s", r)
		}
	})
	t.Run("Removed", func(t *testing.T) {
		bad := append(append([]ledger.Entry{}, es[:1]...), es[2:]...)
		if r := verify(bad, head); r.OK() || r.BadSeq != 30 {
			t.Fatalf("%s", r)
		}
	})
	t.Run("RemovedFirst", func(t *testing.T) {
		if r := verify(es[1:], head); r.OK() || r.BadSeq != 20 {
			t.Fatalf("%s", r)
		}
	})
	t.Run("Truncated", func(t *testing.T) {
		if r := verify(es[:3], head); r.OK() || r.BadSeq != 0 || r.BadCase != "c1" {
			t.Fatalf("%s", r)
		}
	})
	t.Run("OutOfOrder", func(t *testing.T) {
		bad := []ledger.Entry{es[1], es[0], es[2], es[3]}
		if r := verify(bad, head); r.OK() {
			t.Fatalf("%s", r)
		}
	})
	t.Run("OrphanEntries", func(t *testing.T) {
		if r := verify(es, nil); r.OK() || r.BadCase != "c1" {
			t.Fatalf("%s", r)
		}
	})
}
