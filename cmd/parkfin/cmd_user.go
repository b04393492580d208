package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/password"
)

// readPassword reads a new password: from the terminal without echo, twice,
// when stdin is one; otherwise the first line of stdin (a script piping
// it). Never from an argument, which the process list and shell history
// would show.
func (c *cli) readPassword() (string, error) {
	if f, ok := c.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(c.stderr, "新密码 (new password): ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(c.stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(c.stderr, "再输入一次 (again): ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(c.stderr)
		if err != nil {
			return "", err
		}
		if string(first) != string(second) {
			return "", engine.Errorf(engine.EINVALID, "两次输入的密码不一致。", "The two passwords differ.")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(c.stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", engine.Errorf(engine.EINVALID, "请在标准输入中提供密码（第一行）。", "Give the password on standard input (its first line).")
	}
	return pw, nil
}

// hashNew checks a new password against the policy and hashes it.
func hashNew(pw, user string) (string, error) {
	if err := password.CheckPolicy(pw, user); err != nil {
		pe := err.(*password.PolicyError)
		return "", engine.Invalid(engine.FieldError{Field: "password", Code: pe.Code, Message: pe.Message, MessageZH: pe.MessageZH})
	}
	return password.Hash(pw)
}

func (c *cli) userCreateCmd() *cobra.Command {
	var role, org, display string
	cmd := &cobra.Command{
		Use:   "create --role ROLE --org ORG NAME",
		Short: "create a user (the first administrator: --role admin --org ADMIN); the password is read from the terminal or stdin",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			r := engine.Role(role)
			if !r.Valid() {
				return engine.Invalid(engine.FieldError{Field: "role", Code: "one_of",
					Message: "--role must be window, bank, county, city, pboc or admin.", MessageZH: "--role 只能是 window、bank、county、city、pboc 或 admin。"})
			}
			if org == "" {
				return engine.Invalid(engine.FieldError{Field: "org", Code: "required",
					Message: "--org names the user's organisation.", MessageZH: "请用 --org 指定用户所属单位。"})
			}
			pw, err := c.readPassword()
			if err != nil {
				return err
			}
			hash, err := hashNew(pw, name)
			if err != nil {
				return err
			}
			return c.withMain(OpenOptions{}, func(m *Main) error {
				if _, err := m.Store.User(c.ctx, name); err == nil {
					return engine.Errorf(engine.ECONFLICT, "用户“%s”已存在。", "User %s exists already.", name)
				}
				if display == "" {
					display = name
				}
				u := engine.User{Name: name, DisplayName: display, Role: r, Org: org, PasswordHash: hash, CreatedAt: m.Clock.Now()}
				if err := m.Store.PutUser(c.ctx, u); err != nil {
					return err
				}
				return c.emit(map[string]string{"name": name, "role": role, "org": org}, func(w io.Writer) {
					fmt.Fprintf(w, "已创建用户 %s（%s，%s）\n", name, role, org)
				})
			})
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "window, bank, county, city, pboc or admin")
	cmd.Flags().StringVar(&org, "org", "", "the organisation's code (a park, a bank, a county; CITY, PBOC or ADMIN)")
	cmd.Flags().StringVar(&display, "display-name", "", "the name people read (default: NAME)")
	return cmd
}

func (c *cli) userPasswdCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "passwd NAME",
		Short: "set a user's password, read from the terminal or stdin",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pw, err := c.readPassword()
			if err != nil {
				return err
			}
			hash, err := hashNew(pw, args[0])
			if err != nil {
				return err
			}
			return c.withMain(OpenOptions{}, func(m *Main) error {
				u, err := m.Store.User(c.ctx, args[0])
				if err != nil {
					return err
				}
				u.PasswordHash = hash
				if err := m.Store.PutUser(c.ctx, *u); err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "已为 %s 设置新密码。\n", u.Name)
				return nil
			})
		},
	}
}

func (c *cli) userDisableCmd(disable bool) *cobra.Command {
	use, short, done := "disable NAME", "disable a user: it can no longer sign in", "已停用"
	if !disable {
		use, short, done = "enable NAME", "enable a disabled user again", "已启用"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				u, err := m.Store.User(c.ctx, args[0])
				if err != nil {
					return err
				}
				u.Disabled = disable
				if err := m.Store.PutUser(c.ctx, *u); err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "%s用户 %s。\n", done, u.Name)
				return nil
			})
		},
	}
}
