package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
)

// Reference data is public within parkfin (the plan publishes the windows
// and the liaisons): every signed-in user reads it, the administrator
// changes it.

type parkView struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	County string `json:"county"`
}

type orgView struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type pairingView struct {
	ID           int64      `json:"id"`
	Year         int        `json:"year"`
	Park         string     `json:"park"`
	Bank         string     `json:"bank"`
	Reason       string     `json:"reason,omitempty"`
	RecordedAt   time.Time  `json:"recorded_at"`
	RecordedBy   string     `json:"recorded_by"`
	SupersededAt *time.Time `json:"superseded_at"`
}

func viewPairing(p engine.Pairing) pairingView {
	return pairingView{ID: p.ID, Year: p.Year, Park: p.Park, Bank: p.Bank, Reason: p.Reason,
		RecordedAt: local(p.RecordedAt), RecordedBy: p.RecordedBy, SupersededAt: localPtr(p.SupersededAt)}
}

func (s *Server) dir() engine.DirectoryAdmin { return s.engine.Store().Directory() }

func items[T any](c echo.Context, list []T) error {
	if list == nil {
		list = []T{}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": list})
}

func (s *Server) listParks(c echo.Context) error {
	parks, err := s.dir().Parks(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]parkView, len(parks))
	for i, p := range parks {
		out[i] = parkView{p.Code, p.Name, p.County}
	}
	return items(c, out)
}

func (s *Server) listBanks(c echo.Context) error {
	banks, err := s.dir().Banks(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]orgView, len(banks))
	for i, b := range banks {
		out[i] = orgView{b.Code, b.Name}
	}
	return items(c, out)
}

func (s *Server) listCounties(c echo.Context) error {
	counties, err := s.dir().Counties(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]orgView, len(counties))
	for i, b := range counties {
		out[i] = orgView{b.Code, b.Name}
	}
	return items(c, out)
}

func (s *Server) putPark(c echo.Context) error {
	if err := auth.MayAdminister(actorOf(c)); err != nil {
		return err
	}
	var in struct {
		Name   string `json:"name"`
		County string `json:"county"`
	}
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	p := engine.Park{Code: c.Param("code"), Name: normText(in.Name), County: in.County}
	if err := s.dir().PutPark(c.Request().Context(), p, s.change(c, audit.ParkChange, p.Code, p.Name+"，所属区县 "+p.County)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, parkView{p.Code, p.Name, p.County})
}

func (s *Server) putBank(c echo.Context) error {
	return s.putNamed(c, func(code, name string) error {
		return s.dir().PutBank(c.Request().Context(), engine.Bank{Code: code, Name: name}, s.change(c, audit.BankChange, code, name))
	})
}

func (s *Server) putCounty(c echo.Context) error {
	return s.putNamed(c, func(code, name string) error {
		return s.dir().PutCounty(c.Request().Context(), engine.County{Code: code, Name: name}, s.change(c, audit.CountyChange, code, name))
	})
}

func (s *Server) putNamed(c echo.Context, put func(code, name string) error) error {
	if err := auth.MayAdminister(actorOf(c)); err != nil {
		return err
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	v := orgView{Code: c.Param("code"), Name: normText(in.Name)}
	if v.Name == "" {
		return engine.Invalid(engine.FieldError{Field: "name", Code: "required", Message: "name is required.", MessageZH: "请填写名称。"})
	}
	if err := put(v.Code, v.Name); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) listPairings(c echo.Context) error {
	year, _ := strconv.Atoi(c.QueryParam("year"))
	ps, err := s.dir().Pairings(c.Request().Context(), year)
	if err != nil {
		return err
	}
	out := make([]pairingView, len(ps))
	for i, p := range ps {
		out[i] = viewPairing(p)
	}
	return items(c, out)
}

func (s *Server) pair(c echo.Context) error {
	a := actorOf(c)
	if err := auth.MayAdminister(a); err != nil {
		return err
	}
	var in struct {
		Year   int    `json:"year"`
		Park   string `json:"park"`
		Bank   string `json:"bank"`
		Reason string `json:"reason"`
	}
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	reason := normText(in.Reason)
	ev := s.change(c, audit.PairingChange, fmt.Sprintf("%d %s", in.Year, in.Park), strings.TrimSpace(in.Bank+" "+reason))
	p, err := s.dir().Pair(c.Request().Context(), engine.Pairing{Year: in.Year, Park: in.Park, Bank: in.Bank,
		Reason: reason, RecordedAt: ev.At, RecordedBy: a.User}, ev)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, viewPairing(*p))
}

// organisationView is an organisation of a type without a table of its own
// (a guarantee company, a city department).
type organisationView struct {
	Code string `json:"code"`
	Type string `json:"type"`
	Name string `json:"name"`
	// County is the county a county sub-branch of the central bank leads
	// with the county's office; omitted for the others.
	County string `json:"county,omitempty"`
}

func (s *Server) listOrganisations(c echo.Context) error {
	list, err := s.dir().Organisations(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]organisationView, len(list))
	for i, o := range list {
		out[i] = organisationView{o.Code, string(o.Type), o.Name, o.County}
	}
	return items(c, out)
}

func (s *Server) putOrganisation(c echo.Context) error {
	if err := auth.MayAdminister(actorOf(c)); err != nil {
		return err
	}
	var in struct {
		Type   string `json:"type"`
		Name   string `json:"name"`
		County string `json:"county"`
	}
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	o := engine.Organisation{Code: c.Param("code"), Type: engine.OrgType(in.Type), Name: normText(in.Name), County: strings.TrimSpace(in.County)}
	if o.Name == "" {
		return engine.Invalid(engine.FieldError{Field: "name", Code: "required", Message: "name is required.", MessageZH: "请填写名称。"})
	}
	if err := s.dir().PutOrganisation(c.Request().Context(), o, s.change(c, audit.OrgChange, o.Code, in.Type+" "+o.Name)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, organisationView{o.Code, in.Type, o.Name, o.County})
}
