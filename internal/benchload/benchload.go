// Package benchload fills a PostgreSQL database with many cases for the
// benchmarks of the API and the web pages.
package benchload

import (
	"context"
	"fmt"
	"strings"

	"github.com/parkfin/parkfin/engine/sqlstore"
)

// Parks are the demo parks with their 2026 lead banks and counties.
var Parks = [][3]string{
	{"GXQ", "ICBC", "GX"}, {"LLGY", "ABC", "HS"}, {"CCJK", "BOC", "ZY"}, {"YJGX", "CCB", "YJ"}, {"TJJK", "BOCOM", "TJ"},
	{"NXJK", "PSBC", "NX"}, {"AHJK", "ADBC", "AH"}, {"DTHGY", "HNB", "DTH"}, {"HSGGY", "CSB", "TJ"}, {"YJCB", "YYRCB", "YJ"},
}

// Cases inserts n closed, answered and escalated cases with their parties
// straight into PostgreSQL with generate_series: 2% of them are overdue and
// escalated (and still open: past due), spread over Parks and over 2025. It is for benchmarks only:
// the cases have no ledger.
func Cases(ctx context.Context, s *sqlstore.Store, n int) (int, error) {
	var vals []string
	for i, p := range Parks {
		vals = append(vals, fmt.Sprintf("(%d, '%s', '%s', '%s')", i, p[0], p[1], p[2]))
	}
	parks := "p(i, park, bank, county) AS (VALUES " + strings.Join(vals, ", ") + ")"
	db := s.DB().WithContext(ctx)
	stmts := []string{
		`WITH ` + parks + `
		INSERT INTO cases (id, number, workflow, state, version, title, data, received_at, routed_at, created_at, updated_at,
		                   warn_at, due_at, due_soon, overdue, past_due, ledger_head, ledger_len)
		SELECT 'bulk-' || lpad(g::text, 8, '0'), p.park || '-2025-B' || g, 'financing',
		       CASE WHEN (g / 10) % 50 = 0 THEN 'escalated' WHEN g % 3 = 0 THEN 'closed' ELSE 'answered' END,
		       3, '批量企业' || g,
		       json_build_object('park', p.park, 'lead_bank', p.bank, 'county', p.county,
		           'enterprise', json_build_object('name', '批量企业' || g, 'uscc', '91350100M000100Y43'),
		           'need', '流动资金贷款')::text,
		       t.ts, t.ts, t.ts, t.ts, NULL, NULL, (g / 10) % 50 = 0, (g / 10) % 50 = 0, (g / 10) % 50 = 0, 'bulk', 3
		FROM generate_series(1, ?) g
		JOIN p ON p.i = g % 10
		CROSS JOIN LATERAL (SELECT timestamptz '2025-01-01 00:00:00+08' + g * interval '30 seconds') t(ts)`,
		`WITH ` + parks + `
		INSERT INTO case_parties (case_id, org_code, relation)
		SELECT 'bulk-' || lpad(g::text, 8, '0'), x.org, x.rel
		FROM generate_series(1, ?) g
		JOIN p ON p.i = g % 10
		CROSS JOIN LATERAL (VALUES (p.park, 'park'), (p.bank, 'lead_bank'), (p.county, 'county')) x(org, rel)`,
	}
	for _, q := range stmts {
		if err := db.Exec(q, n).Error; err != nil {
			return 0, err
		}
	}
	for _, t := range []string{"cases", "case_parties"} {
		if err := db.Exec("ANALYZE " + t).Error; err != nil {
			return 0, err
		}
	}
	return n, nil
}
