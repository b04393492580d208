package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine/notify"
)

// notificationsView is the in-app messages page: the newest messages of the
// signed-in user (unread only, when asked).
type notificationsView struct {
	Items  []notify.Item
	Unread bool
	Next   string
}

// unreadCount is the bell's number; zero without a notify service.
func (s *Server) unreadCount(c echo.Context, user string) int {
	if s.cfg.Notify == nil {
		return 0
	}
	n, err := s.cfg.Notify.UnreadCount(c.Request().Context(), user)
	if err != nil {
		return 0 // the bell must not break a page
	}
	return n
}

// notifications lists the user's messages, 20 a page, newest first.
func (s *Server) notifications(c echo.Context) error {
	v := notificationsView{Unread: c.QueryParam("unread") == "1"}
	if s.cfg.Notify != nil {
		items, err := s.cfg.Notify.Inbox(c.Request().Context(), notify.InboxFilter{User: userOf(c).Name,
			Unread: v.Unread, After: c.QueryParam("after"), Limit: 20})
		if err != nil {
			return err
		}
		v.Items = items
		if len(items) == 20 {
			v.Next = items[19].ID
		}
	}
	return s.render(c, http.StatusOK, "notifications", v)
}

// readNotification marks one message read and goes to its case, or back
// to the list.
func (s *Server) readNotification(c echo.Context) error {
	if s.cfg.Notify == nil {
		return echo.ErrNotFound
	}
	it, err := s.cfg.Notify.MarkRead(c.Request().Context(), userOf(c).Name, c.Param("id"))
	if err != nil {
		return err
	}
	if c.FormValue("open") != "" && it.CaseNumber != "" {
		return c.Redirect(http.StatusSeeOther, "/cases/"+url.PathEscape(it.CaseNumber))
	}
	return c.Redirect(http.StatusSeeOther, "/notifications")
}

// readAllNotifications marks every message of the user read.
func (s *Server) readAllNotifications(c echo.Context) error {
	if s.cfg.Notify == nil {
		return echo.ErrNotFound
	}
	if _, err := s.cfg.Notify.MarkAllRead(c.Request().Context(), userOf(c).Name); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/notifications")
}
