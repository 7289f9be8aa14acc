package seminar

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

var ctx = context.Background()

// world is a mission with a seminar, two delegates of two member
// companies and two hosts with a contact each.
type world struct {
	st               *store.Store
	mission          *data.Mission
	sem              *data.Seminar
	hydroset, kaamos *data.Organization
	nyathi, ukhozi   *data.Organization
	jukka, paivi     *data.Contact // delegates
	sipho, themba    *data.Contact // hosts
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &world{st: st}
	mk := func(r data.Record) {
		t.Helper()
		if err := st.Create(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	w.hydroset = &data.Organization{Name: "Hydroset Oy", OrgKind: data.OrgMember, Country: "FI"}
	w.kaamos = &data.Organization{Name: "Kaamos Ohjaamot", OrgKind: data.OrgMember, Country: "FI"}
	w.nyathi = &data.Organization{Name: "Nyathi Heavy Equipment", OrgKind: data.OrgHost, Country: "ZA"}
	w.ukhozi = &data.Organization{Name: "Ukhozi Calibration", OrgKind: data.OrgHost, Country: "ZA"}
	for _, o := range []*data.Organization{w.hydroset, w.kaamos, w.nyathi, w.ukhozi} {
		mk(o)
	}
	w.jukka = &data.Contact{GivenName: "Jukka", FamilyName: "Mäkelä", Org: w.hydroset.ID}
	w.paivi = &data.Contact{GivenName: "Päivi", FamilyName: "Ylönen", Org: w.kaamos.ID}
	w.sipho = &data.Contact{GivenName: "Sipho", FamilyName: "Dlamini", Org: w.nyathi.ID}
	w.themba = &data.Contact{GivenName: "Themba", FamilyName: "Khumalo", Org: w.ukhozi.ID}
	for _, c := range []*data.Contact{w.jukka, w.paivi, w.sipho, w.themba} {
		mk(c)
	}
	w.mission = &data.Mission{Name: "Richards Bay 2026", Country: "ZA", Start: "2026-03-09", End: "2026-03-13",
		TimeZone: "Africa/Johannesburg", Members: []data.ID{w.hydroset.ID, w.kaamos.ID},
		Hosts: []data.ID{w.nyathi.ID, w.ukhozi.ID}, Delegates: []data.ID{w.jukka.ID, w.paivi.ID}}
	mk(w.mission)
	w.sem = &data.Seminar{Mission: w.mission.ID, Name: "Richards Bay B2B", Venue: "Mhlathuze Conference Centre",
		Date: "2026-03-11", FirstSlot: "09:00", SlotMinutes: 20, Slots: 8, Tables: 6,
		Breaks: []data.Break{{After: 3, Minutes: 20, Label: "Coffee"}}}
	if err := Create(ctx, st, w.sem); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestSlotTimesAcrossABreak(t *testing.T) {
	w := newWorld(t)
	if w.sem.TimeZone != "Africa/Johannesburg" {
		t.Fatalf("zone not taken from the mission: %q", w.sem.TimeZone)
	}
	slots, err := Slots(w.sem)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range slots {
		got = append(got, s.Clock())
	}
	want := "09:00 09:20 09:40 10:20 10:40 11:00 11:20 11:40"
	if strings.Join(got, " ") != want {
		t.Fatalf("slots %v, want %s", got, want)
	}
	if slots[2].Break == nil || slots[2].Break.Label != "Coffee" {
		t.Fatalf("slot 3 should be followed by the coffee break: %+v", slots[2])
	}
	if n, err := SlotAt(w.sem, 10*60+20); err != nil || n != 4 {
		t.Fatalf("10:20 = slot %d, %v", n, err)
	}
	_, err = SlotAt(w.sem, 10*60+5)
	if !errors.Is(err, data.ErrConflict) || !strings.Contains(err.Error(), "Coffee") || !strings.Contains(err.Error(), "10:00–10:20") {
		t.Fatalf("10:05 in the break: %v", err)
	}
}

func TestTashkentSeminarInHelsinkiTime(t *testing.T) {
	sem := &data.Seminar{Name: "Tashkent cleantech B2B", Date: "2026-01-20", TimeZone: "Asia/Tashkent",
		FirstSlot: "09:00", SlotMinutes: 30, Slots: 4, Tables: 3}
	start, err := SlotStart(sem, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := start.UTC().Format(time.RFC3339); got != "2026-01-20T04:00:00Z" {
		t.Fatalf("slot 1 in UTC = %s", got)
	}
	if got := InZone(start, "Europe/Helsinki").Format("15:04 MST"); got != "06:00 EET" {
		t.Fatalf("slot 1 in Helsinki = %s, want 06:00 EET", got)
	}
	// In summer Helsinki is one hour closer to Tashkent.
	sem.Date = "2026-05-20"
	start, _ = SlotStart(sem, 1)
	if got := InZone(start, "Europe/Helsinki").Format("15:04"); got != "07:00" {
		t.Fatalf("slot 1 in Helsinki in May = %s", got)
	}
}

func TestScheduleAndClashes(t *testing.T) {
	w := newWorld(t)
	m, err := Schedule(ctx, w.st, w.sem.ID, Request{Slot: 4, Table: 2, Delegate: w.jukka.ID, With: []data.ID{w.sipho.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Title != "B2B: Hydroset Oy – Nyathi Heavy Equipment" || m.MeetingKind != data.MeetingB2B || m.DurationMin != 20 ||
		m.Status != data.MeetingScheduled || m.Mission != w.mission.ID || m.TimeZone != "Africa/Johannesburg" {
		t.Fatalf("meeting %+v", m)
	}
	if got := m.Local().Format("2006-01-02 15:04"); got != "2026-03-11 10:20" {
		t.Fatalf("slot 4 starts %s", got)
	}
	if !hasID(m.Orgs, w.nyathi.ID) || !hasID(m.Orgs, w.hydroset.ID) || !hasID(m.Attendees, w.sipho.ID) {
		t.Fatalf("parties %v %v", m.Orgs, m.Attendees)
	}
	cases := []struct {
		name string
		req  Request
		kind error
		want string
	}{
		{"table", Request{Slot: 4, Table: 2, Delegate: w.paivi.ID, With: []data.ID{w.ukhozi.ID}}, data.ErrConflict,
			"table 2 in slot 4 (10:20) is already taken by B2B: Hydroset Oy – Nyathi Heavy Equipment"},
		{"delegate", Request{Slot: 4, Table: 3, Delegate: w.jukka.ID, With: []data.ID{w.themba.ID}}, data.ErrConflict,
			"Jukka Mäkelä is already booked in slot 4 (10:20) at table 2"},
		{"host person", Request{Slot: 4, Table: 3, Delegate: w.paivi.ID, With: []data.ID{w.sipho.ID}}, data.ErrConflict,
			"Sipho Dlamini is already booked in slot 4 (10:20) at table 2"},
		{"slot range", Request{Slot: 9, Table: 1, Delegate: w.paivi.ID, With: []data.ID{w.ukhozi.ID}}, data.ErrInvalid,
			"slot 9 is out of range: Richards Bay B2B has slots 1 to 8"},
		{"table range", Request{Slot: 1, Table: 7, Delegate: w.paivi.ID, With: []data.ID{w.ukhozi.ID}}, data.ErrInvalid,
			"table 7 is out of range: Richards Bay B2B has tables 1 to 6"},
	}
	for _, c := range cases {
		_, err := Schedule(ctx, w.st, w.sem.ID, c.req)
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
	// A cancelled meeting frees its table.
	if _, err := RecordOutcome(ctx, w.st, m.ID, data.MeetingCancelled, "", "", nil); err != nil {
		t.Fatal(err)
	}
	m2, err := Schedule(ctx, w.st, w.sem.ID, Request{Slot: 4, Table: 2, Delegate: w.paivi.ID, With: []data.ID{w.ukhozi.ID}, Title: "Kaamos meets Ukhozi"})
	if err != nil {
		t.Fatalf("table of a cancelled meeting: %v", err)
	}
	// Moving: onto a taken table is refused; onto its own place or a free one works.
	m3, err := Schedule(ctx, w.st, w.sem.ID, Request{Slot: 5, Table: 1, Delegate: w.jukka.ID, With: []data.ID{w.ukhozi.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Move(ctx, w.st, m3.ID, 4, 2); !errors.Is(err, data.ErrConflict) || !strings.Contains(err.Error(), "Kaamos meets Ukhozi") {
		t.Fatalf("move onto a taken table: %v", err)
	}
	if _, err := Move(ctx, w.st, m3.ID, 5, 1); err != nil {
		t.Fatalf("move onto its own place: %v", err)
	}
	moved, err := Move(ctx, w.st, m3.ID, 8, 6)
	if err != nil {
		t.Fatal(err)
	}
	if moved.Slot != 8 || moved.Table != 6 || moved.Local().Format("15:04") != "11:40" || !strings.HasSuffix(moved.Location, "Table 6") {
		t.Fatalf("moved: %+v", moved)
	}
	a, err := Load(ctx, w.st, w.sem.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Meetings) != 3 || a.Meetings[0].ID != m.ID && a.Meetings[0].ID != m2.ID || a.Meetings[2].ID != m3.ID {
		t.Fatalf("agenda order: %v", titles(a.Meetings))
	}
	if got := a.Booked(4, 2); got == nil || got.ID != m2.ID {
		t.Fatalf("booked 4/2 = %v", got)
	}
	if got := titles(a.ForDelegate(w.jukka.ID)); len(got) != 2 {
		t.Fatalf("Jukka's agenda: %v", got)
	}
	if got := titles(a.ForTable(6)); len(got) != 1 {
		t.Fatalf("table 6: %v", got)
	}
}

func titles(ms []*data.Meeting) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Title)
	}
	return out
}

func TestSeminarBelongsToTheMeetingsMission(t *testing.T) {
	w := newWorld(t)
	other := &data.Mission{Name: "Tashkent", Country: "UZ", Start: "2026-05-18", End: "2026-05-22", TimeZone: "Asia/Tashkent"}
	if err := w.st.Create(ctx, other); err != nil {
		t.Fatal(err)
	}
	m := &data.Meeting{Mission: other.ID, Title: "Wrong", Start: time.Now(), TimeZone: "Asia/Tashkent", Seminar: w.sem.ID, Slot: 1, Table: 1}
	if err := w.st.Create(ctx, m); !errors.Is(err, data.ErrInvalid) || !strings.Contains(err.Error(), "another mission") {
		t.Fatalf("seminar of another mission: %v", err)
	}
	m.Mission, m.Slot = w.mission.ID, 0
	if err := w.st.Create(ctx, m); !errors.Is(err, data.ErrInvalid) || !strings.Contains(err.Error(), "slot") {
		t.Fatalf("agenda meeting without slot: %v", err)
	}
}

func TestOutcomeCreatesFollowUp(t *testing.T) {
	w := newWorld(t)
	m, err := Schedule(ctx, w.st, w.sem.ID, Request{Slot: 1, Table: 1, Delegate: w.jukka.ID, With: []data.ID{w.sipho.ID}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := RecordOutcome(ctx, w.st, m.ID, data.MeetingHeld, data.OutcomeOfferRequested, "Quote for 45-t hoist cylinders.", &FollowUpSpec{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Meeting.Status != data.MeetingHeld || res.Meeting.Outcome != data.OutcomeOfferRequested || !strings.Contains(res.Meeting.Notes, "hoist") {
		t.Fatalf("meeting after outcome: %+v", res.Meeting)
	}
	f := res.FollowUp
	if f == nil || f.Title != "Send the offer requested by Nyathi Heavy Equipment" || f.Due != "2026-03-18" ||
		f.Meeting != m.ID || f.Mission != w.mission.ID || f.Org != w.nyathi.ID || f.Contact != w.sipho.ID ||
		f.Owner != "Jukka Mäkelä" || f.Priority != data.PriorityHigh {
		t.Fatalf("follow-up %+v", f)
	}
	fus, err := w.st.List(ctx, store.Query{Kind: data.KindFollowUp, Meeting: m.ID})
	if err != nil || len(fus) != 1 {
		t.Fatalf("follow-ups of the meeting: %d %v", len(fus), err)
	}
	// Notes are added, never replaced; a bad due date saves nothing.
	if _, err := RecordOutcome(ctx, w.st, m.ID, data.MeetingNoShow, "", "", &FollowUpSpec{Due: "2026-13-01"}); !errors.Is(err, data.ErrInvalid) {
		t.Fatalf("bad due date: %v", err)
	}
	got, _ := store.Load[*data.Meeting](ctx, w.st, m.ID)
	if got.Status != data.MeetingHeld {
		t.Fatalf("status changed by a failed outcome: %s", got.Status)
	}
	a, _ := Load(ctx, w.st, w.sem.ID)
	s := a.Summary()
	if s.Held != 1 || s.Outcomes[data.OutcomeOfferRequested] != 1 || s.Meetings != 1 {
		t.Fatalf("summary %+v", s)
	}
}

const messyCSV = "\uFEFFAgenda – Richards Bay B2B matchmaking\n" +
	" Time slot ; Table no. ;Participant A;Company A; Participant B ;Organisation B;Comments \n" +
	"09:00 - 09:20;Table 1;jukka makela;Hydroset;Sipho Dlamini;Nyathi Heavy Equipment;Cylinders\n" +
	"09:00 - 09:20;1;Päivi Ylönen;Kaamos;Themba Khumalo;Ukhozi Calibration;clash on table 1\n" +
	"11.03.2026 09:20;T-2;Themba Khumalo;Ukhozi Calibration;PÄIVI YLÖNEN;Kaamos;delegate on side B\n" +
	"10:05;3;Jukka Mäkelä;Hydroset;Someone;Zululand Gears (Pty) Ltd;in the coffee break\n" +
	"10:20;3;Jukka Mäkelä;Hydroset;Lindiwe Mokoena;Zululand Gears (Pty) Ltd;new host company\n" +
	"10:40;4;Anna Unknown;Nobody Oy;Sipho Dlamini;Nyathi;unknown delegate\n"

func TestImportMessyCSV(t *testing.T) {
	w := newWorld(t)
	dry, err := ImportAgenda(ctx, w.st, w.sem.ID, strings.NewReader(messyCSV), "agenda.csv", ImportOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if dry.Applied || len(dry.Scheduled) != 3 || w.st.Stats(ctx)[data.KindMeeting] != 0 {
		t.Fatalf("dry run: %+v, %d meetings", dry, w.st.Stats(ctx)[data.KindMeeting])
	}
	rep, err := ImportAgenda(ctx, w.st, w.sem.ID, strings.NewReader(messyCSV), "agenda.csv", ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Scheduled) != 3 || rep.Rows != 6 {
		t.Fatalf("scheduled %+v of %d rows; problems %v", rep.Scheduled, rep.Rows, rep.Problems)
	}
	var msgs []string
	for _, p := range rep.Problems {
		if !p.Warning {
			msgs = append(msgs, p.String())
		}
	}
	want := []string{
		"row 4: table 1 in slot 1 (09:00) is already taken by B2B: Hydroset Oy – Nyathi Heavy Equipment",
		"row 6: 10:05 falls in the break “Coffee” (10:00–10:20)",
		"row 8: unknown delegate: \"Anna Unknown\" or \"Sipho Dlamini\" is not a delegate of Richards Bay 2026",
	}
	if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
	if rep.NewOrgs == nil || rep.NewOrgs[0] != "Zululand Gears (Pty) Ltd" {
		t.Fatalf("new orgs %v", rep.NewOrgs)
	}
	a, _ := Load(ctx, w.st, w.sem.ID)
	b := a.Booked(2, 2)
	if b == nil || b.Delegates[0] != w.paivi.ID || !hasID(b.Attendees, w.themba.ID) || b.Notes != "delegate on side B" {
		t.Fatalf("row with the delegate on side B: %+v", b)
	}
	if z := a.Booked(4, 3); z == nil || !strings.Contains(z.Notes, "Lindiwe Mokoena") || !strings.Contains(z.Title, "Zululand Gears") {
		t.Fatalf("meeting with a new host company: %+v", z)
	}
	// Importing again adds nothing.
	again, err := ImportAgenda(ctx, w.st, w.sem.ID, strings.NewReader(messyCSV), "agenda.csv", ImportOptions{})
	if err != nil || len(again.Scheduled) != 0 || again.Unchanged != 3 {
		t.Fatalf("second import: %+v %v", again, err)
	}
}

func TestImportXLSX(t *testing.T) {
	w := newWorld(t)
	path := filepath.Join("testdata", "agenda.xlsx")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ImportAgenda(ctx, w.st, w.sem.ID, bytes.NewReader(b), "agenda.xlsx", ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Scheduled) != 2 || len(rep.Problems) != 1 || !rep.Problems[0].Conflict ||
		!strings.Contains(rep.Problems[0].Message, "Jukka Mäkelä is already booked in slot 1 (09:00)") {
		t.Fatalf("xlsx import: %+v", rep)
	}
	a, _ := Load(ctx, w.st, w.sem.ID)
	if m := a.Booked(5, 6); m == nil || m.Delegates[0] != w.paivi.ID {
		t.Fatalf("row with an Excel time 10:40 at table 6: %+v", a.Meetings)
	}
}

// TestWriteAgendaXLSX regenerates testdata/agenda.xlsx (set
// FIELDBOOK_WRITE_FIXTURE=1): an export in the style of a matchmaking
// platform, with times as Excel times and requester/requested columns.
func TestWriteAgendaXLSX(t *testing.T) {
	if os.Getenv("FIELDBOOK_WRITE_FIXTURE") == "" {
		t.Skip("set FIELDBOOK_WRITE_FIXTURE=1 to regenerate testdata/agenda.xlsx")
	}
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	rows := [][]any{
		{"Start Time", "Table", "Requester", "Requester company", "Requested", "Requested company", "Status"},
		{0.375, "1", "Jukka Mäkelä", "Hydroset Oy", "Sipho Dlamini", "Nyathi Heavy Equipment", "Accepted"},
		{0.375, "2", "Jukka Mäkelä", "Hydroset Oy", "Themba Khumalo", "Ukhozi Calibration", "Accepted"},
		{10.0/24 + 40.0/24/60, "6", "Päivi Ylönen", "Kaamos Ohjaamot", "", "Ukhozi Calibration", "Accepted"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(filepath.Join("testdata", "agenda.xlsx")); err != nil {
		t.Fatal(err)
	}
}

func TestParseBreak(t *testing.T) {
	b, err := ParseBreak(" 4 : 20 : Кофе-брейк ")
	if err != nil || b.After != 4 || b.Minutes != 20 || b.Label != "Кофе-брейк" {
		t.Fatalf("%+v, %v", b, err)
	}
	if b, err := ParseBreak("5:75"); err != nil || b.Label != "" || b.Minutes != 75 {
		t.Fatalf("%+v, %v", b, err)
	}
	for _, bad := range []string{"", "4", "x:20", "4:y:Lunch"} {
		if _, err := ParseBreak(bad); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
