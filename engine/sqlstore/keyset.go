package sqlstore

import "time"

// KeysetBefore is the condition of a newest-first list's next page: rows
// whose (col, id) comes before the cursor's (at, id). On PostgreSQL it is
// a row comparison, which a B-tree index on (…, col, id) takes as where
// its scan starts, so that a page deep in a list of a million cases costs
// what the first page does; written out as an OR, the index could only
// filter, and the scan read every row newer than the cursor first. SQLite
// compares row values by type affinity differently from a column against
// a parameter, so there the condition stays written out.
func KeysetBefore(d Dialect, col string, at time.Time, id string) (string, []any) {
	if d == Postgres {
		return "(" + col + ", id) < (?, ?)", []any{at, id}
	}
	return "(" + col + " < ? OR (" + col + " = ? AND id < ?))", []any{at, at, id}
}
