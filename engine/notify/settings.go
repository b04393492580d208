package notify

import (
	"context"
	"encoding/json"
	"net/url"
	"sort"
	"strings"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine"
)

func jsonUnmarshal(raw string, v any) error { return json.Unmarshal([]byte(raw), v) }

// Settings are a user's channel choices: per kind of notice, and "*" for
// every kind without its own choice. A kind absent from both gets
// DefaultUserChannels.
type Settings map[string][]string

// Settings returns the user's channel choices.
func (s *Service) Settings(ctx context.Context, user string) (Settings, error) {
	var rows []prefRow
	if err := s.db.WithContext(ctx).Where("user_name = ?", user).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := Settings{}
	for _, r := range rows {
		out[r.Kind] = splitList(r.Channels)
	}
	return out, nil
}

// PutSettings replaces the user's channel choices. kinds lists the kinds
// that exist; errors: validation_failed for an unknown kind or channel.
func (s *Service) PutSettings(ctx context.Context, user string, set Settings, kinds []string) error {
	var errs []engine.FieldError
	for kind, chs := range set {
		if kind != "*" && !containsStr(kinds, kind) {
			errs = append(errs, engine.FieldError{Field: "channels." + kind, Code: "unknown_kind",
				Message: "Unknown kind of notification " + kind + ".", MessageZH: "未知的通知类别“" + kind + "”。"})
		}
		for _, ch := range chs {
			if !containsStr(UserChannels, ch) {
				errs = append(errs, engine.FieldError{Field: "channels." + kind, Code: "unknown_channel",
					Message: "Unknown channel " + ch + ".", MessageZH: "不支持的通知渠道“" + ch + "”。"})
			}
		}
	}
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Field < errs[j].Field })
		return engine.Invalid(errs...)
	}
	return s.db.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		if err := db.Where("user_name = ?", user).Delete(&prefRow{}).Error; err != nil {
			return err
		}
		for kind, chs := range set {
			if err := db.Create(&prefRow{UserName: user, Kind: kind, Channels: strings.Join(dedupe(chs), ",")}).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

func dedupe(xs []string) []string {
	out := []string{}
	for _, x := range xs {
		if !containsStr(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// Robot is an organisation's WeCom group robot or generic webhook.
type Robot struct {
	ID      string
	Org     string
	Channel string
	URL     string
	// Secret signs webhook and DingTalk requests; WeCom robots carry their
	// key in URL.
	Secret string
	// Kinds limits the robot to some kinds of notice; empty means all.
	Kinds []string
}

// AddRobot adds a robot or webhook to an organisation and returns it with
// its ID. Errors: validation_failed for an unknown channel or a bad URL.
func (s *Service) AddRobot(ctx context.Context, r Robot) (Robot, error) {
	if !isRobot(r.Channel) {
		return r, engine.Invalid(engine.FieldError{Field: "channel", Code: "unknown_channel",
			Message: "The channel is wecom, dingtalk or webhook.", MessageZH: "渠道只能是 wecom（企业微信群机器人）、dingtalk（钉钉群机器人）或 webhook。"})
	}
	if u, err := url.Parse(r.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return r, engine.Invalid(engine.FieldError{Field: "url", Code: "malformed",
			Message: "The URL must be http(s)://host/…", MessageZH: "地址须为 http(s):// 开头的完整网址。"})
	}
	if r.Channel == Webhook && len(r.Secret) < 16 {
		return r, engine.Invalid(engine.FieldError{Field: "secret", Code: "too_short",
			Message: "A webhook needs a secret of at least 16 characters.", MessageZH: "Webhook 的签名密钥至少 16 个字符。"})
	}
	id, err := uuid.NewV7()
	if err != nil {
		return r, err
	}
	r.ID = id.String()
	err = s.db.WithContext(ctx).Create(&robotRow{ID: r.ID, OrgCode: r.Org, Channel: r.Channel, URL: r.URL, Secret: r.Secret,
		Kinds: strings.Join(r.Kinds, ","), CreatedAt: s.now()}).Error
	return r, err
}

// Robots lists the robots and webhooks, of one organisation or (org empty)
// of all.
func (s *Service) Robots(ctx context.Context, org string) ([]Robot, error) {
	q := s.db.WithContext(ctx).Order("org_code, id")
	if org != "" {
		q = q.Where("org_code = ?", org)
	}
	var rows []robotRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Robot, len(rows))
	for i, r := range rows {
		out[i] = Robot{ID: r.ID, Org: r.OrgCode, Channel: r.Channel, URL: r.URL, Secret: r.Secret, Kinds: splitList(r.Kinds)}
	}
	return out, nil
}

// RemoveRobot removes a robot; its pending deliveries die. Errors:
// not_found.
func (s *Service) RemoveRobot(ctx context.Context, id string) error {
	res := s.db.WithContext(ctx).Where("id = ?", id).Delete(&robotRow{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return engine.Errorf(engine.ENOTFOUND, "找不到机器人 %s。", "No robot %s.", id)
	}
	return nil
}
