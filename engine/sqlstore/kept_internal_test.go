package sqlstore

import "testing"

// Two transactions of one process that committed numbers of a prefix may
// settle in the other order: the later number is kept. Numbers of a
// transaction that did not commit are not kept, and a prefix a
// transaction holds is given to no other until it settles.
func TestKeeperSettles(t *testing.T) {
	k := newKeeper()
	k.settle(map[string]int{"P-": 7}, nil, true)
	k.settle(map[string]int{"P-": 5}, nil, true)
	last, old, ok := k.take(map[string]int{"P-": 2})
	if !ok || old["P-"] != 7 || last["P-"] != 9 {
		t.Fatalf("took %v from %v, %v; want 9 from 7", last, old, ok)
	}
	if _, _, ok := k.take(map[string]int{"P-": 1}); ok {
		t.Fatal("a prefix held by a transaction was given again")
	}
	k.settle(last, []string{"P-"}, false)
	if _, _, ok := k.take(map[string]int{"P-": 1}); ok {
		t.Fatal("numbers of a transaction that did not commit were kept")
	}
	k.settle(map[string]int{"P-": 9}, nil, true)
	k.changed(staleNumbers)
	for i := range staleRest {
		k.settle(map[string]int{"P-": 10 + i}, nil, true)
		if _, _, ok := k.take(map[string]int{"P-": 1}); ok {
			t.Fatalf("numbers kept at the %d-th transaction after they were taken elsewhere", i+1)
		}
	}
	if _, _, ok := k.take(map[string]int{"P-": 1}); !ok {
		t.Fatal("numbers still not kept after the rest")
	}
}
