package testsvc

import (
	"bytes"

	"github.com/parkfin/parkfin/engine/ledger"
)

var testKey = ledger.Key{ID: "test", Alg: ledger.HMACSHA256, Secret: bytes.Repeat([]byte("k"), 32)}

// LedgerKeys returns the keyring tests open their stores with: one fixed
// HMAC-SHA-256 key, "test".
func LedgerKeys() *ledger.Keyring {
	kr, err := ledger.NewKeyring(testKey)
	if err != nil {
		panic(err)
	}
	return kr
}

// LedgerKeyEnv is the environment setting that gives a parkfin process the
// keys of LedgerKeys.
func LedgerKeyEnv() string { return "PARKFIN_LEDGER_KEY=" + ledger.FormatKey(testKey) }
