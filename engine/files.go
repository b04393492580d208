package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// File is a document handed in with an event: a quarter's resolution
// ledger as submitted, a visit's minutes. The engine keeps its bytes with
// the case, in the event's transaction, and writes its name, size and
// SHA-256 into the event's ledger entry, so that what was handed in can be
// proven later.
type File struct {
	Name      string
	MediaType string
	Content   []byte
}

// FileRef names a kept file: what the ledger records of it.
type FileRef struct {
	Name      string `json:"name"`
	MediaType string `json:"media_type"`
	Size      int    `json:"size"`
	SHA256    string `json:"sha256"`
}

// StoredFile is a kept file with its bytes and who handed it in.
type StoredFile struct {
	FileRef
	CaseID    string
	Content   []byte
	Event     EventName
	CreatedBy string
	CreatedAt time.Time
}

// MaxFileSize bounds one file handed in with an event: 20 MiB.
const MaxFileSize = 20 << 20

// fileRefs checks the files an event hands in and names them.
func fileRefs(ev *EventDef, files []File) ([]FileRef, error) {
	switch {
	case len(files) > 0 && !ev.TakesFiles:
		return nil, Invalid(FieldError{Field: "files", Code: "unexpected",
			Message: "This action takes no files.", MessageZH: "该操作不需要上传文件。"})
	case len(files) == 0 && ev.NeedsFiles:
		return nil, Invalid(FieldError{Field: "files", Code: "required",
			Message: "Attach the file this action hands in.", MessageZH: "请上传该操作需要提交的文件。"})
	}
	refs := make([]FileRef, len(files))
	for i, f := range files {
		name := strings.TrimSpace(f.Name)
		switch {
		case name == "" || !utf8.ValidString(name) || len(name) > 255 || strings.ContainsAny(name, "/\\\x00"):
			return nil, Invalid(FieldError{Field: fmt.Sprintf("files[%d].name", i), Code: "invalid",
				Message: "Give the file a plain name (no folders), at most 255 bytes.", MessageZH: "文件名不能为空、不能含路径，且不超过 255 字节。"})
		case len(f.Content) == 0 || len(f.Content) > MaxFileSize:
			return nil, Invalid(FieldError{Field: fmt.Sprintf("files[%d]", i), Code: "size",
				Message: "A file must hold between 1 byte and 20 MiB.", MessageZH: "文件不能为空，且不能超过 20 MB。"})
		}
		sum := sha256.Sum256(f.Content)
		mt := f.MediaType
		if mt == "" {
			mt = "application/octet-stream"
		}
		refs[i] = FileRef{Name: name, MediaType: mt, Size: len(f.Content), SHA256: hex.EncodeToString(sum[:])}
	}
	return refs, nil
}

// withFiles adds the files' references to the payload the ledger records.
func withFiles(payload json.RawMessage, refs []FileRef) (json.RawMessage, error) {
	obj := map[string]json.RawMessage{}
	if len(payload) > 0 && string(payload) != "null" {
		if err := json.Unmarshal(payload, &obj); err != nil {
			return nil, err
		}
	}
	raw, err := json.Marshal(refs)
	if err != nil {
		return nil, err
	}
	obj["files"] = raw
	return json.Marshal(obj)
}

// keepFiles stores the files handed in with an event, in its transaction.
func (e *Engine) keepFiles(ctx context.Context, tx Tx, c *Case, ev EventName, actor Actor, files []File, refs []FileRef, now time.Time) error {
	for i, f := range files {
		sf := StoredFile{FileRef: refs[i], CaseID: c.ID, Content: f.Content, Event: ev, CreatedBy: actor.User, CreatedAt: now}
		if err := tx.InsertFile(ctx, &sf); err != nil {
			return err
		}
	}
	return nil
}

// CaseFile returns a file kept with a case the actor may see, by its
// SHA-256; not_found otherwise, exactly like a case the actor may not see.
func (e *Engine) CaseFile(ctx context.Context, a Actor, caseID, sha string) (*StoredFile, error) {
	if _, err := e.Case(ctx, a, caseID); err != nil {
		return nil, err
	}
	return e.store.CaseFile(ctx, caseID, sha)
}
