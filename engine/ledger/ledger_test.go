package ledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
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

func mustKeyring(t testing.TB, keys ...ledger.Key) *ledger.Keyring {
	t.Helper()
	kr, err := ledger.NewKeyring(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

var (
	k1 = ledger.Key{ID: "k1", Alg: ledger.HMACSHA256, Secret: bytes.Repeat([]byte{1}, 32)}
	k2 = ledger.Key{ID: "k2", Alg: ledger.HMACSM3, Secret: bytes.Repeat([]byte{2}, 32)}
)

// memLedger is a ledger held in memory: entries, the recorded chain head
// and the case rows, as a store would give them.
type memLedger struct {
	entries []ledger.Entry
	headSeq int64
	head    string
	cases   map[string]*ledger.CaseRow
}

func (m *memLedger) ScanLedger(_ context.Context, fn func(*ledger.Entry) error) error {
	for i := range m.entries {
		e := m.entries[i]
		if err := fn(&e); err != nil {
			return err
		}
	}
	return nil
}

func (m *memLedger) ChainHead(context.Context) (int64, string, error) { return m.headSeq, m.head, nil }

func (m *memLedger) ScanCaseChains(_ context.Context, fn func(*ledger.CaseRow, *ledger.Link) error) error {
	seen := map[string]bool{}
	var ids []string
	for id := range m.cases {
		ids, seen[id] = append(ids, id), true
	}
	for _, e := range m.entries {
		if !seen[e.CaseID] {
			ids, seen[e.CaseID] = append(ids, e.CaseID), true
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		var c *ledger.CaseRow
		if row := m.cases[id]; row != nil {
			copied := *row
			c = &copied
		}
		n := 0
		for _, e := range m.entries {
			if e.CaseID != id {
				continue
			}
			n++
			l := ledger.Link{Seq: e.Seq, CaseID: e.CaseID, PrevHash: e.PrevHash, Hash: e.Hash, To: e.To, Workflow: e.Workflow,
				Number: e.Number, Version: e.Version, Authenticated: e.Authenticated()}
			if err := fn(c, &l); err != nil {
				return err
			}
		}
		if n == 0 {
			if err := fn(c, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *memLedger) ScanCases(_ context.Context, fn func(*ledger.CaseRow) error) error {
	for _, row := range m.cases { // in no order: a RowSource promises none
		copied := *row
		if err := fn(&copied); err != nil {
			return err
		}
	}
	return nil
}

// append adds a move of the case as the engine and a store would: the
// content hash, then the number, link and MAC under kr's current key.
func (m *memLedger) append(t testing.TB, kr *ledger.Keyring, caseID, to string) {
	t.Helper()
	c := m.cases[caseID]
	if c == nil {
		c = &ledger.CaseRow{ID: caseID, Workflow: "financing", Number: "N-" + caseID}
		m.cases[caseID] = c
	}
	c.Version++
	e := ledger.Entry{CaseID: caseID, Workflow: c.Workflow, Number: c.Number, Version: c.Version,
		At: time.Date(2026, 1, 5, 9, len(m.entries), 0, 0, time.UTC), ActorUser: "u", ActorRole: "bank",
		Event: "e", From: c.State, To: to, Payload: json.RawMessage(`{"k":1}`), PrevHash: c.LedgerHead}
	if err := e.Seal(); err != nil {
		t.Fatal(err)
	}
	kr.Chainer().Link(&e, m.headSeq+1, m.head)
	m.headSeq, m.head = e.Seq, e.ChainHash
	c.State, c.LedgerHead = to, e.Hash
	c.LedgerLen++
	m.entries = append(m.entries, e)
}

func fixture(t testing.TB, kr *ledger.Keyring) *memLedger {
	m := &memLedger{cases: map[string]*ledger.CaseRow{}}
	for i, to := range []string{"routed", "accepted", "routed", "info", "accepted", "answered"} {
		m.append(t, kr, []string{"c1", "c2"}[i%2], to)
	}
	return m
}

func (m *memLedger) verify(t *testing.T, kr *ledger.Keyring, cps ...ledger.Checkpoint) ledger.Report {
	t.Helper()
	r, err := ledger.Verify(context.Background(), m, kr, cps)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func want(t *testing.T, r ledger.Report, kind ledger.Kind, seq int64) {
	t.Helper()
	if r.Kind != kind || r.BadSeq != seq {
		t.Fatalf("report %q: want %s at %d", r, kind, seq)
	}
}

// recomputeFrom redoes, as someone with the database but not the key would,
// the content hashes of the case chain of entry i and every global link
// from i on, and the recorded heads; the MACs stay.
func (m *memLedger) recomputeFrom(i int, links bool) {
	prevByCase := map[string]string{}
	for j := range m.entries {
		e := &m.entries[j]
		if j >= i {
			e.PrevHash = prevByCase[e.CaseID]
			e.Hash = e.ContentHash()
			if links {
				prev := ""
				if j > 0 {
					prev = m.entries[j-1].ChainHash
				}
				e.ChainHash = ledger.ChainLink(prev, e.Seq, e.Hash)
			}
		}
		prevByCase[e.CaseID] = e.Hash
		m.cases[e.CaseID].LedgerHead = e.Hash
	}
	if links {
		m.head = m.entries[len(m.entries)-1].ChainHash
	}
}

func TestVerify(t *testing.T) {
	kr := mustKeyring(t, k1)
	if r := fixture(t, kr).verify(t, kr); !r.OK() || r.String() != "ok: 6 entries, 2 cases" || r.HeadSeq != 6 || r.Walked {
		t.Fatalf("intact: %s (walked %v: the sums must settle an intact ledger)", r, r.Walked)
	}
	t.Run("Edited", func(t *testing.T) {
		m := fixture(t, kr)
		m.entries[2].Payload = json.RawMessage(`{"k":2}`)
		want(t, m.verify(t, kr), ledger.KindEdited, 3)
	})
	t.Run("RewrittenPerCaseHashesRecomputed", func(t *testing.T) {
		m := fixture(t, kr)
		m.entries[2].ActorUser = "city"
		m.recomputeFrom(2, false)
		want(t, m.verify(t, kr), ledger.KindChain, 3)
	})
	t.Run("RewrittenAllHashesRecomputed", func(t *testing.T) {
		m := fixture(t, kr)
		m.entries[2].ActorUser = "city"
		m.recomputeFrom(2, true)
		want(t, m.verify(t, kr), ledger.KindMAC, 3)
	})
	t.Run("RemovedMiddle", func(t *testing.T) {
		m := fixture(t, kr)
		m.entries = append(m.entries[:2], m.entries[3:]...)
		want(t, m.verify(t, kr), ledger.KindGap, 4)
	})
	t.Run("TailDroppedHeadKept", func(t *testing.T) {
		m := fixture(t, kr)
		m.entries = m.entries[:5]
		want(t, m.verify(t, kr), ledger.KindHead, 0)
	})
	t.Run("TailDroppedHeadRolledBack", func(t *testing.T) {
		m := fixture(t, kr)
		cp, err := checkpoint(kr, m)
		if err != nil {
			t.Fatal(err)
		}
		if r := m.verify(t, kr, cp); !r.OK() || r.Checkpoints != 1 {
			t.Fatalf("checkpoint of an intact ledger: %s", r)
		}
		m.entries = m.entries[:4]
		m.headSeq, m.head = 4, m.entries[3].ChainHash
		c2 := m.cases["c2"]
		c2.State, c2.Version, c2.LedgerLen, c2.LedgerHead = "info", 2, 2, m.entries[3].Hash
		c1 := m.cases["c1"]
		c1.State, c1.Version, c1.LedgerLen, c1.LedgerHead = "routed", 2, 2, m.entries[2].Hash
		if r := m.verify(t, kr); !r.OK() {
			t.Fatalf("without a checkpoint the rolled back ledger is self-consistent, got %s", r)
		}
		want(t, m.verify(t, kr, cp), ledger.KindCheckpointMissing, 6)
	})
	t.Run("ChangedBeforeCheckpoint", func(t *testing.T) {
		m := fixture(t, kr)
		cp, _ := checkpoint(kr, m)
		// Someone with the key itself rewrites entry 2 and everything after.
		m.entries[1].ActorUser = "city"
		m.recomputeFrom(1, true)
		for i := range m.entries[1:] {
			e := &m.entries[1+i]
			kr.Chainer().Link(e, e.Seq, m.entries[i].ChainHash)
		}
		m.head = m.entries[5].ChainHash
		if r := m.verify(t, kr); !r.OK() {
			t.Fatalf("a key holder's rewrite is self-consistent, got %s", r)
		}
		want(t, m.verify(t, kr, cp), ledger.KindCheckpoint, 6)
	})
	t.Run("CheckpointForged", func(t *testing.T) {
		m := fixture(t, kr)
		cp, _ := checkpoint(kr, m)
		cp.Seq = 4
		want(t, m.verify(t, kr, cp), ledger.KindCheckpointSignature, 4)
	})
	t.Run("CaseStateChanged", func(t *testing.T) {
		m := fixture(t, kr)
		m.cases["c1"].State = "answered"
		r := m.verify(t, kr)
		want(t, r, ledger.KindCaseRow, 5)
		if r.Field != "state" || r.BadCase != "c1" {
			t.Fatalf("%s", r)
		}
	})
	t.Run("CaseVersionChanged", func(t *testing.T) {
		m := fixture(t, kr)
		m.cases["c2"].Version = 7
		if r := m.verify(t, kr); r.Kind != ledger.KindCaseRow || r.Field != "version" {
			t.Fatalf("%s", r)
		}
	})
	t.Run("CaseRowDeleted", func(t *testing.T) {
		m := fixture(t, kr)
		delete(m.cases, "c2")
		want(t, m.verify(t, kr), ledger.KindOrphan, 2)
	})
	t.Run("CaseLenChanged", func(t *testing.T) {
		m := fixture(t, kr)
		m.cases["c2"].LedgerLen = 2
		if r := m.verify(t, kr); r.Kind != ledger.KindCaseLen || r.BadCase != "c2" {
			t.Fatalf("%s", r)
		}
	})
	t.Run("UnknownKey", func(t *testing.T) {
		m := fixture(t, kr)
		want(t, m.verify(t, mustKeyring(t, k2)), ledger.KindUnknownKey, 1)
	})
	t.Run("Rotation", func(t *testing.T) {
		m := fixture(t, kr)
		kr2 := mustKeyring(t, k1, k2)
		m.append(t, kr2, "c1", "closed")
		r := m.verify(t, kr2)
		if !r.OK() || r.Entries != 7 {
			t.Fatalf("%s", r)
		}
		if m.entries[6].KeyID != "k2" || m.entries[5].KeyID != "k1" {
			t.Fatalf("keys %s %s", m.entries[5].KeyID, m.entries[6].KeyID)
		}
		// Without the old key, its entries cannot be checked.
		want(t, m.verify(t, mustKeyring(t, k2)), ledger.KindUnknownKey, 1)
	})
}

// TestSumsSettleOnlyIntactChains changes each field of each case row in
// turn, and the chains themselves, and checks that the sums never settle a
// changed ledger (Verify then walks the chains and names the fault), while
// they do settle intact ones, whatever order the rows come in.
func TestSumsSettleOnlyIntactChains(t *testing.T) {
	kr := mustKeyring(t, k1)
	intact := func() *memLedger {
		m := fixture(t, kr)
		for i := 0; i < 40; i++ {
			m.append(t, kr, fmt.Sprintf("c%d", 3+i%7), []string{"routed", "accepted", "answered"}[i%3])
		}
		return m
	}
	for i := 0; i < 5; i++ {
		if r := intact().verify(t, kr); !r.OK() || r.Walked || r.Cases != 9 || r.Entries != 46 {
			t.Fatalf("intact: %s, walked %v", r, r.Walked)
		}
	}
	changes := map[string]func(c *ledger.CaseRow){
		"state":         func(c *ledger.CaseRow) { c.State = "closed" },
		"version":       func(c *ledger.CaseRow) { c.Version++ },
		"version_len":   func(c *ledger.CaseRow) { c.Version++; c.LedgerLen++ },
		"version_down":  func(c *ledger.CaseRow) { c.Version--; c.LedgerLen-- },
		"workflow":      func(c *ledger.CaseRow) { c.Workflow = "visit" },
		"number":        func(c *ledger.CaseRow) { c.Number += "9" },
		"len":           func(c *ledger.CaseRow) { c.LedgerLen-- },
		"head":          func(c *ledger.CaseRow) { c.LedgerHead = strings.Repeat("0", 64) },
		"no_entries":    func(c *ledger.CaseRow) { c.LedgerLen, c.LedgerHead = 0, "" },
		"len_zero_only": func(c *ledger.CaseRow) { c.LedgerLen = 0 },
	}
	for name, change := range changes {
		for id := range intact().cases {
			m := intact()
			change(m.cases[id])
			r := m.verify(t, kr)
			if r.OK() || !r.Walked || r.BadCase != id {
				t.Errorf("%s of %s: %s, walked %v", name, id, r, r.Walked)
			}
		}
	}
	t.Run("RowDeleted", func(t *testing.T) {
		m := intact()
		delete(m.cases, "c4")
		if r := m.verify(t, kr); r.Kind != ledger.KindOrphan || !r.Walked {
			t.Fatalf("%s, walked %v", r, r.Walked)
		}
	})
	t.Run("RowAdded", func(t *testing.T) {
		m := intact()
		m.cases["c99"] = &ledger.CaseRow{ID: "c99", Workflow: "financing", Number: "N-c99", State: "routed", Version: 1, LedgerLen: 1,
			LedgerHead: m.cases["c4"].LedgerHead}
		if r := m.verify(t, kr); r.OK() || !r.Walked || r.BadCase != "c99" {
			t.Fatalf("%s, walked %v", r, r.Walked)
		}
	})
	t.Run("RowsSwapped", func(t *testing.T) {
		// Two cases of one workflow trade their heads, states and counts.
		m := intact()
		a, b := m.cases["c3"], m.cases["c4"]
		a.LedgerHead, b.LedgerHead = b.LedgerHead, a.LedgerHead
		a.State, b.State = b.State, a.State
		a.Version, b.Version, a.LedgerLen, b.LedgerLen = b.Version, a.Version, b.LedgerLen, a.LedgerLen
		if r := m.verify(t, kr); r.OK() || !r.Walked {
			t.Fatalf("%s, walked %v", r, r.Walked)
		}
	})
}

func checkpoint(kr *ledger.Keyring, m *memLedger) (ledger.Checkpoint, error) {
	cp := ledger.Checkpoint{Seq: m.headSeq, ChainHash: m.head, At: time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC)}
	kr.Sign(&cp)
	back, err := ledger.ReadCheckpoints(bytes.NewReader(cp.MarshalLine()))
	if err != nil {
		return cp, err
	}
	return back[0], kr.Check(back[0])
}

func TestLegacyEntries(t *testing.T) {
	kr := mustKeyring(t, k1)
	m := &memLedger{cases: map[string]*ledger.CaseRow{"c1": {ID: "c1"}}}
	// Two entries written before keys (sequence numbers with a gap, as the
	// old sequence left them), then an authenticated one.
	chain := ""
	for i, seq := range []int64{3, 7} {
		e := ledger.Entry{Seq: seq, CaseID: "c1", At: time.Date(2026, 1, 5, 9, i, 0, 0, time.UTC), ActorUser: "u",
			Event: "e", To: "s" + string(rune('a'+i)), Payload: json.RawMessage(`{"k":1}`), PrevHash: m.cases["c1"].LedgerHead}
		h, err := e.LegacyHash()
		if err != nil {
			t.Fatal(err)
		}
		e.Hash = h
		chain = ledger.ChainLink(chain, seq, h)
		m.entries = append(m.entries, e)
		c := m.cases["c1"]
		c.LedgerHead, c.State, c.Version = h, e.To, c.Version+1
		c.LedgerLen++
	}
	m.headSeq, m.head = 7, chain
	m.cases["c1"].Workflow, m.cases["c1"].Number = "financing", "N-c1"
	m.append(t, kr, "c1", "closed")
	r := m.verify(t, kr)
	if !r.OK() || r.Legacy != 2 || r.FirstAuthenticated != 8 || !strings.Contains(r.String(), "before seq 8") {
		t.Fatalf("%s", r)
	}
	if !r.Walked {
		t.Fatal("entries from before keys record no version: the sums cannot settle them, the walk must")
	}
	// A legacy entry rewritten with its hash recomputed is caught by the
	// first authenticated entry's link.
	e := &m.entries[0]
	e.ActorUser = "city"
	e.Hash, _ = e.LegacyHash()
	m.entries[1].PrevHash = e.Hash
	m.entries[1].Hash, _ = m.entries[1].LegacyHash()
	m.entries[2].PrevHash = m.entries[1].Hash
	m.entries[2].Hash = m.entries[2].ContentHash()
	m.cases["c1"].LedgerHead = m.entries[2].Hash
	want(t, m.verify(t, kr), ledger.KindChain, 8)
}

func TestKeys(t *testing.T) {
	keys, err := ledger.ParseKeys("# comment\n" + ledger.FormatKey(k1) + "\n" + ledger.FormatKey(k2))
	if err != nil || len(keys) != 2 || keys[1].ID != "k2" || keys[1].Alg != ledger.HMACSM3 {
		t.Fatalf("%v %v", keys, err)
	}
	kr := mustKeyring(t, keys...)
	if kr.Current().ID != "k2" {
		t.Fatalf("current %s", kr.Current())
	}
	for _, bad := range []string{"", "k1:hmac-md5:" + strings.Repeat("QUFB", 8), "k1:hmac-sha256:c2hvcnQ=", "k1:hmac-sha256", "k 1:hmac-sha256:" + strings.Repeat("QUFB", 8)} {
		if _, err := ledger.ParseKeys(bad); err == nil {
			t.Errorf("ParseKeys(%q) accepted", bad)
		}
	}
	if _, err := ledger.NewKeyring(k1, k1); err == nil {
		t.Error("a key id given twice was accepted")
	}
	// SM3 and SHA-256 keys with the same secret authenticate differently.
	a := ledger.Entry{CaseID: "c", Hash: "h"}
	b := a
	mustKeyring(t, ledger.Key{ID: "x", Alg: ledger.HMACSHA256, Secret: k1.Secret}).Chainer().Link(&a, 1, "")
	mustKeyring(t, ledger.Key{ID: "x", Alg: ledger.HMACSM3, Secret: k1.Secret}).Chainer().Link(&b, 1, "")
	if a.MAC == b.MAC || a.ChainHash != b.ChainHash || len(b.MAC) != 64 {
		t.Fatalf("sha256 %s sm3 %s", a.MAC, b.MAC)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "ledger.key")
	k, err := ledger.CreateKeyFile(path, ledger.HMACSHA256)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
	loaded, err := ledger.LoadKeyFile(path)
	if err != nil || len(loaded) != 1 || loaded[0].ID != k.ID || !bytes.Equal(loaded[0].Secret, k.Secret) {
		t.Fatalf("%v %v", loaded, err)
	}
	if _, err := ledger.CreateKeyFile(path, ledger.HMACSHA256); err == nil {
		t.Fatal("an existing key file was overwritten")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.LoadKeyFile(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a world-readable key file: %v", err)
	}
}

// BenchmarkVerify measures the verifier alone (no database): entries per
// second of content hash, chain link and MAC checks.
func BenchmarkVerify(b *testing.B) {
	kr := mustKeyring(b, k1)
	m := &memLedger{cases: map[string]*ledger.CaseRow{}}
	for i := 0; i < 10000; i++ {
		m.append(b, kr, "c"+string(rune('a'+i%20)), "s")
	}
	v := &entriesOnly{m}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := ledger.Verify(context.Background(), v, kr, nil)
		if err != nil || !r.OK() {
			b.Fatal(r, err)
		}
	}
	b.ReportMetric(float64(b.N*len(m.entries))/b.Elapsed().Seconds(), "entries/s")
}

// entriesOnly feeds the entries and head of a memLedger, and no cases.
type entriesOnly struct{ *memLedger }

func (e *entriesOnly) ScanCaseChains(context.Context, func(*ledger.CaseRow, *ledger.Link) error) error {
	return nil
}
