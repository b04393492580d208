package engine

import (
	"context"
	"time"

	"github.com/parkfin/parkfin/engine/audit/record"
)

// County is a county-level financial office (区县(市)政府金融办) and the area it
// watches.
type County struct {
	Code string
	Name string
}

// Park is an industrial park (园区) with its financing service window.
type Park struct {
	Code   string
	Name   string
	County string
}

// Bank is a bank branch that can be paired with a park.
type Bank struct {
	Code string
	Name string
}

// Organisation is an organisation of a type that has no table of its own
// (a guarantee company, a county sub-branch of the central bank, a city
// department): a code, unique among all organisations, its type and its
// name.
type Organisation struct {
	Code string
	Type OrgType
	Name string
	// County is the county an organisation of an InCounty type works in
	// (a county sub-branch of the central bank); empty for the others.
	County string
}

// Pairing makes Bank the lead bank (主联系行) of Park for the calendar year
// Year. Pairings are yearly; a change within the year needs a reason and
// is kept: the superseded pairing stays, with SupersededAt set.
type Pairing struct {
	ID           int64
	Year         int
	Park         string
	Bank         string
	Reason       string
	RecordedAt   time.Time
	RecordedBy   string
	SupersededAt *time.Time
}

// User is a person who signs in, with one role acting for one organisation.
type User struct {
	Name        string
	DisplayName string
	Role        Role
	// Org is the code of the user's organisation, of the type the role
	// acts for (see RoleDef): a park for window staff, a bank for bank
	// contacts, CITY for the city office; any code (ADMIN) for a role that
	// acts for none.
	Org string
	// Email is where e-mail notifications go; empty means none.
	Email        string
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time
	// PasswordChangedAt is when the password was last set; zero when
	// unknown (set before parkfin kept it), which counts as now.
	PasswordChangedAt time.Time
	// MustChangePassword asks for a new password at the next sign-in: an
	// administrator set this one.
	MustChangePassword bool
	// LockedUntil is set while failed sign-ins lock the account.
	LockedUntil *time.Time
	// Unit is the organisation the user acts through, when not Org
	// (Actor.Unit): set by ResolveUnit, not stored.
	Unit string
}

// Locked reports whether failed sign-ins lock the account at now.
func (u *User) Locked(now time.Time) bool { return u.LockedUntil != nil && now.Before(*u.LockedUntil) }

// Actor returns the actor the user acts as.
func (u *User) Actor() Actor { return Actor{User: u.Name, Role: u.Role, Org: u.Org, Unit: u.Unit} }

// ResolveUnit sets u.Unit for a role acting for an organisation of an
// InCounty type: the county the organisation works in, whose cases the
// user leads with the county's financial office. Other users are left as
// they are.
func ResolveUnit(ctx context.Context, dir Directory, u *User) error {
	def, ok := OrgTypeOf(u.Role.ActsFor())
	if !ok || !def.InCounty {
		return nil
	}
	o, err := dir.Organisation(ctx, u.Org)
	if ErrorCode(err) == ENOTFOUND {
		return nil // an organisation gone: the user sees nothing
	}
	if err != nil {
		return err
	}
	u.Unit = o.County
	return nil
}

// Directory reads the reference data: counties, parks, banks, pairings,
// the other organisations and users.
type Directory interface {
	// Park returns the park with the code, or a not_found error.
	Park(ctx context.Context, code string) (*Park, error)
	// Bank returns the bank with the code, or a not_found error.
	Bank(ctx context.Context, code string) (*Bank, error)
	// County returns the county with the code, or a not_found error.
	County(ctx context.Context, code string) (*County, error)
	// LeadBank returns the pairing in force for the park in the year, or a
	// no_pairing error.
	LeadBank(ctx context.Context, park string, year int) (*Pairing, error)
	// Organisation returns the organisation of a type without a table of
	// its own, or a not_found error.
	Organisation(ctx context.Context, code string) (*Organisation, error)
	// User returns the user with the name, or a not_found error.
	User(ctx context.Context, name string) (*User, error)
}

// DirectoryAdmin changes the reference data.
type DirectoryAdmin interface {
	Directory
	// Counties, Parks, Banks and Users list all, ordered by code or name.
	Counties(ctx context.Context) ([]County, error)
	Parks(ctx context.Context) ([]Park, error)
	Banks(ctx context.Context) ([]Bank, error)
	Users(ctx context.Context) ([]User, error)
	// Organisations lists the organisations of the types without a table
	// of their own, by type and code.
	Organisations(ctx context.Context) ([]Organisation, error)
	// Pairings lists the pairings of a year, superseded ones included,
	// oldest first.
	Pairings(ctx context.Context, year int) ([]Pairing, error)
	// PutCounty, PutPark, PutBank and PutUser create or update. Each
	// change and its security audit entry ev are written in one
	// transaction: a change whose entry cannot be written is not made. A
	// nil ev (seeding the demo data) records nothing.
	PutCounty(ctx context.Context, c County, ev *record.Entry) error
	PutPark(ctx context.Context, p Park, ev *record.Entry) error
	PutBank(ctx context.Context, b Bank, ev *record.Entry) error
	PutUser(ctx context.Context, u User, ev *record.Entry) error
	// PutOrganisation creates or renames an organisation of a declared
	// type without a table of its own, recording ev in the same
	// transaction. A code a park, a bank, a county or an organisation of
	// another type has is refused (a duplicate error).
	PutOrganisation(ctx context.Context, o Organisation, ev *record.Entry) error
	// Pair makes p.Bank the lead bank of p.Park for p.Year, recording ev
	// in the same transaction. If another bank is already paired for that
	// year, p.Reason must say why (a conflict error otherwise) and the old
	// pairing is kept as superseded. Pairing the same bank again changes
	// nothing but is recorded.
	Pair(ctx context.Context, p Pairing, ev *record.Entry) (*Pairing, error)
}
