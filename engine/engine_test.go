package engine_test

import (
	"strings"
	"testing"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
)

// Register refuses a broken graph at start-up.
func TestRegisterRejectsBrokenDefinitions(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*engine.Definition)
		want   string
	}{
		{"UndeclaredInitial", func(d *engine.Definition) { d.Initial = "nowhere" }, "initial state"},
		{"DuplicateState", func(d *engine.Definition) { d.States = append(d.States, d.States[0]) }, "declared twice"},
		{"EventFromUndeclared", func(d *engine.Definition) { d.Events[1].From = []engine.State{"limbo"} }, "undeclared state"},
		{"EventToUndeclared", func(d *engine.Definition) { d.Events[1].To = "limbo" }, "undeclared state"},
		{"UnknownRole", func(d *engine.Definition) { d.Events[1].Grants = []engine.Grant{{Role: "boss"}} }, "unknown role"},
		{"TimerEventMissing", func(d *engine.Definition) { d.Timers[0].Event = "nothing" }, "not a system-only event"},
		{"TimerEventGranted", func(d *engine.Definition) { d.Timers[0].Event = financing.Accept }, "not a system-only event"},
		{"TimerNotRunningInStart", func(d *engine.Definition) { d.Timers[0].Runs = []engine.State{financing.Accepted} }, "start state"},
		{"TimerZeroDays", func(d *engine.Definition) { d.Timers[0].Workdays = 0 }, "working days"},
		{"NoOpenApply", func(d *engine.Definition) { d.Events[0].Apply = nil }, "open event"},
		{"DeadEnd", func(d *engine.Definition) {
			d.States = append(d.States, engine.StateDef{Name: "stuck"})
		}, "no event leaves it"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := financing.Definition(financing.Config{})
			// Deep-enough copies of the slices the case edits.
			d.States = append([]engine.StateDef{}, d.States...)
			d.Events = append([]engine.EventDef{}, d.Events...)
			d.Timers = append([]engine.TimerDef{}, d.Timers...)
			tc.mutate(&d)
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("Register accepted a broken definition")
				}
				if msg, _ := r.(string); !strings.Contains(msg, tc.want) {
					t.Fatalf("panic %q does not mention %q", r, tc.want)
				}
			}()
			engine.New(engine.Config{}).Register(d)
		})
	}
	t.Run("Twice", func(t *testing.T) {
		e := engine.New(engine.Config{})
		e.Register(financing.Definition(financing.Config{}))
		defer func() {
			if recover() == nil {
				t.Fatal("registering a workflow twice did not panic")
			}
		}()
		e.Register(financing.Definition(financing.Config{}))
	})
	t.Run("OK", func(t *testing.T) {
		e := engine.New(engine.Config{})
		e.Register(financing.Definition(financing.Config{}))
		if _, ok := e.Workflow(financing.Name); !ok {
			t.Fatal("registered workflow not found")
		}
	})
}

func TestErrorCodeAndMessage(t *testing.T) {
	err := engine.Errorf(engine.ECONFLICT, "冲突 %d", "conflict %d", 7)
	if engine.ErrorCode(err) != engine.ECONFLICT || engine.ErrorMessage(err, "zh") != "冲突 7" || engine.ErrorMessage(err, "en") != "conflict 7" {
		t.Fatalf("%v", err)
	}
	plain := strings.NewReader("").UnreadByte()
	if engine.ErrorCode(plain) != engine.EINTERNAL || strings.Contains(engine.ErrorMessage(plain, "en"), "UnreadByte") {
		t.Fatalf("a plain error leaks: %q", engine.ErrorMessage(plain, "en"))
	}
	if engine.ErrorCode(nil) != "" {
		t.Fatal("nil has a code")
	}
}
