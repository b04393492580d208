package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/locale"
)

func (s *Server) loadOrgs(ctx context.Context, v *adminView) error {
	var err error
	if v.Parks, err = s.dir().Parks(ctx); err != nil {
		return err
	}
	if v.Banks, err = s.dir().Banks(ctx); err != nil {
		return err
	}
	if v.Counties, err = s.dir().Counties(ctx); err != nil {
		return err
	}
	v.Orgs, err = s.dir().Organisations(ctx)
	for _, d := range engine.OrgTypes() {
		if !d.Own && d.Fixed == "" {
			v.OrgTypes = append(v.OrgTypes, d.Type)
		}
	}
	return err
}

func (s *Server) orgsPage(c echo.Context) error {
	v := &adminView{Done: c.QueryParam("done")}
	if err := s.loadOrgs(c.Request().Context(), v); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "orgs", v)
}

// orgPost creates or renames a park, a bank, a county office or an
// organisation of another type (a city department, a guarantee company).
func (s *Server) orgPost(c echo.Context) error {
	ctx := c.Request().Context()
	v := &adminView{}
	if err := s.loadOrgs(ctx, v); err != nil {
		return err
	}
	kind := c.FormValue("kind")
	code, name := strings.TrimSpace(c.FormValue("code")), normText(c.FormValue("name"))
	var fields []engine.FieldError
	if code == "" {
		fields = append(fields, engine.FieldError{Field: kind + ".code", Code: "required", Message: "Enter a code.", MessageZH: "请填写编码。"})
	}
	if name == "" {
		fields = append(fields, engine.FieldError{Field: kind + ".name", Code: "required", Message: "Enter a name.", MessageZH: "请填写名称。"})
	}
	county := strings.TrimSpace(c.FormValue("county"))
	if kind == "park" {
		if _, err := s.dir().County(ctx, county); err != nil {
			fields = append(fields, engine.FieldError{Field: "park.county", Code: "unknown", Message: "Choose the county office.", MessageZH: "请选择所属区县金融办。"})
		}
	}
	otype := engine.OrgType(c.FormValue("type"))
	if kind == "org" {
		// The directory checks the county (field "county"), as for the
		// API.
		if d, ok := engine.OrgTypeOf(otype); !ok || d.Own || d.Fixed != "" {
			fields = append(fields, engine.FieldError{Field: "org.type", Code: "required", Message: "Choose the type.", MessageZH: "请选择单位类型。"})
		}
	}
	var err error
	if len(fields) > 0 {
		err = engine.Invalid(fields...)
	} else {
		detail := name
		if kind == "org" {
			detail = locale.T(locale.ZH, "orgtype."+string(otype)) + " " + name
		}
		ev := s.change(c, kind+".change", code, detail)
		switch kind {
		case "park":
			err = s.dir().PutPark(ctx, engine.Park{Code: code, Name: name, County: county}, ev)
		case "bank":
			err = s.dir().PutBank(ctx, engine.Bank{Code: code, Name: name}, ev)
		case "county":
			err = s.dir().PutCounty(ctx, engine.County{Code: code, Name: name}, ev)
		case "org":
			err = s.dir().PutOrganisation(ctx, engine.Organisation{Code: code, Type: otype, Name: name, County: county}, ev)
		default:
			return echo.ErrBadRequest
		}
	}
	if err != nil {
		return s.adminFailed(c, "orgs", v, err)
	}
	forgetOrgs()
	return c.Redirect(http.StatusSeeOther, "/admin/orgs?done="+kind)
}

func (s *Server) pairingsPage(c echo.Context) error {
	v, err := s.pairingsView(c)
	if err != nil {
		return err
	}
	v.Done = c.QueryParam("done")
	return s.render(c, http.StatusOK, "pairings", v)
}

func (s *Server) pairingsView(c echo.Context) (*adminView, error) {
	ctx := c.Request().Context()
	year, err := strconv.Atoi(c.QueryParam("year"))
	if err != nil {
		year, _ = strconv.Atoi(c.FormValue("year"))
	}
	if year < 2000 || year > 2100 {
		year = calendar.DateOf(s.clock.Now()).Year
	}
	v := &adminView{Year: year}
	if err := s.loadOrgs(ctx, v); err != nil {
		return nil, err
	}
	v.Pairings, err = s.dir().Pairings(ctx, year)
	return v, err
}

// pairPost pairs a park with its lead bank for a year; a change within
// the year needs a reason, and the old pairing is kept (the directory
// refuses it otherwise).
func (s *Server) pairPost(c echo.Context) error {
	v, err := s.pairingsView(c)
	if err != nil {
		return err
	}
	reason := normText(c.FormValue("reason"))
	ev := s.change(c, audit.PairingChange, strconv.Itoa(v.Year)+" "+c.FormValue("park"), strings.TrimSpace(c.FormValue("bank")+" "+reason))
	_, err = s.dir().Pair(c.Request().Context(), engine.Pairing{Year: v.Year, Park: c.FormValue("park"),
		Bank: c.FormValue("bank"), Reason: reason, RecordedAt: ev.At, RecordedBy: userOf(c).Name}, ev)
	if err != nil {
		return s.adminFailed(c, "pairings", v, err)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/pairings?done=1&year="+strconv.Itoa(v.Year))
}
