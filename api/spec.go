package api

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
)

//go:embed openapi.yaml
var specYAML []byte

// Spec returns the OpenAPI contract as served at /api/v1/openapi.yaml.
func Spec() []byte { return append([]byte(nil), specYAML...) }

// mustSpec loads and checks the embedded contract. A broken contract is a
// programming error, found at start-up (and by every test).
func mustSpec() *openapi3.T {
	doc, err := openapi3.NewLoader().LoadFromData(specYAML)
	if err != nil {
		panic(fmt.Sprintf("api: openapi.yaml: %v", err))
	}
	if err := doc.Validate(context.Background()); err != nil {
		panic(fmt.Sprintf("api: openapi.yaml: %v", err))
	}
	return doc
}

// specPath turns echo's route path (/cases/:id) into the contract's
// template (/cases/{id}).
func specPath(echoPath string) string {
	parts := strings.Split(echoPath, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// validate checks the request against its operation in the contract:
// parameters, headers and body. Violations are validation_failed with one
// entry per field.
func (s *Server) validate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if strings.HasSuffix(c.Path(), "/*") {
			// echo's catch-all of a group: no route, answered 404 or 405.
			return next(c)
		}
		if err := checkInputText(c); err != nil {
			return err
		}
		path := specPath(c.Path())
		item := s.spec.Paths.Value(path)
		if item == nil || item.GetOperation(r.Method) == nil {
			s.cfg.Logger.Error("route missing from openapi.yaml", "method", r.Method, "path", path)
			return fmt.Errorf("api: route %s %s is not in the contract", r.Method, path)
		}
		params := map[string]string{}
		for i, n := range c.ParamNames() {
			params[n] = c.ParamValues()[i]
		}
		in := &openapi3filter.RequestValidationInput{
			Request:    r,
			PathParams: params,
			Route: &routers.Route{Spec: s.spec, Path: path, PathItem: item,
				Method: r.Method, Operation: item.GetOperation(r.Method)},
			Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		}
		if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
			return withBodyProblems(specInvalid(err), r.Method+" "+path, bodyOf(c))
		}
		return next(c)
	}
}

// bodyCheckers check a route's body beyond the contract, without a
// database: the workflow's own rules.
var bodyCheckers = map[string]func(body []byte) error{
	"POST /api/v1/cases": func(body []byte) error { _, err := DecodeCreateCase(body); return err },
}

// withBodyProblems adds to the contract's violations what the route's own
// checks find in the body, so that a clerk sees every problem at once
// rather than one round at a time.
func withBodyProblems(err error, route string, body []byte) error {
	check := bodyCheckers[route]
	var se *engine.Error
	if check == nil || !errors.As(err, &se) {
		return err
	}
	var more *engine.Error
	if !errors.As(check(body), &more) {
		return err
	}
	seen := map[string]bool{}
	for _, f := range se.Fields {
		seen[f.Field] = true
	}
	for _, f := range more.Fields {
		if !seen[f.Field] && f.Field != "body" {
			seen[f.Field] = true
			se.Fields = append(se.Fields, f)
		}
	}
	return se
}

// specInvalid turns the validator's errors into a validation_failed error
// with one FieldError per violation.
func specInvalid(err error) error {
	var fields []engine.FieldError
	var walk func(err error, where string)
	walk = func(err error, where string) {
		// A request error names its parameter: look at it before the
		// errors it wraps (errors.As would dig through it to a MultiError
		// inside and lose the name).
		var re *openapi3filter.RequestError
		if e, ok := err.(*openapi3filter.RequestError); ok {
			re = e
		}
		var multi openapi3.MultiError
		if re == nil && errors.As(err, &multi) {
			for _, e := range multi {
				walk(e, where)
			}
			return
		}
		if re != nil || errors.As(err, &re) {
			w := where
			if re.Parameter != nil {
				w = re.Parameter.Name
			}
			if re.Err != nil {
				walk(re.Err, w)
				return
			}
			fields = append(fields, fieldProblem(w, "invalid", re.Reason))
			return
		}
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			f := strings.Join(se.JSONPointer(), ".")
			if where != "" && f != "" {
				f = where + "." + f
			} else if f == "" {
				f = where
			}
			code := schemaCode(se.SchemaField)
			if m := unsupportedProperty.FindStringSubmatch(se.Reason); m != nil {
				// additionalProperties: false names the stray field only in
				// its reason.
				code = "unknown"
				if f == "" || f == "body" {
					f = m[1]
				} else {
					f += "." + m[1]
				}
			}
			fields = append(fields, fieldProblem(f, code, se.Reason))
			return
		}
		var pe *openapi3filter.ParseError
		if errors.As(err, &pe) {
			fields = append(fields, fieldProblem(orBody(where), "malformed", pe.Error()))
			return
		}
		fields = append(fields, fieldProblem(orBody(where), "invalid", err.Error()))
	}
	walk(err, "")
	if len(fields) == 0 {
		fields = append(fields, fieldProblem("body", "invalid", err.Error()))
	}
	return engine.Invalid(fields...)
}

// unsupportedProperty finds the stray field in the validator's reason for
// a property the contract does not allow.
var unsupportedProperty = regexp.MustCompile(`property "([^"]+)" is unsupported`)

func orBody(where string) string {
	if where == "" {
		return "body"
	}
	return where
}

// schemaCode names the rule a value broke, in the engine's field codes
// where one exists.
func schemaCode(rule string) string {
	switch rule {
	case "required":
		return "required"
	case "maxLength", "maxItems":
		return "too_long"
	case "additionalProperties":
		return "unknown"
	case "type":
		return "type"
	case "":
		return "invalid"
	}
	return rule
}

func fieldProblem(field, code, reason string) engine.FieldError {
	if field == "" {
		field = "body"
	}
	return engine.FieldError{Field: field, Code: code,
		Message:   fmt.Sprintf("%s: %s", field, reason),
		MessageZH: fmt.Sprintf(zhRule(code), field)}
}

// zhRule says in Chinese, by rule, what is wrong with field %s; the
// validator's own reason is English and stays in the English message.
func zhRule(code string) string {
	switch code {
	case "required":
		return "缺少必填字段 %s。"
	case "too_long":
		return "字段 %s 的内容过长。"
	case "minLength", "minItems":
		return "字段 %s 不能为空。"
	case "unknown":
		return "不认识的字段 %s，请检查拼写。"
	case "type":
		return "字段 %s 的类型不正确。"
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
		return "字段 %s 的数值超出允许范围。"
	case "enum":
		return "字段 %s 的取值不在允许的选项中。"
	case "format", "pattern":
		return "字段 %s 的格式不正确。"
	case "malformed":
		return "提交的内容格式有误（%s）。"
	}
	return "字段 %s 不符合要求。"
}

// getSpec serves the contract.
func (s *Server) getSpec(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml; charset=utf-8", specYAML)
}

// Routes lists the server's routes as "METHOD /path/{param}", in the
// contract's notation, for the test that holds routes and contract together.
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.echo.Routes() {
		if r.Method == echo.RouteNotFound || strings.HasSuffix(r.Path, "/*") {
			continue
		}
		out = append(out, r.Method+" "+specPath(r.Path))
	}
	return out
}
