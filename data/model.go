package data

import (
	"strings"
	"time"
)

// Kind names a record type. The strings appear in the CLI (`list orgs`), in
// `search` output and in JSON, so they are part of the command-line contract.
type Kind string

const (
	KindMission    Kind = "mission"
	KindOrg        Kind = "org"
	KindContact    Kind = "contact"
	KindMeeting    Kind = "meeting"
	KindSeminar    Kind = "seminar"
	KindFollowUp   Kind = "followup"
	KindAttachment Kind = "attachment"
)

// Kinds lists every record kind in display order.
var Kinds = []Kind{KindMission, KindOrg, KindContact, KindMeeting, KindSeminar, KindFollowUp, KindAttachment}

// ParseKind accepts the singular and plural forms used on the command line.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(s) {
	case "mission", "missions":
		return KindMission, nil
	case "org", "orgs", "organization", "organizations", "organisation", "organisations":
		return KindOrg, nil
	case "contact", "contacts":
		return KindContact, nil
	case "meeting", "meetings":
		return KindMeeting, nil
	case "seminar", "seminars":
		return KindSeminar, nil
	case "followup", "followups", "follow-up", "follow-ups":
		return KindFollowUp, nil
	case "attachment", "attachments":
		return KindAttachment, nil
	}
	return "", Errorf(ErrInvalid, "unknown record type %q (want missions, orgs, contacts, meetings, seminars, followups or attachments)", s)
}

// Confidentiality says who may see a record: the whole delegation, the
// cluster office only, or this device only (never synced or exported unless
// the user explicitly includes private records).
type Confidentiality string

const (
	Shared  Confidentiality = "shared"
	Office  Confidentiality = "office"
	Private Confidentiality = "private"
)

// Base is embedded in every record. The store fills Created and Updated.
type Base struct {
	ID              ID              `json:"id"`
	Created         time.Time       `json:"created"`
	Updated         time.Time       `json:"updated"`
	Confidentiality Confidentiality `json:"confidentiality,omitempty"`
}

// Meta gives the store access to the common fields of any record.
func (b *Base) Meta() *Base { return b }

// Record is implemented by every domain type.
type Record interface {
	Kind() Kind
	Meta() *Base
	// Validate checks the record's own fields (not references to other
	// records, which the store checks) and returns a *FieldError.
	Validate() error
	// Label is the short human name shown in lists and search results.
	Label() string
	// SearchText lists the record's searchable text with weights: names
	// and titles rank above notes.
	SearchText() []Weighted
}

// Weighted is a piece of searchable text and how much a match in it counts.
type Weighted struct {
	Text   string
	Weight uint8
}

// Search weights.
const (
	WeightName  uint8 = 4
	WeightField uint8 = 2
	WeightText  uint8 = 1
)

// New returns an empty record of kind k.
func New(k Kind) (Record, error) {
	switch k {
	case KindMission:
		return &Mission{}, nil
	case KindOrg:
		return &Organization{}, nil
	case KindContact:
		return &Contact{}, nil
	case KindMeeting:
		return &Meeting{}, nil
	case KindSeminar:
		return &Seminar{}, nil
	case KindFollowUp:
		return &FollowUp{}, nil
	case KindAttachment:
		return &Attachment{}, nil
	}
	return nil, Errorf(ErrInvalid, "unknown record kind %q", string(k))
}

// Mission is one trip of a delegation to a target market.
type Mission struct {
	Base
	Name       string   `json:"name"`
	Country    string   `json:"country"` // ISO 3166-1 alpha-2
	Cities     []string `json:"cities,omitempty"`
	Start      Date     `json:"start"`
	End        Date     `json:"end"`
	TimeZone   string   `json:"tz"` // IANA zone of the target market
	Cluster    string   `json:"cluster,omitempty"`
	Sector     string   `json:"sector,omitempty"`
	Objectives string   `json:"objectives,omitempty"`
	// Members are the participating member organizations, Hosts the local
	// companies visited, Delegates the travelling people (contacts).
	Members   []ID `json:"members,omitempty"`
	Hosts     []ID `json:"hosts,omitempty"`
	Delegates []ID `json:"delegates,omitempty"`
}

func (*Mission) Kind() Kind      { return KindMission }
func (m *Mission) Label() string { return m.Name }
func (m *Mission) SearchText() []Weighted {
	return []Weighted{
		{m.Name, WeightName},
		{strings.Join(m.Cities, " "), WeightField},
		{CountryName(m.Country), WeightField},
		{m.Sector + " " + m.Cluster, WeightField},
		{m.Objectives, WeightText},
	}
}

// OrgKind says what role an organization plays for the delegation.
type OrgKind string

const (
	OrgMember   OrgKind = "member"
	OrgHost     OrgKind = "host"
	OrgPartner  OrgKind = "partner"
	OrgProvider OrgKind = "provider"
)

// Organization is a company or institution: a member of the cluster, a host
// visited on a mission, a partner institution or a service provider.
type Organization struct {
	Base
	Name    string  `json:"name"`
	OrgKind OrgKind `json:"kind"`
	Country string  `json:"country,omitempty"`
	City    string  `json:"city,omitempty"`
	Address string  `json:"address,omitempty"`
	Sector  string  `json:"sector,omitempty"`
	Website string  `json:"website,omitempty"`
	Email   string  `json:"email,omitempty"`
	Phone   string  `json:"phone,omitempty"`
	// Tagline and Description are per language (BCP 47 tag → text), so a
	// brochure can be printed in the host's language.
	Tagline        Texts    `json:"tagline,omitempty"`
	Description    Texts    `json:"description,omitempty"`
	Products       []string `json:"products,omitempty"`
	Capabilities   []string `json:"capabilities,omitempty"`
	Certifications []string `json:"certifications,omitempty"`
	References     []string `json:"references,omitempty"`
	Employees      int      `json:"employees,omitempty"`
	Logo           ID       `json:"logo,omitempty"` // an Attachment
	Tags           []string `json:"tags,omitempty"`
}

func (*Organization) Kind() Kind      { return KindOrg }
func (o *Organization) Label() string { return o.Name }
func (o *Organization) SearchText() []Weighted {
	return []Weighted{
		{o.Name, WeightName},
		{o.City + " " + CountryName(o.Country) + " " + o.Sector + " " + o.Website + " " + o.Email, WeightField},
		{strings.Join(o.Tags, " "), WeightField},
		{strings.Join(o.Products, " ") + " " + strings.Join(o.Capabilities, " ") + " " + strings.Join(o.Certifications, " "), WeightText},
		{o.Tagline.All() + " " + o.Description.All(), WeightText},
	}
}

// Texts maps a language tag ("en", "fi", "et", "ru") to a text.
type Texts map[string]string

// All joins every language's text, for search.
func (t Texts) All() string {
	var b strings.Builder
	for _, s := range t {
		b.WriteString(s)
		b.WriteByte(' ')
	}
	return b.String()
}

// Contact is a person: a host's employee met on a mission, or a delegate.
type Contact struct {
	Base
	GivenName  string   `json:"given_name"`
	FamilyName string   `json:"family_name"`
	Title      string   `json:"title,omitempty"`
	Org        ID       `json:"org,omitempty"`
	Emails     []string `json:"emails,omitempty"`
	Phones     []string `json:"phones,omitempty"`
	Languages  []string `json:"languages,omitempty"`
	Notes      string   `json:"notes,omitempty"`
	// Source says where the contact came from: manual, qr, vcard, import, sample.
	Source string `json:"source,omitempty"`
	// Consent records that the person agreed to be kept on file, and when.
	Consent     bool     `json:"consent,omitempty"`
	ConsentDate Date     `json:"consent_date,omitempty"`
	Tags        []string `json:"tags,omitempty"`
}

func (*Contact) Kind() Kind { return KindContact }
func (c *Contact) Label() string {
	return strings.TrimSpace(c.GivenName + " " + c.FamilyName)
}
func (c *Contact) SearchText() []Weighted {
	return []Weighted{
		{c.GivenName + " " + c.FamilyName, WeightName},
		{c.Title + " " + strings.Join(c.Emails, " ") + " " + strings.Join(c.Phones, " ") + " " + strings.Join(c.Tags, " "), WeightField},
		{c.Notes, WeightText},
	}
}

// MeetingKind is the setting of a meeting.
type MeetingKind string

const (
	MeetingPlantVisit MeetingKind = "plant_visit"
	MeetingB2B        MeetingKind = "b2b"
	MeetingFair       MeetingKind = "fair"
	MeetingSeminar    MeetingKind = "seminar"
	MeetingOther      MeetingKind = "other"
)

// Interest is how hot a lead is.
type Interest string

const (
	InterestNone Interest = ""
	InterestCold Interest = "cold"
	InterestWarm Interest = "warm"
	InterestHot  Interest = "hot"
)

// Meeting is one conversation at a plant visit, fair or B2B seminar.
type Meeting struct {
	Base
	Mission     ID          `json:"mission"`
	MeetingKind MeetingKind `json:"kind"`
	Title       string      `json:"title"`
	// Start is the UTC instant; TimeZone the IANA zone where the meeting
	// happened, so it can be shown in local mission time and in home time.
	Start         time.Time     `json:"start"`
	TimeZone      string        `json:"tz"`
	DurationMin   int           `json:"duration_min,omitempty"`
	Location      string        `json:"location,omitempty"`
	Orgs          []ID          `json:"orgs,omitempty"`
	Attendees     []ID          `json:"attendees,omitempty"` // host-side contacts
	Delegates     []ID          `json:"delegates,omitempty"` // our people present
	Notes         string        `json:"notes,omitempty"`
	Tags          []string      `json:"tags,omitempty"`
	Opportunities []Opportunity `json:"opportunities,omitempty"`
	Interest      Interest      `json:"interest,omitempty"`
	// Seminar, Table and Slot place a meeting on a B2B seminar's agenda
	// (Slot and Table count from 1); Status and Outcome are what the
	// delegate records during the seminar.
	Seminar ID            `json:"seminar,omitempty"`
	Table   int           `json:"table,omitempty"`
	Slot    int           `json:"slot,omitempty"`
	Status  MeetingStatus `json:"status,omitempty"`
	Outcome Outcome       `json:"outcome,omitempty"`
}

// MeetingStatus is what became of a scheduled meeting. Empty means
// scheduled: meetings logged after the fact never had a status.
type MeetingStatus string

const (
	MeetingScheduled MeetingStatus = "scheduled"
	MeetingHeld      MeetingStatus = "held"
	MeetingNoShow    MeetingStatus = "no_show"
	MeetingCancelled MeetingStatus = "cancelled"
	MeetingMoved     MeetingStatus = "moved"
)

// MeetingStatuses lists the statuses in the order the UI offers them.
var MeetingStatuses = []MeetingStatus{MeetingScheduled, MeetingHeld, MeetingNoShow, MeetingCancelled, MeetingMoved}

// Outcome is the result of a B2B meeting as the delegate sums it up.
type Outcome string

const (
	OutcomeCooperation     Outcome = "cooperation_possible"
	OutcomeFollowUpMeeting Outcome = "follow_up_meeting"
	OutcomeOfferRequested  Outcome = "offer_requested"
	OutcomeNoInterest      Outcome = "no_interest"
	OutcomeOther           Outcome = "other"
)

// Outcomes lists the outcomes in the order the UI offers them.
var Outcomes = []Outcome{OutcomeCooperation, OutcomeFollowUpMeeting, OutcomeOfferRequested, OutcomeNoInterest, OutcomeOther}

// EffectiveStatus is the meeting's status, scheduled when none was set.
func (m *Meeting) EffectiveStatus() MeetingStatus {
	if m.Status == "" {
		return MeetingScheduled
	}
	return m.Status
}

// Opportunity is a business lead discussed in a meeting.
type Opportunity struct {
	Title    string  `json:"title"`
	Value    float64 `json:"value,omitempty"`
	Currency string  `json:"currency,omitempty"` // ISO 4217
}

func (*Meeting) Kind() Kind      { return KindMeeting }
func (m *Meeting) Label() string { return m.Title }
func (m *Meeting) SearchText() []Weighted {
	var opp []string
	for _, o := range m.Opportunities {
		opp = append(opp, o.Title)
	}
	return []Weighted{
		{m.Title, WeightName},
		{m.Location + " " + strings.Join(m.Tags, " ") + " " + strings.Join(opp, " "), WeightField},
		{m.Notes, WeightText},
	}
}

// Local returns the start in the meeting's own zone.
func (m *Meeting) Local() time.Time {
	if loc, err := time.LoadLocation(m.TimeZone); err == nil {
		return m.Start.In(loc)
	}
	return m.Start
}

// Seminar is a B2B matchmaking seminar of a mission: back-to-back slots at
// numbered tables, where delegates meet host companies. Its agenda is the
// mission's meetings that name it (Meeting.Seminar, Slot, Table).
type Seminar struct {
	Base
	Mission  ID     `json:"mission"`
	Name     string `json:"name"`
	Venue    string `json:"venue,omitempty"`
	Date     Date   `json:"date"`
	TimeZone string `json:"tz"` // IANA zone of the venue
	// FirstSlot is the local start of slot 1, "HH:MM"; every slot lasts
	// SlotMinutes, and Breaks push the slots after them back.
	FirstSlot   string  `json:"first_slot"`
	SlotMinutes int     `json:"slot_minutes"`
	Slots       int     `json:"slots"`
	Tables      int     `json:"tables"`
	Breaks      []Break `json:"breaks,omitempty"`
	Notes       string  `json:"notes,omitempty"`
}

// Break is a pause of Minutes after slot After (coffee, lunch).
type Break struct {
	After   int    `json:"after"`
	Minutes int    `json:"minutes"`
	Label   string `json:"label,omitempty"`
}

func (*Seminar) Kind() Kind      { return KindSeminar }
func (s *Seminar) Label() string { return s.Name }
func (s *Seminar) SearchText() []Weighted {
	return []Weighted{
		{s.Name, WeightName},
		{s.Venue, WeightField},
		{s.Notes, WeightText},
	}
}

// Status of a follow-up.
type Status string

const (
	StatusOpen       Status = "open"
	StatusInProgress Status = "in_progress"
	StatusDone       Status = "done"
	StatusDropped    Status = "dropped"
)

// Priority of a follow-up.
type Priority string

const (
	PriorityLow    Priority = "low"
	PriorityNormal Priority = "normal"
	PriorityHigh   Priority = "high"
)

// FollowUp is an action agreed in a meeting or after a visit.
type FollowUp struct {
	Base
	Title    string   `json:"title"`
	Details  string   `json:"details,omitempty"`
	Owner    string   `json:"owner,omitempty"`
	Due      Date     `json:"due"`
	Status   Status   `json:"status"`
	Priority Priority `json:"priority,omitempty"`
	Mission  ID       `json:"mission,omitempty"`
	Meeting  ID       `json:"meeting,omitempty"`
	Org      ID       `json:"org,omitempty"`
	Contact  ID       `json:"contact,omitempty"`
	DoneAt   Date     `json:"done_at,omitempty"`
}

func (*FollowUp) Kind() Kind      { return KindFollowUp }
func (f *FollowUp) Label() string { return f.Title }
func (f *FollowUp) SearchText() []Weighted {
	return []Weighted{
		{f.Title, WeightName},
		{f.Owner, WeightField},
		{f.Details, WeightText},
	}
}

// Attachment is a file (card photo, brochure, logo) linked to a record. The
// content lives in the store's blob space, addressed by its SHA-256.
type Attachment struct {
	Base
	Name      string `json:"name"`
	MediaType string `json:"media_type"`
	SHA256    string `json:"sha256"` // lower-case hex
	Size      int64  `json:"size"`
	Record    ID     `json:"record,omitempty"` // the record it belongs to
	Note      string `json:"note,omitempty"`
}

func (*Attachment) Kind() Kind      { return KindAttachment }
func (a *Attachment) Label() string { return a.Name }
func (a *Attachment) SearchText() []Weighted {
	return []Weighted{{a.Name, WeightName}, {a.Note, WeightText}}
}
