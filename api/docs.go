package api

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
)

// The reference page is rendered on the server from the contract, with a
// stylesheet parkfin serves itself: parks run on closed networks, so no
// asset may come from a CDN.

//go:embed docs
var docsFS embed.FS

var docsPage = template.Must(template.New("ref").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} — API 参考</title>
<link rel="stylesheet" href="/api/v1/docs/reference.css"></head>
<body><header><h1>{{.Title}} <span class="muted">v{{.Version}}</span></h1>
<p>契约 / contract: <a href="/api/v1/openapi.yaml">openapi.yaml</a></p></header>
<main><pre>{{.Description}}</pre>
<nav><h2>接口 Operations</h2><ul>{{range .Ops}}<li><a href="#{{.ID}}">{{.Method}} {{.Path}}</a></li>{{end}}</ul></nav>
{{range .Ops}}<section class="op" id="{{.ID}}">
<h3><span class="method {{.Method}}">{{.Method}}</span> <code>{{.Path}}</code></h3>
<p>{{.Summary}} <span class="muted">({{.ID}}{{if .Public}}, no sign-in{{end}})</span></p>
{{if .Params}}<table><tr><th>parameter</th><th>in</th><th>schema</th><th>description</th></tr>
{{range .Params}}<tr><td><code>{{.Name}}</code>{{if .Required}} *{{end}}</td><td>{{.In}}</td><td><code>{{.Schema}}</code></td><td>{{.Description}}</td></tr>{{end}}</table>{{end}}
{{if .Body}}<p>Request body: <a href="#schema-{{.Body}}"><code>{{.Body}}</code></a></p>{{end}}
<table><tr><th>status</th><th>answer</th></tr>{{range .Responses}}<tr><td>{{.Status}}</td><td>{{.Description}}</td></tr>{{end}}</table>
</section>{{end}}
<h2>数据结构 Schemas</h2>
{{range .Schemas}}<section class="op" id="schema-{{.Name}}"><h3><code>{{.Name}}</code></h3>
{{if .Description}}<pre>{{.Description}}</pre>{{end}}
{{if .Props}}<table><tr><th>field</th><th>schema</th><th>description</th></tr>
{{range .Props}}<tr><td><code>{{.Name}}</code>{{if .Required}} *{{end}}</td><td><code>{{.Schema}}</code></td><td>{{.Description}}</td></tr>{{end}}</table>{{end}}
</section>{{end}}
</main></body></html>
`))

type docOp struct {
	ID, Method, Path, Summary, Body string
	Public                          bool
	Params                          []docField
	Responses                       []docResponse
}

type docField struct {
	Name, In, Schema, Description string
	Required                      bool
}

type docResponse struct{ Status, Description string }

type docSchema struct {
	Name, Description string
	Props             []docField
}

// schemaText says a schema in a few words: its reference name or its type
// with its constraints.
func schemaText(r *openapi3.SchemaRef) string {
	if r == nil {
		return ""
	}
	if r.Ref != "" {
		return r.Ref[strings.LastIndex(r.Ref, "/")+1:]
	}
	s := r.Value
	if s == nil {
		return ""
	}
	t := strings.Join(s.Type.Slice(), "|")
	if t == "array" && s.Items != nil {
		t = "[]" + schemaText(s.Items)
	}
	if s.Format != "" {
		t += " (" + s.Format + ")"
	}
	if len(s.Enum) > 0 {
		var vals []string
		for _, v := range s.Enum {
			if str, ok := v.(string); ok {
				vals = append(vals, str)
			}
		}
		t += " {" + strings.Join(vals, ", ") + "}"
	}
	if s.MaxLength != nil {
		t += " ≤" + strconv.FormatUint(*s.MaxLength, 10) + " chars"
	}
	if s.Pattern != "" {
		t += " " + s.Pattern
	}
	return t
}

// renderDocs renders the reference page from the contract.
func renderDocs(doc *openapi3.T) ([]byte, error) {
	data := struct {
		Title, Version, Description string
		Ops                         []docOp
		Schemas                     []docSchema
	}{Title: doc.Info.Title, Version: doc.Info.Version, Description: doc.Info.Description}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for _, method := range []string{"GET", "POST", "PUT", "DELETE"} {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			o := docOp{ID: op.OperationID, Method: method, Path: path, Summary: op.Summary,
				Public: op.Security != nil && len(*op.Security) == 0}
			for _, p := range op.Parameters {
				if p.Value != nil {
					o.Params = append(o.Params, docField{Name: p.Value.Name, In: p.Value.In,
						Schema: schemaText(p.Value.Schema), Description: p.Value.Description, Required: p.Value.Required})
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil {
					o.Body = schemaText(mt.Schema)
				}
			}
			for status, r := range op.Responses.Map() {
				d := ""
				if r.Value != nil && r.Value.Description != nil {
					d = *r.Value.Description
				}
				if r.Ref != "" {
					d = "problem+json"
				}
				o.Responses = append(o.Responses, docResponse{status, d})
			}
			sort.Slice(o.Responses, func(i, j int) bool { return o.Responses[i].Status < o.Responses[j].Status })
			data.Ops = append(data.Ops, o)
		}
	}
	sort.SliceStable(data.Ops, func(i, j int) bool { return data.Ops[i].Path < data.Ops[j].Path })
	names := make([]string, 0, len(doc.Components.Schemas))
	for n := range doc.Components.Schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := doc.Components.Schemas[n].Value
		ds := docSchema{Name: n, Description: s.Description}
		props := make([]string, 0, len(s.Properties))
		for p := range s.Properties {
			props = append(props, p)
		}
		sort.Strings(props)
		for _, p := range props {
			pr := s.Properties[p]
			desc := ""
			if pr.Value != nil {
				desc = pr.Value.Description
			}
			ds.Props = append(ds.Props, docField{Name: p, Schema: schemaText(pr), Description: desc,
				Required: contains(s.Required, p)})
		}
		data.Schemas = append(data.Schemas, ds)
	}
	var buf bytes.Buffer
	if err := docsPage.Execute(&buf, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// getDocs serves the reference page, rendered once in New.
func (s *Server) getDocs(c echo.Context) error {
	// Nothing on the page may come from elsewhere.
	c.Response().Header().Set("Content-Security-Policy", "default-src 'self'")
	return c.HTMLBlob(http.StatusOK, s.docs)
}

// getDocsAsset serves the reference page's own assets.
func (s *Server) getDocsAsset(c echo.Context) error {
	name := c.Param("asset")
	b, err := docsFS.ReadFile("docs/" + name)
	if err != nil || strings.ContainsAny(name, "/\\") {
		return engine.Errorf(engine.ENOTFOUND, "没有这个文件。", "No such asset.")
	}
	ct := "application/octet-stream"
	if strings.HasSuffix(name, ".css") {
		ct = "text/css; charset=utf-8"
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.Blob(http.StatusOK, ct, b)
}
