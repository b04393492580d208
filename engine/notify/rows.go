package notify

import "time"

// Storage rows of the notify tables; the outbox row is sqlstore.NoticeRow.

type deliveryRow struct {
	ID          string `gorm:"primaryKey"`
	NoticeID    string
	Channel     string
	Destination string
	Recipient   string
	Kind        string
	CaseID      string
	Message     string
	Status      string
	Attempts    int
	NextAt      time.Time
	Claim       string
	LastError   string
	CreatedAt   time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt   time.Time `gorm:"autoUpdateTime:false"`
	SentAt      *time.Time
}

func (deliveryRow) TableName() string { return "deliveries" }

type inboxRow struct {
	ID         string `gorm:"primaryKey"`
	UserName   string
	NoticeID   string
	Kind       string
	CaseID     string
	CaseNumber string
	Subject    string
	Body       string
	Link       string
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
	ReadAt     *time.Time
}

func (inboxRow) TableName() string { return "inbox" }

type prefRow struct {
	UserName string `gorm:"primaryKey"`
	Kind     string `gorm:"primaryKey"`
	Channels string
}

func (prefRow) TableName() string { return "notify_prefs" }

type robotRow struct {
	ID        string `gorm:"primaryKey"`
	OrgCode   string
	Channel   string
	URL       string `gorm:"column:url"`
	Secret    string
	Kinds     string
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}

func (robotRow) TableName() string { return "notify_robots" }

type userRow struct {
	Name     string
	Role     string
	OrgCode  string
	Email    string
	Disabled bool
}

func (userRow) TableName() string { return "users" }

// Delivery statuses.
const (
	statusPending   = "pending"
	statusSent      = "sent"
	statusDead      = "dead"
	statusDiscarded = "discarded"
)
