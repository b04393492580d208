package testsvc

import (
	"bytes"

	"github.com/parkfin/parkfin/engine/ledger"
)

// LedgerKeys returns the keyring tests open their stores with: one fixed
// HMAC-SHA-256 key, "test".
func LedgerKeys() *ledger.Keyring {
	kr, err := ledger.NewKeyring(ledger.Key{ID: "test", Alg: ledger.HMACSHA256, Secret: bytes.Repeat([]byte("k"), 32)})
	if err != nil {
		panic(err)
	}
	return kr
}
