package payload

import (
	"encoding/json"

	"github.com/parkfin/parkfin/engine"
)

// Record decodes a case's record (its Data) into a T; a case without one
// (being opened) has a zero T.
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

// Keep encodes v as the case's record.
func Keep(c *engine.Case, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.Data = raw
	return nil
}
