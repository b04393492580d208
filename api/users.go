package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/auth"
)

// userView is a user without the password hash.
type userView struct {
	Name               string      `json:"name"`
	DisplayName        string      `json:"display_name"`
	Role               engine.Role `json:"role"`
	Org                string      `json:"org"`
	Email              string      `json:"email"`
	Disabled           bool        `json:"disabled"`
	MustChangePassword bool        `json:"must_change_password"`
	PasswordChangedAt  *time.Time  `json:"password_changed_at"`
	LockedUntil        *time.Time  `json:"locked_until"`
}

func viewUser(u engine.User) userView {
	v := userView{Name: u.Name, DisplayName: u.DisplayName, Role: u.Role, Org: u.Org, Email: u.Email, Disabled: u.Disabled,
		MustChangePassword: u.MustChangePassword, LockedUntil: localPtr(u.LockedUntil)}
	if !u.PasswordChangedAt.IsZero() {
		t := local(u.PasswordChangedAt)
		v.PasswordChangedAt = &t
	}
	return v
}

// normText is text as parkfin keeps it: NFC, trimmed.
func normText(s string) string { return auth.NormText(s) }

func (s *Server) listUsers(c echo.Context) error {
	if err := auth.MayAdminister(actorOf(c)); err != nil {
		return err
	}
	users, err := s.dir().Users(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]userView, len(users))
	for i, u := range users {
		out[i] = viewUser(u)
	}
	return items(c, out)
}

// admin carries out administrators' changes of users.
func (s *Server) admin() auth.Admin { return auth.Admin{Dir: s.dir(), Creds: s.auth} }

// putUser creates or updates a user. A new user needs a password; an
// existing one keeps its password unless a new one is given. A password
// set here must be changed at the next sign-in.
func (s *Server) putUser(c echo.Context) error {
	if err := auth.MayAdminister(actorOf(c)); err != nil {
		return err
	}
	var in struct {
		DisplayName string      `json:"display_name"`
		Role        engine.Role `json:"role"`
		Org         string      `json:"org"`
		Password    string      `json:"password"`
		Disabled    bool        `json:"disabled"`
		// Email is kept as it is when absent.
		Email *string `json:"email"`
	}
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	u, err := s.admin().PutUser(c.Request().Context(), whoOf(c), auth.UserInput{Name: c.Param("name"),
		DisplayName: in.DisplayName, Role: in.Role, Org: in.Org, Email: in.Email, Password: in.Password,
		Disabled: in.Disabled}, s.clock.Now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewUser(*u))
}

// unlockUser lifts a lock-out before it ends.
func (s *Server) unlockUser(c echo.Context) error {
	ctx := c.Request().Context()
	if err := s.admin().Unlock(ctx, whoOf(c), c.Param("name"), s.clock.Now()); err != nil {
		return err
	}
	u, err := s.dir().User(ctx, c.Param("name"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewUser(*u))
}
