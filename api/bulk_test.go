package api_test

import (
	"context"

	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/benchload"
)

// bulkLoad inserts n cases for the benchmarks (package benchload, shared
// with the web pages' benchmarks).
func bulkLoad(ctx context.Context, s *sqlstore.Store, n int) (int, error) {
	return benchload.Cases(ctx, s, n)
}
