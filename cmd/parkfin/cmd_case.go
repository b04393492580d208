package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/ledger"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/contacts"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/payload"
)

// caseView is how the CLI prints a case.
type caseView struct {
	ID          string          `json:"id"`
	Number      string          `json:"number"`
	Workflow    string          `json:"workflow"`
	State       engine.State    `json:"state"`
	Version     int             `json:"version"`
	Title       string          `json:"title"`
	Park        string          `json:"park"`
	LeadBank    string          `json:"lead_bank"`
	County      string          `json:"county"`
	ReceivedAt  string          `json:"received_at"`
	RoutedAt    string          `json:"routed_at"`
	WarnAt      string          `json:"warn_at,omitempty"`
	DueAt       string          `json:"due_at,omitempty"`
	Provisional bool            `json:"deadline_provisional"`
	DueSoon     bool            `json:"due_soon"`
	PastDue     bool            `json:"past_due"`
	Overdue     bool            `json:"overdue"`
	Limits      []engine.Limit  `json:"limits,omitempty"`
	Events      []string        `json:"events,omitempty"`
	Data        json.RawMessage `json:"data"`
	Ledger      []entryView     `json:"ledger,omitempty"`
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
		ReceivedAt: shanghai(c.ReceivedAt), RoutedAt: shanghai(c.RoutedAt), WarnAt: optTime(c.WarnAt), DueAt: optTime(c.DueAt),
		Provisional: c.Provisional, DueSoon: c.DueSoon, PastDue: c.PastDue, Overdue: c.Overdue, Data: c.Data,
	}
	for _, l := range c.Limits {
		if l.Running || l.Paused || l.DueAt != nil || l.Overdue {
			v.Limits = append(v.Limits, l)
		}
	}
	for _, e := range entries {
		v.Ledger = append(v.Ledger, entryView{Seq: e.Seq, Event: e.Event, From: e.From, To: e.To,
			Actor: e.ActorUser, Role: e.ActorRole, At: shanghai(e.At), Payload: e.Payload, Hash: e.Hash})
	}
	return v
}

// wan shows an amount in yuan as 万元 with two decimals.
func wan(yuan string) string {
	d, err := decimal.NewFromString(yuan)
	if err != nil {
		return yuan
	}
	return d.Shift(-4).StringFixed(2) + " 万元"
}

// minute shows an instant as people read it: 2026-10-13 09:30.
func minute(rfc string) string {
	t, err := time.Parse(time.RFC3339, rfc)
	if err != nil {
		return rfc
	}
	return t.In(calendar.Location()).Format("2006-01-02 15:04")
}

func (c *cli) printCase(v caseView) error {
	words := payload.Words(v.Workflow)
	zh := func(kind, name string) string { return locale.T(locale.ZH, words.Key(kind, name)) }
	return c.emit(v, func(w io.Writer) {
		fmt.Fprintf(w, "案件编号\t%s\t(%s)\n", v.Number, v.ID)
		fmt.Fprintf(w, "业务\t%s\n", locale.T(locale.ZH, v.Workflow+".name"))
		d := &financing.Data{}
		if v.Workflow == financing.Name {
			_ = json.Unmarshal(v.Data, d)
			fmt.Fprintf(w, "企业\t%s\t统一社会信用代码 %s\n", v.Title, d.Enterprise.USCC)
		} else {
			fmt.Fprintf(w, "标题\t%s\n", v.Title)
		}
		fmt.Fprintf(w, "状态\t%s\t第 %d 版\n", zh("state", string(v.State)), v.Version)
		if v.Workflow == financing.Name {
			fmt.Fprintf(w, "园区 / 主联系行 / 区县\t%s / %s / %s\n", orCode(d.ParkName, v.Park), orCode(d.LeadBankName, v.LeadBank), v.County)
			fmt.Fprintf(w, "融资需求\t%s\n", d.Need)
			if d.Amount != "" {
				fmt.Fprintf(w, "拟融资金额\t%s\n", wan(d.Amount))
			}
			fmt.Fprintf(w, "受理 / 转办\t%s / %s\n", minute(v.ReceivedAt), minute(v.RoutedAt))
		} else {
			fmt.Fprintf(w, "开启时间\t%s\n", minute(v.ReceivedAt))
		}
		for _, l := range v.Limits {
			fmt.Fprintf(w, "%s\t%s\n", zh("clock", l.Clock), limitText(l))
		}
		if v.Workflow == contacts.Name {
			printContacts(w, v.Data)
		}
		if a := d.Answer; a != nil {
			fmt.Fprintf(w, "银行答复\t%s", locale.T(locale.ZH, financing.Key("choice", "can_handle."+a.CanHandle)))
			if a.Late {
				fmt.Fprintf(w, "（超期 %d 个工作日）", a.WorkdaysLate)
			}
			fmt.Fprintln(w)
			for _, kv := range [][2]string{{"conditions", a.Conditions}, {"procedure", a.Procedure}, {"product", a.Product}, {"reason", a.Reason}} {
				if kv[1] != "" {
					fmt.Fprintf(w, "  %s\t%s\n", locale.T(locale.ZH, financing.Key("field", "answer."+kv[0]), financing.Key("field", kv[0])), kv[1])
				}
			}
			if a.AmountOffered != "" {
				fmt.Fprintf(w, "  可提供金额\t%s\n", wan(a.AmountOffered))
			}
		}
		if len(v.Events) > 0 {
			labels := make([]string, len(v.Events))
			for i, ev := range v.Events {
				labels[i] = zh("event", ev) + "（" + ev + "）"
			}
			fmt.Fprintf(w, "可执行操作\t%s\n", strings.Join(labels, "、"))
		}
		for _, e := range v.Ledger {
			label := zh("event", e.Event)
			if e.Event == string(engine.EventRecompute) {
				label = locale.T(locale.ZH, "engine.event."+e.Event)
			}
			fmt.Fprintf(w, "  #%d\t%s\t%s\t%s → %s\t%s\n", e.Seq, minute(e.At), label, zh("state", e.From), zh("state", e.To), e.Actor)
		}
	})
}

func orCode(name, code string) string {
	if name == "" {
		return code
	}
	return name
}

// limitText describes a limit for people: its deadline and where it stands.
func limitText(l engine.Limit) string {
	var parts []string
	switch {
	case l.Paused:
		parts = append(parts, fmt.Sprintf("暂停计时，剩余 %d 个工作日", l.Remaining))
	case l.DueAt != nil:
		parts = append(parts, l.DueAt.In(calendar.Location()).Add(-time.Minute).Format("2006-01-02")+" 24:00 前")
	}
	switch {
	case l.PastDue:
		parts = append(parts, locale.T(locale.ZH, "time.past_due"))
	case l.DueSoon:
		parts = append(parts, locale.T(locale.ZH, "time.due_soon"))
	case !l.Running && !l.Paused:
		parts = append(parts, "已结束")
	}
	if l.Provisional {
		parts = append(parts, locale.T(locale.ZH, "time.provisional"))
	}
	return strings.Join(parts, "，")
}

// showCase prints the case with its ledger entries, as a sees them.
func (c *cli) showCase(m *Main, a engine.Actor, cs *engine.Case) error {
	entries, err := m.Engine.Ledger(c.ctx, a, cs.ID)
	if err != nil {
		return err
	}
	v := viewCase(cs, entries)
	for _, ev := range m.Engine.Events(a, cs) {
		v.Events = append(v.Events, string(ev))
	}
	return c.printCase(v)
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
	cmd := &cobra.Command{Use: "case", Short: "cases (案件): financing needs, quarterly submissions"}
	cmd.AddCommand(c.caseOpenCmd(), c.caseFireCmd(), c.caseShowCmd(), c.caseListCmd(), c.caseScheduleCmd())
	return cmd
}

func (c *cli) caseOpenCmd() *cobra.Command {
	var (
		as, receivedAt, routedAt, workflow string
		in                                 financing.OpenInput
		sets                               []string
	)
	cmd := &cobra.Command{
		Use:   "open",
		Short: "register an enterprise's financing need at a park window and route it to the lead bank",
		Long: "Register an enterprise's financing need at a park window and route it to the lead bank; or, with\n" +
			"--workflow, open a case of a workflow its users open themselves, its fields given with --set.\n\n" + openHelp(),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{Index: true}, func(m *Main) error {
				a, err := actor(c.ctx, m, as)
				if err != nil {
					return err
				}
				if workflow != financing.Name {
					return c.openOther(m, a, workflow, sets)
				}
				received, err := timeFlag("received_at", "--received-at", "受理时间", receivedAt)
				if err != nil {
					return err
				}
				routed, err := timeFlag("routed_at", "--routed-at", "转办时间", routedAt)
				if err != nil {
					return err
				}
				payload, err := json.Marshal(in)
				if err != nil {
					return err
				}
				cs, err := m.Engine.Open(c.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: a, Payload: payload, ReceivedAt: received, RoutedAt: routed})
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
	f.StringVar(&routedAt, "routed-at", "", "when the paper form reached the lead bank, if earlier (RFC 3339; default now); the bank's limit counts from it")
	f.StringVar(&workflow, "workflow", financing.Name, "the workflow of the case (financing, contacts)")
	f.StringArrayVar(&sets, "set", nil, "with --workflow: a field of the opening, key=value (repeatable; dotted keys nest)")
	return cmd
}

// timeFlag parses an optional RFC 3339 flag.
func timeFlag(field, flag, label, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, engine.Invalid(engine.FieldError{Field: field, Code: "format",
			Message: flag + " must be RFC 3339, e.g. 2026-09-30T15:00:00+08:00.", MessageZH: label + "格式应为 2026-09-30T15:00:00+08:00。"})
	}
	return t, nil
}

func (c *cli) caseFireCmd() *cobra.Command {
	var (
		as          string
		sets, files []string
		version     int
	)
	cmd := &cobra.Command{
		Use:   "fire CASE EVENT",
		Short: "fire an event on a case (accept, answer, feedback, ...) as a user",
		Long:  "Fire an event on a case (by id or number) as a user; the payload's fields are given with --set field=value.\n\n" + eventHelp(),
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			attached, err := readFiles(files)
			if err != nil {
				return err
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
				def, _ := m.Engine.Workflow(cs.Workflow)
				payload, err := setPayload(def, engine.EventName(args[1]), sets)
				if err != nil {
					return err
				}
				cs, err = m.Engine.Fire(c.ctx, engine.FireRequest{CaseID: cs.ID, Event: engine.EventName(args[1]), Actor: a,
					Version: version, Payload: payload, Files: attached})
				if err != nil {
					return err
				}
				return c.showCase(m, a, cs)
			})
		},
	}
	cmd.Flags().StringVar(&as, "as", "", "the acting user")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "a payload field, key=value (repeatable)")
	cmd.Flags().StringArrayVar(&files, "file", nil, "a file the event hands in, e.g. the quarter's .xlsx ledger (repeatable)")
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
		as, state, workflow string
		limit               int
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
				if _, ok := m.Engine.Workflow(workflow); !ok {
					return engine.Errorf(engine.EINVALID, "没有名为“%s”的业务流程，可用的有：%s。", "No workflow %q; the workflows are %s.",
						workflow, strings.Join(m.Engine.Workflows(), ", "))
				}
				f := engine.CaseFilter{Workflow: workflow, Limit: limit}
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
	cmd.Flags().StringVar(&workflow, "workflow", financing.Name, "the workflow whose cases to list (financing, submission, contacts)")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many")
	return cmd
}

// readFiles reads the files an event hands in.
func readFiles(paths []string) ([]engine.File, error) {
	out := make([]engine.File, 0, len(paths))
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, engine.Errorf(engine.EINVALID, "无法读取文件“%s”：%v", "cannot read %q: %v", p, err)
		}
		mt := mime.TypeByExtension(filepath.Ext(p))
		if strings.EqualFold(filepath.Ext(p), ".xlsx") {
			mt = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
		out = append(out, engine.File{Name: filepath.Base(p), MediaType: mt, Content: raw})
	}
	return out, nil
}

func (c *cli) caseScheduleCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "schedule",
		Short: "open the scheduled cases that fell due (every worker does this each minute)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{Index: true}, func(m *Main) error {
				n, err := m.Engine.OpenScheduled(c.ctx)
				if err != nil {
					return err
				}
				return c.emit(map[string]int{"opened": n}, func(w io.Writer) { fmt.Fprintf(w, "已开启 %d 件定期案件\n", n) })
			})
		},
	}
}
