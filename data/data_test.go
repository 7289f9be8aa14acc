package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
)

// Fixed IDs for references in test records.
var (
	testMissionID = DeterministicID(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "test:mission")
	testOrgID     = DeterministicID(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "test:org")
	testContactID = DeterministicID(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "test:contact")
	testMeetingID = DeterministicID(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "test:meeting")
	testAttachID  = DeterministicID(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "test:attachment")
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// validRecord returns a fresh, fully populated record of kind k that passes
// Prepare. Every call returns a new value, so tests may mutate it.
func validRecord(k Kind) Record {
	jnb, _ := time.LoadLocation("Africa/Johannesburg")
	switch k {
	case KindMission:
		return &Mission{
			Base: Base{ID: testMissionID}, Name: "Richards Bay plant visits", Country: "ZA",
			Cities: []string{"Richards Bay", "Durban"}, Start: "2026-03-09", End: "2026-03-13",
			TimeZone: "Africa/Johannesburg", Cluster: "Mechatronics", Sector: "Mining equipment",
			Objectives: "Hydraulics and cabins for articulated haulers",
			Members:    []ID{testOrgID}, Hosts: []ID{testOrgID}, Delegates: []ID{testContactID},
		}
	case KindOrg:
		return &Organization{
			Base: Base{ID: testOrgID}, Name: "Hydroset Oy", OrgKind: OrgMember, Country: "FI",
			City: "Seinäjoki", Address: "Teollisuustie 14", Sector: "Hydraulics",
			Website: "https://hydroset.example", Email: "sales@hydroset.example", Phone: "+358 6 421 7700",
			Tagline:     Texts{"en": "Hydraulic cylinders", "fi": "Hydraulisylinterit"},
			Description: Texts{"en": "Welded cylinders"},
			Products:    []string{"Cylinders"}, Capabilities: []string{"Honing"},
			Certifications: []string{"ISO 9001"}, References: []string{"Sandvik"},
			Employees: 120, Logo: testAttachID, Tags: []string{"hydraulics"},
		}
	case KindContact:
		return &Contact{
			Base: Base{ID: testContactID}, GivenName: "Ғулом", FamilyName: "Қодиров", Title: "Бош муҳандис",
			Org: testOrgID, Emails: []string{"gulom@suv.example"}, Phones: []string{"+998 71 123 45 67"},
			Languages: []string{"uz", "ru"}, Notes: "Met at Oʻzbekiston pavilion", Source: "qr",
			Consent: true, ConsentDate: "2026-05-19", Tags: []string{"water"},
		}
	case KindMeeting:
		return &Meeting{
			Base: Base{ID: testMeetingID}, Mission: testMissionID, MeetingKind: MeetingPlantVisit,
			Title: "Plant visit: haulers", Start: time.Date(2026, 3, 10, 9, 30, 0, 0, jnb),
			TimeZone: "Africa/Johannesburg", DurationMin: 90, Location: "Richards Bay",
			Orgs: []ID{testOrgID}, Attendees: []ID{testContactID}, Delegates: []ID{testContactID},
			Notes: "Bore 160 mm", Tags: []string{"hydraulics"},
			Opportunities: []Opportunity{{Title: "Hoist cylinders", Value: 120000, Currency: "EUR"}},
			Interest:      InterestHot,
		}
	case KindSeminar:
		return &Seminar{
			Base:    Base{ID: DeterministicID(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "test:seminar")},
			Mission: testMissionID, Name: "Richards Bay B2B", Venue: "Mhlathuze Conference Centre",
			Date: "2026-03-11", TimeZone: "Africa/Johannesburg", FirstSlot: "09:00", SlotMinutes: 20,
			Slots: 10, Tables: 6, Breaks: []Break{{After: 4, Minutes: 20, Label: "Coffee"}}, Notes: "Main hall",
		}
	case KindFollowUp:
		return &FollowUp{
			Base:  Base{ID: DeterministicID(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "test:followup")},
			Title: "Send offer", Details: "Hoist cylinders, 40 pcs", Owner: "Päivi Mäkinen",
			Due: "2026-04-01", Status: StatusInProgress, Priority: PriorityHigh,
			Mission: testMissionID, Meeting: testMeetingID, Org: testOrgID, Contact: testContactID,
		}
	case KindAttachment:
		return &Attachment{
			Base: Base{ID: testAttachID}, Name: "brochure.pdf", MediaType: "application/pdf",
			SHA256: strings.Repeat("ab", 32), Size: 1024, Record: testOrgID, Note: "English brochure",
		}
	}
	panic("unknown kind " + string(k))
}

// wantFieldError checks err is a *FieldError for field that wraps ErrInvalid.
func wantFieldError(t *testing.T, err error, kind Kind, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error for field %q, got nil", field)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("error %v does not wrap ErrInvalid", err)
	}
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *FieldError", err, err)
	}
	if fe.Field != field {
		t.Errorf("FieldError names field %q, want %q (%v)", fe.Field, field, err)
	}
	if fe.Kind != kind {
		t.Errorf("FieldError names kind %q, want %q", fe.Kind, kind)
	}
	if !strings.Contains(err.Error(), field) {
		t.Errorf("message %q does not mention the field %q", err.Error(), field)
	}
}

func TestValidRecordsPrepare(t *testing.T) {
	for _, k := range Kinds {
		if err := Prepare(validRecord(k)); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
}

func TestPrepareDefaults(t *testing.T) {
	jnb := mustZone(t, "Africa/Johannesburg")

	m := &Mission{Name: "  Cleantech Tashkent ", Country: " uz", Start: "2026-05-18", End: "2026-05-22", TimeZone: "Asia/Tashkent"}
	if err := Prepare(m); err != nil {
		t.Fatal(err)
	}
	if m.Confidentiality != Shared {
		t.Errorf("mission confidentiality = %q, want shared", m.Confidentiality)
	}
	if m.Country != "UZ" || m.Name != "Cleantech Tashkent" {
		t.Errorf("mission country/name = %q/%q, want UZ/trimmed", m.Country, m.Name)
	}

	o := &Organization{Name: "Hydroset Oy ", OrgKind: OrgMember, Country: "fi"}
	if err := Prepare(o); err != nil {
		t.Fatal(err)
	}
	if o.Country != "FI" || o.Name != "Hydroset Oy" || o.Confidentiality != Shared {
		t.Errorf("org = %q %q %q", o.Country, o.Name, o.Confidentiality)
	}

	c := &Contact{GivenName: " Sipho ", FamilyName: " Dlamini", Base: Base{Confidentiality: Private}}
	if err := Prepare(c); err != nil {
		t.Fatal(err)
	}
	if c.GivenName != "Sipho" || c.FamilyName != "Dlamini" {
		t.Errorf("contact names not trimmed: %q %q", c.GivenName, c.FamilyName)
	}
	if c.Confidentiality != Private {
		t.Errorf("explicit confidentiality overwritten: %q", c.Confidentiality)
	}

	local := time.Date(2026, 3, 10, 9, 30, 0, 0, jnb)
	mt := &Meeting{Mission: testMissionID, Title: " Plant visit ", Start: local, TimeZone: "Africa/Johannesburg"}
	if err := Prepare(mt); err != nil {
		t.Fatal(err)
	}
	if mt.MeetingKind != MeetingOther {
		t.Errorf("meeting kind = %q, want other", mt.MeetingKind)
	}
	if mt.Start.Location() != time.UTC {
		t.Errorf("meeting start location = %v, want UTC", mt.Start.Location())
	}
	if want := time.Date(2026, 3, 10, 7, 30, 0, 0, time.UTC); !mt.Start.Equal(want) || mt.Start.Hour() != 7 {
		t.Errorf("meeting start = %v, want %v", mt.Start, want)
	}
	if got := mt.Local(); got.Hour() != 9 || got.Location().String() != "Africa/Johannesburg" {
		t.Errorf("Local() = %v, want 09:30 in Johannesburg", got)
	}
	if mt.Title != "Plant visit" || mt.Confidentiality != Shared {
		t.Errorf("meeting title/conf = %q/%q", mt.Title, mt.Confidentiality)
	}

	f := &FollowUp{Title: "Send offer", Due: "2026-04-01", Base: Base{Confidentiality: Office}}
	if err := Prepare(f); err != nil {
		t.Fatal(err)
	}
	if f.Status != StatusOpen || f.Priority != PriorityNormal || f.Confidentiality != Office {
		t.Errorf("follow-up defaults = %q %q %q", f.Status, f.Priority, f.Confidentiality)
	}

	a := &Attachment{Name: "card.jpg", SHA256: strings.Repeat("AB", 32)}
	if err := Prepare(a); err != nil {
		t.Fatal(err)
	}
	if a.SHA256 != strings.Repeat("ab", 32) {
		t.Errorf("sha256 not lower-cased: %q", a.SHA256)
	}
}

func TestPrepareAccepts(t *testing.T) {
	cases := []struct {
		name string
		kind Kind
		mut  func(Record)
	}{
		{"mission of one day", KindMission, func(r Record) { m := r.(*Mission); m.End = m.Start }},
		{"mission in UTC", KindMission, func(r Record) { r.(*Mission).TimeZone = "UTC" }},
		{"mission leap day", KindMission, func(r Record) { m := r.(*Mission); m.Start, m.End = "2028-02-29", "2028-03-01" }},
		{"mission without links", KindMission, func(r Record) {
			m := r.(*Mission)
			m.Members, m.Hosts, m.Delegates = nil, nil, nil
		}},
		{"org without country", KindOrg, func(r Record) { r.(*Organization).Country = "" }},
		{"org host", KindOrg, func(r Record) { r.(*Organization).OrgKind = OrgHost }},
		{"org partner", KindOrg, func(r Record) { r.(*Organization).OrgKind = OrgPartner }},
		{"org provider", KindOrg, func(r Record) { r.(*Organization).OrgKind = OrgProvider }},
		{"org http website", KindOrg, func(r Record) { r.(*Organization).Website = "http://rb-trucks.example/en/" }},
		{"org phone with brackets", KindOrg, func(r Record) { r.(*Organization).Phone = "(035) 797-1234" }},
		{"org zero employees", KindOrg, func(r Record) { r.(*Organization).Employees = 0 }},
		{"org office", KindOrg, func(r Record) { r.Meta().Confidentiality = Office }},
		{"contact family name only", KindContact, func(r Record) { r.(*Contact).GivenName = "" }},
		{"contact given name only", KindContact, func(r Record) { r.(*Contact).FamilyName = "" }},
		{"contact without mail", KindContact, func(r Record) { r.(*Contact).Emails = nil }},
		{"meeting b2b", KindMeeting, func(r Record) { r.(*Meeting).MeetingKind = MeetingB2B }},
		{"meeting fair", KindMeeting, func(r Record) { r.(*Meeting).MeetingKind = MeetingFair }},
		{"meeting seminar", KindMeeting, func(r Record) { r.(*Meeting).MeetingKind = MeetingSeminar }},
		{"meeting full day", KindMeeting, func(r Record) { r.(*Meeting).DurationMin = 1440 }},
		{"meeting no duration", KindMeeting, func(r Record) { r.(*Meeting).DurationMin = 0 }},
		{"meeting no interest", KindMeeting, func(r Record) { r.(*Meeting).Interest = InterestNone }},
		{"meeting cold", KindMeeting, func(r Record) { r.(*Meeting).Interest = InterestCold }},
		{"meeting warm", KindMeeting, func(r Record) { r.(*Meeting).Interest = InterestWarm }},
		{"opportunity without value", KindMeeting, func(r Record) {
			r.(*Meeting).Opportunities = []Opportunity{{Title: "Pilot"}}
		}},
		{"follow-up done", KindFollowUp, func(r Record) { f := r.(*FollowUp); f.Status, f.DoneAt = StatusDone, "2026-04-02" }},
		{"follow-up dropped low", KindFollowUp, func(r Record) { f := r.(*FollowUp); f.Status, f.Priority = StatusDropped, PriorityLow }},
		{"follow-up without links", KindFollowUp, func(r Record) {
			f := r.(*FollowUp)
			f.Mission, f.Meeting, f.Org, f.Contact = "", "", "", ""
		}},
		{"attachment empty file", KindAttachment, func(r Record) { r.(*Attachment).Size = 0 }},
		{"attachment private", KindAttachment, func(r Record) { r.Meta().Confidentiality = Private }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := validRecord(tc.kind)
			tc.mut(r)
			if err := Prepare(r); err != nil {
				t.Fatalf("rejected: %v", err)
			}
		})
	}
}

func TestPrepareRejects(t *testing.T) {
	badID := ID("not-a-ulid")
	cases := []struct {
		name  string
		kind  Kind
		mut   func(Record)
		field string
	}{
		// Every kind: confidentiality.
		{"mission bad confidentiality", KindMission, func(r Record) { r.Meta().Confidentiality = "secret" }, "confidentiality"},
		{"org bad confidentiality", KindOrg, func(r Record) { r.Meta().Confidentiality = "Shared" }, "confidentiality"},
		{"attachment bad confidentiality", KindAttachment, func(r Record) { r.Meta().Confidentiality = "public" }, "confidentiality"},

		// Mission.
		{"mission no name", KindMission, func(r Record) { r.(*Mission).Name = "  " }, "name"},
		{"mission no country", KindMission, func(r Record) { r.(*Mission).Country = "" }, "country"},
		{"mission 3-letter country", KindMission, func(r Record) { r.(*Mission).Country = "ZAF" }, "country"},
		{"mission numeric region", KindMission, func(r Record) { r.(*Mission).Country = "001" }, "country"},
		{"mission unknown country", KindMission, func(r Record) { r.(*Mission).Country = "QQ" }, "country"},
		{"mission grouping not a country", KindMission, func(r Record) { r.(*Mission).Country = "EU" }, "country"},
		{"mission no start", KindMission, func(r Record) { r.(*Mission).Start = "" }, "start"},
		{"mission bad start", KindMission, func(r Record) { r.(*Mission).Start = "2026-13-01" }, "start"},
		{"mission no end", KindMission, func(r Record) { r.(*Mission).End = "" }, "end"},
		{"mission finnish date", KindMission, func(r Record) { r.(*Mission).End = "13.3.2026" }, "end"},
		{"mission end before start", KindMission, func(r Record) { r.(*Mission).End = "2026-03-08" }, "end"},
		{"mission no tz", KindMission, func(r Record) { r.(*Mission).TimeZone = "" }, "tz"},
		{"mission unknown tz", KindMission, func(r Record) { r.(*Mission).TimeZone = "Africa/Richards_Bay" }, "tz"},
		{"mission Local tz", KindMission, func(r Record) { r.(*Mission).TimeZone = "Local" }, "tz"},
		{"mission offset tz", KindMission, func(r Record) { r.(*Mission).TimeZone = "+02:00" }, "tz"},
		{"mission bad member", KindMission, func(r Record) { r.(*Mission).Members = []ID{testOrgID, badID} }, "members"},
		{"mission bad host", KindMission, func(r Record) { r.(*Mission).Hosts = []ID{badID} }, "hosts"},
		{"mission bad delegate", KindMission, func(r Record) { r.(*Mission).Delegates = []ID{badID} }, "delegates"},

		// Organization.
		{"org no name", KindOrg, func(r Record) { r.(*Organization).Name = "" }, "name"},
		{"org no kind", KindOrg, func(r Record) { r.(*Organization).OrgKind = "" }, "kind"},
		{"org unknown kind", KindOrg, func(r Record) { r.(*Organization).OrgKind = "customer" }, "kind"},
		{"org bad country", KindOrg, func(r Record) { r.(*Organization).Country = "Finland" }, "country"},
		{"org website without scheme", KindOrg, func(r Record) { r.(*Organization).Website = "hydroset.example" }, "website"},
		{"org ftp website", KindOrg, func(r Record) { r.(*Organization).Website = "ftp://hydroset.example" }, "website"},
		{"org website without host", KindOrg, func(r Record) { r.(*Organization).Website = "https://" }, "website"},
		{"org bad website", KindOrg, func(r Record) { r.(*Organization).Website = "https://exa mple.com/%zz" }, "website"},
		{"org email without domain", KindOrg, func(r Record) { r.(*Organization).Email = "sales@" }, "email"},
		{"org email without dot", KindOrg, func(r Record) { r.(*Organization).Email = "sales@localhost" }, "email"},
		{"org email with name", KindOrg, func(r Record) { r.(*Organization).Email = "Sales <sales@hydroset.example>" }, "email"},
		{"org email no at", KindOrg, func(r Record) { r.(*Organization).Email = "hydroset.example" }, "email"},
		{"org bad phone", KindOrg, func(r Record) { r.(*Organization).Phone = "call reception" }, "phone"},
		{"org short phone", KindOrg, func(r Record) { r.(*Organization).Phone = "12" }, "phone"},
		{"org negative employees", KindOrg, func(r Record) { r.(*Organization).Employees = -1 }, "employees"},
		{"org bad logo", KindOrg, func(r Record) { r.(*Organization).Logo = badID }, "logo"},

		// Contact.
		{"contact no name", KindContact, func(r Record) { c := r.(*Contact); c.GivenName, c.FamilyName = " ", "" }, "family_name"},
		{"contact bad email", KindContact, func(r Record) { r.(*Contact).Emails = []string{"gulom@suv.example", "gulom@"} }, "emails"},
		{"contact bad phone", KindContact, func(r Record) { r.(*Contact).Phones = []string{"+998 abc"} }, "phones"},
		{"contact bad consent date", KindContact, func(r Record) { r.(*Contact).ConsentDate = "2026-02-30" }, "consent_date"},
		{"contact bad org", KindContact, func(r Record) { r.(*Contact).Org = badID }, "org"},

		// Meeting.
		{"meeting no mission", KindMeeting, func(r Record) { r.(*Meeting).Mission = "" }, "mission"},
		{"meeting bad mission", KindMeeting, func(r Record) { r.(*Meeting).Mission = badID }, "mission"},
		{"meeting no title", KindMeeting, func(r Record) { r.(*Meeting).Title = "\t" }, "title"},
		{"meeting unknown kind", KindMeeting, func(r Record) { r.(*Meeting).MeetingKind = "lunch" }, "kind"},
		{"meeting no start", KindMeeting, func(r Record) { r.(*Meeting).Start = time.Time{} }, "start"},
		{"meeting no tz", KindMeeting, func(r Record) { r.(*Meeting).TimeZone = "" }, "tz"},
		{"meeting bad tz", KindMeeting, func(r Record) { r.(*Meeting).TimeZone = "Asia/Samarkand_City" }, "tz"},
		{"meeting negative duration", KindMeeting, func(r Record) { r.(*Meeting).DurationMin = -5 }, "duration_min"},
		{"meeting too long", KindMeeting, func(r Record) { r.(*Meeting).DurationMin = 1441 }, "duration_min"},
		{"meeting unknown interest", KindMeeting, func(r Record) { r.(*Meeting).Interest = "lukewarm" }, "interest"},
		{"opportunity without title", KindMeeting, func(r Record) {
			r.(*Meeting).Opportunities = []Opportunity{{Title: " ", Value: 10}}
		}, "opportunities"},
		{"opportunity negative value", KindMeeting, func(r Record) {
			r.(*Meeting).Opportunities = []Opportunity{{Title: "Pilot", Value: -1, Currency: "EUR"}}
		}, "opportunities"},
		{"opportunity lower-case currency", KindMeeting, func(r Record) {
			r.(*Meeting).Opportunities = []Opportunity{{Title: "Pilot", Value: 1, Currency: "eur"}}
		}, "opportunities"},
		{"opportunity long currency", KindMeeting, func(r Record) {
			r.(*Meeting).Opportunities = []Opportunity{{Title: "Pilot", Currency: "EURO"}}
		}, "opportunities"},
		{"opportunity currency symbol", KindMeeting, func(r Record) {
			r.(*Meeting).Opportunities = []Opportunity{{Title: "Pilot", Currency: "€"}}
		}, "opportunities"},
		{"meeting bad org", KindMeeting, func(r Record) { r.(*Meeting).Orgs = []ID{badID} }, "orgs"},
		{"meeting bad attendee", KindMeeting, func(r Record) { r.(*Meeting).Attendees = []ID{badID} }, "attendees"},
		{"meeting bad delegate", KindMeeting, func(r Record) { r.(*Meeting).Delegates = []ID{badID} }, "delegates"},

		// Follow-up.
		{"follow-up no title", KindFollowUp, func(r Record) { r.(*FollowUp).Title = "" }, "title"},
		{"follow-up no due", KindFollowUp, func(r Record) { r.(*FollowUp).Due = "" }, "due"},
		{"follow-up bad due", KindFollowUp, func(r Record) { r.(*FollowUp).Due = "tomorrow" }, "due"},
		{"follow-up bad done_at", KindFollowUp, func(r Record) { r.(*FollowUp).DoneAt = "2026-04-31" }, "done_at"},
		{"follow-up unknown status", KindFollowUp, func(r Record) { r.(*FollowUp).Status = "closed" }, "status"},
		{"follow-up unknown priority", KindFollowUp, func(r Record) { r.(*FollowUp).Priority = "urgent" }, "priority"},
		{"follow-up bad mission", KindFollowUp, func(r Record) { r.(*FollowUp).Mission = badID }, "mission"},
		{"follow-up bad meeting", KindFollowUp, func(r Record) { r.(*FollowUp).Meeting = badID }, "meeting"},
		{"follow-up bad org", KindFollowUp, func(r Record) { r.(*FollowUp).Org = badID }, "org"},
		{"follow-up bad contact", KindFollowUp, func(r Record) { r.(*FollowUp).Contact = badID }, "contact"},

		// Attachment.
		{"attachment no name", KindAttachment, func(r Record) { r.(*Attachment).Name = "" }, "name"},
		{"attachment no sha256", KindAttachment, func(r Record) { r.(*Attachment).SHA256 = "" }, "sha256"},
		{"attachment short sha256", KindAttachment, func(r Record) { r.(*Attachment).SHA256 = "abc123" }, "sha256"},
		{"attachment non-hex sha256", KindAttachment, func(r Record) { r.(*Attachment).SHA256 = strings.Repeat("g", 64) }, "sha256"},
		{"attachment long sha256", KindAttachment, func(r Record) { r.(*Attachment).SHA256 = strings.Repeat("a", 65) }, "sha256"},
		{"attachment negative size", KindAttachment, func(r Record) { r.(*Attachment).Size = -1 }, "size"},
		{"attachment bad record", KindAttachment, func(r Record) { r.(*Attachment).Record = badID }, "record"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := validRecord(tc.kind)
			tc.mut(r)
			wantFieldError(t, Prepare(r), tc.kind, tc.field)
		})
	}
}

// TestFollowUpBadRefStillInvalid covers the part of the skipped cases above
// that does hold: a bad reference on a follow-up is still rejected.
func TestFollowUpBadRefStillInvalid(t *testing.T) {
	for _, set := range []func(*FollowUp){
		func(f *FollowUp) { f.Meeting = "x" },
		func(f *FollowUp) { f.Org = "x" },
		func(f *FollowUp) { f.Contact = "x" },
	} {
		f := validRecord(KindFollowUp).(*FollowUp)
		set(f)
		err := Prepare(f)
		var fe *FieldError
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &fe) {
			t.Errorf("bad reference accepted or wrong error: %v", err)
		}
	}
}

func TestFieldErrorMessage(t *testing.T) {
	err := error(&FieldError{Kind: KindContact, Field: "emails", Value: "x@", Msg: "is not a valid e-mail address"})
	if got, want := err.Error(), `contact: emails "x@": is not a valid e-mail address`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	err = &FieldError{Kind: KindMeeting, Field: "title", Msg: "is required"}
	if got, want := err.Error(), "meeting: title: is required"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, ErrInvalid) || errors.Is(err, ErrNotFound) {
		t.Error("FieldError must be ErrInvalid and nothing else")
	}
}

func TestNew(t *testing.T) {
	for _, k := range Kinds {
		r, err := New(k)
		if err != nil {
			t.Fatal(err)
		}
		if r.Kind() != k {
			t.Errorf("New(%s).Kind() = %s", k, r.Kind())
		}
		if r.Meta() == nil {
			t.Errorf("New(%s).Meta() is nil", k)
		}
	}
	if _, err := New("person"); !errors.Is(err, ErrInvalid) {
		t.Errorf("New(person) error = %v, want ErrInvalid", err)
	}
}

func TestLabelsAndSearchText(t *testing.T) {
	want := map[Kind]string{
		KindMission: "Richards Bay plant visits", KindOrg: "Hydroset Oy", KindContact: "Ғулом Қодиров",
		KindMeeting: "Plant visit: haulers", KindSeminar: "Richards Bay B2B", KindFollowUp: "Send offer", KindAttachment: "brochure.pdf",
	}
	for _, k := range Kinds {
		r := validRecord(k)
		if got := r.Label(); got != want[k] {
			t.Errorf("%s label = %q, want %q", k, got, want[k])
		}
		st := r.SearchText()
		if len(st) == 0 || st[0].Weight != WeightName || !strings.Contains(st[0].Text, strings.Fields(want[k])[0]) {
			t.Errorf("%s: first search text should be the name with WeightName, got %+v", k, st)
		}
	}
	m := validRecord(KindMission).(*Mission)
	var all []string
	for _, w := range m.SearchText() {
		all = append(all, w.Text)
	}
	if !strings.Contains(strings.Join(all, " "), "South Africa") {
		t.Errorf("mission search text lacks the country name: %q", all)
	}
	if got := (&Contact{FamilyName: "Nkosi"}).Label(); got != "Nkosi" {
		t.Errorf("label of family-name-only contact = %q", got)
	}
}

// ---- SetField ----

func TestSetField(t *testing.T) {
	jnb := mustZone(t, "Africa/Johannesburg")
	cases := []struct {
		name   string
		rec    Record
		field  string
		value  string
		check  func(Record) any // returns the field's value
		want   any
		before func(Record) // optional set-up
	}{
		{"string", &Organization{}, "name", "Hydroset Oy", func(r Record) any { return r.(*Organization).Name }, "Hydroset Oy", nil},
		{"string kept verbatim", &Organization{}, "city", "  Seinäjoki, FI ", func(r Record) any { return r.(*Organization).City }, "  Seinäjoki, FI ", nil},
		{"named string", &Organization{}, "kind", "host", func(r Record) any { return r.(*Organization).OrgKind }, OrgHost, nil},
		{"confidentiality", &Contact{}, "confidentiality", "private", func(r Record) any { return r.Meta().Confidentiality }, Private, nil},
		{"id reference", &Contact{}, "org", string(testOrgID), func(r Record) any { return r.(*Contact).Org }, testOrgID, nil},
		{"int", &Meeting{}, "duration_min", "25", func(r Record) any { return r.(*Meeting).DurationMin }, 25, nil},
		{"int trimmed", &Meeting{}, "duration_min", " 45 ", func(r Record) any { return r.(*Meeting).DurationMin }, 45, nil},
		{"negative int", &Organization{}, "employees", "-3", func(r Record) any { return r.(*Organization).Employees }, -3, nil},
		{"int64", &Attachment{}, "size", "1048576", func(r Record) any { return r.(*Attachment).Size }, int64(1048576), nil},
		{"float in JSON", &Meeting{}, "opportunities", `[{"title":"Pilot","value":12500.5,"currency":"EUR"}]`,
			func(r Record) any { return r.(*Meeting).Opportunities }, []Opportunity{{Title: "Pilot", Value: 12500.5, Currency: "EUR"}}, nil},
		{"bool true", &Contact{}, "consent", "true", func(r Record) any { return r.(*Contact).Consent }, true, nil},
		{"bool 1", &Contact{}, "consent", "1", func(r Record) any { return r.(*Contact).Consent }, true, nil},
		{"bool false", &Contact{Consent: true}, "consent", "false", func(r Record) any { return r.(*Contact).Consent }, false, nil},
		{"date", &Mission{}, "start", "2026-03-09", func(r Record) any { return r.(*Mission).Start }, Date("2026-03-09"), nil},
		{"follow-up due", &FollowUp{}, "due", "2026-04-01", func(r Record) any { return r.(*FollowUp).Due }, Date("2026-04-01"), nil},
		{"list", &Organization{}, "tags", "a, b", func(r Record) any { return r.(*Organization).Tags }, []string{"a", "b"}, nil},
		{"list drops empty items", &Organization{}, "tags", " , a,, b ,", func(r Record) any { return r.(*Organization).Tags }, []string{"a", "b"}, nil},
		{"list replaces", &Organization{Tags: []string{"old"}}, "tags", "new", func(r Record) any { return r.(*Organization).Tags }, []string{"new"}, nil},
		{"JSON list keeps commas", &Organization{}, "tags", `["a, b", "c"]`, func(r Record) any { return r.(*Organization).Tags }, []string{"a, b", "c"}, nil},
		{"ID list", &Meeting{}, "orgs", string(testOrgID) + "," + string(testAttachID),
			func(r Record) any { return r.(*Meeting).Orgs }, []ID{testOrgID, testAttachID}, nil},
		{"cyrillic list", &Mission{}, "cities", "Тошкент, Самарқанд", func(r Record) any { return r.(*Mission).Cities }, []string{"Тошкент", "Самарқанд"}, nil},
		{"texts add language", &Organization{Description: Texts{"en": "Cylinders"}}, "description", "fi:teksti",
			func(r Record) any { return r.(*Organization).Description }, Texts{"en": "Cylinders", "fi": "teksti"}, nil},
		{"texts replace language", &Organization{Description: Texts{"en": "Old", "fi": "Vanha"}}, "description", "en:New: improved",
			func(r Record) any { return r.(*Organization).Description }, Texts{"en": "New: improved", "fi": "Vanha"}, nil},
		{"texts into nil", &Organization{}, "tagline", "ru:Гидроцилиндры", func(r Record) any { return r.(*Organization).Tagline }, Texts{"ru": "Гидроцилиндры"}, nil},
		{"texts region tag", &Organization{}, "tagline", "uz-Latn:Oʻzbekiston", func(r Record) any { return r.(*Organization).Tagline }, Texts{"uz-Latn": "Oʻzbekiston"}, nil},
		{"texts JSON replaces", &Organization{Description: Texts{"en": "Cylinders", "fi": "Sylinterit"}}, "description", ` {"et":"Silindrid","ru":"Цилиндры"}`,
			func(r Record) any { return r.(*Organization).Description }, Texts{"et": "Silindrid", "ru": "Цилиндры"}, nil},
		{"local time in meeting zone", &Meeting{TimeZone: "Africa/Johannesburg"}, "start", "2026-03-10 09:30",
			func(r Record) any { return r.(*Meeting).Start }, time.Date(2026, 3, 10, 7, 30, 0, 0, time.UTC), nil},
		{"local time with T", &Meeting{TimeZone: "Asia/Tashkent"}, "start", "2026-05-19T14:00",
			func(r Record) any { return r.(*Meeting).Start }, time.Date(2026, 5, 19, 9, 0, 0, 0, time.UTC), nil},
		{"local time with seconds", &Meeting{TimeZone: "Europe/Helsinki"}, "start", "2026-07-01 12:00:30",
			func(r Record) any { return r.(*Meeting).Start }, time.Date(2026, 7, 1, 9, 0, 30, 0, time.UTC), nil},
		{"local time without zone is UTC", &Meeting{}, "start", "2026-03-10 09:30",
			func(r Record) any { return r.(*Meeting).Start }, time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC), nil},
		{"local time, unknown zone is UTC", &Meeting{TimeZone: "Nowhere/City"}, "start", "2026-03-10 09:30",
			func(r Record) any { return r.(*Meeting).Start }, time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC), nil},
		{"RFC 3339", &Meeting{TimeZone: "Asia/Tashkent"}, "start", "2026-03-10T09:30:00+02:00",
			func(r Record) any { return r.(*Meeting).Start }, time.Date(2026, 3, 10, 7, 30, 0, 0, time.UTC), nil},
		{"RFC 3339 Z", &Meeting{TimeZone: "Africa/Johannesburg"}, "start", "2026-03-10T07:30:00Z",
			func(r Record) any { return r.(*Meeting).Start }, time.Date(2026, 3, 10, 7, 30, 0, 0, time.UTC), nil},
		{"clear string", &Organization{Name: "x"}, "name", "", func(r Record) any { return r.(*Organization).Name }, "", nil},
		{"clear int", &Meeting{DurationMin: 30}, "duration_min", "", func(r Record) any { return r.(*Meeting).DurationMin }, 0, nil},
		{"clear bool", &Contact{Consent: true}, "consent", "", func(r Record) any { return r.(*Contact).Consent }, false, nil},
		{"clear list", &Organization{Tags: []string{"a"}}, "tags", "", func(r Record) any { return r.(*Organization).Tags }, []string(nil), nil},
		{"clear texts", &Organization{Description: Texts{"en": "x"}}, "description", "", func(r Record) any { return r.(*Organization).Description }, Texts(nil), nil},
		{"clear time", &Meeting{Start: time.Date(2026, 3, 10, 7, 30, 0, 0, jnb)}, "start", "", func(r Record) any { return r.(*Meeting).Start }, time.Time{}, nil},
		{"clear opportunities", &Meeting{Opportunities: []Opportunity{{Title: "x"}}}, "opportunities", "", func(r Record) any { return r.(*Meeting).Opportunities }, []Opportunity(nil), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := SetField(tc.rec, tc.field, tc.value); err != nil {
				t.Fatalf("SetField(%s, %q): %v", tc.field, tc.value, err)
			}
			got := tc.check(tc.rec)
			if gt, ok := got.(time.Time); ok {
				wt := tc.want.(time.Time)
				if !gt.Equal(wt) || (!wt.IsZero() && gt.Location() != time.UTC) {
					t.Fatalf("got %v, want %v (in UTC)", gt, wt)
				}
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestSetFieldTextsDoesNotAlias(t *testing.T) {
	orig := Texts{"en": "Cylinders"}
	o := &Organization{Description: orig}
	if err := SetField(o, "description", "fi:Sylinterit"); err != nil {
		t.Fatal(err)
	}
	if len(orig) != 1 {
		t.Errorf("SetField mutated the previous Texts map: %v", orig)
	}
}

func TestSetFieldThenPrepare(t *testing.T) {
	m := &Meeting{}
	for _, kv := range []string{
		"mission=" + string(testMissionID), "title=B2B: water meters", "kind=b2b", "tz=Africa/Johannesburg",
		"start=2026-03-10 09:30", "duration_min=25", "tags=water, meters", "interest=warm",
	} {
		f, v, _ := strings.Cut(kv, "=")
		if err := SetField(m, f, v); err != nil {
			t.Fatalf("%s: %v", kv, err)
		}
	}
	if err := Prepare(m); err != nil {
		t.Fatal(err)
	}
	if got := m.Local().Format("2006-01-02 15:04"); got != "2026-03-10 09:30" {
		t.Errorf("local start = %s", got)
	}
}

func TestSetFieldErrors(t *testing.T) {
	cases := []struct {
		name  string
		rec   Record
		field string
		value string
	}{
		{"unknown field", &Organization{}, "colour", "red"},
		{"unknown field even when empty", &Meeting{}, "room", ""},
		{"field names are case-sensitive", &Organization{}, "Name", "x"},
		{"Go field name is not a JSON name", &Meeting{}, "DurationMin", "5"},
		{"nested field is not settable", &Meeting{}, "currency", "EUR"},
		{"id is read-only", &Contact{}, "id", string(testContactID)},
		{"created is read-only", &Contact{}, "created", "2026-01-01T00:00:00Z"},
		{"updated is read-only", &Mission{}, "updated", "2026-01-01T00:00:00Z"},
		{"read-only even when clearing", &Attachment{}, "id", ""},
		{"int not a number", &Meeting{}, "duration_min", "twenty"},
		{"int with unit", &Meeting{}, "duration_min", "25min"},
		{"int fraction", &Attachment{}, "size", "1.5"},
		{"int overflow", &Attachment{}, "size", "9223372036854775808"},
		{"bool", &Contact{}, "consent", "maybe"},
		{"bool yes", &Contact{}, "consent", "yes"},
		{"time", &Meeting{TimeZone: "Africa/Johannesburg"}, "start", "10.3.2026 9:30"},
		{"time without clock", &Meeting{}, "start", "2026-03-10"},
		{"bad JSON list", &Organization{}, "tags", `["a", `},
		{"JSON list of numbers", &Organization{}, "tags", `[1, 2]`},
		{"bad JSON object", &Meeting{}, "opportunities", `[{"title":}]`},
		{"opportunities not JSON", &Meeting{}, "opportunities", "Pilot"},
		{"opportunity value text", &Meeting{}, "opportunities", `[{"title":"x","value":"lots"}]`},
		{"texts without language", &Organization{}, "description", "teksti"},
		{"texts language too short", &Organization{}, "description", "f:teksti"},
		{"texts language too long", &Organization{}, "description", "finnishlang:teksti"},
		{"texts bad JSON", &Organization{}, "description", `{"fi":`},
		{"texts JSON not strings", &Organization{}, "description", `{"fi":1}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := json.Marshal(tc.rec)
			err := SetField(tc.rec, tc.field, tc.value)
			wantFieldError(t, err, tc.rec.Kind(), tc.field)
			after, _ := json.Marshal(tc.rec)
			if !bytes.Equal(before, after) {
				t.Errorf("failed SetField changed the record:\n%s\n%s", before, after)
			}
		})
	}
}

func TestSetFieldUnknownListsFields(t *testing.T) {
	for _, k := range Kinds {
		r := validRecord(k)
		err := SetField(r, "no_such_field", "x")
		wantFieldError(t, err, k, "no_such_field")
		msg := err.Error()
		names := FieldNames(k)
		if len(names) < 5 {
			t.Fatalf("%s: FieldNames = %v", k, names)
		}
		for _, n := range names {
			if !strings.Contains(msg, n) {
				t.Errorf("%s: message %q does not list field %q", k, msg, n)
			}
		}
	}
}

func TestFieldNames(t *testing.T) {
	for _, k := range Kinds {
		names := FieldNames(k)
		for _, ro := range []string{"id", "created", "updated"} {
			if slices.Contains(names, ro) {
				t.Errorf("%s: FieldNames lists read-only %q", k, ro)
			}
		}
		if !slices.Contains(names, "confidentiality") {
			t.Errorf("%s: FieldNames lacks confidentiality: %v", k, names)
		}
		// Every listed field can be set (cleared) and every JSON key of a
		// populated record is either listed or read-only.
		r := validRecord(k)
		for _, n := range names {
			if err := SetField(r, n, ""); err != nil {
				t.Errorf("%s: clear %s: %v", k, n, err)
			}
		}
		f, err := FieldsOf(validRecord(k))
		if err != nil {
			t.Fatal(err)
		}
		for key := range f {
			if !slices.Contains(names, key) && key != "id" && key != "created" && key != "updated" {
				t.Errorf("%s: JSON field %q not in FieldNames", k, key)
			}
		}
	}
	if FieldNames("nothing") != nil {
		t.Error("FieldNames of an unknown kind should be nil")
	}
	if got := FieldNames(KindMeeting); !slices.Contains(got, "start") || !slices.Contains(got, "opportunities") {
		t.Errorf("meeting fields = %v", got)
	}
}

// ---- FieldsOf / Diff / Apply ----

func TestFieldsDiffApplyRoundTrip(t *testing.T) {
	jnb := mustZone(t, "Africa/Johannesburg")
	edits := map[Kind]func(Record){
		KindMission: func(r Record) {
			m := r.(*Mission)
			m.Name = "Richards Bay 2026"
			m.Cities = nil // removed field
			m.Delegates = append(m.Delegates, testContactID)
		},
		KindOrg: func(r Record) {
			o := r.(*Organization)
			o.Description = Texts{"en": "Welded cylinders", "fi": "Hitsatut sylinterit"}
			o.Tags = nil
			o.Employees = 121
		},
		KindContact: func(r Record) {
			c := r.(*Contact)
			c.Consent, c.ConsentDate = false, ""
			c.Notes = "Gʻulom prefers Telegram"
		},
		KindMeeting: func(r Record) {
			m := r.(*Meeting)
			m.Start = time.Date(2026, 3, 11, 14, 0, 0, 0, jnb)
			m.Opportunities = nil
			m.Interest = InterestWarm
			m.Confidentiality = Private
		},
		KindSeminar: func(r Record) {
			s := r.(*Seminar)
			s.Breaks = append(s.Breaks, Break{After: 7, Minutes: 60, Label: "Lunch"})
			s.Tables = 8
		},
		KindFollowUp: func(r Record) {
			f := r.(*FollowUp)
			f.Status, f.DoneAt = StatusDone, "2026-03-20"
			f.Contact = ""
		},
		KindAttachment: func(r Record) {
			a := r.(*Attachment)
			a.Note = ""
			a.Size = 2048
		},
	}
	for _, k := range Kinds {
		t.Run(string(k), func(t *testing.T) {
			a, b := validRecord(k), validRecord(k)
			edits[k](b)
			for _, r := range []Record{a, b} {
				if err := Prepare(r); err != nil {
					t.Fatal(err)
				}
			}
			fa, err := FieldsOf(a)
			if err != nil {
				t.Fatal(err)
			}
			fb, err := FieldsOf(b)
			if err != nil {
				t.Fatal(err)
			}
			if d := Diff(fa, fa); len(d) != 0 {
				t.Errorf("Diff of identical fields = %v", d)
			}
			fa2, _ := FieldsOf(a)
			if d := Diff(fa, fa2); len(d) != 0 {
				t.Errorf("Diff of re-encoded identical record = %v", d)
			}
			d := Diff(fa, fb)
			if len(d) == 0 {
				t.Fatal("Diff of edited record is empty")
			}
			for key, v := range d {
				old, inOld := fa[key]
				nv, inNew := fb[key]
				switch {
				case !inNew:
					if string(v) != "null" || !inOld {
						t.Errorf("removed field %s reported as %s", key, v)
					}
				case inOld && bytes.Equal(old, nv):
					t.Errorf("unchanged field %s in diff", key)
				}
			}
			for key := range fa {
				if _, ok := fb[key]; !ok {
					if v, ok := d[key]; !ok || string(v) != "null" {
						t.Errorf("removed field %s missing from diff or not null: %s", key, v)
					}
				}
			}
			if _, ok := d["id"]; ok {
				t.Error("unchanged id in diff")
			}
			// Apply(Diff(a, b)) on a's fields gives b's fields.
			applied := Fields{}
			for key, v := range fa {
				applied[key] = v
			}
			applied.Apply(d)
			if !fieldsEqual(applied, fb) {
				t.Fatalf("Apply(Diff(a,b)) on a =\n%v\nwant\n%v", dump(applied), dump(fb))
			}
			back, err := applied.Decode(k)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, b) {
				t.Fatalf("decoded record differs:\n%#v\nwant\n%#v", back, b)
			}
			// And the other way round.
			rev := Fields{}
			for key, v := range fb {
				rev[key] = v
			}
			rev.Apply(Diff(fb, fa))
			if !fieldsEqual(rev, fa) {
				t.Fatalf("Apply(Diff(b,a)) on b = %v, want %v", dump(rev), dump(fa))
			}
		})
	}
}

func TestDiffFromNothing(t *testing.T) {
	f, err := FieldsOf(validRecord(KindOrg))
	if err != nil {
		t.Fatal(err)
	}
	d := Diff(nil, f)
	if !fieldsEqual(d, f) {
		t.Errorf("Diff(nil, f) = %v, want f", dump(d))
	}
	if d := Diff(f, Fields{}); len(d) != len(f) {
		t.Errorf("Diff(f, {}) has %d fields, want %d", len(d), len(f))
	} else {
		for k, v := range d {
			if string(v) != "null" {
				t.Errorf("field %s = %s, want null", k, v)
			}
		}
	}
}

func TestFieldsOfDecodeEveryKind(t *testing.T) {
	for _, k := range Kinds {
		r := validRecord(k)
		if err := Prepare(r); err != nil {
			t.Fatal(err)
		}
		f, err := FieldsOf(r)
		if err != nil {
			t.Fatal(err)
		}
		if string(f["id"]) != `"`+string(r.Meta().ID)+`"` {
			t.Errorf("%s: id field = %s", k, f["id"])
		}
		back, err := f.Decode(k)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, r) {
			t.Errorf("%s: round trip differs:\n%#v\n%#v", k, back, r)
		}
		if _, err := f.Decode("nothing"); !errors.Is(err, ErrInvalid) {
			t.Errorf("Decode of unknown kind: %v", err)
		}
	}
	// A field of the wrong JSON type does not decode.
	bad := Fields{"duration_min": json.RawMessage(`"long"`)}
	if _, err := bad.Decode(KindMeeting); err == nil {
		t.Error("Decode accepted a string for an int field")
	}
}

func fieldsEqual(a, b Fields) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}

func dump(f Fields) string {
	b, _ := json.Marshal(f)
	return string(b)
}

// ---- IDs, dates, kinds ----

func TestParseID(t *testing.T) {
	id := NewID()
	if got, err := ParseID(string(id)); err != nil || got != id {
		t.Fatalf("ParseID(NewID()) = %q, %v", got, err)
	}
	if got, err := ParseID("01arz3ndektsv4rrffq69g5fav"); err != nil || got != "01ARZ3NDEKTSV4RRFFQ69G5FAV" {
		t.Errorf("lower-case ULID = %q, %v; want canonical upper case", got, err)
	}
	for _, bad := range []string{
		"", "x", "01ARZ3NDEKTSV4RRFFQ69G5FA", "01ARZ3NDEKTSV4RRFFQ69G5FAVV",
		"01ARZ3NDEKTSV4RRFFQ69G5FAU", // U is not Crockford base32
		"01ARZ3NDEKTSV4RRFFQ69G5FA!",
		"81ARZ3NDEKTSV4RRFFQ69G5FAV", // timestamp overflow
		" 01ARZ3NDEKTSV4RRFFQ69G5FAV",
		"01ARZ3ND-EKTSV4RRFFQ69G5FAV",
	} {
		if got, err := ParseID(bad); !errors.Is(err, ErrInvalid) || got != "" {
			t.Errorf("ParseID(%q) = %q, %v; want ErrInvalid", bad, got, err)
		}
	}
}

func TestNewIDSortsAndRoundTrips(t *testing.T) {
	prev := NewID()
	for range 1000 {
		id := NewID()
		if id <= prev {
			t.Fatalf("NewID not increasing: %s then %s", prev, id)
		}
		prev = id
	}
	b, err := prev.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if IDFromBytes(b[:]) != prev {
		t.Errorf("IDFromBytes(Bytes()) = %s, want %s", IDFromBytes(b[:]), prev)
	}
	if time.Since(prev.Time()) > time.Minute {
		t.Errorf("NewID time = %v", prev.Time())
	}
	if _, err := ID("x").Bytes(); !errors.Is(err, ErrInvalid) {
		t.Errorf("Bytes of bad ID: %v", err)
	}
	if !ID("x").Time().IsZero() {
		t.Error("Time of bad ID should be zero")
	}
}

func TestDeterministicID(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := DeterministicID(t0, "@org:hydroset")
	if a != DeterministicID(t0, "@org:hydroset") {
		t.Fatal("DeterministicID not stable")
	}
	if a == DeterministicID(t0, "@org:hydroset2") || a == DeterministicID(t0, "@org:Hydroset") || a == DeterministicID(t0, "") {
		t.Fatal("different names give the same ID")
	}
	if got, err := ParseID(string(a)); err != nil || got != a {
		t.Fatalf("not a canonical ULID: %q %v", a, err)
	}
	if _, err := ulid.ParseStrict(string(a)); err != nil {
		t.Fatal(err)
	}
	if !a.Time().Equal(t0) {
		t.Errorf("timestamp part = %v, want %v", a.Time(), t0)
	}
	// Different times with the same name differ only in the time part.
	t1 := time.Date(2025, 6, 30, 12, 34, 56, 789_654_321, time.FixedZone("EET", 3*3600))
	b := DeterministicID(t1, "@org:hydroset")
	if b == a {
		t.Fatal("different times give the same ID")
	}
	if b[10:] != a[10:] {
		t.Errorf("entropy depends on time: %s vs %s", a, b)
	}
	if !b.Time().Equal(t1.Truncate(time.Millisecond)) {
		t.Errorf("timestamp part = %v, want %v", b.Time(), t1.Truncate(time.Millisecond))
	}
	// IDs made at increasing times sort in that order.
	seen := map[ID]bool{}
	var ids []ID
	for i := range 500 {
		id := DeterministicID(t0.Add(time.Duration(i)*time.Millisecond), "gen:"+string(rune('a'+i%26)))
		if seen[id] {
			t.Fatalf("duplicate ID %s", id)
		}
		seen[id] = true
		ids = append(ids, id)
	}
	if !slices.IsSorted(ids) {
		t.Error("deterministic IDs at increasing times do not sort by time")
	}
}

func TestParseDate(t *testing.T) {
	for _, ok := range []string{"2026-03-10", "2024-02-29", "0001-01-01", "9999-12-31"} {
		if d, err := ParseDate(ok); err != nil || string(d) != ok {
			t.Errorf("ParseDate(%q) = %q, %v", ok, d, err)
		}
	}
	for _, bad := range []string{"", "2025-02-29", "2026-3-10", "2026-03-1", "10.03.2026", "2026/03/10",
		"2026-03-10T00:00:00Z", "2026-03-10 ", "2026-13-01", "2026-04-31", "tomorrow"} {
		if d, err := ParseDate(bad); !errors.Is(err, ErrInvalid) || d != "" {
			t.Errorf("ParseDate(%q) = %q, %v; want ErrInvalid", bad, d, err)
		}
	}
	if got := Date("2026-03-10").Time(); !got.Equal(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Date.Time = %v", got)
	}
	if !Date("nope").Time().IsZero() || !Date("").Time().IsZero() {
		t.Error("bad date should give zero time")
	}
	tash := mustZone(t, "Asia/Tashkent")
	// 22:30 UTC on the 18th is already the 19th in Tashkent.
	late := time.Date(2026, 5, 18, 22, 30, 0, 0, time.UTC)
	if got := DateOf(late.In(tash)); got != "2026-05-19" {
		t.Errorf("DateOf in Tashkent = %s", got)
	}
	if got := DateOf(late); got != "2026-05-18" {
		t.Errorf("DateOf in UTC = %s", got)
	}
}

func TestParseLocal(t *testing.T) {
	jnb := mustZone(t, "Africa/Johannesburg")
	want := time.Date(2026, 3, 10, 7, 30, 0, 0, time.UTC)
	for _, s := range []string{"2026-03-10 09:30", "2026-03-10T09:30", " 2026-03-10 09:30 ", "2026-03-10 09:30:00"} {
		got, err := ParseLocal(s, jnb)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseLocal(%q) = %v, %v; want %v", s, got, err, want)
		}
		if err == nil && got.Location() != jnb {
			t.Errorf("ParseLocal(%q) location = %v", s, got.Location())
		}
	}
	// Helsinki summer time (EEST, UTC+3).
	hel := mustZone(t, "Europe/Helsinki")
	if got, err := ParseLocal("2026-07-01 12:00", hel); err != nil || got.UTC().Hour() != 9 {
		t.Errorf("Helsinki summer = %v, %v", got, err)
	}
	for _, bad := range []string{"", "2026-03-10", "09:30", "10.3.2026 9:30", "2026-03-10 25:00", "2026-03-10 09:60", "2026-03-10T09:30:00Z"} {
		if _, err := ParseLocal(bad, jnb); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseLocal(%q) error = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestParseKind(t *testing.T) {
	cases := map[string]Kind{
		"mission": KindMission, "missions": KindMission, "Missions": KindMission,
		"org": KindOrg, "orgs": KindOrg, "organization": KindOrg, "organizations": KindOrg,
		"organisation": KindOrg, "organisations": KindOrg, "ORGS": KindOrg,
		"contact": KindContact, "contacts": KindContact,
		"meeting": KindMeeting, "meetings": KindMeeting, "seminar": KindSeminar, "Seminars": KindSeminar,
		"followup": KindFollowUp, "followups": KindFollowUp, "follow-up": KindFollowUp, "follow-ups": KindFollowUp,
		"attachment": KindAttachment, "attachments": KindAttachment,
	}
	for in, want := range cases {
		if got, err := ParseKind(in); err != nil || got != want {
			t.Errorf("ParseKind(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, k := range Kinds {
		if got, err := ParseKind(string(k)); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %q, %v", k, got, err)
		}
	}
	for _, bad := range []string{"", "people", "orgss", "follow up", " orgs", "kontakt"} {
		got, err := ParseKind(bad)
		if !errors.Is(err, ErrInvalid) || got != "" {
			t.Errorf("ParseKind(%q) = %q, %v; want ErrInvalid", bad, got, err)
		}
		if err != nil && !strings.Contains(err.Error(), "missions") {
			t.Errorf("error %q does not list the accepted forms", err)
		}
	}
}

func TestCountryName(t *testing.T) {
	cases := map[string]string{
		"UZ": "Uzbekistan", "ZA": "South Africa", "FI": "Finland", "EE": "Estonia", "RU": "Russia",
		"uz": "Uzbekistan", "": "", "1234": "", "Finland": "",
	}
	for in, want := range cases {
		if got := CountryName(in); got != want {
			t.Errorf("CountryName(%q) = %q, want %q", in, got, want)
		}
	}
}
