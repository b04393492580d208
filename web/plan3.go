package web

import (
	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/payload"
	"github.com/parkfin/parkfin/workflows/plan3"
)

// plan3View is an assigned difficulty on its case page: the difficulty,
// the departments and the deadline, then every filing, the late ones
// marked.
type plan3View struct {
	*plan3.Data
	USCC    string
	Filings []plan3Filing
}

// plan3Filing is one filing with its words and the filer's name.
type plan3Filing struct {
	plan3.Filing
	EventKey, At, By string
}

func plan3ViewOf(cs *engine.Case, names map[string]string) (*plan3View, error) {
	if cs.Workflow != plan3.Name {
		return nil, nil
	}
	d, err := plan3.DataOf(cs)
	if err != nil {
		return nil, err
	}
	v := &plan3View{Data: d, USCC: groupUSCC(d.USCC)}
	words := payload.Words(plan3.Name)
	for _, f := range d.Filings {
		pf := plan3Filing{Filing: f, EventKey: words.Key("event", string(f.Event)), At: fmtTime(f.At), By: f.By}
		if n, ok := names["user:"+f.By]; ok {
			pf.By = n
		}
		v.Filings = append(v.Filings, pf)
	}
	return v, nil
}
