package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/internal/accesslog"
	"github.com/parkfin/parkfin/internal/signin"
)

// Codes the API adds to the engine's.
const (
	codeTooLarge         = "payload_too_large"
	codeUnsupportedMedia = "unsupported_media_type"
	codeMethodNotAllowed = "method_not_allowed"
)

// statusOf is the one table that maps error codes to HTTP statuses. A code
// missing here is a server fault.
var statusOf = map[string]int{
	engine.EINVALID:        http.StatusUnprocessableEntity,
	engine.EINVALIDUSCC:    http.StatusUnprocessableEntity,
	engine.ENOTFOUND:       http.StatusNotFound,
	engine.EUNAUTHORIZED:   http.StatusUnauthorized,
	engine.EFORBIDDEN:      http.StatusForbidden,
	engine.ECONFLICT:       http.StatusConflict,
	engine.ETRANSITION:     http.StatusConflict,
	engine.ECALENDAR:       http.StatusUnprocessableEntity,
	engine.EDUPLICATE:      http.StatusConflict,
	engine.EIDEMPOTENCY:    http.StatusUnprocessableEntity,
	engine.ERATELIMITED:    http.StatusTooManyRequests,
	engine.ENOPAIRING:      http.StatusUnprocessableEntity,
	engine.ETIMERNOTFOUND:  http.StatusNotFound,
	engine.ELOCKED:         http.StatusLocked,
	engine.EPASSWORDCHANGE: http.StatusForbidden,
	codeTooLarge:           http.StatusRequestEntityTooLarge,
	codeUnsupportedMedia:   http.StatusUnsupportedMediaType,
	codeMethodNotAllowed:   http.StatusMethodNotAllowed,
}

// problem is an RFC 9457 problem document with parkfin's stable code.
type problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Code   string         `json:"code"`
	Detail string         `json:"detail"`
	Errors []problemField `json:"errors,omitempty"`
	// RequestID is the X-Request-ID of the answer, to find it in the
	// access log.
	RequestID string `json:"request_id,omitempty"`
}

// problemField is one field's problem, in the caller's language.
type problemField struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

var langMatcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// langOf picks "zh" or "en" from Accept-Language; Chinese when in doubt.
func langOf(r *http.Request) string {
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return "zh"
	}
	_, i, conf := langMatcher.Match(tags...)
	if conf == language.No || i == 0 {
		return "zh"
	}
	return "en"
}

// handleError answers every error as application/problem+json.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	// The client went away (a sign-in given up while it waited its turn):
	// nobody reads an answer, and it is no failure to log.
	if accesslog.ClientGone(c.Request(), err) {
		c.Response().WriteHeader(accesslog.StatusClientGone)
		return
	}
	err = fromEcho(err)
	code := engine.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
		code = engine.EINTERNAL
		s.cfg.Logger.Error("request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
	}
	if code == engine.EFORBIDDEN {
		s.record(c, audit.Forbidden, c.Request().Method+" "+c.Request().URL.Path, audit.Denied, engine.ErrorMessage(err, "zh"))
	}
	lang := langOf(c.Request())
	p := problem{
		Type:   "https://parkfin.invalid/problems/" + code,
		Title:  http.StatusText(status),
		Status: status,
		Code:   code,
		Detail: engine.ErrorMessage(err, lang),

		RequestID: accesslog.RequestID(c.Request().Context()),
	}
	var de *engine.Error
	if errors.As(err, &de) {
		for _, f := range de.Fields {
			msg := f.Message
			if lang == "zh" && f.MessageZH != "" {
				msg = f.MessageZH
			}
			p.Errors = append(p.Errors, problemField{Field: f.Field, Code: f.Code, Message: msg})
		}
		// A wrong credit code alone gets its own top-level code: it is the
		// mistake clients most want to tell apart.
		if code == engine.EINVALID && len(de.Fields) == 1 && de.Fields[0].Code == engine.EINVALIDUSCC {
			p.Code = engine.EINVALIDUSCC
			p.Type = "https://parkfin.invalid/problems/" + p.Code
		}
	}
	var rl *signin.RateLimited
	if errors.As(err, &rl) {
		c.Response().Header().Set("Retry-After", strconv.Itoa(rl.RetryAfter))
	}
	if status == http.StatusUnauthorized {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="parkfin"`)
	}
	body, _ := json.Marshal(p)
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().Header().Set("Content-Language", map[string]string{"zh": "zh-CN", "en": "en"}[lang])
	c.Response().WriteHeader(status)
	if c.Request().Method != http.MethodHead {
		_, _ = c.Response().Write(body)
	}
}

// fromEcho turns echo's own errors (no route, wrong method, ...) into
// domain errors.
func fromEcho(err error) error {
	var he *echo.HTTPError
	if !errors.As(err, &he) {
		return err
	}
	switch he.Code {
	case http.StatusNotFound:
		return engine.Errorf(engine.ENOTFOUND, "没有这个地址。", "No such resource.")
	case http.StatusMethodNotAllowed:
		return engine.Errorf(codeMethodNotAllowed, "该地址不支持此请求方法。", "The method is not allowed here.")
	case http.StatusRequestEntityTooLarge:
		return tooLarge()
	case http.StatusUnsupportedMediaType:
		return engine.Errorf(codeUnsupportedMedia, "请以 application/json 提交。", "Send application/json.")
	case http.StatusBadRequest:
		return engine.Invalid(engine.FieldError{Field: "body", Code: "malformed",
			Message: "The request is malformed.", MessageZH: "请求格式有误。"})
	case http.StatusUnauthorized:
		return unauthenticated()
	case http.StatusForbidden:
		return engine.Errorf(engine.EFORBIDDEN, "无权执行此操作。", "Forbidden.")
	case http.StatusTooManyRequests:
		return engine.Errorf(engine.ERATELIMITED, "请求过于频繁，请稍后再试。", "Too many requests; try again later.")
	}
	return err
}

func tooLarge() error { return tooLargeThan(MaxBody) }

// tooLargeThan says the body exceeds limit bytes.
func tooLargeThan(limit int64) error {
	return engine.Errorf(codeTooLarge, "提交的内容超过 %d MiB。", "The request body is larger than %[1]d MiB.", limit>>20)
}

func unauthenticated() error {
	return engine.Errorf(engine.EUNAUTHORIZED, "请先登录。", "Sign in first.")
}
