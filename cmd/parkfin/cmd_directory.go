package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// listCmd builds a command that prints a list: as JSON (the value rows
// returns) or as a table (header, then one line per row of cells).
func (c *cli) listCmd(use, short string, args cobra.PositionalArgs, header string,
	rows func(m *Main, args []string) (any, [][]string, error)) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  args,
		RunE: func(cmd *cobra.Command, argv []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				v, table, err := rows(m, argv)
				if err != nil {
					return err
				}
				return c.emit(v, func(w io.Writer) {
					fmt.Fprintln(w, header)
					for _, cells := range table {
						fmt.Fprintln(w, strings.Join(cells, "\t"))
					}
				})
			})
		},
	}
}

func (c *cli) parkCmd() *cobra.Command {
	type row struct {
		Code   string `json:"code"`
		Name   string `json:"name"`
		County string `json:"county"`
	}
	cmd := &cobra.Command{Use: "park", Short: "parks (园区)"}
	cmd.AddCommand(c.listCmd("list", "list the parks: code, name, county", cobra.NoArgs, "CODE\tNAME\tCOUNTY",
		func(m *Main, _ []string) (any, [][]string, error) {
			parks, err := m.Store.Parks(c.ctx)
			rows, table := make([]row, len(parks)), make([][]string, len(parks))
			for i, p := range parks {
				rows[i], table[i] = row{p.Code, p.Name, p.County}, []string{p.Code, p.Name, p.County}
			}
			return rows, table, err
		}))
	return cmd
}

func (c *cli) bankCmd() *cobra.Command {
	type bankRow struct {
		Code string `json:"code"`
		Name string `json:"name"`
	}
	type pairingRow struct {
		Year       int    `json:"year"`
		Park       string `json:"park"`
		Bank       string `json:"bank"`
		Reason     string `json:"reason,omitempty"`
		RecordedAt string `json:"recorded_at"`
		Superseded string `json:"superseded_at,omitempty"`
	}
	cmd := &cobra.Command{Use: "bank", Short: "banks and their yearly pairings (结对)"}
	cmd.AddCommand(c.listCmd("list", "list the banks: code, name", cobra.NoArgs, "CODE\tNAME",
		func(m *Main, _ []string) (any, [][]string, error) {
			banks, err := m.Store.Banks(c.ctx)
			rows, table := make([]bankRow, len(banks)), make([][]string, len(banks))
			for i, b := range banks {
				rows[i], table[i] = bankRow{b.Code, b.Name}, []string{b.Code, b.Name}
			}
			return rows, table, err
		}))
	cmd.AddCommand(c.listCmd("pairings YEAR", "list the year's pairings of parks with lead banks, in-year changes included",
		cobra.ExactArgs(1), "YEAR\tPARK\tBANK\tSUPERSEDED\tREASON",
		func(m *Main, args []string) (any, [][]string, error) {
			year, err := strconv.Atoi(args[0])
			if err != nil {
				return nil, nil, fmt.Errorf("year %q is not a number", args[0])
			}
			ps, err := m.Store.Pairings(c.ctx, year)
			rows, table := make([]pairingRow, len(ps)), make([][]string, len(ps))
			for i, p := range ps {
				r := pairingRow{Year: p.Year, Park: p.Park, Bank: p.Bank, Reason: p.Reason, RecordedAt: shanghai(p.RecordedAt)}
				if p.SupersededAt != nil {
					r.Superseded = shanghai(*p.SupersededAt)
				}
				rows[i], table[i] = r, []string{strconv.Itoa(r.Year), r.Park, r.Bank, r.Superseded, r.Reason}
			}
			return rows, table, err
		}))
	return cmd
}

func (c *cli) userCmd() *cobra.Command {
	type row struct {
		Name        string `json:"name"`
		DisplayName string `json:"display_name"`
		Role        string `json:"role"`
		Org         string `json:"org"`
		Disabled    bool   `json:"disabled,omitempty"`
	}
	cmd := &cobra.Command{Use: "user", Short: "users"}
	cmd.AddCommand(c.listCmd("list", "list the users: name, role, organisation", cobra.NoArgs, "NAME\tROLE\tORG\tDISPLAY NAME",
		func(m *Main, _ []string) (any, [][]string, error) {
			users, err := m.Store.Users(c.ctx)
			rows, table := make([]row, len(users)), make([][]string, len(users))
			for i, u := range users {
				rows[i] = row{u.Name, u.DisplayName, string(u.Role), u.Org, u.Disabled}
				table[i] = []string{u.Name, string(u.Role), u.Org, u.DisplayName}
			}
			return rows, table, err
		}),
		c.userCreateCmd(), c.userPasswdCmd(), c.userDisableCmd(true), c.userDisableCmd(false))
	return cmd
}
