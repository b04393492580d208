package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// Calendar overrides live in the database: one process puts one in force,
// another picks it up on reload; a bad one changes nothing.
func TestCalendarOverrides(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			s := MustStore(t, db)
			base, err := calendar.LoadDefault()
			if err != nil {
				t.Fatal(err)
			}
			here, err := calendar.NewOverrides(ctx, base, s)
			if err != nil {
				t.Fatal(err)
			}
			there, err := calendar.NewOverrides(ctx, base, s)
			if err != nil {
				t.Fatal(err)
			}
			day := calendar.Date{Year: 2026, Month: 12, Day: 24}
			if ok, _ := here.Live().Current().IsWorkday(day); !ok {
				t.Fatal("2026-12-24 is a working day in the published data")
			}
			local := calendar.Override{Year: 2026, Data: json.RawMessage(`{"holidays":[{"name":"地方假日","days":["2026-12-24"]}]}`),
				UpdatedAt: time.Now(), UpdatedBy: "admin"}
			if err := here.Put(ctx, local, nil); err != nil {
				t.Fatal(err)
			}
			if ok, _ := here.Live().Current().IsWorkday(day); ok {
				t.Fatal("the override is not in force where it was put")
			}
			if ok, _ := there.Live().Current().IsWorkday(day); !ok {
				t.Fatal("the other process changed before reloading")
			}
			if err := there.Reload(ctx); err != nil {
				t.Fatal(err)
			}
			if ok, _ := there.Live().Current().IsWorkday(day); ok {
				t.Fatal("the other process did not pick up the override")
			}
			bad := calendar.Override{Year: 2026, Data: json.RawMessage(`{"holidays":[{"name":"x","days":["2025-12-24"]}]}`), UpdatedAt: time.Now()}
			var de *calendar.DataError
			if err := here.Put(ctx, bad, nil); !errors.As(err, &de) {
				t.Fatalf("a date outside its year: %v", err)
			}
			list, err := here.List(ctx)
			if err != nil || len(list) != 1 || string(list[0].Data) != string(local.Data) || list[0].UpdatedBy != "admin" {
				t.Fatalf("stored overrides %+v %v", list, err)
			}
			if err := here.Delete(ctx, 2026, nil); err != nil {
				t.Fatal(err)
			}
			if ok, _ := here.Live().Current().IsWorkday(day); !ok {
				t.Fatal("deleting the override did not restore the day")
			}
		})
	}
}
