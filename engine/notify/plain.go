package notify

import (
	"strings"
	"text/template"
	"text/template/parse"
)

// Plain templates. A notice's template is rendered for every notice, in
// the transaction that writes it: for an opening, in the committer that
// writes a batch of them one after another (engine/openbatch.go), where
// text/template's evaluation by reflection cost about a sixth of the
// committer's own work. Most templates are text, the notice's text fields
// ({{.Number}}) and a choice on one of them ({{if eq .EventCode "open"}}…
// {{else}}…{{end}}); such a template is rendered here from its parsed
// tree, with the same output as text/template gives. Any other template —
// a function, a payload field, a range — is executed by text/template.

// plainPart is a piece of a plain template: text, a text field of Data, or
// a choice between two lists of parts on a field's equality to a literal.
type plainPart struct {
	text  string
	field func(*Data) string
	// A choice: then when field(d) == equals, else otherwise.
	choice     bool
	equals     string
	then, alts []plainPart
}

// dataText are Data's text fields, by name.
var dataText = map[string]func(*Data) string{
	"Number":    func(d *Data) string { return d.Number },
	"Title":     func(d *Data) string { return d.Title },
	"State":     func(d *Data) string { return d.State },
	"Event":     func(d *Data) string { return d.Event },
	"EventCode": func(d *Data) string { return d.EventCode },
	"Actor":     func(d *Data) string { return d.Actor },
	"At":        func(d *Data) string { return d.At },
	"DueAt":     func(d *Data) string { return d.DueAt },
	"Link":      func(d *Data) string { return d.Link },
}

// plainOf returns tp's parts, or false when tp is not plain.
func plainOf(tp *template.Template) ([]plainPart, bool) {
	if tp == nil || tp.Tree == nil || len(tp.Templates()) > 1 {
		return nil, false
	}
	return plainList(tp.Tree.Root)
}

func plainList(l *parse.ListNode) ([]plainPart, bool) {
	if l == nil {
		return nil, true
	}
	parts := make([]plainPart, 0, len(l.Nodes))
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			parts = append(parts, plainPart{text: string(n.Text)})
		case *parse.ActionNode:
			get, ok := textField(n.Pipe, 0)
			if !ok || len(n.Pipe.Cmds[0].Args) != 1 {
				return nil, false
			}
			parts = append(parts, plainPart{field: get})
		case *parse.IfNode:
			p, ok := plainChoice(n)
			if !ok {
				return nil, false
			}
			parts = append(parts, p)
		default:
			return nil, false
		}
	}
	return parts, true
}

// plainChoice is {{if eq .Field "literal"}}…{{else}}…{{end}}.
func plainChoice(n *parse.IfNode) (plainPart, bool) {
	pipe := n.Pipe
	if pipe == nil || len(pipe.Decl) > 0 || len(pipe.Cmds) != 1 || len(pipe.Cmds[0].Args) != 3 {
		return plainPart{}, false
	}
	args := pipe.Cmds[0].Args
	if id, ok := args[0].(*parse.IdentifierNode); !ok || id.Ident != "eq" {
		return plainPart{}, false
	}
	get, ok := textField(pipe, 1)
	if !ok {
		return plainPart{}, false
	}
	lit, ok := args[2].(*parse.StringNode)
	if !ok {
		return plainPart{}, false
	}
	then, ok := plainList(n.List)
	if !ok {
		return plainPart{}, false
	}
	alts, ok := plainList(n.ElseList)
	if !ok {
		return plainPart{}, false
	}
	return plainPart{field: get, choice: true, equals: lit.Text, then: then, alts: alts}, true
}

// textField returns the getter of the text field that is the i-th
// argument of pipe's one command.
func textField(pipe *parse.PipeNode, i int) (func(*Data) string, bool) {
	if pipe == nil || len(pipe.Decl) > 0 || len(pipe.Cmds) != 1 || len(pipe.Cmds[0].Args) <= i {
		return nil, false
	}
	f, ok := pipe.Cmds[0].Args[i].(*parse.FieldNode)
	if !ok || len(f.Ident) != 1 {
		return nil, false
	}
	get, ok := dataText[f.Ident[0]]
	return get, ok
}

// renderPlain writes parts with d into b.
func renderPlain(b *strings.Builder, parts []plainPart, d *Data) {
	for i := range parts {
		p := &parts[i]
		switch {
		case p.choice:
			if p.field(d) == p.equals {
				renderPlain(b, p.then, d)
			} else {
				renderPlain(b, p.alts, d)
			}
		case p.field != nil:
			b.WriteString(p.field(d))
		default:
			b.WriteString(p.text)
		}
	}
}
