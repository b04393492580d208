package financing_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
)

// Bad input gets a clear error naming the field, and nothing is stored.
func TestOpenRejectsBadInput(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		good := e.openInput("GXQ")
		cases := []struct {
			name     string
			mutate   func(*financing.OpenInput)
			raw      string
			received time.Time
			field    string
		}{
			{name: "EmptyNeed", mutate: func(in *financing.OpenInput) { in.Need = "  \u3000 " }, field: "need"},
			{name: "NoEnterpriseName", mutate: func(in *financing.OpenInput) { in.Enterprise.Name = "" }, field: "enterprise.name"},
			{name: "BadCheckChar", mutate: func(in *financing.OpenInput) { in.Enterprise.USCC = in.Enterprise.USCC[:17] + "0" }, field: "enterprise.uscc"},
			{name: "ShortUSCC", mutate: func(in *financing.OpenInput) { in.Enterprise.USCC = "91430900" }, field: "enterprise.uscc"},
			{name: "AmountNotDecimal", mutate: func(in *financing.OpenInput) { in.Amount = "三百万" }, field: "amount"},
			{name: "AmountNegative", mutate: func(in *financing.OpenInput) { in.Amount = "-1" }, field: "amount"},
			{name: "AmountFractionOfFen", mutate: func(in *financing.OpenInput) { in.Amount = "1.005" }, field: "amount"},
			{name: "AmountExponent", mutate: func(in *financing.OpenInput) { in.Amount = "1e6" }, field: "amount"},
			{name: "UnknownPark", mutate: func(in *financing.OpenInput) { in.Park = "NOPE" }, field: "park"},
			{name: "UnknownField", raw: `{"park":"GXQ","enterprize":{}}`, field: "enterprize"},
			{name: "FutureReceipt", received: at(2026, 11, 2, 11, 0), field: "received_at"},
			{name: "TooOld", received: at(2026, 10, 2, 9, 0), field: "received_at"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				in := good
				if tc.mutate != nil {
					tc.mutate(&in)
				}
				payload := mustJSON(t, in)
				if tc.raw != "" {
					payload = json.RawMessage(tc.raw)
				}
				_, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: e.actor("window-GXQ"), Payload: payload, ReceivedAt: tc.received})
				wantCode(t, err, engine.EINVALID)
				var de *engine.Error
				if !errors.As(err, &de) || len(de.Fields) == 0 || de.Fields[0].Field != tc.field {
					t.Fatalf("error %+v does not name field %s", err, tc.field)
				}
				if de.Fields[0].MessageZH == "" || de.Fields[0].Message == "" {
					t.Fatalf("field error %+v lacks a message", de.Fields[0])
				}
			})
		}
		got, err := e.store.Cases(e.ctx, engine.CaseFilter{Workflow: financing.Name})
		if err != nil || len(got) != 0 {
			t.Fatalf("rejected input stored %d cases (%v)", len(got), err)
		}
	})
}

func TestOpenNormalisesInput(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		in := e.openInput("GXQ")
		in.Enterprise.Name = "  益阳市示范机械制造有限公司\n"
		in.Enterprise.USCC = "９１４３０９００ma4l00001" + in.Enterprise.USCC[17:] // full-width digits, lower case
		in.Amount = "1500000.5"
		in.Need = "e\u0301" + in.Need // decomposed é becomes NFC
		c := e.openAs("window-GXQ", in, time.Time{})
		d, err := financing.DataOf(c)
		if err != nil {
			t.Fatal(err)
		}
		if d.Enterprise.Name != "益阳市示范机械制造有限公司" || d.Enterprise.USCC != validUSCC(t, "91430900MA4L00001") || d.Amount != "1500000.50" || d.Need[:2] != "\u00e9" {
			t.Fatalf("normalised data %+v", d)
		}
	})
}

// A park whose window works but whose year has no lead bank cannot route.
func TestOpenWithoutPairing(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		dir := e.store.Directory()
		if err := dir.PutPark(e.ctx, engine.Park{Code: "NEW", Name: "新建园区", County: "HS"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := dir.PutUser(e.ctx, engine.User{Name: "window-NEW", Role: engine.RoleWindow, Org: "NEW", CreatedAt: e.clock.Now()}, nil); err != nil {
			t.Fatal(err)
		}
		_, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: e.actor("window-NEW"), Payload: mustJSON(t, e.openInput("NEW"))})
		wantCode(t, err, engine.ENOPAIRING)
	})
}

// Window staff open cases of their own park only.
func TestOpenOtherPark(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		for _, user := range []string{"window-LLGY", "bank-ICBC", "county-GX", "city"} {
			_, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: e.actor(user), Payload: mustJSON(t, e.openInput("GXQ"))})
			wantCode(t, err, engine.EFORBIDDEN)
		}
	})
}

// What an opening asks to record in its transaction commits with the case or
// not at all.
func TestOpenInTxIsAtomic(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		boom := errors.New("the record could not be written")
		var seen string
		_, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: e.actor("window-GXQ"),
			Payload: mustJSON(t, e.openInput("GXQ")),
			InTx:    func(_ context.Context, _ engine.Tx, c *engine.Case) error { seen = c.Number; return boom }})
		if !errors.Is(err, boom) || seen == "" {
			t.Fatalf("open with a failing InTx: %v (saw case %q)", err, seen)
		}
		got, err := e.store.Cases(e.ctx, engine.CaseFilter{Workflow: financing.Name})
		if err != nil || len(got) != 0 {
			t.Fatalf("%d cases stored (%v)", len(got), err)
		}
		if r, _ := e.store.VerifyLedger(e.ctx); r.Entries != 0 {
			t.Fatalf("%d ledger entries of a case that was not created", r.Entries)
		}
	})
}

// Every problem of a request is reported at once, field by field, in
// Chinese and English; text that is not UTF-8 is refused naming its field;
// nothing is half-written.
func TestAllProblemsAtOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		t.Run("Open", func(t *testing.T) {
			raw := `{"park":"NOPE","enterprise":{"name":"","uscc":"91430900MA4L000010"},"need":"","amount":"三百万","contcat":"x"}`
			_, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: e.actor("window-GXQ"), Payload: json.RawMessage(raw)})
			for _, f := range []string{"contcat", "enterprise.name", "enterprise.uscc", "need", "amount", "park"} {
				wantField(t, err, f)
			}
		})
		t.Run("GBK", func(t *testing.T) {
			raw := "{\"park\":\"GXQ\",\"enterprise\":{\"name\":\"\xd2\xe6\xd1\xf4\",\"uscc\":\"" + validUSCC(t, "91430900MA4L00001") + "\"},\"need\":\"\xc1\xf7\xb6\xaf\xd7\xca\xbd\xf0\"}"
			_, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: e.actor("window-GXQ"), Payload: json.RawMessage(raw)})
			wantField(t, err, "enterprise.name")
			wantField(t, err, "need")
			if msg := engine.ErrorMessage(err, "zh"); msg == "" {
				t.Fatal("no message")
			}
		})
		t.Run("Answer", func(t *testing.T) {
			c := e.run(e.open(time.Time{}), accept)
			raw := `{"can_handle":"maybe","amount_offered":"-5","note":"\ud800"}`
			_, err := e.engine.Fire(e.ctx, engine.FireRequest{CaseID: c.ID, Event: financing.Answer, Actor: e.actor("bank-ICBC"), Payload: json.RawMessage(raw)})
			for _, f := range []string{"can_handle", "amount_offered", "note"} {
				wantField(t, err, f)
			}
			if got := e.reload(c); got.Version != c.Version || got.State != financing.Accepted {
				t.Fatalf("a refused answer changed the case: %s v%d", got.State, got.Version)
			}
		})
		t.Run("Conditions", func(t *testing.T) {
			c := e.run(e.open(time.Time{}), accept)
			_, err := e.fire(c, "bank-ICBC", financing.Answer, financing.AnswerInput{CanHandle: financing.CanYes})
			wantField(t, err, "conditions")
			wantField(t, err, "procedure")
			var de *engine.Error
			errors.As(err, &de)
			if de.Fields[0].MessageZH != "请填写办理条件。" {
				t.Fatalf("message %q", de.Fields[0].MessageZH)
			}
		})
	})
}

// An enterprise's credit code finds its cases, exactly (indexed) or as text,
// within what the user may see.
func TestFoundByCreditCode(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		c := e.open(time.Time{})
		code := validUSCC(t, "91430900MA4L00001")
		for _, f := range []engine.CaseFilter{{Workflow: financing.Name, Ref: code}, {Workflow: financing.Name, Text: code[8:]}} {
			got, err := e.engine.Cases(e.ctx, e.actor("bank-ICBC"), f)
			if err != nil || len(got) != 1 || got[0].ID != c.ID {
				t.Fatalf("%+v: %d cases (%v)", f, len(got), err)
			}
			if got, _ := e.engine.Cases(e.ctx, e.actor("bank-CCB"), f); len(got) != 0 {
				t.Fatalf("another bank finds the case by its credit code")
			}
		}
	})
}
