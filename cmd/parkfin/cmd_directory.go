package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"
)

func (c *cli) parkCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "park", Short: "parks (园区)"}
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "list the parks: code, name, county",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := c.open(OpenOptions{})
			if err != nil {
				return err
			}
			defer m.Close()
			parks, err := m.Store.Parks(c.ctx)
			if err != nil {
				return err
			}
			type row struct {
				Code   string `json:"code"`
				Name   string `json:"name"`
				County string `json:"county"`
			}
			rows := make([]row, len(parks))
			for i, p := range parks {
				rows[i] = row{p.Code, p.Name, p.County}
			}
			return c.emit(rows, func(w io.Writer) {
				fmt.Fprintln(w, "CODE\tNAME\tCOUNTY")
				for _, r := range rows {
					fmt.Fprintf(w, "%s\t%s\t%s\n", r.Code, r.Name, r.County)
				}
			})
		},
	})
	return cmd
}

func (c *cli) bankCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "bank", Short: "banks and their yearly pairings (结对)"}
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "list the banks: code, name",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := c.open(OpenOptions{})
			if err != nil {
				return err
			}
			defer m.Close()
			banks, err := m.Store.Banks(c.ctx)
			if err != nil {
				return err
			}
			type row struct {
				Code string `json:"code"`
				Name string `json:"name"`
			}
			rows := make([]row, len(banks))
			for i, b := range banks {
				rows[i] = row{b.Code, b.Name}
			}
			return c.emit(rows, func(w io.Writer) {
				fmt.Fprintln(w, "CODE\tNAME")
				for _, r := range rows {
					fmt.Fprintf(w, "%s\t%s\n", r.Code, r.Name)
				}
			})
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "pairings YEAR",
		Short: "list the year's pairings of parks with lead banks, in-year changes included",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			year, err := strconv.Atoi(args[0])
			if err != nil {
				return fmt.Errorf("year %q is not a number", args[0])
			}
			m, err := c.open(OpenOptions{})
			if err != nil {
				return err
			}
			defer m.Close()
			ps, err := m.Store.Pairings(c.ctx, year)
			if err != nil {
				return err
			}
			type row struct {
				Year       int    `json:"year"`
				Park       string `json:"park"`
				Bank       string `json:"bank"`
				Reason     string `json:"reason,omitempty"`
				RecordedAt string `json:"recorded_at"`
				Superseded string `json:"superseded_at,omitempty"`
			}
			rows := make([]row, len(ps))
			for i, p := range ps {
				rows[i] = row{Year: p.Year, Park: p.Park, Bank: p.Bank, Reason: p.Reason, RecordedAt: shanghai(p.RecordedAt)}
				if p.SupersededAt != nil {
					rows[i].Superseded = shanghai(*p.SupersededAt)
				}
			}
			return c.emit(rows, func(w io.Writer) {
				fmt.Fprintln(w, "YEAR\tPARK\tBANK\tSUPERSEDED\tREASON")
				for _, r := range rows {
					fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", r.Year, r.Park, r.Bank, r.Superseded, r.Reason)
				}
			})
		},
	})
	return cmd
}

func (c *cli) userCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "users"}
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "list the users: name, role, organisation",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := c.open(OpenOptions{})
			if err != nil {
				return err
			}
			defer m.Close()
			users, err := m.Store.Users(c.ctx)
			if err != nil {
				return err
			}
			type row struct {
				Name        string `json:"name"`
				DisplayName string `json:"display_name"`
				Role        string `json:"role"`
				Org         string `json:"org"`
				Disabled    bool   `json:"disabled,omitempty"`
			}
			rows := make([]row, len(users))
			for i, u := range users {
				rows[i] = row{u.Name, u.DisplayName, string(u.Role), u.Org, u.Disabled}
			}
			return c.emit(rows, func(w io.Writer) {
				fmt.Fprintln(w, "NAME\tROLE\tORG\tDISPLAY NAME")
				for _, r := range rows {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.Name, r.Role, r.Org, r.DisplayName)
				}
			})
		},
	})
	return cmd
}
