package calendar

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/parkfin/parkfin/engine/audit/record"
)

// Override is one year's local arrangement, entered by an administrator and
// kept in the database: next year's State Council notice before a release
// carries it, or a day off of the city's own. Data is that year's entry in
// the cn-workdays.json format: {"holidays": [...], "makeup_workdays": [...],
// "notice": ..., "status": ...}.
type Override struct {
	Year      int
	Data      json.RawMessage
	UpdatedAt time.Time
	UpdatedBy string
}

// OverrideStore keeps the overrides. engine/sqlstore implements it.
type OverrideStore interface {
	// CalendarOverrides returns every override, by year.
	CalendarOverrides(ctx context.Context) ([]Override, error)
	// PutCalendarOverride creates or replaces the year's override and
	// records ev in the security audit log in the same transaction (nil:
	// nothing recorded).
	PutCalendarOverride(ctx context.Context, o Override, ev *record.Entry) error
	// DeleteCalendarOverride removes the year's override, recording ev in
	// the same transaction; removing one that does not exist is not an
	// error.
	DeleteCalendarOverride(ctx context.Context, year int, ev *record.Entry) error
}

// Overrides keeps a Live calendar in step with the overrides in a store:
// the built-in data and the configured files (the base), with every stored
// override applied over it, year by year.
type Overrides struct {
	base  *Calendar
	store OverrideStore
	live  *Live
	mu    sync.Mutex // serialises changes made through this process
}

// NewOverrides loads the stored overrides over base and returns the manager
// with its Live calendar.
func NewOverrides(ctx context.Context, base *Calendar, store OverrideStore) (*Overrides, error) {
	o := &Overrides{base: base, store: store, live: NewLive(base)}
	if err := o.Reload(ctx); err != nil {
		return nil, err
	}
	return o, nil
}

// Live returns the calendar in force, for the engine and the API.
func (o *Overrides) Live() *Live { return o.live }

// Reload rebuilds the calendar from the store: another process may have
// changed the overrides.
func (o *Overrides) Reload(ctx context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	list, err := o.store.CalendarOverrides(ctx)
	if err != nil {
		return err
	}
	c, err := o.build(list)
	if err != nil {
		return err
	}
	o.live.Set(c)
	return nil
}

// List returns the stored overrides, by year.
func (o *Overrides) List(ctx context.Context) ([]Override, error) {
	return o.store.CalendarOverrides(ctx)
}

// Put checks the override by building the calendar with it, stores it with
// its security audit entry ev and puts the new calendar in force. A
// malformed override is a *DataError and changes nothing.
func (o *Overrides) Put(ctx context.Context, ov Override, ev *record.Entry) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	list, err := o.store.CalendarOverrides(ctx)
	if err != nil {
		return err
	}
	replaced := false
	for i := range list {
		if list[i].Year == ov.Year {
			list[i], replaced = ov, true
		}
	}
	if !replaced {
		list = append(list, ov)
	}
	c, err := o.build(list)
	if err != nil {
		return err
	}
	if err := o.store.PutCalendarOverride(ctx, ov, ev); err != nil {
		return err
	}
	o.live.Set(c)
	return nil
}

// Delete removes the year's override, recording ev with it, and puts the
// calendar without it in force.
func (o *Overrides) Delete(ctx context.Context, year int, ev *record.Entry) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	list, err := o.store.CalendarOverrides(ctx)
	if err != nil {
		return err
	}
	kept := list[:0]
	for _, x := range list {
		if x.Year != year {
			kept = append(kept, x)
		}
	}
	c, err := o.build(kept)
	if err != nil {
		return err
	}
	if err := o.store.DeleteCalendarOverride(ctx, year, ev); err != nil {
		return err
	}
	o.live.Set(c)
	return nil
}

// build applies the overrides over the base, in year order.
func (o *Overrides) build(list []Override) (*Calendar, error) {
	sort.Slice(list, func(i, j int) bool { return list[i].Year < list[j].Year })
	c := o.base
	for _, ov := range list {
		doc, err := json.Marshal(map[string]any{"years": map[string]json.RawMessage{strconv.Itoa(ov.Year): ov.Data}})
		if err != nil {
			return nil, fmt.Errorf("calendar: override %d: %w", ov.Year, err)
		}
		if c, err = c.withOverrides(doc, fmt.Sprintf("override %d", ov.Year)); err != nil {
			return nil, err
		}
	}
	return c, nil
}
