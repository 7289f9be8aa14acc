package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clusme/fieldbook/data"
)

var ctx = context.Background()

func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

// fixture creates a small linked world: a mission, two orgs, a contact,
// a meeting and a follow-up.
type fixture struct {
	mission *data.Mission
	host    *data.Organization
	member  *data.Organization
	contact *data.Contact
	meeting *data.Meeting
	follow  *data.FollowUp
}

func newFixture(t testing.TB, s *Store) fixture {
	t.Helper()
	f := fixture{
		host:   &data.Organization{Name: "Jyväskylän Hydrauliikka Oy", OrgKind: data.OrgMember, Country: "FI", City: "Jyväskylä"},
		member: &data.Organization{Name: "ТОШКЕНТ СУВ", OrgKind: data.OrgHost, Country: "UZ", City: "Тошкент"},
	}
	for _, o := range []data.Record{f.host, f.member} {
		if err := s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	f.contact = &data.Contact{GivenName: "Ғулом", FamilyName: "Қодиров", Org: f.member.ID, Emails: []string{"gulom@suv.example"}}
	f.mission = &data.Mission{Name: "Cleantech Tashkent", Country: "UZ", Start: "2026-05-18", End: "2026-05-22", TimeZone: "Asia/Tashkent"}
	for _, r := range []data.Record{f.contact, f.mission} {
		if err := s.Create(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	f.meeting = &data.Meeting{Mission: f.mission.ID, Title: "Water metering pilot", MeetingKind: data.MeetingB2B,
		Start: time.Date(2026, 5, 19, 9, 30, 0, 0, time.UTC), TimeZone: "Asia/Tashkent",
		Orgs: []data.ID{f.member.ID}, Attendees: []data.ID{f.contact.ID}, Notes: "Šokolaad factory wants smart meters"}
	if err := s.Create(ctx, f.meeting); err != nil {
		t.Fatal(err)
	}
	f.follow = &data.FollowUp{Title: "Send offer", Due: "2026-06-01", Owner: "Tõnu Põder", Mission: f.mission.ID, Meeting: f.meeting.ID, Org: f.member.ID}
	if err := s.Create(ctx, f.follow); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestCreateGetUpdateDelete(t *testing.T) {
	s, _ := openTemp(t)
	f := newFixture(t, s)
	got, err := Load[*data.Meeting](ctx, s, f.meeting.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Water metering pilot" || got.Created.IsZero() || got.Confidentiality != data.Shared || got.TimeZone != "Asia/Tashkent" {
		t.Fatalf("got %+v", got)
	}
	if _, err := Load[*data.Contact](ctx, s, f.meeting.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("loading a meeting as a contact: %v", err)
	}
	got.Notes += " — 2000 units"
	if err := s.Update(ctx, got); err != nil {
		t.Fatal(err)
	}
	again, _ := Load[*data.Meeting](ctx, s, f.meeting.ID)
	if again.Notes != got.Notes || !again.Updated.After(again.Created) && !again.Updated.Equal(again.Created) {
		t.Fatalf("update lost: %+v", again)
	}
	if err := s.Delete(ctx, f.follow.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, f.follow.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("deleted record still readable: %v", err)
	}
	if err := s.Delete(ctx, f.follow.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if err := s.Update(ctx, f.follow); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("update of a tombstone: %v", err)
	}
	st := s.Stats(ctx)
	if st[data.KindFollowUp] != 0 || st[data.KindOrg] != 2 || st[data.KindMeeting] != 1 {
		t.Fatalf("stats %v", st)
	}
}

func TestValidationNamesTheField(t *testing.T) {
	s, _ := openTemp(t)
	f := newFixture(t, s)
	cases := []struct {
		rec   data.Record
		field string
	}{
		{&data.Contact{GivenName: "A", Emails: []string{"not-an-address"}}, "emails"},
		{&data.Mission{Name: "X", Country: "ZZ", Start: "2026-01-01", End: "2026-01-02", TimeZone: "Africa/Johannesburg"}, "country"},
		{&data.Mission{Name: "X", Country: "ZA", Start: "2026-01-03", End: "2026-01-02", TimeZone: "Africa/Johannesburg"}, "end"},
		{&data.Mission{Name: "X", Country: "ZA", Start: "2026-01-01", End: "2026-01-02", TimeZone: "Mars/Olympus"}, "tz"},
		{&data.FollowUp{Title: "x", Due: "2026-13-01"}, "due"},
		{&data.FollowUp{Title: "x", Due: "2026-12-01", Status: "later"}, "status"},
		{&data.Organization{Name: "x", OrgKind: "friend"}, "kind"},
		{&data.Meeting{Mission: f.mission.ID, Title: "t", Start: time.Now(), TimeZone: "UTC", Interest: "lukewarm"}, "interest"},
		// references are checked by the store
		{&data.Meeting{Mission: data.NewID(), Title: "t", Start: time.Now(), TimeZone: "UTC"}, "mission"},
		{&data.Contact{GivenName: "A", Org: f.mission.ID}, "org"},
	}
	for _, c := range cases {
		err := s.Create(ctx, c.rec)
		var fe *data.FieldError
		if !errors.Is(err, data.ErrInvalid) || !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%T: got %v, want invalid %s", c.rec, err, c.field)
		}
	}
	if n := s.Stats(ctx)[data.KindContact]; n != 1 {
		t.Fatalf("invalid records were saved: %d contacts", n)
	}
}

func TestListsUseIndexes(t *testing.T) {
	s, _ := openTemp(t)
	f := newFixture(t, s)
	early := &data.Meeting{Mission: f.mission.ID, Title: "Breakfast", Start: f.meeting.Start.Add(-2 * time.Hour), TimeZone: "Asia/Tashkent"}
	if err := s.Create(ctx, early); err != nil {
		t.Fatal(err)
	}
	ms, err := s.List(ctx, Query{Kind: data.KindMeeting, Mission: f.mission.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Label() != "Breakfast" || ms[1].Label() != "Water metering pilot" {
		t.Fatalf("meetings by mission in time order: %v", labels(ms))
	}
	other := &data.Mission{Name: "Richards Bay", Country: "ZA", Start: "2026-03-09", End: "2026-03-13", TimeZone: "Africa/Johannesburg"}
	s.Create(ctx, other)
	if ms, _ := s.List(ctx, Query{Kind: data.KindMeeting, Mission: other.ID}); len(ms) != 0 {
		t.Fatalf("other mission has meetings: %v", labels(ms))
	}
	for _, fu := range []*data.FollowUp{
		{Title: "Late", Due: "2026-09-01", Mission: f.mission.ID},
		{Title: "Done one", Due: "2026-05-30", Mission: f.mission.ID, Status: data.StatusDone},
	} {
		if err := s.Create(ctx, fu); err != nil {
			t.Fatal(err)
		}
	}
	fus, _ := s.List(ctx, Query{Kind: data.KindFollowUp, Mission: f.mission.ID})
	if got := labels(fus); !slices.Equal(got, []string{"Done one", "Send offer", "Late"}) {
		t.Fatalf("follow-ups by due date: %v", got)
	}
	open, _ := s.List(ctx, Query{Kind: data.KindFollowUp, Status: data.StatusOpen})
	if got := labels(open); !slices.Equal(got, []string{"Send offer", "Late"}) {
		t.Fatalf("open follow-ups: %v", got)
	}
	ranged, _ := s.List(ctx, Query{Kind: data.KindFollowUp, DueFrom: "2026-05-31", DueTo: "2026-08-31"})
	if got := labels(ranged); !slices.Equal(got, []string{"Send offer"}) {
		t.Fatalf("due range: %v", got)
	}
	owned, _ := s.List(ctx, Query{Kind: data.KindFollowUp, Owner: "Tõnu Põder"})
	if got := labels(owned); !slices.Equal(got, []string{"Send offer"}) {
		t.Fatalf("by owner: %v", got)
	}
	byOrg, _ := s.List(ctx, Query{Kind: data.KindContact, Org: f.member.ID})
	if len(byOrg) != 1 || byOrg[0].Meta().ID != f.contact.ID {
		t.Fatalf("contacts by org: %v", labels(byOrg))
	}
	hosts, _ := s.List(ctx, Query{Kind: data.KindOrg, OrgKind: data.OrgHost})
	if got := labels(hosts); !slices.Equal(got, []string{"ТОШКЕНТ СУВ"}) {
		t.Fatalf("hosts: %v", got)
	}
	// Moving a meeting to another mission moves its index entry.
	early.Mission = other.ID
	if err := s.Update(ctx, early); err != nil {
		t.Fatal(err)
	}
	if ms, _ := s.List(ctx, Query{Kind: data.KindMeeting, Mission: other.ID}); len(ms) != 1 {
		t.Fatalf("moved meeting not listed under new mission")
	}
	if ms, _ := s.List(ctx, Query{Kind: data.KindMeeting, Mission: f.mission.ID}); len(ms) != 1 {
		t.Fatalf("moved meeting still listed under old mission")
	}
}

func labels(recs []data.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Label())
	}
	return out
}

func TestChangeLogIsFieldLevel(t *testing.T) {
	s, _ := openTemp(t)
	f := newFixture(t, s)
	start := s.LastSeq()
	f.contact.Title = "Chief engineer"
	if err := s.Update(ctx, f.contact); err != nil {
		t.Fatal(err)
	}
	// Saving the same content again is not a change.
	if err := s.Update(ctx, f.contact); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, f.contact.ID); err != nil {
		t.Fatal(err)
	}
	chs, err := s.Changes(ctx, s.Device(), start+1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(chs) != 2 {
		t.Fatalf("want 2 changes (update, delete), got %d: %+v", len(chs), chs)
	}
	up := chs[0]
	if up.Op != data.OpPut || up.Record != f.contact.ID || up.Seq != start+1 || up.Device != s.Device() {
		t.Fatalf("update change: %+v", up)
	}
	var names []string
	for _, fc := range up.Fields {
		names = append(names, fc.Name)
		if fc.Name == "title" && (string(fc.Value) != `"Chief engineer"` || fc.Seen != 0) {
			t.Fatalf("title change: %+v", fc)
		}
	}
	// "updated" is not logged on edits: every two edits of different
	// fields on two devices would otherwise conflict over it.
	if !slices.Equal(names, []string{"title"}) {
		t.Fatalf("changed fields = %v, want only title", names)
	}
	if del := chs[1]; del.Op != data.OpDelete || del.HLC <= up.HLC {
		t.Fatalf("delete change: %+v", del)
	}
	// A second title edit records the clock of the value it replaced.
	all, _ := s.Changes(ctx, s.Device(), 1, 0)
	if uint64(len(all)) != s.LastSeq() {
		t.Fatalf("log has %d entries, last seq %d", len(all), s.LastSeq())
	}
	for i := 1; i < len(all); i++ {
		if all[i].HLC <= all[i-1].HLC || all[i].Seq != all[i-1].Seq+1 {
			t.Fatalf("log not ordered at %d: %+v %+v", i, all[i-1], all[i])
		}
	}
	some, _ := s.Changes(ctx, s.Device(), 2, 3)
	if len(some) != 2 || some[0].Seq != 2 || some[1].Seq != 3 {
		t.Fatalf("range 2..3: %+v", some)
	}
}

func TestSeenClockOnSecondEdit(t *testing.T) {
	s, _ := openTemp(t)
	f := newFixture(t, s)
	f.contact.Title = "one"
	s.Update(ctx, f.contact)
	first := s.LastSeq()
	f.contact.Title = "two"
	s.Update(ctx, f.contact)
	chs, _ := s.Changes(ctx, s.Device(), first, 0)
	var seen, firstHLC = chs[1].Fields[0].Seen, chs[0].HLC
	if chs[1].Fields[0].Name != "title" || seen != firstHLC {
		t.Fatalf("second edit saw %v, want the first edit's clock %v", seen, firstHLC)
	}
}

func TestSearch(t *testing.T) {
	s, _ := openTemp(t)
	f := newFixture(t, s)
	sok := &data.Organization{Name: "Šokolaad OÜ", OrgKind: data.OrgMember, Country: "EE", City: "Tõrva"}
	if err := s.Create(ctx, sok); err != nil {
		t.Fatal(err)
	}
	cases := map[string]data.ID{
		"jyvaskyla":   f.host.ID,
		"JYVÄSKYLÄN":  f.host.ID,
		"sokolaad":    sok.ID,
		"тошкент":     f.member.ID,
		"кодир":       f.contact.ID, // prefix of Қодиров, folded
		"гулом кодир": f.contact.ID,
		"water pil":   f.meeting.ID,
		"tonu poder":  f.follow.ID,
		"torva":       sok.ID,
		"gulom@suv":   f.contact.ID,
	}
	for q, want := range cases {
		hits, err := s.Search(ctx, q, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].ID != want {
			t.Errorf("search %q: top hit %v, want %s", q, hitLabels(hits), want)
		}
	}
	// A name match outranks a match in notes: "šokolaad" is the org's name
	// and only a word in the meeting's notes.
	hits, _ := s.Search(ctx, "šokolaad", 10)
	if len(hits) != 2 || hits[0].ID != sok.ID || hits[1].ID != f.meeting.ID {
		t.Fatalf("ranking: %v", hitLabels(hits))
	}
	if hits, _ := s.Search(ctx, "water nonexistentword", 10); len(hits) != 0 {
		t.Fatalf("all words must match: %v", hitLabels(hits))
	}
	// Edits and deletes keep the index current.
	f.host.Name = "Hämeenlinnan Hydrauliikka Oy"
	s.Update(ctx, f.host)
	if hits, _ := s.Search(ctx, "jyvaskylan", 10); len(hits) != 0 {
		t.Fatalf("old name still found: %v", hitLabels(hits))
	}
	if hits, _ := s.Search(ctx, "hameenlinnan", 10); len(hits) != 1 {
		t.Fatalf("new name not found: %v", hitLabels(hits))
	}
	s.Delete(ctx, sok.ID)
	if hits, _ := s.Search(ctx, "sokolaad", 10); len(hits) != 1 || hits[0].ID != f.meeting.ID {
		t.Fatalf("deleted org still found: %v", hitLabels(hits))
	}
}

func hitLabels(h []Hit) []string {
	var out []string
	for _, x := range h {
		out = append(out, string(x.Kind)+":"+x.Label)
	}
	return out
}

func TestBlobIsContentAddressed(t *testing.T) {
	s, _ := openTemp(t)
	sha, err := s.PutBlob(ctx, []byte("card photo"))
	if err != nil {
		t.Fatal(err)
	}
	if want := sha256.Sum256([]byte("card photo")); sha != hex.EncodeToString(want[:]) {
		t.Fatalf("sha %q", sha)
	}
	if again, _ := s.PutBlob(ctx, []byte("card photo")); again != sha {
		t.Fatalf("same content, other address %q", again)
	}
	b, err := s.Blob(ctx, sha)
	if err != nil || string(b) != "card photo" {
		t.Fatalf("blob: %q %v", b, err)
	}
	if _, err := s.Blob(ctx, "00"+sha[2:]); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("missing blob: %v", err)
	}
}

func TestImportIsIdempotentAndKeepsDeletes(t *testing.T) {
	s, _ := openTemp(t)
	mk := func() []data.Record {
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		return []data.Record{
			&data.Organization{Base: data.Base{ID: data.DeterministicID(base, "a")}, Name: "A", OrgKind: data.OrgHost},
			&data.Organization{Base: data.Base{ID: data.DeterministicID(base, "b")}, Name: "B", OrgKind: data.OrgHost},
		}
	}
	res, err := s.Import(ctx, mk(), nil)
	if err != nil || res.Created != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	recs := mk()
	if err := s.Delete(ctx, recs[0].Meta().ID); err != nil {
		t.Fatal(err)
	}
	res, err = s.Import(ctx, mk(), nil)
	if err != nil || res.Created != 0 || res.Skipped != 2 {
		t.Fatalf("second import %+v %v", res, err)
	}
	if n := s.Stats(ctx)[data.KindOrg]; n != 1 {
		t.Fatalf("deleted record resurrected: %d orgs", n)
	}
}

func TestPrivateTransitionsInChangeLog(t *testing.T) {
	s, _ := openTemp(t)
	c := &data.Contact{GivenName: "Dilnoza", FamilyName: "Yusupova", Title: "Engineer"}
	c.Confidentiality = data.Private
	if err := s.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	start := s.LastSeq()
	chs, _ := s.Changes(ctx, s.Device(), start, start)
	if !chs[0].Private {
		t.Fatalf("a private record's creation must be private: %+v", chs[0])
	}
	// Made shared: peers have never seen it, so the whole record ships.
	c.Confidentiality = data.Shared
	if err := s.Update(ctx, c); err != nil {
		t.Fatal(err)
	}
	chs, _ = s.Changes(ctx, s.Device(), start+1, 0)
	if len(chs) != 1 || chs[0].Private || !hasField(chs[0], "given_name") || !hasField(chs[0], "family_name") {
		t.Fatalf("private→shared must log the full record: %+v", chs)
	}
	// Made private again with an edit: the confidentiality change ships on
	// its own, the edit stays on this device.
	c.Confidentiality = data.Private
	c.Notes = "met her brother"
	if err := s.Update(ctx, c); err != nil {
		t.Fatal(err)
	}
	chs, _ = s.Changes(ctx, s.Device(), start+2, 0)
	if len(chs) != 2 || chs[0].Private || len(chs[0].Fields) != 1 || chs[0].Fields[0].Name != "confidentiality" ||
		!chs[1].Private || !hasField(chs[1], "notes") || hasField(chs[1], "confidentiality") {
		t.Fatalf("shared→private: %+v", chs)
	}
}

func hasField(c data.Change, name string) bool {
	for _, f := range c.Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

func TestChildrenOfADeletedRecordStayEditable(t *testing.T) {
	s, _ := openTemp(t)
	f := newFixture(t, s)
	if err := s.Delete(ctx, f.mission.ID); err != nil {
		t.Fatal(err)
	}
	f.meeting.Notes = "still editable"
	if err := s.Update(ctx, f.meeting); err != nil {
		t.Fatalf("editing a meeting of a deleted mission: %v", err)
	}
	f.follow.Status = data.StatusDone
	if err := s.Update(ctx, f.follow); err != nil {
		t.Fatalf("editing a follow-up of a deleted mission: %v", err)
	}
	// A new link to the deleted mission is still refused.
	m := &data.Meeting{Mission: f.mission.ID, Title: "New", Start: f.meeting.Start, TimeZone: "Asia/Tashkent"}
	var fe *data.FieldError
	if err := s.Create(ctx, m); !errors.As(err, &fe) || fe.Field != "mission" {
		t.Fatalf("new meeting on a deleted mission: %v", err)
	}
}

func TestFollowUpMeetingMustBeOfItsMission(t *testing.T) {
	s, _ := openTemp(t)
	f := newFixture(t, s)
	other := &data.Mission{Name: "Richards Bay", Country: "ZA", Start: "2026-03-09", End: "2026-03-13", TimeZone: "Africa/Johannesburg"}
	if err := s.Create(ctx, other); err != nil {
		t.Fatal(err)
	}
	fu := &data.FollowUp{Title: "x", Due: "2026-07-01", Mission: other.ID, Meeting: f.meeting.ID}
	var fe *data.FieldError
	if err := s.Create(ctx, fu); !errors.As(err, &fe) || fe.Field != "meeting" || !strings.Contains(err.Error(), "another mission") {
		t.Fatalf("follow-up with a meeting of another mission: %v", err)
	}
}

func TestLowerCaseIDsAreStoredCanonically(t *testing.T) {
	s, _ := openTemp(t)
	f := newFixture(t, s)
	c := &data.Contact{GivenName: "A", Org: data.ID(strings.ToLower(string(f.member.ID)))}
	if err := s.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	if c.Org != f.member.ID {
		t.Fatalf("org stored as %q", c.Org)
	}
	byOrg, _ := s.List(ctx, Query{Kind: data.KindContact, Org: f.member.ID})
	if len(byOrg) != 2 {
		t.Fatalf("contacts by org after a lower-case link: %v", labels(byOrg))
	}
}

// TestSearchBeyondScanLimits: a word matching more records than a scan
// visits must not hide matches of a rarer word in the same query.
func TestSearchBeyondScanLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("saves 16,000 records")
	}
	s, _ := openTemp(t)
	recs := make([]data.Record, 0, 16001)
	for i := range 16000 {
		recs = append(recs, &data.Contact{GivenName: fmt.Sprintf("Jüri%d", i), FamilyName: "Šmidt", Notes: "common hydraulic"})
	}
	zanna := &data.Contact{GivenName: "Žanna", FamilyName: "Šmidt", Notes: "common hydraulic"}
	recs = append(recs, zanna)
	if _, err := s.Import(ctx, recs, nil); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"smidt zanna", "zanna smidt", "common zanna", "hydraulic common zann"} {
		hits, err := s.Search(ctx, q, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 1 || hits[0].ID != zanna.ID {
			t.Errorf("search %q: %v, want only Žanna", q, hitLabels(hits))
		}
	}
}

// An edit saved with UpdateFrom writes only what the user changed: a field
// changed meanwhile elsewhere is kept, and a field the user cleared is
// cleared.
func TestUpdateFromKeepsChangesMadeMeanwhile(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := &data.Contact{GivenName: "Ғулом", FamilyName: "Қодиров", Title: "Engineer", Notes: "met in Tashkent", Emails: []string{"g@example.uz"}}
	if err := st.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	opened := *c // the form opens this copy
	// Meanwhile another screen (or sync) changes the title.
	other := *c
	other.Title = "Chief engineer"
	if err := st.Update(ctx, &other); err != nil {
		t.Fatal(err)
	}
	edited := opened
	edited.Notes = "met in Tashkent; wants a quote"
	edited.Emails = nil
	saved, err := st.UpdateFrom(ctx, &opened, &edited)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Load[*data.Contact](ctx, st, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Chief engineer" || got.Notes != "met in Tashkent; wants a quote" || len(got.Emails) != 0 || got.GivenName != "Ғулом" {
		t.Fatalf("saved %+v", got)
	}
	if saved.(*data.Contact).Title != "Chief engineer" {
		t.Fatalf("returned %+v", saved)
	}
	// An edit that breaks a rule is refused and changes nothing.
	bad := *got
	bad.Emails = []string{"not an address"}
	if _, err := st.UpdateFrom(ctx, got, &bad); !errors.Is(err, data.ErrInvalid) {
		t.Fatalf("invalid edit: %v", err)
	}
	// A record deleted meanwhile is not brought back by an edit.
	if err := st.Delete(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateFrom(ctx, got, &edited); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("edit of a deleted record: %v", err)
	}
}
