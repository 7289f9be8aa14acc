package exchange

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/clusme/fieldbook/data"
)

// TestHeaderAfterTitleLines: exports often start with a title; the header
// is the row that maps the most columns, not the first name-like one.
func TestHeaderAfterTitleLines(t *testing.T) {
	st := openStore(t)
	csv := "Participant list\nB2B Tashkent 2026\n\nFirst name,Last name,Company,Email\nAnna,Virtanen,Hydroset Oy,anna@hydroset.example\n"
	rep, err := Import(context.Background(), st, "list.csv", bytes.NewReader([]byte(csv)), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count("create", data.KindContact) != 1 || rep.Count("create", data.KindOrg) != 1 || len(rep.Problems) != 0 {
		t.Fatalf("changes %v, problems %v", summary(rep), problems(rep))
	}
	if rep.Columns["Company"] != "company" || rep.Columns["Email"] != "email" {
		t.Fatalf("columns %v", rep.Columns)
	}
}

// TestExactHeaderBeatsPartial: "Company website" before "Company" must not
// take the company field.
func TestExactHeaderBeatsPartial(t *testing.T) {
	st := openStore(t)
	csv := "Name,Company website,Company\nSipho Dlamini,https://nyathi.example,Nyathi Heavy Equipment\n"
	rep, err := Import(context.Background(), st, "crm.csv", bytes.NewReader([]byte(csv)), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Columns["Company"] != "company" || rep.Columns["Company website"] == "company" {
		t.Fatalf("columns %v", rep.Columns)
	}
	for _, c := range rep.Changes {
		if c.Kind == data.KindOrg && c.Label != "Nyathi Heavy Equipment" {
			t.Fatalf("organization created from the wrong column: %q", c.Label)
		}
	}
}

// TestOrganizationsMatchWithoutLegalForm: "Veemõõt" in a list is the
// sample's "Veemõõt OÜ", not a new organization.
func TestOrganizationsMatchWithoutLegalForm(t *testing.T) {
	st := sampleStore(t)
	csv := "First name;Last name;Company\nKaja;Kask;Veemõõt\nThabo;Mokoena;UKHOZI ENGINEERING SUPPLIES\n"
	rep, err := Import(context.Background(), st, "list.csv", bytes.NewReader([]byte(csv)), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.Count("create", data.KindOrg); n != 0 {
		t.Fatalf("created %d organizations: %v", n, summary(rep))
	}
	if n := rep.Count("create", data.KindContact); n != 2 {
		t.Fatalf("contacts: %v", summary(rep))
	}
}

// TestAgendaWithSeparateDateColumn: "Date" and "Time" in two columns put
// each meeting on its own day, not all on the mission's first day.
func TestAgendaWithSeparateDateColumn(t *testing.T) {
	st := sampleStore(t)
	csv := "Name;Company;Päivämäärä;Aika;Pöytä\n" +
		"Ғулом Қодиров;ТОШКЕНТ СУВ ХИЗМАТИ АЖ;19.05.2026;10:00-10:20;4\n" +
		"Dilnoza Karimova;Toshkent Suv MChJ;2026-05-20;10:00;5\n" +
		"Bad Day;Some Company;31.02.2026;10:00;6\n"
	rep, err := Import(context.Background(), st, "agenda.csv", bytes.NewReader([]byte(csv)), ImportOptions{Mission: tashkent})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Row != 4 || rep.Problems[0].Column != "Päivämäärä" {
		t.Fatalf("problems %v", problems(rep))
	}
	var starts []string
	for _, c := range rep.Changes {
		if c.Kind == data.KindMeeting && c.Action == "create" {
			rec, err := st.Get(context.Background(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			starts = append(starts, rec.(*data.Meeting).Start.UTC().Format("2006-01-02T15:04"))
		}
	}
	// Tashkent is UTC+5.
	if len(starts) != 2 || starts[0] != "2026-05-19T05:00" || starts[1] != "2026-05-20T05:00" {
		t.Fatalf("meeting starts %v", starts)
	}
}

// TestFollowUpListIsNotAParticipantList: importing an exported follow-up
// list is refused clearly instead of turning owners into contacts.
func TestFollowUpListIsNotAParticipantList(t *testing.T) {
	st := sampleStore(t)
	for _, lang := range []string{"en", "ru"} {
		var buf bytes.Buffer
		if _, err := ExportFollowUps(context.Background(), st, Filter{Mission: tashkent}, CSV, Options{Lang: lang}, &buf); err != nil {
			t.Fatal(err)
		}
		_, err := Import(context.Background(), st, "followups.csv", &buf, ImportOptions{DryRun: true})
		if !errors.Is(err, data.ErrInvalid) || !strings.Contains(err.Error(), "follow-up list") {
			t.Fatalf("%s: %v", lang, err)
		}
	}
}

// TestNameOnlyRowMatchesTheOneContactOfThatName: "Johan Botha" with no
// company and no e-mail is the sample's Johan Botha, not a new contact.
func TestNameOnlyRowMatchesTheOneContactOfThatName(t *testing.T) {
	st := sampleStore(t)
	csv := "First name;Last name;Company;Email;Job title\nJohan;Botha;;;Director\n"
	rep, err := Import(context.Background(), st, "list.csv", bytes.NewReader([]byte(csv)), ImportOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count("create", data.KindContact) != 0 || rep.Count("update", data.KindContact)+rep.Count("unchanged", data.KindContact) != 1 {
		t.Fatalf("changes %v", summary(rep))
	}
}
