package payload

import (
	"encoding/json"

	"github.com/parkfin/parkfin/engine"
)

// Record decodes a case's record (its Data) into a T; a case without one
// (being opened) has a zero T. The T is the caller's own, to change and
// Keep.
func Record[T any](c *engine.Case) (*T, error) {
	d := new(T)
	if len(c.Data) == 0 {
		return d, nil
	}
	if err := json.Unmarshal(c.Data, d); err != nil {
		return nil, err
	}
	return d, nil
}

// Keep encodes v as the case's record. The case keeps v too, for View:
// the caller must not change v afterwards but to Keep it again.
func Keep(c *engine.Case, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.SetRecord(raw, v)
	return nil
}

// View returns a case's record to read, not to change: the value its
// workflow kept when it last moved the case, still as Data encodes it, or
// else Data decoded. A case just opened or moved is answered without
// decoding its record again.
func View[T any](c *engine.Case) (*T, error) {
	if v, ok := c.Record().(*T); ok {
		return v, nil
	}
	return Record[T](c)
}
