package engine_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// A case that enters its start state again has its limit armed afresh, from
// that instant: the live rows are cancelled (a paused one by the transfer, a
// running one when the bank gives the case back), a fired reminder stays
// history, and the fresh rows alone are in the index.
func TestRearmOnStartStateEnteredAgain(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0)) // a Monday
		c := e.MustOpen("B1")
		wantInstant(t, "warning", c.WarnAt, at(2026, 3, 5, 0, 0))
		wantInstant(t, "deadline", c.DueAt, at(2026, 3, 10, 0, 0))
		firstLimit := e.MustTimer(c, tmLimit)

		e.clock.Set(at(2026, 3, 5, 9, 0))
		if n := e.MustDrain(); n != 1 {
			t.Fatalf("%d timers fired on the 3rd working day, want the reminder", n)
		}
		if c = e.MustCase(c); !c.DueSoon {
			t.Fatal("not due soon after the reminder")
		}
		e.MustFire(c, bankB1, evAccept, nil)
		e.clock.Set(at(2026, 3, 5, 10, 0))
		c = e.MustFire(c, bankB1, evHold, nil)
		wantLimit(t, c, clockReply, engine.Limit{Paused: true, Remaining: 2}) // 03-06 and 03-09
		if e.InIndex(firstLimit.ID) {
			t.Fatal("a paused timer stays in the index")
		}

		// The window transfers the paused case: waiting is entered again.
		e.clock.Set(at(2026, 3, 6, 14, 0))
		c = e.MustFire(c, windowP1, evTransfer, flowInput{Bank: "B2"})
		wantLimit(t, c, clockReply, engine.Limit{Running: true,
			WarnAt: ptr(at(2026, 3, 11, 0, 0)), DueAt: ptr(at(2026, 3, 14, 0, 0))})
		if c.DueSoon {
			t.Fatal("still due soon on a fresh limit")
		}
		limits, reminders := e.MustTimers(c, tmLimit), e.MustTimers(c, tmReminder)
		if len(limits) != 2 || limits[0].Status != engine.TimerCancelled || limits[1].Status != engine.TimerPending {
			t.Fatalf("limit rows %+v, want the paused one cancelled and a fresh one pending", limits)
		}
		if len(reminders) != 2 || reminders[0].Status != engine.TimerFired || reminders[1].Status != engine.TimerPending {
			t.Fatalf("reminder rows %+v, want the fired one kept and a fresh one pending", reminders)
		}
		if limits[1].Workdays != limitDays || limits[1].BaseAt == nil || !limits[1].BaseAt.Equal(at(2026, 3, 6, 14, 0)) {
			t.Fatalf("fresh limit counts %d days from %v, want %d from the transfer", limits[1].Workdays, limits[1].BaseAt, limitDays)
		}
		second := limits[1]
		if !e.InIndex(second.ID) || !e.InIndex(reminders[1].ID) {
			t.Fatal("fresh timers missing from the index")
		}

		// The new bank gives it back: the running rows are cancelled; the
		// limit shows when it would have ended.
		e.clock.Set(at(2026, 3, 10, 10, 0))
		c = e.MustFire(c, bankB2, evGiveBack, nil)
		wantLimit(t, c, clockReply, engine.Limit{DueAt: ptr(at(2026, 3, 14, 0, 0))})
		if e.InIndex(second.ID) {
			t.Fatal("the cancelled limit stays in the index")
		}

		// Rerouted on Thursday: five working days from then.
		e.clock.Set(at(2026, 3, 12, 11, 0))
		c = e.MustFire(c, windowP1, evReroute, flowInput{Bank: "B3"})
		wantLimit(t, c, clockReply, engine.Limit{Running: true,
			WarnAt: ptr(at(2026, 3, 17, 0, 0)), DueAt: ptr(at(2026, 3, 20, 0, 0))})
		if got := e.MustTimers(c, tmLimit); len(got) != 3 || got[1].Status != engine.TimerCancelled {
			t.Fatalf("limit rows %+v, want three, the second cancelled", got)
		}

		e.MustWalk(at(2026, 3, 23, 0, 0), 30*time.Minute)
		wantInstants(t, "remind", e.FiredAt(c, evRemind), at(2026, 3, 5, 9, 0), at(2026, 3, 17, 0, 0))
		wantInstants(t, "lapse", e.FiredAt(c, evLapse), at(2026, 3, 20, 0, 0))
		c = e.MustCase(c)
		wantLimit(t, c, clockReply, engine.Limit{PastDue: true, Overdue: true, DueAt: ptr(at(2026, 3, 20, 0, 0))})
		if !c.PastDue || !c.Overdue || c.DueSoon {
			t.Fatalf("case past due %v overdue %v due soon %v", c.PastDue, c.Overdue, c.DueSoon)
		}
	})
}

// A paused limit keeps its working days left, however long the pause and
// whatever holidays it spans, and counts them from the resumption with the
// holidays and make-up days of the calendar.
func TestPauseResumeAcrossHolidays(t *testing.T) {
	cases := []struct {
		name                        string
		open, accept, hold, resume  time.Time
		due, left, warnLeft         int
		wantDue, wantRemind, wantLp time.Time
		firstDue                    time.Time
	}{
		{
			// National Day 2026: 10-01..10-07 off, Saturday 10-10 worked.
			// Opened Monday 09-28: 09-29, 09-30, 10-08, 10-09, 10-10.
			// Held on 09-29 with 09-30, 10-08, 10-09, 10-10 left (4);
			// resumed on the holiday Monday 10-05: 10-08, 10-09, 10-10,
			// 10-12. The reminder had one day left (09-30): 10-08.
			name: "NationalDay",
			open: at(2026, 9, 28, 10, 0), accept: at(2026, 9, 29, 11, 0), hold: at(2026, 9, 29, 15, 0),
			resume: at(2026, 10, 5, 10, 0), left: 4, warnLeft: 1,
			firstDue: at(2026, 10, 11, 0, 0), wantRemind: at(2026, 10, 9, 0, 0), wantLp: at(2026, 10, 13, 0, 0),
		},
		{
			// Spring Festival 2026: 02-15..02-23 off, Saturday 02-14 worked.
			// Opened Thursday 02-12: 02-13, 02-14, 02-24, 02-25, 02-26.
			// Held on 02-13 with 02-14, 02-24, 02-25, 02-26 left (4);
			// resumed on Sunday 02-22, mid-holiday: 02-24, 02-25, 02-26,
			// 02-27. The reminder had one day left (02-14): 02-24.
			name: "SpringFestival",
			open: at(2026, 2, 12, 9, 0), accept: at(2026, 2, 12, 10, 0), hold: at(2026, 2, 13, 16, 0),
			resume: at(2026, 2, 22, 10, 0), left: 4, warnLeft: 1,
			firstDue: at(2026, 2, 27, 0, 0), wantRemind: at(2026, 2, 25, 0, 0), wantLp: at(2026, 2, 28, 0, 0),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			forEachDB(t, func(t *testing.T, db testsvc.Database) {
				e := MustFlowEnv(t, db, tc.open)
				c := e.MustOpen("B1")
				wantInstant(t, "first deadline", c.DueAt, tc.firstDue)
				e.clock.Set(tc.accept)
				e.MustFire(c, bankB1, evAccept, nil)
				e.clock.Set(tc.hold)
				c = e.MustFire(c, bankB1, evHold, nil)
				wantLimit(t, c, clockReply, engine.Limit{Paused: true, Remaining: tc.left})
				if c.DueAt != nil || c.WarnAt != nil {
					t.Fatalf("a paused limit shows warning %v deadline %v", c.WarnAt, c.DueAt)
				}
				row := e.MustTimer(c, tmLimit)
				if row.Status != engine.TimerPaused || row.PausedAt == nil || !row.PausedAt.Equal(tc.hold) || row.Remaining != tc.left {
					t.Fatalf("paused row %+v", row)
				}
				if w := e.MustTimer(c, tmReminder); w.Status != engine.TimerPaused || w.Remaining != tc.warnLeft {
					t.Fatalf("paused reminder %+v, want %d left", w, tc.warnLeft)
				}

				// Nothing falls due during the pause, walked hour by hour.
				e.MustWalk(tc.resume, time.Hour)
				e.wantEvents(c, "open", "accept", "hold")

				c = e.MustFire(c, windowP1, evResume, nil)
				wantLimit(t, c, clockReply, engine.Limit{Running: true, WarnAt: &tc.wantRemind, DueAt: &tc.wantLp})
				row = e.MustTimer(c, tmLimit)
				if row.PausedAt != nil || row.Remaining != 0 || row.Workdays != tc.left || row.BaseAt == nil || !row.BaseAt.Equal(tc.resume) {
					t.Fatalf("resumed row %+v, want %d working days from the resumption", row, tc.left)
				}

				e.MustWalk(tc.wantLp.Add(48*time.Hour), 30*time.Minute)
				wantInstants(t, "remind", e.FiredAt(c, evRemind), tc.wantRemind)
				wantInstants(t, "lapse", e.FiredAt(c, evLapse), tc.wantLp)
				c = e.MustCase(c)
				if !c.PastDue || !c.Overdue || c.DueSoon {
					t.Fatalf("after the limit: past due %v overdue %v due soon %v", c.PastDue, c.Overdue, c.DueSoon)
				}
			})
		})
	}
}

// A timer whose case moved on is a no-op when delivered, and a timer
// delivered twice, one after the other or at once, has one effect.
func TestTimerDeliveredLateOrTwice(t *testing.T) {
	t.Run("CaseMovedOn", func(t *testing.T) {
		forEachDB(t, func(t *testing.T, db testsvc.Database) {
			e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
			c := e.MustOpen("B1")
			reminder, limit := e.MustTimer(c, tmReminder), e.MustTimer(c, tmLimit)
			e.MustFire(c, bankB1, evAccept, nil)
			e.clock.Set(at(2026, 3, 4, 12, 0))
			c = e.MustFire(c, bankB1, evAnswer, nil)
			if e.InIndex(reminder.ID) || e.InIndex(limit.ID) {
				t.Fatal("the answered case's timers stay in the index")
			}

			// Long after both instants, a stale delivery (a worker that
			// claimed them before the answer) does nothing.
			e.clock.Set(at(2026, 3, 11, 0, 0))
			if n := e.MustDrain(); n != 0 {
				t.Fatalf("%d timers fired on an answered case", n)
			}
			for _, id := range []string{reminder.ID, limit.ID} {
				fired, err := e.engine.FireTimer(e.ctx, id)
				if err != nil || fired {
					t.Fatalf("stale timer %s: fired %v, %v", id, fired, err)
				}
			}
			if got := e.MustCase(c); got.Version != c.Version || got.Overdue || got.State != sAnswered {
				t.Fatalf("stale timers changed the case: %+v", got)
			}
			e.wantEvents(c, "open", "accept", "answer")
			if fired, err := e.engine.FireTimer(e.ctx, "00000000-0000-0000-0000-000000000000"); err != nil || fired {
				t.Fatalf("unknown timer: fired %v, %v", fired, err)
			}
		})
	})
	t.Run("Twice", func(t *testing.T) {
		forEachDB(t, func(t *testing.T, db testsvc.Database) {
			e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
			c := e.MustOpen("B1")
			reminder := e.MustTimer(c, tmReminder)
			e.clock.Set(at(2026, 3, 5, 0, 0))
			if fired, err := e.engine.FireTimer(e.ctx, reminder.ID); err != nil || !fired {
				t.Fatalf("first delivery: fired %v, %v", fired, err)
			}
			if fired, err := e.engine.FireTimer(e.ctx, reminder.ID); err != nil || fired {
				t.Fatalf("second delivery: fired %v, %v", fired, err)
			}
			// The index still had it (FireTimer alone does not ack): the
			// worker's delivery is a third, and a no-op that clears it.
			if n := e.MustDrain(); n != 0 {
				t.Fatalf("third delivery fired %d", n)
			}
			if e.InIndex(reminder.ID) {
				t.Fatal("a fired timer stays in the index after the worker's no-op")
			}
			e.wantEvents(c, "open", "remind")
		})
	})
	t.Run("AtOnce", func(t *testing.T) {
		forEachDB(t, func(t *testing.T, db testsvc.Database) {
			e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
			c := e.MustOpen("B1")
			limit := e.MustTimer(c, tmLimit)
			e.clock.Set(at(2026, 3, 10, 0, 0))
			const workers = 4
			var (
				wg    sync.WaitGroup
				mu    sync.Mutex
				fired int
				errs  []error
			)
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ok, err := e.engine.FireTimer(e.ctx, limit.ID)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						errs = append(errs, err)
					}
					if ok {
						fired++
					}
				}()
			}
			wg.Wait()
			if len(errs) > 0 || fired != 1 {
				t.Fatalf("%d deliveries at once: %d fired, errors %v", workers, fired, errs)
			}
			// The deadline fired the reminder due before it first.
			e.wantEvents(c, "open", "remind", "lapse")
		})
	})
}

// A timer is never fired before its instant, by the worker or by a direct
// delivery, and fires at the instant itself.
func TestTimerNotYetDue(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
		c := e.MustOpen("B1")
		reminder, limit := e.MustTimer(c, tmReminder), e.MustTimer(c, tmLimit)
		due := at(2026, 3, 5, 0, 0)

		e.clock.Set(due.Add(-time.Microsecond))
		if n := e.MustDrain(); n != 0 {
			t.Fatalf("%d timers fired a microsecond early", n)
		}
		// A direct early delivery is refused (the worker puts such a timer
		// back at its row's instant) and changes nothing.
		if fired, err := e.engine.FireTimer(e.ctx, reminder.ID); fired || err == nil {
			t.Fatalf("early delivery: fired %v, error %v; want a not-due error", fired, err)
		}
		if row := e.MustTimer(c, tmReminder); row.Status != engine.TimerPending {
			t.Fatalf("early delivery left the reminder %s", row.Status)
		}
		e.wantEvents(c, "open")

		e.clock.Set(due)
		if n := e.MustDrain(); n != 1 {
			t.Fatalf("%d timers fired at the instant, want the reminder", n)
		}
		e.wantEvents(c, "open", "remind")
		if !e.MustCase(c).DueSoon {
			t.Fatal("not due soon at the reminder's instant")
		}

		// An index that has the deadline due too early (stale, or a clock
		// ahead) does not make it fire: the worker puts it back at the
		// row's instant.
		if err := e.index.Schedule(e.ctx, engine.TimerRef{ID: limit.ID, DueAt: due.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if n := e.MustDrain(); n != 0 {
			t.Fatalf("%d timers fired from a stale index entry", n)
		}
		if next := e.MustNext(); !next.Equal(limit.DueAt) {
			t.Fatalf("index has the deadline at %v, want its row's %v", next, limit.DueAt)
		}
		e.wantEvents(c, "open", "remind")

		e.clock.Set(limit.DueAt.Add(-time.Microsecond))
		if n := e.MustDrain(); n != 0 {
			t.Fatalf("%d timers fired a microsecond before the deadline", n)
		}
		e.clock.Set(limit.DueAt)
		if n := e.MustDrain(); n != 1 {
			t.Fatalf("%d timers fired at the deadline", n)
		}
		e.wantEvents(c, "open", "remind", "lapse")
	})
}

// A commit that arms timers calls the OnSchedule callback after the rows
// are committed, so that a worker wakes for a timer due before its next
// poll; a commit that arms nothing does not.
func TestOnScheduleWakesTheWorker(t *testing.T) {
	t.Run("Callback", func(t *testing.T) {
		forEachDB(t, func(t *testing.T, db testsvc.Database) {
			e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
			called := make(chan int, 16)
			e.engine.OnSchedule(func(time.Time) {
				// Runs after the commit: the rows are there to read.
				refs, err := e.store.PendingTimers(e.ctx)
				if err != nil {
					refs = nil
				}
				select {
				case called <- len(refs):
				default:
				}
			})
			c := e.MustOpen("B1")
			select {
			case n := <-called:
				if n != 2 {
					t.Fatalf("callback saw %d pending rows, want the 2 just armed", n)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no OnSchedule call after a commit that armed timers")
			}
			// Accepting keeps the limit running and arms nothing.
			e.MustFire(c, bankB1, evAccept, nil)
			select {
			case <-called:
				t.Fatal("OnSchedule called for a commit that armed nothing")
			default:
			}
			e.MustFire(c, cityOffice, evNotify, flowInput{ReplyBy: ptr(at(2026, 3, 4, 18, 0))})
			select {
			case n := <-called:
				if n != 3 {
					t.Fatalf("callback saw %d pending rows, want 3", n)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no OnSchedule call after a notice armed its timer")
			}
		})
	})
	t.Run("Worker", func(t *testing.T) {
		forEachDB(t, func(t *testing.T, db testsvc.Database) {
			e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
			fired := make(chan string, 16)
			w := engine.NewWorker(e.engine, e.index, engine.WorkerConfig{
				// Polls far apart: only a wake makes it look in time.
				Poll: time.Hour, ReconcileEvery: time.Hour,
				Handler: func(ctx context.Context, id string) (bool, error) {
					ok, err := e.engine.FireTimer(ctx, id)
					fired <- id
					return ok, err
				},
			})
			waitFired := func(what string) string {
				t.Helper()
				select {
				case id := <-fired:
					return id
				case <-time.After(10 * time.Second):
					t.Fatalf("the worker did not fire %s", what)
					return ""
				}
			}
			// A first case with a notice due now: the worker's first look
			// fires it, and then it sleeps for its poll.
			first := e.MustOpen("B1")
			e.MustFire(first, cityOffice, evNotify, flowInput{ReplyBy: ptr(e.clock.Now())})
			e.engine.OnSchedule(w.WakeFor)
			defer runWorker(t, e.ctx, w)()
			if id := waitFired("the first notice"); id != e.MustTimer(first, tmNotice).ID {
				t.Fatalf("the worker fired %s first", id)
			}

			second := e.MustOpen("B2")
			e.MustFire(second, cityOffice, evNotify, flowInput{ReplyBy: ptr(e.clock.Now())})
			if id := waitFired("the second notice"); id != e.MustTimer(second, tmNotice).ID {
				t.Fatalf("the worker fired %s, want the second notice", id)
			}
			if got := e.MustCase(second); !got.Limit(clockNotice).PastDue || !got.HasMark(clockNotice) {
				t.Fatalf("second case after its notice fired: %+v", got.Limits)
			}
		})
	})
}

// runWorker runs w until the returned stop is called, which waits for it
// and reports its error.
func runWorker(t *testing.T, ctx context.Context, w *engine.Worker) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
	}
}

// countingIndex counts the looks of a worker at the real index it wraps.
type countingIndex struct {
	engine.TimerIndex
	claims atomic.Int64
}

func (x *countingIndex) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]engine.TimerRef, error) {
	x.claims.Add(1)
	return x.TimerIndex.Claim(ctx, now, limit, lease)
}

// A sleeping worker wakes for a timer armed due before its next look, or
// whose due time it is not told, and sleeps on through one armed due after
// it: that look finds it in time.
func TestWakeForOnlyTimersDueBeforeTheNextLook(t *testing.T) {
	e := MustFlowEnv(t, testsvc.Databases()[0], at(2026, 3, 2, 9, 0))
	index := &countingIndex{TimerIndex: e.index}
	w := engine.NewWorker(e.engine, index, engine.WorkerConfig{Poll: time.Hour, ReconcileEvery: time.Hour})
	defer runWorker(t, e.ctx, w)()
	// asleep waits until the worker stopped looking, and returns its looks.
	asleep := func() int64 {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
			n := index.claims.Load()
			time.Sleep(150 * time.Millisecond)
			if n > 0 && index.claims.Load() == n {
				return n
			}
		}
		t.Fatal("the worker did not settle")
		return 0
	}
	looked := func(before int64, what string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if index.claims.Load() > before {
				return
			}
		}
		t.Fatalf("the worker did not look for %s", what)
	}
	n := asleep()
	w.WakeFor(e.clock.Now().Add(2 * time.Hour))
	time.Sleep(300 * time.Millisecond)
	if got := index.claims.Load(); got != n {
		t.Fatalf("a timer due after the next look woke the worker (%d looks, then %d)", n, got)
	}
	w.WakeFor(e.clock.Now().Add(time.Minute))
	looked(n, "a timer due before its next look")
	n = asleep()
	w.WakeFor(time.Time{})
	looked(n, "a timer of unknown due time")
}

// StartOn events arm a timer afresh, StopOn events cancel it, even once it
// fired (closing its past-due state), and a FromInput timer falls due at the
// instant the arming event's Apply gave.
func TestStartOnStopOnFromInput(t *testing.T) {
	t.Run("Notice", func(t *testing.T) {
		forEachDB(t, func(t *testing.T, db testsvc.Database) {
			e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
			c := e.MustOpen("B1")
			wantLimit(t, c, clockNotice, engine.Limit{})

			// No reply-by instant: the engine refuses to arm the timer.
			e.clock.Set(at(2026, 3, 2, 10, 0))
			_, err := e.Fire(c, cityOffice, evNotify, flowInput{})
			wantCode(t, err, engine.EINTERNAL)
			if got := e.MustCase(c); got.Version != c.Version || len(got.Marks) != 0 {
				t.Fatalf("a refused notice changed the case: %+v", got)
			}

			c = e.MustFire(c, cityOffice, evNotify, flowInput{ReplyBy: ptr(at(2026, 3, 4, 18, 0))})
			wantLimit(t, c, clockNotice, engine.Limit{Running: true, DueAt: ptr(at(2026, 3, 4, 18, 0))})
			first := e.MustTimer(c, tmNotice)
			if first.BaseAt != nil || first.Workdays != 0 || first.Provisional {
				t.Fatalf("a FromInput row counts working days: %+v", first)
			}

			// A second notice arms the timer afresh.
			e.clock.Set(at(2026, 3, 3, 10, 0))
			c = e.MustFire(c, cityOffice, evNotify, flowInput{ReplyBy: ptr(at(2026, 3, 6, 12, 0))})
			wantLimit(t, c, clockNotice, engine.Limit{Running: true, DueAt: ptr(at(2026, 3, 6, 12, 0))})
			rows := e.MustTimers(c, tmNotice)
			if len(rows) != 2 || rows[0].Status != engine.TimerCancelled || rows[1].Status != engine.TimerPending {
				t.Fatalf("notice rows %+v, want the first cancelled and a second pending", rows)
			}
			if e.InIndex(first.ID) || !e.InIndex(rows[1].ID) {
				t.Fatal("the index does not follow the re-armed notice")
			}
			if !c.HasMark(clockNotice) {
				t.Fatal("an open notice does not mark the case")
			}

			// The bank replies: the stop event cancels it.
			e.clock.Set(at(2026, 3, 4, 10, 0))
			c = e.MustFire(c, bankB1, evReplyNotice, nil)
			wantLimit(t, c, clockNotice, engine.Limit{DueAt: ptr(at(2026, 3, 6, 12, 0))})
			if c.HasMark(clockNotice) || e.InIndex(rows[1].ID) {
				t.Fatal("a replied notice still marks the case or waits in the index")
			}

			// A third notice goes unanswered past its instant.
			e.clock.Set(at(2026, 3, 5, 10, 0))
			c = e.MustFire(c, cityOffice, evNotify, flowInput{ReplyBy: ptr(at(2026, 3, 6, 12, 0))})
			e.MustWalk(at(2026, 3, 6, 13, 0), 30*time.Minute)
			wantInstants(t, "notice overdue", e.FiredAt(c, evNoticeOverdue), at(2026, 3, 6, 12, 0))
			c = e.MustCase(c)
			wantLimit(t, c, clockNotice, engine.Limit{PastDue: true, Overdue: true, DueAt: ptr(at(2026, 3, 6, 12, 0))})
			if !c.HasMark(clockNotice) {
				t.Fatal("a past-due notice does not mark the case")
			}
			if c.PastDue || c.Overdue {
				t.Fatal("the notice's lateness shows on the main limit")
			}

			// The late reply closes the past-due notice; overdue stays.
			e.clock.Set(at(2026, 3, 6, 14, 0))
			c = e.MustFire(c, bankB1, evReplyNotice, nil)
			wantLimit(t, c, clockNotice, engine.Limit{Overdue: true, DueAt: ptr(at(2026, 3, 6, 12, 0))})
			if c.HasMark(clockNotice) {
				t.Fatal("a closed notice still marks the case")
			}
			if row := e.MustTimer(c, tmNotice); row.Status != engine.TimerCancelled {
				t.Fatalf("the fired notice is %s after the reply, want cancelled", row.Status)
			}
			if fired, err := e.engine.FireTimer(e.ctx, e.MustTimer(c, tmNotice).ID); err != nil || fired {
				t.Fatalf("the closed notice fired again: %v, %v", fired, err)
			}

			// A fourth notice is answered late before any worker fired it:
			// the reply lets it fire first, then closes it.
			e.clock.Set(at(2026, 3, 6, 15, 0))
			e.MustFire(c, cityOffice, evNotify, flowInput{ReplyBy: ptr(at(2026, 3, 6, 16, 0))})
			e.clock.Set(at(2026, 3, 6, 17, 0))
			c = e.MustFire(c, bankB1, evReplyNotice, nil)
			wantInstants(t, "notice overdue", e.FiredAt(c, evNoticeOverdue), at(2026, 3, 6, 12, 0), at(2026, 3, 6, 17, 0))
			events := e.Events(c)
			if tail := strings.Join(events[len(events)-2:], ","); tail != "notice_overdue,reply_notice" {
				t.Fatalf("ledger ends %s, want the overdue notice before the reply", tail)
			}
			wantLimit(t, c, clockNotice, engine.Limit{Overdue: true, DueAt: ptr(at(2026, 3, 6, 16, 0))})
			if c.HasMark(clockNotice) || e.InIndex(e.MustTimer(c, tmNotice).ID) {
				t.Fatal("the late-answered notice still marks the case or waits in the index")
			}
		})
	})
	t.Run("FollowUp", func(t *testing.T) {
		forEachDB(t, func(t *testing.T, db testsvc.Database) {
			e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
			c := e.MustOpen("B1")
			e.MustFire(c, bankB1, evAccept, nil)
			e.clock.Set(at(2026, 3, 6, 10, 0))
			c = e.MustFire(c, bankB1, evAnswer, nil)
			wantLimit(t, c, clockFollowUp, engine.Limit{})

			// Chased on Monday: three working days, 03-10..03-12.
			e.clock.Set(at(2026, 3, 9, 10, 0))
			c = e.MustFire(c, windowP1, evChase, nil)
			wantLimit(t, c, clockFollowUp, engine.Limit{Running: true, DueAt: ptr(at(2026, 3, 13, 0, 0))})
			// Chased again: armed afresh from Tuesday, 03-11..03-13.
			e.clock.Set(at(2026, 3, 10, 15, 0))
			c = e.MustFire(c, windowP1, evChase, nil)
			wantLimit(t, c, clockFollowUp, engine.Limit{Running: true, DueAt: ptr(at(2026, 3, 14, 0, 0))})
			if rows := e.MustTimers(c, tmFollowUp); len(rows) != 2 || rows[0].Status != engine.TimerCancelled {
				t.Fatalf("follow-up rows %+v", rows)
			}
			if !c.HasMark(clockFollowUp) {
				t.Fatal("a running follow-up limit does not mark the case")
			}
			e.clock.Set(at(2026, 3, 11, 9, 0))
			c = e.MustFire(c, windowP1, evFollowed, nil)
			wantLimit(t, c, clockFollowUp, engine.Limit{DueAt: ptr(at(2026, 3, 14, 0, 0))})
			if c.HasMark(clockFollowUp) {
				t.Fatal("a stopped follow-up still marks the case")
			}
			// Chased once more, then closed: leaving its states cancels it.
			c = e.MustFire(c, windowP1, evChase, nil)
			wantLimit(t, c, clockFollowUp, engine.Limit{Running: true, DueAt: ptr(at(2026, 3, 17, 0, 0))})
			c = e.MustFire(c, windowP1, evClose, nil)
			wantLimit(t, c, clockFollowUp, engine.Limit{DueAt: ptr(at(2026, 3, 17, 0, 0))})
			if c.HasMark(clockFollowUp) || e.MustTimer(c, tmFollowUp).Status != engine.TimerCancelled {
				t.Fatal("closing did not cancel the follow-up")
			}
			e.MustWalk(at(2026, 3, 18, 0, 0), time.Hour)
			e.wantEvents(c, "open", "accept", "remind", "answer", "chase", "chase", "followed", "chase", "close")
		})
	})
}

// An event that extends a clock moves its limit by working days: a running
// limit falls due later, a paused one has more days left, and a limit that
// already fired is armed again when its new instant is still ahead.
func TestExtends(t *testing.T) {
	t.Run("Pending", func(t *testing.T) {
		forEachDB(t, func(t *testing.T, db testsvc.Database) {
			e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
			c := e.MustOpen("B1")
			limit := e.MustTimer(c, tmLimit)
			e.clock.Set(at(2026, 3, 3, 10, 0))
			// 5+3 and 2+3 working days from Monday 03-02.
			c = e.MustFire(c, windowP1, evExtend, flowInput{Days: 3})
			wantLimit(t, c, clockReply, engine.Limit{Running: true,
				WarnAt: ptr(at(2026, 3, 10, 0, 0)), DueAt: ptr(at(2026, 3, 13, 0, 0))})
			if row := e.MustTimer(c, tmLimit); row.ID != limit.ID || row.Workdays != limitDays+3 {
				t.Fatalf("extended row %+v, want the same row with %d working days", row, limitDays+3)
			}
			e.MustWalk(at(2026, 3, 16, 0, 0), 30*time.Minute)
			wantInstants(t, "remind", e.FiredAt(c, evRemind), at(2026, 3, 10, 0, 0))
			wantInstants(t, "lapse", e.FiredAt(c, evLapse), at(2026, 3, 13, 0, 0))
		})
	})
	t.Run("Paused", func(t *testing.T) {
		forEachDB(t, func(t *testing.T, db testsvc.Database) {
			e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
			c := e.MustOpen("B1")
			e.MustFire(c, bankB1, evAccept, nil)
			e.clock.Set(at(2026, 3, 3, 10, 0))
			c = e.MustFire(c, bankB1, evHold, nil)
			wantLimit(t, c, clockReply, engine.Limit{Paused: true, Remaining: 4}) // 03-04..03-09
			e.clock.Set(at(2026, 3, 4, 10, 0))
			c = e.MustFire(c, windowP1, evExtend, flowInput{Days: 2})
			wantLimit(t, c, clockReply, engine.Limit{Paused: true, Remaining: 6})
			if w := e.MustTimer(c, tmReminder); w.Remaining != 3 {
				t.Fatalf("paused reminder has %d left, want 3", w.Remaining)
			}
			// Resumed on Thursday: 6 days are 03-06..03-13, 3 are 03-06..03-10.
			e.clock.Set(at(2026, 3, 5, 10, 0))
			c = e.MustFire(c, windowP1, evResume, nil)
			wantLimit(t, c, clockReply, engine.Limit{Running: true,
				WarnAt: ptr(at(2026, 3, 11, 0, 0)), DueAt: ptr(at(2026, 3, 14, 0, 0))})
			e.MustWalk(at(2026, 3, 16, 0, 0), 30*time.Minute)
			wantInstants(t, "remind", e.FiredAt(c, evRemind), at(2026, 3, 11, 0, 0))
			wantInstants(t, "lapse", e.FiredAt(c, evLapse), at(2026, 3, 14, 0, 0))
		})
	})
	t.Run("FiredDeadline", func(t *testing.T) {
		forEachDB(t, func(t *testing.T, db testsvc.Database) {
			e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
			c := e.MustOpen("B1")
			e.MustFire(c, bankB1, evAccept, nil)
			e.MustWalk(at(2026, 3, 10, 9, 0), time.Hour)
			c = e.MustCase(c)
			if !c.PastDue || !c.Overdue || c.DueSoon {
				t.Fatalf("before the extension: past due %v overdue %v due soon %v", c.PastDue, c.Overdue, c.DueSoon)
			}
			// Five more days: 10 from 03-02 end on 03-16, 7 on 03-11;
			// both ahead, both armed again.
			c = e.MustFire(c, windowP1, evExtend, flowInput{Days: 5})
			wantLimit(t, c, clockReply, engine.Limit{Running: true, Overdue: true,
				WarnAt: ptr(at(2026, 3, 12, 0, 0)), DueAt: ptr(at(2026, 3, 17, 0, 0))})
			if c.PastDue || c.DueSoon || !c.Overdue {
				t.Fatalf("after the extension: past due %v due soon %v overdue %v", c.PastDue, c.DueSoon, c.Overdue)
			}
			rows := e.MustTimers(c, tmLimit)
			if len(rows) != 2 || rows[0].Status != engine.TimerFired || rows[1].Status != engine.TimerPending || !e.InIndex(rows[1].ID) {
				t.Fatalf("limit rows %+v, want the fired one kept and a new one pending in the index", rows)
			}
			e.MustWalk(at(2026, 3, 18, 0, 0), 30*time.Minute)
			wantInstants(t, "remind", e.FiredAt(c, evRemind), at(2026, 3, 5, 0, 0), at(2026, 3, 12, 0, 0))
			wantInstants(t, "lapse", e.FiredAt(c, evLapse), at(2026, 3, 10, 0, 0), at(2026, 3, 17, 0, 0))
			if c = e.MustCase(c); !c.PastDue || !c.Overdue {
				t.Fatal("not past due after the extended limit")
			}
		})
	})
	t.Run("FiredDeadlineWarningPast", func(t *testing.T) {
		forEachDB(t, func(t *testing.T, db testsvc.Database) {
			e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
			c := e.MustOpen("B1")
			e.MustWalk(at(2026, 3, 10, 9, 0), time.Hour)
			// One more day: the deadline (6 days, 03-11 00:00) is ahead, the
			// warning (3 days, 03-06 00:00) is not: due soon again, not
			// past due.
			c = e.MustFire(c, windowP1, evExtend, flowInput{Days: 1})
			wantLimit(t, c, clockReply, engine.Limit{Running: true, DueSoon: true, Overdue: true,
				WarnAt: ptr(at(2026, 3, 5, 0, 0)), DueAt: ptr(at(2026, 3, 11, 0, 0))})
			if n := len(e.MustTimers(c, tmReminder)); n != 1 {
				t.Fatalf("%d reminder rows, want the fired one only", n)
			}
			e.MustWalk(at(2026, 3, 12, 0, 0), time.Hour)
			wantInstants(t, "lapse", e.FiredAt(c, evLapse), at(2026, 3, 10, 0, 0), at(2026, 3, 11, 0, 0))
		})
	})
	t.Run("FiredDeadlineStillPast", func(t *testing.T) {
		forEachDB(t, func(t *testing.T, db testsvc.Database) {
			e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
			c := e.MustOpen("B1")
			e.MustWalk(at(2026, 3, 13, 9, 0), time.Hour)
			// One more day ends 03-11: already past, nothing is armed.
			c = e.MustFire(c, windowP1, evExtend, flowInput{Days: 1})
			wantLimit(t, c, clockReply, engine.Limit{PastDue: true, Overdue: true, DueAt: ptr(at(2026, 3, 10, 0, 0))})
			if n := len(e.MustTimers(c, tmLimit)); n != 1 {
				t.Fatalf("%d limit rows, want the fired one only", n)
			}
		})
	})
}

// An event fired after a pending deadline's instant lets the deadline fire
// first, in the same transaction, so the ledger says the answer came late;
// a refused event leaves the timers for the worker.
func TestFirePastPendingDeadline(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
		c := e.MustOpen("B1")
		reminder, limit := e.MustTimer(c, tmReminder), e.MustTimer(c, tmLimit)
		e.MustFire(c, bankB1, evAccept, nil)
		late := at(2026, 3, 10, 9, 0)
		e.clock.Set(late)

		// The window may not answer: the fire and its timers roll back.
		_, err := e.Fire(c, windowP1, evAnswer, nil)
		wantCode(t, err, engine.EFORBIDDEN)
		e.wantEvents(c, "open", "accept")
		if row := e.MustTimer(c, tmLimit); row.Status != engine.TimerPending {
			t.Fatalf("a refused event left the deadline %s", row.Status)
		}

		c = e.MustFire(c, bankB1, evAnswer, nil)
		e.wantEvents(c, "open", "accept", "remind", "lapse", "answer")
		entries := e.MustLedger(c)
		for i, en := range entries {
			if i >= 2 && !en.At.Equal(late) {
				t.Fatalf("entry %s at %v, want the answer's instant", en.Event, en.At)
			}
			// In the case's order (sealed or not yet: Seq may still be 0).
			if i > 0 && (en.PrevHash != entries[i-1].Hash || en.Version <= entries[i-1].Version) {
				t.Fatalf("ledger out of order: %s (version %d) after %s (version %d)", en.Event, en.Version, entries[i-1].Event, entries[i-1].Version)
			}
		}
		if entries[2].ActorRole != string(engine.RoleSystem) || entries[3].ActorRole != string(engine.RoleSystem) {
			t.Fatal("the timers' entries are not the system's")
		}
		if c.State != sAnswered || !c.Overdue || c.PastDue || c.DueSoon {
			t.Fatalf("answered late: state %s overdue %v past due %v due soon %v", c.State, c.Overdue, c.PastDue, c.DueSoon)
		}
		if e.InIndex(reminder.ID) || e.InIndex(limit.ID) {
			t.Fatal("timers fired by the event stay in the index")
		}
		if n := e.MustDrain(); n != 0 {
			t.Fatalf("%d timers fired again", n)
		}
	})
}
