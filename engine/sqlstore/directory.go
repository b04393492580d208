package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
)

type countyRow struct {
	Code string `gorm:"primaryKey"`
	Name string
}

func (countyRow) TableName() string { return "counties" }

type parkRow struct {
	Code       string `gorm:"primaryKey"`
	Name       string
	CountyCode string
}

func (parkRow) TableName() string { return "parks" }

type bankRow struct {
	Code string `gorm:"primaryKey"`
	Name string
}

func (bankRow) TableName() string { return "banks" }

type pairingRow struct {
	ID           int64 `gorm:"primaryKey"`
	Year         int
	ParkCode     string
	BankCode     string
	Reason       string
	RecordedAt   time.Time
	RecordedBy   string
	SupersededAt *time.Time
}

func (pairingRow) TableName() string { return "pairings" }

type userRow struct {
	Name         string `gorm:"primaryKey"`
	DisplayName  string
	Role         string
	OrgCode      string
	Email        string
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time `gorm:"autoCreateTime:false"`
	// PasswordChangedAt is NULL for passwords set before it was kept.
	PasswordChangedAt  *time.Time
	MustChangePassword bool
	LockedUntil        *time.Time
}

func (userRow) TableName() string { return "users" }

func pairingFromRow(r pairingRow) engine.Pairing {
	return engine.Pairing{ID: r.ID, Year: r.Year, Park: r.ParkCode, Bank: r.BankCode, Reason: r.Reason,
		RecordedAt: utc(r.RecordedAt), RecordedBy: r.RecordedBy, SupersededAt: utcPtr(r.SupersededAt)}
}

func userFromRow(r userRow) engine.User {
	return engine.User{Name: r.Name, DisplayName: r.DisplayName, Role: engine.Role(r.Role), Org: r.OrgCode, Email: r.Email,
		PasswordHash: r.PasswordHash, Disabled: r.Disabled, CreatedAt: utc(r.CreatedAt),
		MustChangePassword: r.MustChangePassword, LockedUntil: utcPtr(r.LockedUntil), PasswordChangedAt: zeroIfNil(r.PasswordChangedAt)}
}

func zeroIfNil(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func nilIfZero(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// take reads one row by key, turning "no row" into a not_found error that
// names what was looked for.
func take[R any](ctx context.Context, db *gorm.DB, what, key, where string) (*R, error) {
	var r R
	if err := db.WithContext(ctx).Where(where, key).Take(&r).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound(what, key)
		}
		return nil, err
	}
	return &r, nil
}

// County returns the county, or not_found.
func (q queries) County(ctx context.Context, code string) (*engine.County, error) {
	r, err := take[countyRow](ctx, q.db, "区县", code, "code = ?")
	if err != nil {
		return nil, err
	}
	return &engine.County{Code: r.Code, Name: r.Name}, nil
}

// Park returns the park, or not_found.
func (q queries) Park(ctx context.Context, code string) (*engine.Park, error) {
	r, err := take[parkRow](ctx, q.db, "园区", code, "code = ?")
	if err != nil {
		return nil, err
	}
	return &engine.Park{Code: r.Code, Name: r.Name, County: r.CountyCode}, nil
}

// Bank returns the bank, or not_found.
func (q queries) Bank(ctx context.Context, code string) (*engine.Bank, error) {
	r, err := take[bankRow](ctx, q.db, "银行", code, "code = ?")
	if err != nil {
		return nil, err
	}
	return &engine.Bank{Code: r.Code, Name: r.Name}, nil
}

// User returns the user, or not_found.
func (q queries) User(ctx context.Context, name string) (*engine.User, error) {
	r, err := take[userRow](ctx, q.db, "用户", name, "name = ?")
	if err != nil {
		return nil, err
	}
	u := userFromRow(*r)
	return &u, nil
}

// LeadBank returns the pairing in force for the park in the year, or a
// no_pairing error.
func (q queries) LeadBank(ctx context.Context, park string, year int) (*engine.Pairing, error) {
	var r pairingRow
	err := q.db.WithContext(ctx).Where("year = ? AND park_code = ? AND superseded_at IS NULL", year, park).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, engine.Errorf(engine.ENOPAIRING, "园区“%s”尚未配置 %d 年度的主联系行，请联系管理员。",
			"Park %s has no lead bank for %d; ask the administrator to pair one.", park, year)
	}
	if err != nil {
		return nil, err
	}
	p := pairingFromRow(r)
	return &p, nil
}

// Counties lists the counties by code.
func (s *Store) Counties(ctx context.Context) ([]engine.County, error) {
	var rows []countyRow
	if err := s.db.WithContext(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]engine.County, len(rows))
	for i, r := range rows {
		out[i] = engine.County{Code: r.Code, Name: r.Name}
	}
	return out, nil
}

// Parks lists the parks by code.
func (s *Store) Parks(ctx context.Context) ([]engine.Park, error) {
	var rows []parkRow
	if err := s.db.WithContext(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]engine.Park, len(rows))
	for i, r := range rows {
		out[i] = engine.Park{Code: r.Code, Name: r.Name, County: r.CountyCode}
	}
	return out, nil
}

// Banks lists the banks by code.
func (s *Store) Banks(ctx context.Context) ([]engine.Bank, error) {
	var rows []bankRow
	if err := s.db.WithContext(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]engine.Bank, len(rows))
	for i, r := range rows {
		out[i] = engine.Bank{Code: r.Code, Name: r.Name}
	}
	return out, nil
}

// Users lists the users by name.
func (s *Store) Users(ctx context.Context) ([]engine.User, error) {
	var rows []userRow
	if err := s.db.WithContext(ctx).Order("name").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]engine.User, len(rows))
	for i, r := range rows {
		out[i] = userFromRow(r)
	}
	return out, nil
}

// Pairings lists the year's pairings, superseded ones included, oldest first.
func (s *Store) Pairings(ctx context.Context, year int) ([]engine.Pairing, error) {
	var rows []pairingRow
	if err := s.db.WithContext(ctx).Where("year = ?", year).Order("park_code, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]engine.Pairing, len(rows))
	for i, r := range rows {
		out[i] = pairingFromRow(r)
	}
	return out, nil
}

// upsert creates or updates row and records ev, in one write transaction,
// after the checks (if any) pass in it.
func (s *Store) upsert(ctx context.Context, row any, ev *audit.Entry, checks ...func(queries) error) error {
	return translate(s.inWriteTx(ctx, func(q queries) error {
		for _, check := range checks {
			if err := check(q); err != nil {
				return err
			}
		}
		if err := q.db.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(row).Error; err != nil {
			return err
		}
		return q.record(ctx, ev)
	}))
}

// PutCounty creates or updates a county and records ev with it.
func (s *Store) PutCounty(ctx context.Context, c engine.County, ev *audit.Entry) error {
	return s.upsert(ctx, &countyRow{Code: c.Code, Name: c.Name}, ev)
}

// PutPark creates or updates a park and records ev with it.
func (s *Store) PutPark(ctx context.Context, p engine.Park, ev *audit.Entry) error {
	return s.upsert(ctx, &parkRow{Code: p.Code, Name: p.Name, CountyCode: p.County}, ev)
}

// PutBank creates or updates a bank and records ev with it.
func (s *Store) PutBank(ctx context.Context, b engine.Bank, ev *audit.Entry) error {
	return s.upsert(ctx, &bankRow{Code: b.Code, Name: b.Name}, ev)
}

// PutUser creates or updates a user and records ev with it.
func (s *Store) PutUser(ctx context.Context, u engine.User, ev *audit.Entry) error {
	if !u.Role.Valid() {
		return engine.Errorf(engine.EINVALID, "未知角色“%s”。", "Unknown role %q.", u.Role)
	}
	defer s.credentialsChanged()
	return s.upsert(ctx, &userRow{Name: u.Name, DisplayName: u.DisplayName, Role: string(u.Role), OrgCode: u.Org, Email: u.Email,
		PasswordHash: u.PasswordHash, Disabled: u.Disabled, CreatedAt: utc(u.CreatedAt),
		PasswordChangedAt: nilIfZero(u.PasswordChangedAt), MustChangePassword: u.MustChangePassword, LockedUntil: utcPtr(u.LockedUntil)}, ev)
}

// Pair makes p.Bank the lead bank of p.Park for p.Year; see
// engine.DirectoryAdmin.
func (s *Store) Pair(ctx context.Context, p engine.Pairing, ev *audit.Entry) (*engine.Pairing, error) {
	var out engine.Pairing
	err := s.inWriteTx(ctx, func(q queries) error {
		db := q.db.WithContext(ctx)
		if _, err := q.Park(ctx, p.Park); err != nil {
			return err
		}
		if _, err := q.Bank(ctx, p.Bank); err != nil {
			return err
		}
		cur, err := q.LeadBank(ctx, p.Park, p.Year)
		switch {
		case err == nil && cur.Bank == p.Bank:
			out = *cur
			return q.record(ctx, ev)
		case err == nil && p.Reason == "":
			return engine.Errorf(engine.EDUPLICATE, "园区“%[1]s”%[3]d 年度已有主联系行“%[2]s”；年内更换须说明原因。",
				"Park %[1]s already has lead bank %[2]s for %[3]d; a change within the year needs a reason.", p.Park, cur.Bank, p.Year)
		case err == nil:
			at := utc(p.RecordedAt)
			if err := db.Model(&pairingRow{}).Where("id = ?", cur.ID).Update("superseded_at", at).Error; err != nil {
				return err
			}
		case engine.ErrorCode(err) != engine.ENOPAIRING:
			return err
		}
		r := pairingRow{Year: p.Year, ParkCode: p.Park, BankCode: p.Bank, Reason: p.Reason,
			RecordedAt: utc(p.RecordedAt), RecordedBy: p.RecordedBy}
		if err := db.Create(&r).Error; err != nil {
			return err
		}
		out = pairingFromRow(r)
		return q.record(ctx, ev)
	})
	if err != nil {
		return nil, translate(err)
	}
	return &out, nil
}

// Park returns the park, or not_found. Inside a transaction it reads, in
// one statement, every park with its pairings in force and their banks,
// which a case's opening asks for next (LeadBank, Bank), and keeps them for
// the rest of the transaction: a transaction opening a batch of cases
// (engine.Engine.Open) reads the directory in one round trip, however many
// parks the batch spans. A city has tens of parks, a pairing each a year.
func (t *tx) Park(ctx context.Context, code string) (*engine.Park, error) {
	if t.dialect != Postgres {
		return t.queries.Park(ctx, code)
	}
	if t.parks == nil {
		if err := t.readParks(ctx); err != nil {
			return nil, err
		}
	}
	p, ok := t.parks[code]
	if !ok {
		return nil, notFound("园区", code)
	}
	return &p, nil
}

// readParks reads every park, with its pairings in force and their banks,
// into the transaction's maps; they are set only once all was read.
func (t *tx) readParks(ctx context.Context) error {
	if t.keptDirectory() {
		return nil
	}
	q := `SELECT v.version, p.code, p.name, p.county_code, pr.id, pr.year, pr.bank_code, pr.reason, pr.recorded_at, pr.recorded_by, b.name
		   FROM parks p
		   CROSS JOIN directory_version v
		   LEFT JOIN pairings pr ON pr.park_code = p.code AND pr.superseded_at IS NULL
		   LEFT JOIN banks b ON b.code = pr.bank_code`
	parks, leads, banks := map[string]engine.Park{}, map[leadKey]engine.Pairing{}, map[string]engine.Bank{}
	var version int64
	scan := func(rows rowScanner) error {
		for rows.Next() {
			var (
				p                                  engine.Park
				id, year                           sql.NullInt64
				bank, reason, recordedBy, bankName sql.NullString
				recordedAt                         sql.NullTime
			)
			if err := rows.Scan(&version, &p.Code, &p.Name, &p.County, &id, &year, &bank, &reason, &recordedAt, &recordedBy, &bankName); err != nil {
				return err
			}
			parks[p.Code] = p
			if !id.Valid {
				continue
			}
			leads[leadKey{p.Code, int(year.Int64)}] = engine.Pairing{ID: id.Int64, Year: int(year.Int64), Park: p.Code, Bank: bank.String,
				Reason: reason.String, RecordedAt: utc(recordedAt.Time), RecordedBy: recordedBy.String}
			if bankName.Valid {
				banks[bank.String] = engine.Bank{Code: bank.String, Name: bankName.String}
			}
		}
		return rows.Err()
	}
	if t.conn != nil && !t.conn.begun && len(t.writes) == 0 {
		// The transaction's first statement: it goes with BEGIN. It sees
		// nothing this transaction wrote, and so may be kept (kept.go).
		if err := t.conn.beginQuery(ctx, q, scan); err != nil {
			return translate(err)
		}
		if t.kept != nil && version != 0 {
			t.kept.keepDirectory(&keptDirectory{version: version, parks: parks, leads: leads, banks: banks})
		}
	} else {
		rows, err := t.db.WithContext(ctx).Raw(q).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		if err := scan(rows); err != nil {
			return err
		}
	}
	t.parks, t.leads, t.banks = parks, leads, banks
	if t.conn != nil {
		t.dirVersion = version
	}
	return nil
}

// leadKey names a park's pairing of a year.
type leadKey struct {
	park string
	year int
}

// LeadBank returns the pairing in force for the park in the year, or a
// no_pairing error; read with the park (Park) when it was.
func (t *tx) LeadBank(ctx context.Context, park string, year int) (*engine.Pairing, error) {
	if p, ok := t.leads[leadKey{park, year}]; ok {
		return &p, nil
	}
	return t.queries.LeadBank(ctx, park, year)
}

// Bank returns the bank, or not_found; read with a park's pairing (Park)
// when it was.
func (t *tx) Bank(ctx context.Context, code string) (*engine.Bank, error) {
	if b, ok := t.banks[code]; ok {
		return &b, nil
	}
	return t.queries.Bank(ctx, code)
}

type organisationRow struct {
	Code       string `gorm:"primaryKey"`
	Type       string
	Name       string
	CountyCode string
}

func (organisationRow) TableName() string { return "organisations" }

func organisationFromRow(r organisationRow) engine.Organisation {
	return engine.Organisation{Code: r.Code, Type: engine.OrgType(r.Type), Name: r.Name, County: r.CountyCode}
}

// Organisation returns the organisation of a type without a table of its
// own, or not_found.
func (q queries) Organisation(ctx context.Context, code string) (*engine.Organisation, error) {
	r, err := take[organisationRow](ctx, q.db, "单位", code, "code = ?")
	if err != nil {
		return nil, err
	}
	o := organisationFromRow(*r)
	return &o, nil
}

// Organisations lists the organisations of the types without a table of
// their own, by type and code.
func (s *Store) Organisations(ctx context.Context) ([]engine.Organisation, error) {
	var rows []organisationRow
	if err := s.db.WithContext(ctx).Order("type, code").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]engine.Organisation, len(rows))
	for i, r := range rows {
		out[i] = organisationFromRow(r)
	}
	return out, nil
}

// PutOrganisation creates or renames an organisation of a declared type
// without a table of its own and records ev with it; see
// engine.DirectoryAdmin.
func (s *Store) PutOrganisation(ctx context.Context, o engine.Organisation, ev *audit.Entry) error {
	d, ok := engine.OrgTypeOf(o.Type)
	if !ok || d.Own || d.Fixed != "" {
		return engine.Errorf(engine.EINVALID, "单位类型“%s”不能在此新建单位。", "Organisations of type %q are not kept here.", o.Type)
	}
	if !d.InCounty && o.County != "" {
		return engine.Invalid(engine.FieldError{Field: "county", Code: "not_allowed",
			Message: "Only a county sub-branch of the central bank names a county.", MessageZH: "只有人民银行县支行须选择所属区县。"})
	}
	return s.upsert(ctx, &organisationRow{Code: o.Code, Type: string(o.Type), Name: o.Name, CountyCode: o.County}, ev, func(q queries) error {
		if d.InCounty {
			// The county is read in the write's transaction: it cannot go
			// meanwhile.
			if _, err := q.County(ctx, o.County); engine.ErrorCode(err) == engine.ENOTFOUND {
				return engine.Invalid(engine.FieldError{Field: "county", Code: "unknown",
					Message: "Choose the county the sub-branch leads with its financial office.", MessageZH: "请选择该支行所在的区县（与区县金融办共同牵头）。"})
			} else if err != nil {
				return err
			}
		}
		if taken, err := q.orgCodeTaken(ctx, o); err != nil || !taken {
			return err
		}
		return engine.Errorf(engine.EDUPLICATE, "编码“%s”已被其他单位使用。", "The code %q is another organisation's.", o.Code)
	})
}

// orgCodeTaken reports whether a park, a bank, a county or an organisation
// of another type has o's code: codes name organisations everywhere (the
// users', the cases' parties), so they are unique across the tables.
func (q queries) orgCodeTaken(ctx context.Context, o engine.Organisation) (bool, error) {
	var n int64
	err := q.db.WithContext(ctx).Raw(`SELECT (SELECT COUNT(*) FROM parks WHERE code = ?) + (SELECT COUNT(*) FROM banks WHERE code = ?)
		+ (SELECT COUNT(*) FROM counties WHERE code = ?) + (SELECT COUNT(*) FROM organisations WHERE code = ? AND type <> ?)`,
		o.Code, o.Code, o.Code, o.Code, string(o.Type)).Scan(&n).Error
	return n > 0, err
}
