package api

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/locale"
)

// notificationView is one message of the caller's in-app inbox.
type notificationView struct {
	ID         string     `json:"id"`
	Kind       string     `json:"kind"`
	KindLabel  string     `json:"kind_label"`
	CaseID     string     `json:"case_id,omitempty"`
	CaseNumber string     `json:"case_number,omitempty"`
	Subject    string     `json:"subject"`
	Body       string     `json:"body"`
	Link       string     `json:"link"`
	CreatedAt  time.Time  `json:"created_at"`
	ReadAt     *time.Time `json:"read_at"`
}

func viewNotification(it notify.Item, lang string) notificationView {
	return notificationView{ID: it.ID, Kind: it.Kind, KindLabel: locale.T(lang, "notify.kind."+it.Kind), CaseID: it.CaseID,
		CaseNumber: it.CaseNumber, Subject: it.Subject, Body: it.Body, Link: it.Link, CreatedAt: local(it.CreatedAt),
		ReadAt: localPtr(it.ReadAt)}
}

// notifier returns the notification service, or a not_found error when
// the server runs without one.
func (s *Server) notifier() (*notify.Service, error) {
	if s.cfg.Notify == nil {
		return nil, engine.Errorf(engine.ENOTFOUND, "本服务未启用通知。", "Notifications are not enabled on this server.")
	}
	return s.cfg.Notify, nil
}

// listNotifications lists the caller's in-app messages, newest first.
func (s *Server) listNotifications(c echo.Context) error {
	n, err := s.notifier()
	if err != nil {
		return err
	}
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	if limit <= 0 {
		limit = 20
	}
	list, err := n.Inbox(c.Request().Context(), notify.InboxFilter{User: actorOf(c).User, Unread: c.QueryParam("unread") == "true",
		After: c.QueryParam("after"), Limit: limit})
	if err != nil {
		return err
	}
	lang := locale.Lang(c.Request().Header.Get("Accept-Language"))
	out := make([]notificationView, len(list))
	for i, it := range list {
		out[i] = viewNotification(it, lang)
	}
	page := map[string]any{"items": out}
	if len(list) == limit {
		page["next_cursor"] = list[len(list)-1].ID
	}
	return c.JSON(http.StatusOK, page)
}

// unreadNotifications counts the caller's unread messages: the bell.
func (s *Server) unreadNotifications(c echo.Context) error {
	n, err := s.notifier()
	if err != nil {
		return err
	}
	count, err := n.UnreadCount(c.Request().Context(), actorOf(c).User)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"unread": count})
}

// readNotification marks one of the caller's messages read.
func (s *Server) readNotification(c echo.Context) error {
	n, err := s.notifier()
	if err != nil {
		return err
	}
	it, err := n.MarkRead(c.Request().Context(), actorOf(c).User, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewNotification(it, locale.Lang(c.Request().Header.Get("Accept-Language"))))
}

// readAllNotifications marks every message of the caller read.
func (s *Server) readAllNotifications(c echo.Context) error {
	n, err := s.notifier()
	if err != nil {
		return err
	}
	marked, err := n.MarkAllRead(c.Request().Context(), actorOf(c).User)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"marked": marked})
}

// settingsView is the caller's channel choices with what may be chosen.
type settingsView struct {
	Email    string              `json:"email"`
	Channels map[string][]string `json:"channels"`
	Kinds    []labelled          `json:"kinds"`
	Offered  []labelled          `json:"offered"`
}

type labelled struct {
	Name  string `json:"name"`
	Label string `json:"label"`
}

func (s *Server) settingsOf(c echo.Context, n *notify.Service) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	set, err := n.Settings(ctx, a.User)
	if err != nil {
		return err
	}
	u, err := s.dir().User(ctx, a.User)
	if err != nil {
		return err
	}
	lang := locale.Lang(c.Request().Header.Get("Accept-Language"))
	v := settingsView{Email: u.Email, Channels: map[string][]string(set)}
	for _, k := range append(append([]string{}, s.cfg.NoticeKinds...), notify.KindDigest) {
		v.Kinds = append(v.Kinds, labelled{k, locale.T(lang, "notify.kind."+k)})
	}
	for _, ch := range notify.UserChannels {
		v.Offered = append(v.Offered, labelled{ch, locale.T(lang, "notify.channel."+ch)})
	}
	return c.JSON(http.StatusOK, v)
}

// getNotificationSettings returns the caller's channel choices.
func (s *Server) getNotificationSettings(c echo.Context) error {
	n, err := s.notifier()
	if err != nil {
		return err
	}
	return s.settingsOf(c, n)
}

// putNotificationSettings replaces the caller's channel choices and, when
// given, the caller's e-mail address.
func (s *Server) putNotificationSettings(c echo.Context) error {
	n, err := s.notifier()
	if err != nil {
		return err
	}
	var in struct {
		Email    *string             `json:"email"`
		Channels map[string][]string `json:"channels"`
	}
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	a := actorOf(c)
	if in.Email != nil {
		email, f := auth.CheckEmail(*in.Email)
		if f != nil {
			return engine.Invalid(*f)
		}
		u, err := s.dir().User(ctx, a.User)
		if err != nil {
			return err
		}
		u.Email = email
		if err := s.dir().PutUser(ctx, *u, s.change(c, audit.UserChange, u.Name, "用户本人修改电子邮箱")); err != nil {
			return err
		}
	}
	if in.Channels != nil {
		kinds := append(append([]string{}, s.cfg.NoticeKinds...), notify.KindDigest)
		if err := n.PutSettings(ctx, a.User, notify.Settings(in.Channels), kinds); err != nil {
			return err
		}
	}
	return s.settingsOf(c, n)
}

// deadLetterView is a delivery that failed for good.
type deadLetterView struct {
	ID        string    `json:"id"`
	NoticeID  string    `json:"notice_id"`
	Channel   string    `json:"channel"`
	Recipient string    `json:"recipient"`
	Kind      string    `json:"kind"`
	CaseID    string    `json:"case_id"`
	Subject   string    `json:"subject"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error"`
	CreatedAt time.Time `json:"created_at"`
	DiedAt    time.Time `json:"died_at"`
}

// listDeadLetters lists the dead-letter list (administrator).
func (s *Server) listDeadLetters(c echo.Context) error {
	if err := auth.MayAdminister(actorOf(c)); err != nil {
		return err
	}
	n, err := s.notifier()
	if err != nil {
		return err
	}
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	dead, err := n.DeadLetters(c.Request().Context(), limit)
	if err != nil {
		return err
	}
	out := make([]deadLetterView, len(dead))
	for i, d := range dead {
		out[i] = deadLetterView{ID: d.ID, NoticeID: d.NoticeID, Channel: d.Channel, Recipient: d.Recipient, Kind: d.Kind,
			CaseID: d.CaseID, Subject: d.Subject, Attempts: d.Attempts, LastError: d.LastError,
			CreatedAt: local(d.CreatedAt), DiedAt: local(d.DiedAt)}
	}
	return items(c, out)
}

// retryDeadLetter gives a dead delivery another day (administrator).
func (s *Server) retryDeadLetter(c echo.Context) error {
	if err := auth.MayAdminister(actorOf(c)); err != nil {
		return err
	}
	n, err := s.notifier()
	if err != nil {
		return err
	}
	if err := n.Retry(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	n.Wake()
	return c.NoContent(http.StatusNoContent)
}

// discardDeadLetter drops a dead delivery (administrator).
func (s *Server) discardDeadLetter(c echo.Context) error {
	if err := auth.MayAdminister(actorOf(c)); err != nil {
		return err
	}
	n, err := s.notifier()
	if err != nil {
		return err
	}
	if err := n.Discard(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// robotView is a group robot or webhook; its secret is never shown.
type robotView struct {
	ID        string   `json:"id"`
	Org       string   `json:"org"`
	Channel   string   `json:"channel"`
	URL       string   `json:"url"`
	HasSecret bool     `json:"has_secret"`
	Kinds     []string `json:"kinds"`
}

func viewRobot(r notify.Robot) robotView {
	kinds := r.Kinds
	if kinds == nil {
		kinds = []string{}
	}
	return robotView{ID: r.ID, Org: r.Org, Channel: r.Channel, URL: r.URL, HasSecret: r.Secret != "", Kinds: kinds}
}

// robotOrg is the organisation whose robots the caller manages: the
// caller's own; the administrator names any with org.
func robotOrg(a engine.Actor, org string) (string, error) {
	if a.Role == engine.RoleAdmin {
		return org, nil
	}
	if org != "" && org != a.Org {
		return "", engine.Errorf(engine.EFORBIDDEN, "只能管理本机构的群机器人。", "You may manage your own organisation's robots only.")
	}
	return a.Org, nil
}

// listRobots lists the caller's organisation's robots (administrator: all,
// or org's).
func (s *Server) listRobots(c echo.Context) error {
	n, err := s.notifier()
	if err != nil {
		return err
	}
	org, err := robotOrg(actorOf(c), c.QueryParam("org"))
	if err != nil {
		return err
	}
	rs, err := n.Robots(c.Request().Context(), org)
	if err != nil {
		return err
	}
	out := make([]robotView, len(rs))
	for i, r := range rs {
		out[i] = viewRobot(r)
	}
	return items(c, out)
}

// addRobot adds a WeCom or DingTalk group robot or a webhook to the caller's
// organisation (administrator: to org).
func (s *Server) addRobot(c echo.Context) error {
	n, err := s.notifier()
	if err != nil {
		return err
	}
	var in struct {
		Org     string   `json:"org"`
		Channel string   `json:"channel"`
		URL     string   `json:"url"`
		Secret  string   `json:"secret"`
		Kinds   []string `json:"kinds"`
	}
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	a := actorOf(c)
	org, err := robotOrg(a, in.Org)
	if err != nil {
		return err
	}
	if org == "" {
		return engine.Invalid(engine.FieldError{Field: "org", Code: "required", Message: "Name the organisation.", MessageZH: "请指定机构。"})
	}
	kinds := append(append([]string{}, s.cfg.NoticeKinds...), notify.KindDigest)
	for _, k := range in.Kinds {
		if !slices.Contains(kinds, k) {
			return engine.Invalid(engine.FieldError{Field: "kinds", Code: "unknown_kind",
				Message: "Unknown kind of notification " + k + ".", MessageZH: "未知的通知类别“" + k + "”。"})
		}
	}
	r, err := n.AddRobot(c.Request().Context(), notify.Robot{Org: org, Channel: in.Channel, URL: in.URL, Secret: in.Secret, Kinds: in.Kinds})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, viewRobot(r))
}

// removeRobot removes one of the caller's organisation's robots
// (administrator: any). Another organisation's is not_found.
func (s *Server) removeRobot(c echo.Context) error {
	n, err := s.notifier()
	if err != nil {
		return err
	}
	a := actorOf(c)
	ctx := c.Request().Context()
	rs, err := n.Robots(ctx, "")
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.ID == c.Param("id") && (a.Role == engine.RoleAdmin || r.Org == a.Org) {
			if err := n.RemoveRobot(ctx, r.ID); err != nil {
				return err
			}
			return c.NoContent(http.StatusNoContent)
		}
	}
	return engine.Errorf(engine.ENOTFOUND, "找不到该群机器人。", "No such robot.")
}
