package configs

import (
	"embed"
	_ "embed"
)

// Default is the default configuration of the embedded mode (parkfin.yaml).
//
//go:embed parkfin.yaml
var Default []byte

// Demo holds the demonstration data: the ten parks of the Yiyang plan,
// their counties, a dozen banks, pairings and users.
//
//go:embed demo/*.yaml
var Demo embed.FS
