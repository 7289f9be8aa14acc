package card

import (
	"strings"
	"testing"
)

// fullCards have every field set, in the scripts the delegations meet, with
// the characters that need escaping in every field that can hold them.
func fullCards(t testing.TB) []Card {
	jpg := readTestdata(t, "photo.jpg")
	return []Card{{
		FormattedName: "Prof. Dr. Jüri-Mart Sõõrd, PhD",
		GivenName:     "Jüri-Mart", FamilyName: "Sõõrd", MiddleName: "Õnne Ülo",
		Prefix: "Prof. Dr.", Suffix: "PhD, MBA",
		Org: "Pärnu Tööstus OÜ; Tallinn", OrgUnits: []string{"Müük, eksport", "Šveitsi\\Žürii"},
		Title: "Tegevjuht", Role: "Ostuotsuste tegija",
		Emails: []Typed{typed("juri@parnutoostus.ee", "work", "pref"), typed("juri.soord@example.ee", "home")},
		Phones: []Typed{typed("+372 5123 4567", "cell", "voice", "pref"), typed("+372 44 12 345,,22", "work", "fax"), typed("+372 600 0000")},
		Addresses: []Address{
			{Types: []string{"work", "pref"}, POBox: "PK 12", Extended: "3. korrus", Street: "Rüütli 1\nHoov B", City: "Pärnu",
				Region: "Pärnumaa", PostalCode: "80010", Country: "Eesti"},
			{Types: []string{"home"}, Street: "Mäe 2; korter 5", City: "Tallinn", Country: "Estonia"},
		},
		URLs:      []string{"https://parnutoostus.ee/et/kontakt?a=1;b=2,3", "http://example.ee/C:\\tee", "https://ä.example/ö"},
		Note:      "Kohtusime messil; huvi CNC vastu, hind 5 000 €.\n\nJärgmine samm: pakkumine \\ leping.",
		Languages: []string{"et", "fi", "en"},
		Photo:     &Photo{MediaType: "image/jpeg", Data: jpg},
	}, {
		FormattedName: "Қодиров Ғайрат Ҳамидович",
		GivenName:     "Ғайрат", FamilyName: "Қодиров", MiddleName: "Ҳамидович",
		Prefix: "жаноб", Suffix: "т.ф.н.",
		Org: "Тошкент Машинасозлик заводи", OrgUnits: []string{"Сотув бўлими", "Экспорт"},
		Title: "Бош муҳандис", Role: "Техник эксперт",
		Emails: []Typed{typed("g.qodirov@toshmash.uz", "work")},
		Phones: []Typed{typed("+998 90 123 45 67", "cell", "pref"), typed("+998 71 234 56 78", "work")},
		Addresses: []Address{{Types: []string{"work"}, Street: "Амир Темур кўчаси, 108", City: "Тошкент",
			Region: "Тошкент вилояти", PostalCode: "100084", Country: "Ўзбекистон"}},
		URLs:      []string{"https://toshmash.uz"},
		Note:      "Учрашув: Тошкент, 12 март; Қ Ғ Ҳ Ў қ ғ ҳ ў.",
		Languages: []string{"uz-Cyrl", "ru"},
		Photo:     &Photo{MediaType: "image/png", URI: "https://toshmash.uz/photo/qodirov.png"},
	}, {
		FormattedName: "Oʻktam Gʻulomov", GivenName: "Oʻktam", FamilyName: "Gʻulomov",
		Org: "Qoʻqon Mashina", Title: "Direktor oʻrinbosari",
		Emails:    []Typed{typed("o.gulomov@qoqon.uz", "work")},
		Phones:    []Typed{typed("+998 73 542 00 00", "work")},
		Addresses: []Address{{Types: []string{"work"}, Street: "Turkiston koʻchasi 5", City: "Qoʻqon", Country: "Oʻzbekiston"}},
		Languages: []string{"uz-Latn"},
	}, {
		// A Russian card with a long note, folded many times.
		FormattedName: "Сергей Петров", GivenName: "Сергей", FamilyName: "Петров",
		Org:  "ООО «Ўзбек Энерго»",
		Note: strings.TrimSpace(strings.Repeat("Обсудили поставки оборудования; сроки, цены. ", 20)),
	}, {
		// A company card: no person, FN is the organization.
		FormattedName: "Ragnsells AS", Org: "Ragnsells AS",
		URLs: []string{"https://ragnsells.ee"}, Phones: []Typed{typed("+372 600 0001", "work")},
	}, {
		// A photo whose type nobody knows.
		FormattedName: "X", Photo: &Photo{Data: []byte{0, 1, 2, 3, 255}},
	}}
}

// TestRoundTrip: Parse(Format(c, v)) == c for cards with every field.
func TestRoundTrip(t *testing.T) {
	for _, v := range []string{"3.0", "4.0"} {
		for _, c := range fullCards(t) {
			t.Run(v+"/"+c.FormattedName[:min(12, len(c.FormattedName))], func(t *testing.T) {
				b, err := Format(c, v)
				if err != nil {
					t.Fatal(err)
				}
				got, err := Parse(b)
				if err != nil {
					t.Fatalf("%v\n%s", err, b)
				}
				want := c
				want.Source = "vcard-" + v
				checkCards(t, got, []Card{want})
			})
		}
	}
	// FormatAll of all of them reads back as the same list.
	cards := fullCards(t)
	b, err := FormatAll(cards, "4.0")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseVCard(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cards {
		cards[i].Source = "vcard-4.0"
	}
	checkCards(t, got, cards)
}

// TestRoundTripSamples: a parsed real sample, formatted and parsed again,
// is the same card.
func TestRoundTripSamples(t *testing.T) {
	for _, name := range samples(t) {
		cards, err := Parse(readTestdata(t, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, v := range []string{"3.0", "4.0"} {
			b, err := FormatAll(cards, v)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(b)
			if err != nil {
				t.Fatalf("%s as %s: %v\n%s", name, v, err, b)
			}
			want := make([]Card, len(cards))
			for i, c := range cards {
				c.Source = "vcard-" + v
				want[i] = c
			}
			t.Run(name+"/"+v, func(t *testing.T) { checkCards(t, got, want) })
		}
	}
}
