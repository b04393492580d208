package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
)

// Proof 8 (issue 10): the schedulers were down over a quarter's end; three
// `parkfin worker` processes started together open the missed quarter's
// submission case for every lead bank, exactly once each — the unique key
// in the database, not a lock in one process's memory, decides.
func TestProofThreeSchedulers(t *testing.T) {
	p := MustProof(t)
	now := time.Now()
	since := now.AddDate(0, 0, -100) // the schedule last ran 100 days ago
	if err := p.store.DB().Exec("INSERT INTO schedule_starts (workflow, since) VALUES ('submission', ?)", since.UTC()).Error; err != nil {
		t.Fatal(err)
	}
	// The quarters that ended while the schedulers were down, and the
	// banks leading a park in each one's year.
	want := map[string]int{}
	total := 0
	for q := calendar.Quarterly.PeriodIn(calendar.DateOf(since)); ; q = calendar.Quarterly.Next(q) {
		end := q.To.AddDays(1).Start()
		if end.After(now) {
			break
		}
		if !end.After(since) {
			continue
		}
		banks := p.count("SELECT count(DISTINCT bank_code) FROM pairings WHERE year = ? AND superseded_at IS NULL", q.To.Year)
		want[calendar.Quarterly.Name(q)] = banks
		total += banks
	}
	if total == 0 {
		t.Fatal("no quarter ended in the last 100 days: the proof proves nothing")
	}
	var workers []*worker
	for range 3 {
		workers = append(workers, p.startWorker())
	}
	submissions := func() int { return p.count("SELECT count(*) FROM cases WHERE workflow = 'submission'") }
	p.waitUntil(fmt.Sprintf("%d submission cases", total), 60*time.Second, func() bool { return submissions() >= total })
	// Let every scheduler finish its first run: each looks at the
	// schedule when it starts.
	time.Sleep(2 * time.Second)
	for i, w := range workers {
		select {
		case <-w.done:
			t.Fatalf("worker %d exited: %v\n%s", i, w.err, w.out)
		default:
		}
	}
	if got := submissions(); got != total {
		t.Fatalf("%d submission cases, want %d (%v)", got, total, want)
	}
	for period, banks := range want {
		if got := p.count("SELECT count(DISTINCT scheduled_for) FROM cases WHERE workflow = 'submission' AND period = ?", period); got != banks {
			t.Fatalf("%s: %d banks have a case, want %d", period, got, banks)
		}
	}
	if dup := p.count(`SELECT count(*) FROM (SELECT period, scheduled_for FROM cases WHERE workflow = 'submission'
		GROUP BY period, scheduled_for HAVING count(*) > 1) d`); dup != 0 {
		t.Fatalf("%d banks have a quarter's case twice", dup)
	}
	if got := p.count("SELECT count(*) FROM ledger WHERE workflow = 'submission' AND event = 'open'"); got != total {
		t.Fatalf("%d open entries in the ledger, want %d", got, total)
	}
	r, err := p.store.VerifyLedger(p.ctx)
	if err != nil || !r.OK() || r.Walked {
		t.Fatalf("ledger: %s %v (walked: %v)", r, err, r.Walked)
	}
	t.Logf("three schedulers opened %d cases for %v, once each", total, want)
}
