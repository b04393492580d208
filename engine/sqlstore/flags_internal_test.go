package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// A list of the cases whose time flag is set walks that flag's partial
// index, on PostgreSQL also in the generic plan of a prepared statement:
// the flag is written into the query, not bound. Asking for the flag unset
// works too (every other index serves it).
func TestFlagListsWalkTheirPartialIndexes(t *testing.T) {
	yes, no := true, false
	flags := []struct {
		index  string
		filter engine.CaseFilter
	}{
		{"cases_due_soon", engine.CaseFilter{Workflow: "financing", DueSoon: &yes}},
		{"cases_overdue", engine.CaseFilter{Workflow: "financing", Overdue: &yes}},
		{"cases_past_due", engine.CaseFilter{Workflow: "financing", PastDue: &yes}},
	}
	ctx := context.Background()
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			s := mustOpen(t, db.URL(t), true)
			for _, fl := range flags {
				plan := s.listPlan(t, fl.filter)
				if !strings.Contains(plan, fl.index) {
					t.Errorf("the list by %s does not use it:\n%s", fl.index, plan)
				}
				unset := fl.filter
				unset.DueSoon, unset.Overdue, unset.PastDue = nil, nil, nil
				switch fl.index {
				case "cases_due_soon":
					unset.DueSoon = &no
				case "cases_overdue":
					unset.Overdue = &no
				default:
					unset.PastDue = &no
				}
				if _, err := s.Cases(ctx, unset); err != nil {
					t.Errorf("a list of the cases without %s: %v", fl.index, err)
				}
			}
		})
	}
}

// listPlan returns the plan of the query Cases runs for f, with the
// sequential scan discouraged (the test's table is empty) and, on
// PostgreSQL, the generic plan a prepared statement gets.
func (s *Store) listPlan(t *testing.T, f engine.CaseFilter) string {
	t.Helper()
	var rows []caseRow
	stmt := s.queries.filtered(context.Background(), f).Session(&gorm.Session{DryRun: true}).
		Order("received_at DESC, id DESC").Limit(100).Find(&rows).Statement
	var lines []string
	err := s.db.Connection(func(conn *gorm.DB) error {
		if s.dialect == SQLite {
			rows, err := conn.Raw("EXPLAIN QUERY PLAN "+stmt.SQL.String(), stmt.Vars...).Rows()
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					return err
				}
				lines = append(lines, detail)
			}
			return rows.Err()
		}
		for _, q := range []string{"SET enable_seqscan = off", "SET plan_cache_mode = force_generic_plan",
			"PREPARE flag_list AS " + stmt.SQL.String()} {
			if err := conn.Exec(q).Error; err != nil {
				return err
			}
		}
		defer conn.Exec("DEALLOCATE flag_list")
		params := make([]string, len(stmt.Vars))
		for i, v := range stmt.Vars {
			params[i] = fmt.Sprintf("'%v'", v)
		}
		return conn.Raw("EXPLAIN EXECUTE flag_list("+strings.Join(params, ", ")+")").Pluck("QUERY PLAN", &lines).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}
