package main

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
)

func (c *cli) calendarCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "calendar", Short: "the working-day calendar (工作日): statutory holidays and make-up working days"}
	cmd.AddCommand(c.calendarAddCmd(), c.calendarShowCmd(), c.calendarRecomputeCmd())
	return cmd
}

func (c *cli) calendarRecomputeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "recompute",
		Short: "recompute the deadlines counted provisionally (Monday to Friday) for want of a year's holiday notice, with the calendar now in force",
		Long: "After a year's notice was added as a file in <data_dir>/calendar/ or under calendar.overrides, recompute at once the\n" +
			"deadlines that reached into it (serve and worker also do it at start and every reconcile interval). Each case changed\n" +
			"gets a deadline_recomputed ledger entry.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{Index: true}, func(m *Main) error {
				n, err := m.Engine.RecomputeProvisional(c.ctx)
				if err != nil {
					return err
				}
				return c.emit(map[string]int{"recomputed_cases": n}, func(w io.Writer) {
					fmt.Fprintf(w, "已按现行工作日历重算 %d 件案件的暂定期限。\n", n)
				})
			})
		},
	}
}

// loadCalendar loads the calendar as serve would: built-in data, files and
// the overrides in the database.
func (c *cli) loadCalendar() (cal *calendar.Calendar, err error) {
	err = c.withMain(OpenOptions{}, func(m *Main) error {
		cal = m.Calendar.Live().Current()
		return nil
	})
	return cal, err
}

func (c *cli) calendarAddCmd() *cobra.Command {
	var (
		from string
		n    int
	)
	cmd := &cobra.Command{
		Use:   "add --from RFC3339 --workdays N",
		Short: "print the date of the Nth working day after --from, then the instant the time limit ends (24:00 of that day)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			start, err := time.Parse(time.RFC3339, from)
			if err != nil {
				return engine.Errorf(engine.EINVALID, "--from 应为 RFC 3339 时间，例如 2026-09-30T15:00:00+08:00。",
					"--from must be an RFC 3339 time such as 2026-09-30T15:00:00+08:00.")
			}
			if n < 0 {
				return engine.Errorf(engine.EINVALID, "--workdays 不能为负数。", "--workdays cannot be negative.")
			}
			cal, err := c.loadCalendar()
			if err != nil {
				return err
			}
			day, err := cal.AddWorkdays(calendar.DateOf(start), n)
			if err != nil {
				return err
			}
			end, err := cal.Deadline(start, n)
			if err != nil {
				return err
			}
			out := map[string]any{"from": start.In(calendar.Location()).Format(time.RFC3339), "workdays": n,
				"date": day.String(), "ends_at": end.Format(time.RFC3339)}
			return c.emit(out, func(w io.Writer) {
				fmt.Fprintf(w, "%s %s\n", day, end.Format(time.RFC3339))
			})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "when the case was received (RFC 3339); that day does not count")
	cmd.Flags().IntVar(&n, "workdays", 5, "number of working days")
	_ = cmd.MarkFlagRequired("from")
	return cmd
}

func (c *cli) calendarShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show YEAR",
		Short: "list a year's days off and make-up working days",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			year, err := strconv.Atoi(args[0])
			if err != nil {
				return engine.Errorf(engine.EINVALID, "年份“%s”不是数字。", "Year %q is not a number.", args[0])
			}
			cal, err := c.loadCalendar()
			if err != nil {
				return err
			}
			info, err := cal.Year(year)
			if err != nil {
				return err
			}
			return c.emit(info, func(w io.Writer) {
				fmt.Fprintf(w, "%d 年：%d 个工作日\n", info.Year, info.Workdays)
				if info.Status != "" {
					fmt.Fprintf(w, "来源\t%s\n", info.Status)
				}
				for _, h := range info.Holidays {
					fmt.Fprintf(w, "放假\t%s\t%s", h.Name, h.Days[0])
					if len(h.Days) > 1 {
						fmt.Fprintf(w, " — %s（%d 天）", h.Days[len(h.Days)-1], len(h.Days))
					}
					fmt.Fprintln(w)
					for _, d := range h.Days {
						fmt.Fprintf(w, "\t\t%s %s\n", d, weekdayZH[d.Weekday()])
					}
				}
				for _, d := range info.MakeupWorkdays {
					fmt.Fprintf(w, "调休上班\t%s %s\n", d, weekdayZH[d.Weekday()])
				}
			})
		},
	}
}

var weekdayZH = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}
