package web

import "sort"

// MissingKeys lists the catalogue keys pages asked for that do not exist.
func MissingKeys() []string {
	var out []string
	missingKeys.Range(func(k, _ any) bool {
		out = append(out, k.(string))
		return true
	})
	sort.Strings(out)
	return out
}
