package data

import (
	"fmt"
	"net/mail"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata"
	"unicode/utf8" // zones must resolve on every OS, also without a system zoneinfo

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Date is a calendar day, "YYYY-MM-DD". Kept as text so it sorts and
// compares directly and means the same day in every time zone.
type Date string

// DateLayout is the only date format Fieldbook reads and writes.
const DateLayout = "2006-01-02"

// ParseDate checks s is YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	if _, err := time.Parse(DateLayout, s); err != nil {
		return "", Errorf(ErrInvalid, "date %q is not YYYY-MM-DD", s)
	}
	return Date(s), nil
}

// Time returns the day at midnight UTC; zero for an empty or bad date.
func (d Date) Time() time.Time {
	t, _ := time.Parse(DateLayout, string(d))
	return t
}

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date { return Date(t.Format(DateLayout)) }

// CountryName returns the English name of an ISO 3166 code, or "" if unknown.
func CountryName(code string) string {
	if code == "" {
		return ""
	}
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() {
		return ""
	}
	return display.English.Regions().Name(r)
}

// Prepare fills defaults (confidentiality, statuses, UTC instants, upper-case
// codes) and validates rec. The store calls it on every save.
func Prepare(rec Record) error {
	b := rec.Meta()
	if b.Confidentiality == "" {
		b.Confidentiality = Shared
	}
	switch b.Confidentiality {
	case Shared, Office, Private:
	default:
		return fieldErr(rec.Kind(), "confidentiality", string(b.Confidentiality), "must be shared, office or private")
	}
	normalize(rec)
	if field := invalidUTF8(reflect.ValueOf(rec).Elem()); field != "" {
		return fieldErr(rec.Kind(), field, "", "is not valid UTF-8 text")
	}
	return rec.Validate()
}

// invalidUTF8 returns the JSON name of the first field holding text that is
// not valid UTF-8 (JSON would silently turn it into U+FFFD), or "".
func invalidUTF8(v reflect.Value) string {
	var bad string
	walkFields(v, func(name string, fv reflect.Value) bool {
		if !validText(fv) {
			bad = name
			return true
		}
		return false
	})
	return bad
}

func validText(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return utf8.ValidString(v.String())
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if !validText(v.Index(i)) {
				return false
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if !validText(it.Key()) || !validText(it.Value()) {
				return false
			}
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() && !validText(v.Field(i)) {
				return false
			}
		}
	}
	return true
}

func normalize(rec Record) {
	// IDs are case-insensitive ULIDs; keys and filters compare them as
	// text, so every reference is stored upper-case.
	walkFields(reflect.ValueOf(rec).Elem(), func(_ string, fv reflect.Value) bool {
		switch v := fv.Interface().(type) {
		case ID:
			fv.Set(reflect.ValueOf(ID(strings.ToUpper(string(v)))))
		case []ID:
			for i, id := range v {
				v[i] = ID(strings.ToUpper(string(id)))
			}
		}
		return false
	})
	switch r := rec.(type) {
	case *Mission:
		r.Name = strings.TrimSpace(r.Name)
		r.Country = strings.ToUpper(strings.TrimSpace(r.Country))
	case *Organization:
		r.Name = strings.TrimSpace(r.Name)
		r.Country = strings.ToUpper(strings.TrimSpace(r.Country))
	case *Contact:
		r.GivenName = strings.TrimSpace(r.GivenName)
		r.FamilyName = strings.TrimSpace(r.FamilyName)
	case *Meeting:
		r.Title = strings.TrimSpace(r.Title)
		if r.MeetingKind == "" {
			r.MeetingKind = MeetingOther
		}
		r.Start = r.Start.UTC()
	case *Seminar:
		r.Name = strings.TrimSpace(r.Name)
		r.FirstSlot = strings.TrimSpace(r.FirstSlot)
		r.Venue = strings.TrimSpace(r.Venue)
	case *FollowUp:
		r.Title = strings.TrimSpace(r.Title)
		if r.Status == "" {
			r.Status = StatusOpen
		}
		if r.Priority == "" {
			r.Priority = PriorityNormal
		}
	case *Attachment:
		r.SHA256 = strings.ToLower(r.SHA256)
	}
}

func required(k Kind, field, v string) error {
	if strings.TrimSpace(v) == "" {
		return fieldErr(k, field, "", "is required")
	}
	return nil
}

func checkCountry(k Kind, field, v string, need bool) error {
	if v == "" {
		if need {
			return fieldErr(k, field, "", "is required")
		}
		return nil
	}
	r, err := language.ParseRegion(v)
	if err != nil || !r.IsCountry() || len(v) != 2 {
		return fieldErr(k, field, v, "is not an ISO 3166 two-letter country code")
	}
	return nil
}

func checkZone(k Kind, field, v string) error {
	if v == "" {
		return fieldErr(k, field, "", "is required (an IANA zone such as Africa/Johannesburg)")
	}
	if _, err := time.LoadLocation(v); err != nil || v == "Local" {
		return fieldErr(k, field, v, "is not an IANA time zone")
	}
	return nil
}

func checkDate(k Kind, field string, d Date, need bool) error {
	if d == "" {
		if need {
			return fieldErr(k, field, "", "is required (YYYY-MM-DD)")
		}
		return nil
	}
	if _, err := time.Parse(DateLayout, string(d)); err != nil {
		return fieldErr(k, field, string(d), "is not a date (YYYY-MM-DD)")
	}
	return nil
}

func checkEmail(k Kind, field, v string) error {
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || !strings.Contains(v[strings.IndexByte(v, '@')+1:], ".") {
		return fieldErr(k, field, v, "is not a valid e-mail address")
	}
	return nil
}

func checkIDs(k Kind, field string, ids ...ID) error {
	for _, id := range ids {
		if id == "" {
			continue
		}
		if _, err := id.Bytes(); err != nil {
			return fieldErr(k, field, string(id), "is not a record ID")
		}
	}
	return nil
}

var (
	phoneRE    = regexp.MustCompile(`^\+?[0-9 ()./-]+$`)
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
	shaRE      = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// ValidPhone accepts digits with the usual separators, at least three
// digits: the rule for every phone number Fieldbook stores.
func ValidPhone(p string) bool {
	digits := 0
	for _, r := range p {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits >= 3 && phoneRE.MatchString(p)
}

func (m *Mission) Validate() error {
	k := m.Kind()
	if err := required(k, "name", m.Name); err != nil {
		return err
	}
	if err := checkCountry(k, "country", m.Country, true); err != nil {
		return err
	}
	if err := checkDate(k, "start", m.Start, true); err != nil {
		return err
	}
	if err := checkDate(k, "end", m.End, true); err != nil {
		return err
	}
	if m.End < m.Start {
		return fieldErr(k, "end", string(m.End), "is before the start "+string(m.Start))
	}
	if err := checkZone(k, "tz", m.TimeZone); err != nil {
		return err
	}
	if err := checkIDs(k, "members", m.Members...); err != nil {
		return err
	}
	if err := checkIDs(k, "hosts", m.Hosts...); err != nil {
		return err
	}
	return checkIDs(k, "delegates", m.Delegates...)
}

func (o *Organization) Validate() error {
	k := o.Kind()
	if err := required(k, "name", o.Name); err != nil {
		return err
	}
	switch o.OrgKind {
	case OrgMember, OrgHost, OrgPartner, OrgProvider:
	default:
		return fieldErr(k, "kind", string(o.OrgKind), "must be member, host, partner or provider")
	}
	if err := checkCountry(k, "country", o.Country, false); err != nil {
		return err
	}
	if o.Website != "" {
		u, err := url.Parse(o.Website)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fieldErr(k, "website", o.Website, "is not a web address (https://…)")
		}
	}
	if o.Email != "" {
		if err := checkEmail(k, "email", o.Email); err != nil {
			return err
		}
	}
	if o.Phone != "" && !ValidPhone(o.Phone) {
		return fieldErr(k, "phone", o.Phone, "is not a phone number")
	}
	if o.Employees < 0 {
		return fieldErr(k, "employees", fmt.Sprint(o.Employees), "cannot be negative")
	}
	return checkIDs(k, "logo", o.Logo)
}

func (c *Contact) Validate() error {
	k := c.Kind()
	if c.GivenName == "" && c.FamilyName == "" {
		return fieldErr(k, "family_name", "", "a given or family name is required")
	}
	for _, e := range c.Emails {
		if err := checkEmail(k, "emails", e); err != nil {
			return err
		}
	}
	for _, p := range c.Phones {
		if !ValidPhone(p) {
			return fieldErr(k, "phones", p, "is not a phone number")
		}
	}
	for _, l := range c.Languages {
		if _, err := language.Parse(l); err != nil {
			return fieldErr(k, "languages", l, "is not a language tag such as ru, uz-Cyrl or fi")
		}
	}
	if err := checkDate(k, "consent_date", c.ConsentDate, false); err != nil {
		return err
	}
	return checkIDs(k, "org", c.Org)
}

func (m *Meeting) Validate() error {
	k := m.Kind()
	if err := required(k, "mission", string(m.Mission)); err != nil {
		return err
	}
	if err := required(k, "title", m.Title); err != nil {
		return err
	}
	switch m.MeetingKind {
	case MeetingPlantVisit, MeetingB2B, MeetingFair, MeetingSeminar, MeetingOther:
	default:
		return fieldErr(k, "kind", string(m.MeetingKind), "must be plant_visit, b2b, fair, seminar or other")
	}
	if m.Start.IsZero() {
		return fieldErr(k, "start", "", "is required")
	}
	if y := m.Start.UTC().Year(); y < 1900 || y > 9999 {
		return fieldErr(k, "start", m.Start.UTC().Format(time.RFC3339), "must be between the years 1900 and 9999")
	}
	if err := checkZone(k, "tz", m.TimeZone); err != nil {
		return err
	}
	if m.DurationMin < 0 || m.DurationMin > 24*60 {
		return fieldErr(k, "duration_min", fmt.Sprint(m.DurationMin), "must be between 0 and 1440 minutes")
	}
	switch m.Interest {
	case InterestNone, InterestCold, InterestWarm, InterestHot:
	default:
		return fieldErr(k, "interest", string(m.Interest), "must be cold, warm or hot")
	}
	for _, o := range m.Opportunities {
		if strings.TrimSpace(o.Title) == "" {
			return fieldErr(k, "opportunities", "", "every opportunity needs a title")
		}
		if o.Value < 0 {
			return fieldErr(k, "opportunities", o.Title, "estimated value cannot be negative")
		}
		if o.Currency != "" && !currencyRE.MatchString(o.Currency) {
			return fieldErr(k, "opportunities", o.Currency, "currency must be an ISO 4217 code such as EUR")
		}
	}
	switch m.Status {
	case "", MeetingScheduled, MeetingHeld, MeetingNoShow, MeetingCancelled, MeetingMoved:
	default:
		return fieldErr(k, "status", string(m.Status), "must be scheduled, held, no_show, cancelled or moved")
	}
	switch m.Outcome {
	case "", OutcomeCooperation, OutcomeFollowUpMeeting, OutcomeOfferRequested, OutcomeNoInterest, OutcomeOther:
	default:
		return fieldErr(k, "outcome", string(m.Outcome), "must be cooperation_possible, follow_up_meeting, offer_requested, no_interest or other")
	}
	if m.Seminar == "" {
		// A slot and table only mean something on a seminar's agenda.
		if m.Slot != 0 {
			return fieldErr(k, "slot", fmt.Sprint(m.Slot), "needs a seminar")
		}
		if m.Table != 0 {
			return fieldErr(k, "table", fmt.Sprint(m.Table), "needs a seminar")
		}
	} else {
		if m.Slot < 1 {
			return fieldErr(k, "slot", fmt.Sprint(m.Slot), "must be 1 or more on a seminar's agenda")
		}
		if m.Table < 1 {
			return fieldErr(k, "table", fmt.Sprint(m.Table), "must be 1 or more on a seminar's agenda")
		}
	}
	if err := checkIDs(k, "seminar", m.Seminar); err != nil {
		return err
	}
	if err := checkIDs(k, "mission", m.Mission); err != nil {
		return err
	}
	if err := checkIDs(k, "orgs", m.Orgs...); err != nil {
		return err
	}
	if err := checkIDs(k, "attendees", m.Attendees...); err != nil {
		return err
	}
	return checkIDs(k, "delegates", m.Delegates...)
}

// ParseClock reads a wall-clock time "HH:MM" (24-hour) as minutes after
// midnight.
func ParseClock(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, Errorf(ErrInvalid, "time of day %q is not HH:MM", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Limits of a seminar's day.
const (
	MinSlotMinutes = 5
	MaxSlotMinutes = 240
	MaxSlots       = 100
	MaxTables      = 500
)

func (s *Seminar) Validate() error {
	k := s.Kind()
	if err := required(k, "mission", string(s.Mission)); err != nil {
		return err
	}
	if err := required(k, "name", s.Name); err != nil {
		return err
	}
	if err := checkDate(k, "date", s.Date, true); err != nil {
		return err
	}
	if err := checkZone(k, "tz", s.TimeZone); err != nil {
		return err
	}
	first, err := ParseClock(s.FirstSlot)
	if s.FirstSlot == "" {
		return fieldErr(k, "first_slot", "", "is required (HH:MM)")
	}
	if err != nil {
		return fieldErr(k, "first_slot", s.FirstSlot, "is not a time of day (HH:MM)")
	}
	if s.SlotMinutes < MinSlotMinutes || s.SlotMinutes > MaxSlotMinutes {
		return fieldErr(k, "slot_minutes", fmt.Sprint(s.SlotMinutes), fmt.Sprintf("must be between %d and %d minutes", MinSlotMinutes, MaxSlotMinutes))
	}
	if s.Slots < 1 || s.Slots > MaxSlots {
		return fieldErr(k, "slots", fmt.Sprint(s.Slots), fmt.Sprintf("must be between 1 and %d", MaxSlots))
	}
	if s.Tables < 1 || s.Tables > MaxTables {
		return fieldErr(k, "tables", fmt.Sprint(s.Tables), fmt.Sprintf("must be between 1 and %d", MaxTables))
	}
	end := first + s.Slots*s.SlotMinutes
	after := map[int]bool{}
	for _, b := range s.Breaks {
		if b.After < 1 || b.After >= s.Slots {
			return fieldErr(k, "breaks", fmt.Sprint(b.After), fmt.Sprintf("a break comes after a slot from 1 to %d", s.Slots-1))
		}
		if after[b.After] {
			return fieldErr(k, "breaks", fmt.Sprint(b.After), "has two breaks after the same slot")
		}
		after[b.After] = true
		if b.Minutes < 1 || b.Minutes > 12*60 {
			return fieldErr(k, "breaks", fmt.Sprint(b.Minutes), "a break lasts from 1 to 720 minutes")
		}
		end += b.Minutes
	}
	if end > 24*60 {
		return fieldErr(k, "slots", fmt.Sprint(s.Slots), "the last slot would end after midnight")
	}
	return checkIDs(k, "mission", s.Mission)
}

func (f *FollowUp) Validate() error {
	k := f.Kind()
	if err := required(k, "title", f.Title); err != nil {
		return err
	}
	if err := checkDate(k, "due", f.Due, true); err != nil {
		return err
	}
	if err := checkDate(k, "done_at", f.DoneAt, false); err != nil {
		return err
	}
	switch f.Status {
	case StatusOpen, StatusInProgress, StatusDone, StatusDropped:
	default:
		return fieldErr(k, "status", string(f.Status), "must be open, in_progress, done or dropped")
	}
	switch f.Priority {
	case PriorityLow, PriorityNormal, PriorityHigh:
	default:
		return fieldErr(k, "priority", string(f.Priority), "must be low, normal or high")
	}
	for _, ref := range []struct {
		field string
		id    ID
	}{{"mission", f.Mission}, {"meeting", f.Meeting}, {"org", f.Org}, {"contact", f.Contact}} {
		if err := checkIDs(k, ref.field, ref.id); err != nil {
			return err
		}
	}
	return nil
}

func (a *Attachment) Validate() error {
	k := a.Kind()
	if err := required(k, "name", a.Name); err != nil {
		return err
	}
	if !shaRE.MatchString(a.SHA256) {
		return fieldErr(k, "sha256", a.SHA256, "is not a SHA-256 in hex")
	}
	if a.Size < 0 {
		return fieldErr(k, "size", fmt.Sprint(a.Size), "cannot be negative")
	}
	return checkIDs(k, "record", a.Record)
}
