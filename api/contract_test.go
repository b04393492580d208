package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/parkfin/parkfin/api"
)

var (
	contractOnce   sync.Once
	contractRouter routers.Router
	contractErr    error
)

// checkContract fails the test when an answer disagrees with openapi.yaml:
// every answer of every HTTP test goes through it, so the contract cannot
// drift from what the server says.
func checkContract(t testing.TB, req *http.Request, res *http.Response, body []byte) {
	t.Helper()
	contractOnce.Do(func() {
		doc, err := openapi3.NewLoader().LoadFromData(api.Spec())
		if err != nil {
			contractErr = err
			return
		}
		contractRouter, contractErr = legacy.NewRouter(doc)
	})
	if contractErr != nil {
		t.Fatalf("contract: %v", contractErr)
	}
	// The router matches the path without the test server's host.
	r := req.Clone(context.Background())
	r.URL.Scheme, r.URL.Host, r.Host = "", "", ""
	route, params, err := contractRouter.FindRoute(r)
	if err != nil {
		return // no such operation: the test expects a 404 or 405
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status: res.StatusCode,
		Header: res.Header,
		Body:   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: res.StatusCode < 300,
			// The contract, its page and stylesheet are not JSON: their
			// statuses and content types are still checked.
			ExcludeResponseBody: !strings.Contains(res.Header.Get("Content-Type"), "json"),
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc},
	}
	in.RequestValidationInput.Options = in.Options
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s answered %d against the contract: %v", req.Method, req.URL.Path, res.StatusCode, err)
	}
}
