package engine

import (
	"encoding/base64"
	"encoding/binary"
	"time"
)

// Cursor is where a case list continues: after the case received at
// ReceivedAt with ID, in the order lists are kept (newest received first,
// then ID). It carries the key itself, not a reference to look up, so that a
// cursor cannot be used to probe cases the caller may not see: whatever key
// it names, the list returns only cases the caller may see.
type Cursor struct {
	ReceivedAt time.Time
	ID         string
}

// CursorAfter returns the opaque cursor that continues a list after c.
func CursorAfter(c *Case) string {
	b := make([]byte, 9, 9+len(c.ID))
	b[0] = cursorVersion
	binary.BigEndian.PutUint64(b[1:], uint64(c.ReceivedAt.UTC().UnixMicro()))
	return base64.RawURLEncoding.EncodeToString(append(b, c.ID...))
}

// cursorVersion opens every cursor, so that other strings (a case id) are
// told from one.
const cursorVersion = 1

// ParseCursor reads a cursor made by CursorAfter. Anything else is a
// validation_failed error naming the after parameter.
func ParseCursor(s string) (*Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 10 || len(b) > 9+64 || b[0] != cursorVersion || !idBytes(b[9:]) {
		return nil, Invalid(FieldError{Field: "after", Code: "cursor",
			Message: "after must be the next_cursor of a previous page.", MessageZH: "参数 after 应为上一页返回的 next_cursor。"})
	}
	at := time.UnixMicro(int64(binary.BigEndian.Uint64(b[1:9]))).UTC()
	return &Cursor{ReceivedAt: at, ID: string(b[9:])}, nil
}

// idBytes reports whether b can be a case id: letters, digits and hyphens.
func idBytes(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}
