package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/ledger"
	"github.com/parkfin/parkfin/workflows/financing"
)

// caseView is how the CLI prints a case.
type caseView struct {
	ID         string          `json:"id"`
	Number     string          `json:"number"`
	Workflow   string          `json:"workflow"`
	State      engine.State    `json:"state"`
	Version    int             `json:"version"`
	Title      string          `json:"title"`
	Park       string          `json:"park"`
	LeadBank   string          `json:"lead_bank"`
	County     string          `json:"county"`
	ReceivedAt string          `json:"received_at"`
	WarnAt     string          `json:"warn_at,omitempty"`
	DueAt      string          `json:"due_at,omitempty"`
	DueSoon    bool            `json:"due_soon"`
	Overdue    bool            `json:"overdue"`
	Data       json.RawMessage `json:"data"`
	Ledger     []entryView     `json:"ledger,omitempty"`
}

type entryView struct {
	Seq     int64           `json:"seq"`
	Event   string          `json:"event"`
	From    string          `json:"from"`
	To      string          `json:"to"`
	Actor   string          `json:"actor"`
	Role    string          `json:"role"`
	At      string          `json:"at"`
	Payload json.RawMessage `json:"payload,omitempty"`
	Hash    string          `json:"hash"`
}

func shanghai(t time.Time) string { return t.In(calendar.Location()).Format(time.RFC3339) }

func optTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return shanghai(*t)
}

func viewCase(c *engine.Case, entries []ledger.Entry) caseView {
	v := caseView{
		ID: c.ID, Number: c.Number, Workflow: c.Workflow, State: c.State, Version: c.Version, Title: c.Title,
		Park: c.PartyOf(financing.RelPark), LeadBank: c.PartyOf(financing.RelLeadBank), County: c.PartyOf(financing.RelCounty),
		ReceivedAt: shanghai(c.ReceivedAt), WarnAt: optTime(c.WarnAt), DueAt: optTime(c.DueAt),
		DueSoon: c.DueSoon, Overdue: c.Overdue, Data: c.Data,
	}
	for _, e := range entries {
		v.Ledger = append(v.Ledger, entryView{Seq: e.Seq, Event: e.Event, From: e.From, To: e.To,
			Actor: e.ActorUser, Role: e.ActorRole, At: shanghai(e.At), Payload: e.Payload, Hash: e.Hash})
	}
	return v
}

func (c *cli) printCase(v caseView) error {
	return c.emit(v, func(w io.Writer) {
		fmt.Fprintf(w, "案件编号\t%s\t(%s)\n", v.Number, v.ID)
		fmt.Fprintf(w, "企业\t%s\n", v.Title)
		fmt.Fprintf(w, "状态\t%s\tversion %d\n", v.State, v.Version)
		fmt.Fprintf(w, "园区 / 主联系行 / 区县\t%s / %s / %s\n", v.Park, v.LeadBank, v.County)
		fmt.Fprintf(w, "受理时间\t%s\n", v.ReceivedAt)
		if v.WarnAt != "" || v.DueAt != "" {
			fmt.Fprintf(w, "临期提醒 / 答复期限\t%s / %s\n", v.WarnAt, v.DueAt)
		}
		if v.Overdue {
			fmt.Fprintln(w, "超期\t是")
		}
		for _, e := range v.Ledger {
			fmt.Fprintf(w, "  #%d\t%s\t%s\t%s → %s\t%s\n", e.Seq, e.At, e.Event, e.From, e.To, e.Actor)
		}
	})
}

// showCase prints the case with its ledger entries, as a sees them.
func (c *cli) showCase(m *Main, a engine.Actor, cs *engine.Case) error {
	entries, err := m.Engine.Ledger(c.ctx, a, cs.ID)
	if err != nil {
		return err
	}
	return c.printCase(viewCase(cs, entries))
}

// viewer is the actor a read-only command sees cases as: the named user, or
// with no name the operator, who sees every case.
func viewer(ctx context.Context, m *Main, as string) (engine.Actor, error) {
	if as == "" {
		return engine.System, nil
	}
	return actor(ctx, m, as)
}

// findCase resolves an ID or a case number.
func findCase(ctx context.Context, m *Main, a engine.Actor, ref string) (*engine.Case, error) {
	c, err := m.Engine.Case(ctx, a, ref)
	if engine.ErrorCode(err) == engine.ENOTFOUND {
		return m.Engine.CaseByNumber(ctx, a, ref)
	}
	return c, err
}

func (c *cli) caseCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "case", Short: "financing cases (案件)"}
	cmd.AddCommand(c.caseOpenCmd(), c.caseFireCmd(), c.caseShowCmd(), c.caseListCmd())
	return cmd
}

func (c *cli) caseOpenCmd() *cobra.Command {
	var (
		as, receivedAt string
		in             financing.OpenInput
	)
	cmd := &cobra.Command{
		Use:   "open",
		Short: "register an enterprise's financing need at a park window and route it to the lead bank",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{Index: true}, func(m *Main) error {
				a, err := actor(c.ctx, m, as)
				if err != nil {
					return err
				}
				var received time.Time
				if receivedAt != "" {
					if received, err = time.Parse(time.RFC3339, receivedAt); err != nil {
						return engine.Invalid(engine.FieldError{Field: "received_at", Code: "format",
							Message: "--received-at must be RFC 3339, e.g. 2026-09-30T15:00:00+08:00.", MessageZH: "受理时间格式应为 2026-09-30T15:00:00+08:00。"})
					}
				}
				payload, err := json.Marshal(in)
				if err != nil {
					return err
				}
				cs, err := m.Engine.Open(c.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: a, Payload: payload, ReceivedAt: received})
				if err != nil {
					return err
				}
				return c.showCase(m, a, cs)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&as, "as", "", "the window user registering the case")
	f.StringVar(&in.Park, "park", "", "park code")
	f.StringVar(&in.Enterprise.Name, "enterprise", "", "enterprise name")
	f.StringVar(&in.Enterprise.USCC, "uscc", "", "unified social credit code (统一社会信用代码)")
	f.StringVar(&in.Need, "need", "", "the financing need or question")
	f.StringVar(&in.Amount, "amount", "", "amount sought, in yuan (decimal)")
	f.StringVar(&in.Contact, "contact", "", "how to reach the enterprise")
	f.StringVar(&receivedAt, "received-at", "", "when the need reached the window (RFC 3339; default now; at most 30 days back)")
	return cmd
}

func (c *cli) caseFireCmd() *cobra.Command {
	var (
		as      string
		sets    []string
		version int
	)
	cmd := &cobra.Command{
		Use:   "fire CASE EVENT",
		Short: "fire an event on a case (accept, answer, feedback, ...) as a user",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			payload := map[string]string{}
			for _, kv := range sets {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return engine.Errorf(engine.EINVALID, "--set 应写作 字段=值，而不是“%s”。", "--set takes key=value, not %q.", kv)
				}
				payload[k] = v
			}
			return c.withMain(OpenOptions{Index: true}, func(m *Main) error {
				a, err := actor(c.ctx, m, as)
				if err != nil {
					return err
				}
				cs, err := findCase(c.ctx, m, a, args[0])
				if err != nil {
					return err
				}
				raw, err := json.Marshal(payload)
				if err != nil {
					return err
				}
				cs, err = m.Engine.Fire(c.ctx, engine.FireRequest{CaseID: cs.ID, Event: engine.EventName(args[1]), Actor: a, Version: version, Payload: raw})
				if err != nil {
					return err
				}
				return c.showCase(m, a, cs)
			})
		},
	}
	cmd.Flags().StringVar(&as, "as", "", "the acting user")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "a payload field, key=value (repeatable)")
	cmd.Flags().IntVar(&version, "version", 0, "the case version you saw (refused if the case moved on); 0 skips the check")
	return cmd
}

func (c *cli) caseShowCmd() *cobra.Command {
	var as string
	cmd := &cobra.Command{
		Use:   "show CASE",
		Short: "show a case (by id or number) with its ledger entries",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				a, err := viewer(c.ctx, m, as)
				if err != nil {
					return err
				}
				cs, err := findCase(c.ctx, m, a, args[0])
				if err != nil {
					return err
				}
				return c.showCase(m, a, cs)
			})
		},
	}
	cmd.Flags().StringVar(&as, "as", "", "see the case as this user would (default: the operator sees every case)")
	return cmd
}

func (c *cli) caseListCmd() *cobra.Command {
	var (
		as, state string
		limit     int
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "list cases, newest received first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				a, err := viewer(c.ctx, m, as)
				if err != nil {
					return err
				}
				f := engine.CaseFilter{Workflow: financing.Name, Limit: limit}
				if state != "" {
					f.States = []engine.State{engine.State(state)}
				}
				cases, err := m.Engine.Cases(c.ctx, a, f)
				if err != nil {
					return err
				}
				views := make([]caseView, len(cases))
				for i, cs := range cases {
					views[i] = viewCase(cs, nil)
				}
				return c.emit(views, func(w io.Writer) {
					fmt.Fprintln(w, "NUMBER\tSTATE\tPARK\tBANK\tRECEIVED\tDUE\tENTERPRISE")
					for _, v := range views {
						fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Number, v.State, v.Park, v.LeadBank, v.ReceivedAt, v.DueAt, v.Title)
					}
				})
			})
		},
	}
	cmd.Flags().StringVar(&as, "as", "", "list what this user sees (default: every case)")
	cmd.Flags().StringVar(&state, "state", "", "only cases in this state")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many")
	return cmd
}
