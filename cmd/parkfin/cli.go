package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/parkfin/parkfin/engine"
)

// cli is the state shared by the commands of one invocation.
type cli struct {
	ctx        context.Context
	stdin      io.Reader
	stdout     io.Writer
	stderr     io.Writer
	configPath string
	json       bool
	// operator is --operator: acting as users against a remote database
	// is meant.
	operator bool
}

// Execute runs the command line args and returns the exit status.
func Execute(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	root := c.root()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		c.printError(err)
		return 1
	}
	return 0
}

func (c *cli) root() *cobra.Command {
	root := &cobra.Command{
		Use:           "parkfin",
		Short:         "园区企业融资服务窗口 — park financing service window",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&c.configPath, "config", "", "configuration file (YAML); the environment overrides it")
	root.PersistentFlags().BoolVar(&c.json, "json", false, "print JSON")
	root.PersistentFlags().BoolVar(&c.operator, "operator", false, "confirm acting with --as against a remote database (recorded as operator:<os user> as <user>)")
	root.AddCommand(
		c.serveCmd(), c.workerCmd(), c.migrateCmd(),
		c.calendarCmd(), c.ledgerCmd(), c.auditCmd(), c.demoCmd(),
		c.parkCmd(), c.bankCmd(), c.userCmd(), c.caseCmd(), c.tokenCmd(), c.notifyCmd(), c.reportCmd(),
		c.backupCmd(), c.restoreCmd(),
	)
	return root
}

// printError writes err to stderr: its code and its message in Chinese and
// English, or as a problem document with --json.
func (c *cli) printError(err error) {
	code := engine.ErrorCode(err)
	if c.json {
		doc := map[string]any{"code": code, "message": engine.ErrorMessage(err, "en"), "message_zh": engine.ErrorMessage(err, "zh")}
		var e *engine.Error
		if ok := asError(err, &e); ok && len(e.Fields) > 0 {
			doc["errors"] = e.Fields
		}
		_ = json.NewEncoder(c.stderr).Encode(doc)
		return
	}
	if code == engine.EINTERNAL {
		fmt.Fprintf(c.stderr, "parkfin: %v\n", err)
		return
	}
	fmt.Fprintf(c.stderr, "parkfin: %s\n  %s\n  [%s]\n", engine.ErrorMessage(err, "zh"), engine.ErrorMessage(err, "en"), code)
	var e *engine.Error
	if asError(err, &e) {
		for _, f := range e.Fields {
			fmt.Fprintf(c.stderr, "  - %s: %s (%s)\n", f.Field, f.MessageZH, f.Message)
		}
	}
}

// open loads the configuration and opens a Main for an operator command.
func (c *cli) open(opts OpenOptions) (*Main, error) {
	cfg, err := LoadConfig(c.configPath)
	if err != nil {
		return nil, err
	}
	// The embedded SQLite database is always brought up to date: operator
	// commands may run before the first serve.
	opts.Migrate = opts.Migrate || isSQLite(cfg.DatabaseURL)
	m := NewMain(cfg, c.stderr)
	m.Operator = c.operator
	if err := m.Open(c.ctx, opts); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// emit prints v as JSON with --json, or through text otherwise.
func (c *cli) emit(v any, text func(w io.Writer)) error {
	if c.json {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	text(tw)
	return tw.Flush()
}

// actor looks up the named user and returns the actor the operator acts
// as: the user's role and organisation, with the operator named in the
// ledger and the audit log ("operator:<os user> as bank-ICBC"). Against a
// remote database it needs --operator.
func actor(ctx context.Context, m *Main, name string) (engine.Actor, error) {
	if name == "" {
		return engine.Actor{}, engine.Errorf(engine.EINVALID, "请用 --as 指定操作用户。", "Name the acting user with --as.")
	}
	u, err := m.Store.User(ctx, name)
	if err != nil {
		return engine.Actor{}, err
	}
	if u.Disabled {
		return engine.Actor{}, engine.Errorf(engine.EFORBIDDEN, "用户“%s”已停用。", "User %s is disabled.", name)
	}
	if remoteDatabase(m.Config.DatabaseURL) && !m.Operator {
		return engine.Actor{}, engine.Errorf(engine.EFORBIDDEN,
			"数据库不在本机：以用户身份操作须加 --operator，操作将记录为“%s as %s”。",
			"The database is not on this machine: acting as a user needs --operator, and is recorded as \"%s as %s\".", operator(), name)
	}
	if err := engine.ResolveUnit(ctx, m.Store, u); err != nil {
		return engine.Actor{}, err
	}
	a := u.Actor()
	a.User = engine.OperatorAs(operator(), u.Name)
	return a, nil
}

// remoteDatabase reports whether the database is on another machine: a
// PostgreSQL URL whose host is not loopback (nor a local socket).
func remoteDatabase(rawURL string) bool {
	if isSQLite(rawURL) {
		return false
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return true
	}
	switch h := u.Hostname(); h {
	case "", "localhost", "127.0.0.1", "::1":
		return false
	default:
		return !strings.HasPrefix(h, "/")
	}
}

// asError reports whether err is, or wraps, an *engine.Error.
func asError(err error, target **engine.Error) bool { return errors.As(err, target) }

// withMain opens a Main for an operator command, runs fn with it and closes
// it.
func (c *cli) withMain(opts OpenOptions, fn func(m *Main) error) error {
	m, err := c.open(opts)
	if err != nil {
		return err
	}
	defer m.Close()
	return fn(m)
}
