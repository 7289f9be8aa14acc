package exchange

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/card"
	"github.com/clusme/fieldbook/data/sample"
	"github.com/clusme/fieldbook/data/store"
)

func parseCards(t *testing.T, s string) []card.Card {
	t.Helper()
	cards, err := card.Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return cards
}

func TestPhoneKeyMatchesNationalAndInternationalForms(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"+358 40 123 4567", "040-123 4567", true},
		{"00358401234567", "+358 (0)40 123 4567", true},
		{"+27 82 555 0199", "082 555 0199", true},
		{"+358 40 123 4567", "+358 40 123 4568", false},
		{"112", "112", false}, // too short to say it is one person's
	} {
		ka, kb := phoneKey(c.a), phoneKey(c.b)
		if got := ka != "" && ka == kb; got != c.same {
			t.Errorf("%q vs %q: same=%v (keys %q %q)", c.a, c.b, got, ka, kb)
		}
	}
}

func TestCardsBecomeContactsWithoutDuplicates(t *testing.T) {
	ctx := context.Background()
	st := sampleStore(t)
	m := sample.RefID("@mission:tashkent-2026")
	// The same person twice in one file (a second phone the second time),
	// and someone from a company new to the store, in Uzbekistan.
	vcf := "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Qodirov;Jasur;;;\r\nFN:Jasur Qodirov\r\nORG:Toshkent Issiqlik Qoʻshma Korxonasi MChJ\r\n" +
		"TEL;TYPE=WORK:+998 71 200 11 22\r\nEMAIL:jasur@issiqlik.example\r\nADR;TYPE=WORK:;;Amir Temur 1;Toshkent;;100000;Uzbekistan\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Qodirov;Jasur;;;\r\nFN:Jasur Qodirov\r\nTEL;TYPE=CELL:+998 90 333 44 55\r\nEMAIL:JASUR@issiqlik.example\r\nEND:VCARD\r\n"
	plans, err := PlanCards(ctx, st, parseCards(t, vcf), CardOptions{Source: "vcard", Mission: m})
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 2 || plans[0].Action != CardCreate || plans[1].Action != CardMerge || plans[1].Reason != "email" {
		t.Fatalf("plans: %+v / %+v", plans[0], plans[1])
	}
	if !plans[0].NewOrg || plans[0].Org.OrgKind != data.OrgHost || plans[0].Org.Country != "UZ" || plans[0].Org.City != "Toshkent" {
		t.Fatalf("new org: %+v", plans[0].Org)
	}
	before := st.Stats(ctx)
	if err := ApplyCards(ctx, st, plans); err != nil {
		t.Fatal(err)
	}
	after := st.Stats(ctx)
	if after[data.KindContact] != before[data.KindContact]+1 || after[data.KindOrg] != before[data.KindOrg]+1 {
		t.Fatalf("contacts %d → %d, orgs %d → %d", before[data.KindContact], after[data.KindContact], before[data.KindOrg], after[data.KindOrg])
	}
	c := mustGet[*data.Contact](t, st, plans[0].Saved)
	if plans[1].Saved != c.ID || len(c.Phones) != 2 || len(c.Emails) != 1 || c.Source != "vcard" || c.Org != plans[0].Org.ID {
		t.Fatalf("saved contact: %+v", c)
	}

	// A later scan of the same person by national phone form merges; a
	// card that says another title keeps the record's and notes the card's.
	c.Title = "Bosh muhandis"
	if err := st.Update(ctx, c); err != nil {
		t.Fatal(err)
	}
	scan := "MECARD:N:Qodirov,Jasur;TEL:(090) 333-44-55;NOTE:met at the B2B;TITLE:Direktor;;"
	cards := parseCards(t, scan)
	cards[0].Title = "Direktor"
	plans, err = ImportCards(ctx, st, cards, CardOptions{Source: "qr"})
	if err != nil {
		t.Fatal(err)
	}
	if plans[0].Action != CardMerge || plans[0].Reason != "phone" || len(plans[0].Differs) != 1 || plans[0].Differs[0] != "title" {
		t.Fatalf("scan plan: %+v", plans[0])
	}
	c = mustGet[*data.Contact](t, st, c.ID)
	if c.Title != "Bosh muhandis" || !strings.Contains(c.Notes, "Direktor") || !strings.Contains(c.Notes, "met at the B2B") {
		t.Fatalf("after merge: title %q notes %q", c.Title, c.Notes)
	}
	// The same scan again changes nothing.
	plans, err = ImportCards(ctx, st, cards, CardOptions{Source: "qr"})
	if err != nil || plans[0].Action != CardSame {
		t.Fatalf("repeat scan: %+v, %v", plans[0], err)
	}
}

func TestCardSkipAndCreateChoices(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	vcf := "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Mari Tamm\r\nN:Tamm;Mari;;;\r\nEMAIL:mari@tamm.example\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Mari Tamm\r\nN:Tamm;Mari;;;\r\nEMAIL:mari@tamm.example\r\nTEL:+372 5123 4567\r\nEND:VCARD\r\n"
	plans, err := PlanCards(ctx, st, parseCards(t, vcf), CardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The user skips the first: the second then stands on its own.
	plans[0].Action = CardSkip
	if err := ApplyCards(ctx, st, plans); err != nil {
		t.Fatal(err)
	}
	if n := st.Stats(ctx)[data.KindContact]; n != 1 {
		t.Fatalf("%d contacts, want 1", n)
	}
	c := mustGet[*data.Contact](t, st, plans[1].Saved)
	if len(c.Phones) != 1 {
		t.Fatalf("contact %+v", c)
	}
	// Bad values on a card do not lose the card: they move to the notes.
	cards := parseCards(t, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Peeter Põder\r\nEMAIL:peeter(at)poder.ee\r\nTEL:ask at desk\r\nEND:VCARD\r\n")
	plans, err = ImportCards(ctx, st, cards, CardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c = mustGet[*data.Contact](t, st, plans[0].Saved)
	if len(c.Emails) != 0 || !strings.Contains(c.Notes, "peeter(at)poder.ee") || !strings.Contains(c.Notes, "ask at desk") {
		t.Fatalf("odd values: %+v", c)
	}
	if _, err := PlanCards(ctx, st, parseCards(t, "just some words"), CardOptions{}); err == nil {
		t.Error("plain text without a name made a contact")
	}
}

func TestCardPhotoBecomesAttachment(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	jpeg := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0, 1, 2, 3, 4, 5, 0xFF, 0xD9}
	c := card.Card{GivenName: "Liis", FamilyName: "Kask", Photo: &card.Photo{MediaType: "image/jpeg", Data: jpeg}}
	b, err := card.Format(c, "3.0")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := ImportCards(ctx, st, parseCards(t, string(b)), CardOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	atts, err := st.List(ctx, store.Query{Kind: data.KindAttachment})
	if err != nil || len(atts) != 1 {
		t.Fatalf("attachments %v, %v (the same photo twice must be one)", atts, err)
	}
	a := atts[0].(*data.Attachment)
	blob, err := st.Blob(ctx, a.SHA256)
	if err != nil || !bytes.Equal(blob, jpeg) || a.MediaType != "image/jpeg" {
		t.Fatalf("photo %+v: %v", a, err)
	}
}

func TestExportVCardsLeavesPrivateOut(t *testing.T) {
	ctx := context.Background()
	st := sampleStore(t)
	priv := &data.Contact{GivenName: "Salainen", FamilyName: "Lähde"}
	priv.Confidentiality = data.Private
	if err := st.Create(ctx, priv); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := ExportVCards(ctx, st, Filter{}, nil, "4.0", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != st.Stats(ctx)[data.KindContact]-1 || strings.Contains(buf.String(), "Salainen") {
		t.Fatalf("exported %d cards; private included: %v", n, strings.Contains(buf.String(), "Salainen"))
	}
	back, err := card.Parse(buf.Bytes())
	if err != nil || len(back) != n {
		t.Fatalf("re-parse: %d cards, %v", len(back), err)
	}
	buf.Reset()
	if n, err := ExportVCards(ctx, st, Filter{IncludePrivate: true}, nil, "3.0", &buf); err != nil || !strings.Contains(buf.String(), "Salainen") {
		t.Fatalf("with private: %d, %v", n, err)
	}
	if _, err := ExportVCards(ctx, st, Filter{}, nil, "2.1", &buf); err == nil {
		t.Error("vCard 2.1 export accepted")
	}
}
