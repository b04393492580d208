package calendar

import (
	"fmt"
	"strconv"
)

// Error codes carried by the errors of this package; they match the codes of
// the engine's domain errors.
const (
	// CodeYearMissing is the code of a [*YearMissingError].
	CodeYearMissing = "calendar_year_missing"
	// CodeInvalidData is the code of a [*DataError].
	CodeInvalidData = "validation_failed"
)

// YearMissingError reports that a computation needed a day of a year for
// which the calendar has no holiday arrangement. Such a year is never
// treated as plain Monday to Friday.
type YearMissingError struct {
	// Year is the year without data.
	Year int
}

// Error names the year without data.
func (e *YearMissingError) Error() string {
	return "calendar: no holiday arrangement for year " + strconv.Itoa(e.Year) +
		"; working days cannot be computed"
}

// ErrorCode returns "calendar_year_missing".
func (e *YearMissingError) ErrorCode() string { return CodeYearMissing }

// LocalizedMessage returns a message for users: in Simplified Chinese when
// lang is "zh", in English otherwise.
func (e *YearMissingError) LocalizedMessage(lang string) string {
	y := strconv.Itoa(e.Year)
	if lang == "zh" {
		return y + " 年的法定节假日安排尚未录入，无法计算工作日，请管理员导入该年度的国务院放假通知。"
	}
	return "The statutory holiday arrangement for " + y +
		" has not been entered, so working days cannot be computed. " +
		"Ask an administrator to import the State Council holiday notice for that year."
}

// DataError reports a calendar data file that cannot be used: malformed
// JSON or dates, a date listed under the wrong year, a day listed both as a
// day off and as a make-up working day, a year without any holiday.
type DataError struct {
	// File is the file at fault, when it was read from one.
	File string
	// Year is the year entry at fault, or 0.
	Year int
	// Date is the offending date as written in the file, or "".
	Date string
	// Problem says what is wrong, in English.
	Problem string
	// ProblemZH says what is wrong, in Simplified Chinese.
	ProblemZH string
}

// Error names the file, the year and the date at fault and the problem.
func (e *DataError) Error() string {
	return "calendar: " + e.where() + e.Problem
}

// ErrorCode returns "validation_failed".
func (e *DataError) ErrorCode() string { return CodeInvalidData }

// LocalizedMessage returns a message for administrators: in Simplified
// Chinese when lang is "zh", in English otherwise.
func (e *DataError) LocalizedMessage(lang string) string {
	if lang != "zh" {
		return "Calendar data: " + e.where() + e.Problem
	}
	s := "工作日历数据有误："
	if e.File != "" {
		s += "文件 " + e.File + "，"
	}
	if e.Year != 0 {
		s += strconv.Itoa(e.Year) + " 年，"
	}
	if e.Date != "" {
		s += "日期 " + strconv.Quote(e.Date) + "："
	}
	return s + e.ProblemZH
}

func (e *DataError) where() string {
	s := ""
	if e.File != "" {
		s += e.File + ": "
	}
	if e.Year != 0 {
		s += "year " + strconv.Itoa(e.Year) + ": "
	}
	if e.Date != "" {
		s += fmt.Sprintf("date %q: ", e.Date)
	}
	return s
}
