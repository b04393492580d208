package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"runtime/debug"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
)

// MaxBody is the largest request body accepted: 1 MiB.
const MaxBody = 1 << 20

// MaxEventBody is the largest body of an event, which may hand in files
// (base64, a third larger than their bytes): 28 MiB.
const MaxEventBody = 28 << 20

// bodyLimit is the largest body the route accepts.
func bodyLimit(c echo.Context) int64 {
	if c.Request().Method == http.MethodPost && c.Path() == "/api/v1/cases/:id/events" {
		return MaxEventBody
	}
	return MaxBody
}

// bodyKey is where limitBody keeps the request body it read.
const bodyKey = "parkfin.body"

// recoverPanics turns a panic in a handler into a logged 500 problem.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.cfg.Logger.Error("panic in handler", "panic", r, "stack", string(debug.Stack()))
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return next(c)
	}
}

// limitBody reads the whole body, refusing more than MaxBody, and keeps it
// for validation, idempotency hashing and decoding. A body must be JSON.
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		limit := bodyLimit(c)
		if r.ContentLength > limit {
			return tooLargeThan(limit)
		}
		if r.Body == nil || r.Body == http.NoBody {
			return next(c)
		}
		body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, limit))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return tooLargeThan(limit)
			}
			return engine.Invalid(engine.FieldError{Field: "body", Code: "unreadable",
				Message: "The request body could not be read.", MessageZH: "无法读取提交的内容。"})
		}
		if len(body) > 0 {
			mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
			if err != nil || (mt != echo.MIMEApplicationJSON && mt != "application/merge-patch+json") {
				return engine.Errorf(codeUnsupportedMedia, "请以 application/json 提交。", "Send application/json.")
			}
		}
		c.Set(bodyKey, body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		return next(c)
	}
}

// bodyOf returns the body limitBody read.
func bodyOf(c echo.Context) []byte {
	b, _ := c.Get(bodyKey).([]byte)
	return b
}
