package card

import (
	"reflect"
	"strings"
	"testing"

	"github.com/clusme/fieldbook/data"
)

func TestContact(t *testing.T) {
	tests := []struct {
		name string
		card Card
		want data.Contact
	}{
		{"full vCard", Card{
			FormattedName: "Prof. Jüri Sõõrd", GivenName: "Jüri", FamilyName: "Sõõrd", MiddleName: "Ülo",
			Prefix: "Prof.", Org: "Pärnu Tööstus OÜ", OrgUnits: []string{"Müük", "Eksport"},
			Title: "Tegevjuht", Role: "Ostja",
			Emails: []Typed{typed(" juri@example.ee ", "work"), typed("")},
			Phones: []Typed{typed("+372 5123 4567", "cell"), typed("+372 44 12 345", "work")},
			Addresses: []Address{{Street: "Rüütli 1\nHoov B", City: "Pärnu", PostalCode: "80010", Country: "Eesti"},
				{POBox: "PK 12", Region: "Harjumaa"}},
			URLs:      []string{"https://parnutoostus.ee"},
			Note:      "Kohtusime messil.",
			Languages: []string{"et", "fi"},
			Photo:     &Photo{URI: "https://x.example/p.jpg"},
			Source:    "vcard-2.1",
		}, data.Contact{
			GivenName: "Jüri Ülo", FamilyName: "Sõõrd", Title: "Tegevjuht",
			Emails:    []string{"juri@example.ee"},
			Phones:    []string{"+372 5123 4567", "+372 44 12 345"},
			Languages: []string{"et", "fi"},
			Notes: "Kohtusime messil.\nProf. Jüri Ülo Sõõrd\nOstja\nMüük, Eksport\n" +
				"Rüütli 1, Hoov B, 80010 Pärnu, Eesti\nPK 12, Harjumaa\nhttps://parnutoostus.ee",
			Source: "vcard",
		}},
		{"MECARD name without comma: split FN at the last space", Card{
			FormattedName: "Sean Michael Owen", Phones: []Typed{typed("+12125658770")}, Source: "mecard",
		}, data.Contact{GivenName: "Sean Michael", FamilyName: "Owen", Phones: []string{"+12125658770"}, Source: "qr"}},
		{"one word", Card{FormattedName: "Madonna", Source: "vcard-3.0"},
			data.Contact{FamilyName: "Madonna", Source: "vcard"}},
		{"company card: FN is the organization, not a person", Card{
			FormattedName: "Ragnsells AS", Org: "Ragnsells AS", URLs: []string{"https://ragnsells.ee"}, Source: "vcard-4.0",
		}, data.Contact{Notes: "https://ragnsells.ee", Source: "vcard"}},
		{"plain text", Card{Note: "Kaisa Laine\n+358 40 1", Source: "text"},
			data.Contact{Notes: "Kaisa Laine\n+358 40 1", Source: "qr"}},
		{"Uzbek Latin", Card{FormattedName: "Oʻktam Gʻulomov", Source: "url"},
			data.Contact{GivenName: "Oʻktam", FamilyName: "Gʻulomov", Source: "qr"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.card.Contact()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

// TestContactFromSamples: every parsed sample that names a person gives a
// contact the store accepts, with the names in the right fields.
func TestContactFromSamples(t *testing.T) {
	want := map[string][2]string{ // file → given, family of the first card
		"android21.vcf":      {"Ғайрат Ҳамидович", "Қодиров"},
		"iphone30.vcf":       {"Kadri", "Tamm"},
		"outlook21.vcf":      {"Matti", "Järvinen"},
		"outlook30-1252.vcf": {"Jüri", "Sõõrd"},
		"rfc6350.vcf":        {"Simon", "Perreault"},
		"cyrillic1251.vcf":   {"Сергей Иванович", "Петров"},
		"mecard-zxing1.txt":  {"Sean", "Owen"},
		"mecard-zxing2.txt":  {"", "Google 411"},
		"mecard-uzbek.txt":   {"Oʻktam", "Gʻulomov"},
	}
	for file, names := range want {
		cards, err := Parse(readTestdata(t, file))
		if err != nil {
			t.Fatal(err)
		}
		c := cards[0].Contact()
		if c.GivenName != names[0] || c.FamilyName != names[1] {
			t.Errorf("%s: %q %q, want %q %q", file, c.GivenName, c.FamilyName, names[0], names[1])
		}
		// A number with an extension ("… ext. 102", from a tel: URI) is
		// kept as written; the store's phone rule has no extensions, so
		// the importer moves such numbers to the notes. Do the same here.
		var phones []string
		for _, p := range c.Phones {
			if data.ValidPhone(p) {
				phones = append(phones, p)
			}
		}
		c.Phones = phones
		c.ID = data.NewID()
		if err := data.Prepare(&c); err != nil {
			t.Errorf("%s: the store rejects the contact: %v", file, err)
		}
	}
}

func TestFromContact(t *testing.T) {
	c := &data.Contact{
		GivenName: "Kaisa", FamilyName: "Laine", Title: "CEO",
		Emails: []string{"kaisa@laine.example", " "}, Phones: []string{"+358 40 123 4567"},
		Languages: []string{"fi", "en"}, Notes: "private: wants a 20% discount",
	}
	org := &data.Organization{Name: "Laine Oy", Website: "https://laine.example", Address: "Hämeenkatu 1",
		City: "Tampere", Country: "FI", Email: "info@laine.example", Phone: "+358 3 000"}
	got := FromContact(c, org)
	want := Card{
		FormattedName: "Kaisa Laine", GivenName: "Kaisa", FamilyName: "Laine",
		Org: "Laine Oy", Title: "CEO",
		Emails:    []Typed{typed("kaisa@laine.example", "work")},
		Phones:    []Typed{typed("+358 40 123 4567", "work")},
		Addresses: []Address{{Types: []string{"work"}, Street: "Hämeenkatu 1", City: "Tampere", Country: "Finland"}},
		URLs:      []string{"https://laine.example"},
		Languages: []string{"fi", "en"},
	}
	if d := cardDiff(got, want); d != "" {
		t.Error(d)
	}
	for _, v := range []string{"3.0", "4.0"} {
		b, _ := Format(got, v)
		if strings.Contains(string(b), "discount") || strings.Contains(string(b), "NOTE") {
			t.Errorf("%s: private notes leak into the card:\n%s", v, b)
		}
	}

	// Without an organization; a country that is not a code stays as is.
	if got := FromContact(c, nil); got.Org != "" || got.URLs != nil || got.Addresses != nil || got.FormattedName != "Kaisa Laine" {
		t.Errorf("no org: %+v", got)
	}
	if got := FromContact(&data.Contact{FamilyName: "Qodirov"}, &data.Organization{Name: "Toshmash", Country: "Oʻzbekiston"}); got.Addresses[0].Country != "Oʻzbekiston" {
		t.Errorf("country name: %+v", got.Addresses)
	}
	if got := FromContact(&data.Contact{FamilyName: "Qodirov"}, &data.Organization{Name: "Toshmash", Country: "uz"}); got.Addresses[0].Country != "Uzbekistan" {
		t.Errorf("country code: %+v", got.Addresses)
	}
	// A nil contact gives the organization's card rather than a panic.
	if got := FromContact(nil, org); got.FormattedName != "Laine Oy" {
		t.Errorf("nil contact: %+v", got)
	}
	// Contact() of FromContact gives the contact back (without the notes
	// and the organization, which the card does not carry as fields).
	back := FromContact(c, nil).Contact()
	if back.GivenName != c.GivenName || back.FamilyName != c.FamilyName || back.Title != c.Title ||
		!reflect.DeepEqual(back.Emails, c.Emails[:1]) || !reflect.DeepEqual(back.Phones, c.Phones) {
		t.Errorf("back: %+v", back)
	}
}
