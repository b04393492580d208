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
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/locale"
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

// roleChoices lists every role a user can have, code and name, for the
// help and errors of --role.
func roleChoices(lang string) string {
	roles := engine.Roles
	parts := make([]string, len(roles))
	for i, r := range roles {
		parts[i] = string(r) + " (" + locale.T(lang, "role."+string(r)) + ")"
		if lang == locale.ZH {
			parts[i] = string(r) + "（" + locale.T(lang, "role."+string(r)) + "）"
		}
	}
	if lang == locale.ZH {
		return strings.Join(parts, "、")
	}
	return strings.Join(parts, ", ")
}

// cliAdmin is the operator at the command line administering users and
// reference data: audited as "operator:<os user>" via "cli", through the
// same calls as the administrator's pages and API.
func cliAdmin() audit.Who {
	return audit.Who{Actor: engine.Actor{User: operator(), Role: engine.RoleAdmin}, Via: "cli"}
}

// admin returns the user administration on the opened store.
func (m *Main) admin() auth.Admin { return auth.Admin{Dir: m.Store, Creds: m.Store} }

func (c *cli) userCreateCmd() *cobra.Command {
	var role, org, display, email string
	cmd := &cobra.Command{
		Use:   "create --role ROLE --org ORG NAME",
		Short: "create a user (the first administrator: --role admin --org ADMIN); the password is read from the terminal or stdin and must be changed at the first sign-in",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if !engine.Role(role).Valid() {
				return engine.Invalid(engine.FieldError{Field: "role", Code: "one_of",
					Message:   "--role must be one of " + roleChoices(locale.EN) + ".",
					MessageZH: "--role 只能是 " + roleChoices(locale.ZH) + "。"})
			}
			if org == "" {
				return engine.Invalid(engine.FieldError{Field: "org", Code: "required",
					Message: "--org names the user's organisation.", MessageZH: "请用 --org 指定用户所属单位。"})
			}
			pw, err := c.readPassword()
			if err != nil {
				return err
			}
			return c.withMain(OpenOptions{}, func(m *Main) error {
				if _, err := m.Store.User(c.ctx, name); err == nil {
					return engine.Errorf(engine.ECONFLICT, "用户“%s”已存在。", "User %s exists already.", name)
				} else if engine.ErrorCode(err) != engine.ENOTFOUND {
					return err
				}
				if display == "" {
					display = name
				}
				in := auth.UserInput{Name: name, DisplayName: display, Role: engine.Role(role), Org: org, Password: pw}
				if email != "" {
					in.Email = &email
				}
				u, err := m.admin().PutUser(c.ctx, cliAdmin(), in, m.Clock.Now())
				if err != nil {
					return err
				}
				return c.emit(map[string]any{"name": u.Name, "role": u.Role, "org": u.Org, "must_change_password": u.MustChangePassword},
					func(w io.Writer) {
						fmt.Fprintf(w, "已创建用户 %s（%s，%s），首次登录须修改密码。\n", u.Name, u.Role, u.Org)
					})
			})
		},
	}
	cmd.Flags().StringVar(&role, "role", "", roleChoices(locale.EN))
	cmd.Flags().StringVar(&org, "org", "", "the code of an organisation of the type the role acts for: a park, a bank, a county, another organisation (see the administrator's organisations page); CITY or PBOC for the city office and the central bank; a code such as ADMIN for the administrator and the auditor")
	cmd.Flags().StringVar(&display, "display-name", "", "the name people read (default: NAME)")
	cmd.Flags().StringVar(&email, "email", "", "the e-mail address for notices (optional)")
	return cmd
}

// changeUser applies change to the named user's current settings and
// puts them through the administrator's path.
func (c *cli) changeUser(m *Main, name string, change func(in *auth.UserInput)) (*engine.User, error) {
	u, err := m.Store.User(c.ctx, name)
	if err != nil {
		return nil, err
	}
	in := auth.UserInput{Name: u.Name, DisplayName: u.DisplayName, Role: u.Role, Org: u.Org, Disabled: u.Disabled}
	change(&in)
	return m.admin().PutUser(c.ctx, cliAdmin(), in, m.Clock.Now())
}

func (c *cli) userPasswdCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "passwd NAME",
		Short: "set a user's password, read from the terminal or stdin; the user must change it at the next sign-in, and its sessions and tokens end",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pw, err := c.readPassword()
			if err != nil {
				return err
			}
			return c.withMain(OpenOptions{}, func(m *Main) error {
				u, err := c.changeUser(m, args[0], func(in *auth.UserInput) { in.Password = pw })
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "已为 %s 设置新密码，下次登录须修改。\n", u.Name)
				return nil
			})
		},
	}
}

func (c *cli) userDisableCmd(disable bool) *cobra.Command {
	use, short, done := "disable NAME", "disable a user: it can no longer sign in, and its sessions and tokens end", "已停用"
	if !disable {
		use, short, done = "enable NAME", "enable a disabled user again (its old sessions and tokens stay revoked)", "已启用"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				u, err := c.changeUser(m, args[0], func(in *auth.UserInput) { in.Disabled = disable })
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "%s用户 %s。\n", done, u.Name)
				return nil
			})
		},
	}
}
