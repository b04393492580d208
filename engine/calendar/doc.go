// Package calendar counts working days (工作日) on the mainland China
// calendar, in Asia/Shanghai.
//
// A day is a working day if the State Council's holiday notice for its year
// lists it as a make-up working day (调休上班), or if it is a Monday to Friday
// that the notice does not list as a day off. The arrangements come from data
// files in the cn-workdays.json format (see [Parse]); a year that no file
// covers is unknown, never plain Monday to Friday: every computation that
// needs a day of such a year fails with a [*YearMissingError].
//
// Time limits follow articles 201 and 203 of the Civil Code (民法典): the day
// of receipt does not count, and a limit of N working days ends at 24:00 of
// the Nth working day after it (see [Calendar.Deadline]).
//
// A [Calendar] precomputes, at construction, a table over every day of the
// years it covers, so that counting is constant-time array arithmetic
// whatever the number of days counted.
package calendar
