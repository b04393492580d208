// Package all lists parkfin's workflows: a new workflow is one package and
// one line here. The server, the worker, the CLI, the tests' engines and
// the generated documents (the API's payload schemas, the diagrams) all
// register what Definitions returns.
package all

import (
	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/contacts"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/greenchannel"
	"github.com/parkfin/parkfin/workflows/plan3"
	"github.com/parkfin/parkfin/workflows/submission"
	"github.com/parkfin/parkfin/workflows/visits"
)

// Config holds each workflow's numbers; zero values take the plans'.
type Config struct {
	Financing  financing.Config
	Submission submission.Config
	Visits     visits.Config
	Contacts   contacts.Config
	Plan3      plan3.Config
}

// Definitions returns every workflow's definition, financing first.
func Definitions(cfg Config) []engine.Definition {
	return []engine.Definition{
		financing.Definition(cfg.Financing),
		submission.Definition(cfg.Submission),
		visits.Definition(cfg.Visits),
		contacts.Definition(cfg.Contacts),
		greenchannel.Definition(),
		plan3.Definition(cfg.Plan3),
	}
}

// Register registers every workflow with e.
func Register(e *engine.Engine, cfg Config) {
	for _, d := range Definitions(cfg) {
		e.Register(d)
	}
}

// NoticeKinds lists every workflow's kinds of notice, in the order
// settings show them: what a user chooses channels for.
func NoticeKinds() []string {
	kinds := append(append([]string{}, financing.NoticeKinds...), submission.NoticeKinds...)
	kinds = append(append(kinds, visits.NoticeKinds...), contacts.NoticeKinds...)
	kinds = append(kinds, greenchannel.NoticeKinds...)
	return append(kinds, plan3.NoticeKinds...)
}
