// Package configs holds parkfin's default configuration and reference data,
// embedded in the binary.
package configs

import "embed"

// Calendar holds the working-day calendars in the cn-workdays.json format:
// the published State Council holiday arrangements, one file per source.
//
//go:embed calendar/*.json
var Calendar embed.FS
