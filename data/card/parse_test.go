package card

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/clusme/fieldbook/data"
)

func typed(v string, types ...string) Typed {
	if len(types) == 0 {
		return Typed{Value: v}
	}
	return Typed{Value: v, Types: types}
}

// TestParseSamples reads every real-world sample and checks every field.
func TestParseSamples(t *testing.T) {
	jpg := readTestdata(t, "photo.jpg")
	png := readTestdata(t, "photo.png")
	tests := []struct {
		file string
		want []Card
	}{
		{"android21.vcf", []Card{{
			FormattedName: "Ғайрат Ҳамидович Қодиров",
			GivenName:     "Ғайрат", FamilyName: "Қодиров", MiddleName: "Ҳамидович",
			Org: "Тошкент Машинасозлик заводи", OrgUnits: []string{"Сотув бўлими"},
			Title:  "Бош муҳандис",
			Emails: []Typed{typed("g.qodirov@toshmash.uz", "work")},
			Phones: []Typed{typed("+998 90 123 45 67", "cell", "pref"), typed("+998 71 234 56 78", "work")},
			Addresses: []Address{{Types: []string{"work"}, Street: "Амир Темур кўчаси 108", City: "Тошкент",
				PostalCode: "100084", Country: "Ўзбекистон"}},
			Note:   "Учрашув: Ташкент, 12 март.\nCNC станоклар бўйича қизиқиш.",
			Photo:  &Photo{MediaType: "image/jpeg", Data: jpg},
			Source: "vcard-2.1",
		}, {
			FormattedName: "Liisa Virtanen", GivenName: "Liisa", FamilyName: "Virtanen",
			Org:    "Hämeen Konepaja Oy",
			Emails: []Typed{typed("liisa.virtanen@example.fi", "home")},
			Phones: []Typed{typed("+358 3 555 0101", "home"), typed("+358 40 555 0102", "cell")},
			URLs:   []string{"https://hameenkonepaja.fi"},
			Source: "vcard-2.1",
		}}},
		{"iphone30.vcf", []Card{{
			FormattedName: "Kadri Tamm", GivenName: "Kadri", FamilyName: "Tamm",
			Org: "Tallinna Masinatehas AS", OrgUnits: []string{"Müügiosakond"},
			Title:  "Müügijuht",
			Emails: []Typed{typed("kadri.tamm@masinatehas.ee", "internet", "work", "pref")},
			Phones: []Typed{
				typed("+372 5123 4567", "cell", "voice", "pref"),
				typed("+372 640 1234"),          // _$!<Main>!$_ has no vCard type
				typed("+372 5555 0000", "cell"), // _$!<Mobile>!$_
			},
			Addresses: []Address{{Types: []string{"work", "pref"}, Street: "Pärnu mnt 12", City: "Tallinn",
				PostalCode: "10148", Country: "Eesti"}},
			URLs:   []string{"https://www.masinatehas.ee"},
			Note:   "Kohtusime Tallinnas, messil.\nHuvi: CNC; tarned Soome.",
			Photo:  &Photo{MediaType: "image/jpeg", Data: jpg},
			Source: "vcard-3.0",
		}}},
		{"outlook21.vcf", []Card{{
			FormattedName: "Matti Järvinen", GivenName: "Matti", FamilyName: "Järvinen",
			Org: "Konepaja Öljymäki Oy", OrgUnits: []string{"Myynti"},
			Title:  "Myyntijohtaja",
			Emails: []Typed{typed("matti.jarvinen@oljymaki.fi", "internet", "pref")},
			Phones: []Typed{typed("+358 9 123 4567", "work", "voice"), typed("+358 40 765 4321", "cell", "voice"),
				typed("+358 9 123 4568", "work", "fax")},
			Addresses: []Address{{Types: []string{"work", "pref"}, Street: "Teollisuustie 5", City: "Tampere",
				PostalCode: "33100", Country: "Suomi"}},
			URLs: []string{"http://www.oljymaki.fi"},
			// The soft line break is followed by a space that is data.
			Note:   "Tapasimme Tampereella.\nHinta-arvio 12 000 €, toimitus viikolla 14. Päätös toukokuussa.",
			Source: "vcard-2.1",
		}}},
		{"outlook30-1252.vcf", []Card{{
			FormattedName: "Jüri Sõõrd", GivenName: "Jüri", FamilyName: "Sõõrd",
			Org: "Pärnu Tööstus OÜ", Title: "Tegevjuht",
			Emails: []Typed{typed("juri@parnutoostus.ee", "internet")},
			Phones: []Typed{typed("+372 44 12 345", "work", "voice")},
			Note:   "Hind 5 000 € (käibemaksuta)",
			Source: "vcard-3.0",
		}}},
		{"rfc6350.vcf", []Card{{
			FormattedName: "Simon Perreault", GivenName: "Simon", FamilyName: "Perreault",
			Suffix: "ing. jr, M.Sc.",
			Org:    "Viagenie",
			Emails: []Typed{typed("simon.perreault@viagenie.ca", "work")},
			Phones: []Typed{typed("+1-418-656-9254 ext. 102", "work", "voice", "pref"),
				typed("+1-418-262-6501", "work", "cell", "voice", "video", "text")},
			Addresses: []Address{{Types: []string{"work"}, Extended: "Suite D2-630", Street: "2875 Laurier",
				City: "Quebec", Region: "QC", PostalCode: "G1V 2M2", Country: "Canada"}},
			URLs:      []string{"http://nomis80.org"},
			Languages: []string{"fr", "en"},
			Source:    "vcard-4.0",
		}, {
			FormattedName: "Oʻktam Gʻulomov", GivenName: "Oʻktam", FamilyName: "Gʻulomov",
			Org: "Toshkent Mashinasozlik Zavodi", OrgUnits: []string{"Eksport boʻlimi"},
			Title:  "Bosh muhandis",
			Emails: []Typed{typed("o.gulomov@toshmash.uz", "work")},
			Phones: []Typed{typed("+998-71-234-5678", "work", "voice", "pref")},
			Addresses: []Address{{Types: []string{"work"}, Street: "Amir Temur koʻchasi 108", City: "Toshkent",
				PostalCode: "100084", Country: "Oʻzbekiston"}},
			Languages: []string{"uz-Latn", "ru"},
			Photo:     &Photo{MediaType: "image/png", Data: png},
			Source:    "vcard-4.0",
		}}},
		{"cyrillic1251.vcf", []Card{{
			FormattedName: "Сергей Петров", GivenName: "Сергей", FamilyName: "Петров", MiddleName: "Иванович",
			Org: "ООО «Ўзбек Энерго»", OrgUnits: []string{"Отдел закупок"},
			Title:  "Главный инженер",
			Emails: []Typed{typed("s.petrov@uzenergo.uz", "internet", "pref")},
			Phones: []Typed{typed("+998 71 140 00 00", "work", "voice")},
			// 2.1 has no comma escaping: the comma is part of the street.
			Addresses: []Address{{Types: []string{"work"}, Street: "ул. Навои, 30", City: "Ташкент",
				PostalCode: "100011", Country: "Узбекистан"}},
			Source: "vcard-2.1",
		}}},
		{"multi.vcf", []Card{
			{FormattedName: "Anna Kask", GivenName: "Anna", FamilyName: "Kask",
				Phones: []Typed{typed("+372 5000 0001", "cell")}, Source: "vcard-3.0"},
			// The AGENT's embedded card is not a card of its own.
			{FormattedName: "Pekka Mäkinen", GivenName: "Pekka", FamilyName: "Mäkinen",
				Phones: []Typed{typed("+358 9 000 0002", "work")}, Source: "vcard-2.1"},
			{FormattedName: "Nodir Rahimov", Org: "Oʻzbekiston Temir Yoʻllari",
				Emails: []Typed{typed("nodir@example.uz")}, Source: "vcard-3.0"},
			// No FN, no N: the name is the organization's.
			{FormattedName: "Ragnsells AS", Org: "Ragnsells AS", URLs: []string{"https://ragnsells.ee"}, Source: "vcard-4.0"},
		}},
		{"broken-photo.vcf", []Card{{
			FormattedName: "Mart Saar", GivenName: "Mart", FamilyName: "Saar",
			Phones: []Typed{typed("+372 600 0000")}, Source: "vcard-3.0",
		}}},
		{"mecard-zxing1.txt", []Card{{
			FormattedName: "Sean Owen",
			Emails:        []Typed{typed("srowen@google.com")},
			Phones:        []Typed{typed("+12125658770")}, Source: "mecard",
		}}},
		{"mecard-zxing2.txt", []Card{{
			FormattedName: "Google 411", FamilyName: "Google 411",
			Phones: []Typed{typed("18665881077")}, Source: "mecard",
		}}},
		{"mecard-docomo.txt", []Card{{
			FormattedName: "Kaisa Laine", GivenName: "Kaisa", FamilyName: "Laine",
			Org: "Laine Oy", Title: "CEO",
			Emails:    []Typed{typed("kaisa@laine.example")},
			Phones:    []Typed{typed("+358401234567"), typed("+358401234568", "video")},
			Addresses: []Address{{Street: "Hämeenkatu 1", City: "Tampere", PostalCode: "33100", Country: "Finland"}},
			URLs:      []string{"http://laine.example"},
			Note:      "Tapasimme: Tampere, 3.3.; kiinnostunut",
			Source:    "mecard",
		}}},
		{"mecard-uzbek.txt", []Card{{
			FormattedName: "Oʻktam Gʻulomov", GivenName: "Oʻktam", FamilyName: "Gʻulomov",
			Org:       "Qoʻqon Mashina",
			Phones:    []Typed{typed("+998 71 234 56 78")},
			Addresses: []Address{{Street: "Amir Temur koʻchasi 108, Toshkent"}},
			Source:    "mecard",
		}}},
		{"mailto.txt", []Card{{Emails: []Typed{typed("kaisa@laine.example")}, Source: "mailto"}}},
		{"tel.txt", []Card{{Phones: []Typed{typed("+358-40-123-4567")}, Source: "tel"}}},
		{"url.txt", []Card{{URLs: []string{"https://www.masinatehas.ee/kontakt"}, Source: "url"}}},
		{"text.txt", []Card{{Note: "Kaisa Laine\nLaine Oy, Tampere\n+358 40 123 4567", Source: "text"}}},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			got, err := Parse(readTestdata(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			checkCards(t, got, tt.want)
			for _, c := range got {
				if c.Photo != nil && len(c.Photo.Data) > 0 {
					if _, format, err := image.Decode(bytes.NewReader(c.Photo.Data)); err != nil || "image/"+format != c.Photo.MediaType {
						t.Errorf("photo of %s does not decode as %s: %v", c.FormattedName, c.Photo.MediaType, err)
					}
				}
			}
		})
	}
	for _, s := range samples(t) {
		if !covered[s] {
			t.Errorf("sample %s has no expectations", s)
		}
	}
}

// TestParseVCardDetails covers syntax the samples do not: each case is a
// card whose one interesting property must come out as given.
func TestParseVCardDetails(t *testing.T) {
	tests := []struct {
		name  string
		input string
		check func(c Card) any // returns the value to compare
		want  any
	}{
		{"CR line ends", "BEGIN:VCARD\rVERSION:3.0\rFN:Anna Kask\rTEL:+372 1\rEND:VCARD\r",
			func(c Card) any { return c.Phones[0].Value }, "+372 1"},
		{"fold with tab", "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:Tampere \r\n\tand Tallinn\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Note }, "Tampere and Tallinn"},
		{"fold inside parameters", "BEGIN:VCARD\r\nVERSION:3.0\r\nTEL;TYPE=wo\r\n rk,ce\r\n ll:+1 555\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Phones[0] }, typed("+1 555", "work", "cell")},
		{"fold splitting a UTF-8 sequence", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:J\xc3\r\n \xa4rvi\r\nEND:VCARD\r\n",
			func(c Card) any { return c.FormattedName }, "Järvi"},
		{"2.1 bare parameters", "BEGIN:VCARD\r\nVERSION:2.1\r\nTEL;CELL;PREF;VOICE:+358 40 1\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Phones[0].Types }, []string{"cell", "voice", "pref"}},
		{"quoted, repeated TYPE and PREF=1", "BEGIN:VCARD\r\nVERSION:4.0\r\nTEL;TYPE=\"work,voice\";TYPE=cell;PREF=1:+1\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Phones[0].Types }, []string{"work", "voice", "cell", "pref"}},
		{"PREF=2 is not pref", "BEGIN:VCARD\r\nVERSION:4.0\r\nEMAIL;PREF=2:a@b.example\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Emails[0].Types }, []string(nil)},
		{"types lower case, deduplicated, pref last", "BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL;type=PREF;TYPE=Work;type=INTERNET,work:a@b.example\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Emails[0].Types }, []string{"work", "internet", "pref"}},
		{"property names and groups any case", "begin:vcard\r\nversion:3.0\r\nItem7.Tel;Type=Cell:+1\r\nitem7.x-ablabel:ignored\r\nEnd:VCard\r\n",
			func(c Card) any { return c.Phones[0] }, typed("+1", "cell")},
		{"3.0 escapes", "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:a\\nb\\Nc\\,d\\;e\\\\f\\:g\\xh\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Note }, "a\nb\nc,d;e\\f:g\\xh"},
		{"2.1 keeps backslash and comma", "BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE:C:\\temp\\new, \\; ok\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Note }, "C:\\temp\\new, ; ok"},
		{"2.1 escaped semicolon in N", "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Smith\\;Jones;Anna\r\nEND:VCARD\r\n",
			func(c Card) any { return [2]string{c.FamilyName, c.GivenName} }, [2]string{"Smith;Jones", "Anna"}},
		{"3.0 N lists", "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Stevenson;John;Philip,Paul;Dr.;Jr.,M.D.,A.C.P.\r\nEND:VCARD\r\n",
			func(c Card) any { return []string{c.MiddleName, c.Prefix, c.Suffix, c.FormattedName} },
			[]string{"Philip Paul", "Dr.", "Jr., M.D., A.C.P.", "John Stevenson"}},
		{"escaped comma is not a list", "BEGIN:VCARD\r\nVERSION:3.0\r\nADR:;;Main St 1\\, Building B;Town;;;\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Addresses[0].Street }, "Main St 1, Building B"},
		{"ADR short and empty", "BEGIN:VCARD\r\nVERSION:3.0\r\nADR;TYPE=home:;;;;;;\r\nADR:;;Rue 1\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Addresses }, []Address{{Street: "Rue 1"}}},
		{"ORG with empty units", "BEGIN:VCARD\r\nVERSION:3.0\r\nORG:Acme;;Sales;\r\nEND:VCARD\r\n",
			func(c Card) any { return []any{c.Org, c.OrgUnits, c.FormattedName} }, []any{"Acme", []string{"Sales"}, "Acme"}},
		{"first FN, N, ORG, TITLE win; notes join", "BEGIN:VCARD\r\nVERSION:4.0\r\nFN;LANGUAGE=ru:Сергей\r\nFN;LANGUAGE=en:Sergei\r\nTITLE:A\r\nTITLE:B\r\nNOTE:one\r\nNOTE:two\r\nEND:VCARD\r\n",
			func(c Card) any { return []string{c.FormattedName, c.Title, c.Note} }, []string{"Сергей", "A", "one\ntwo"}},
		{"FN from N", "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Laine;Kaisa;;;\r\nEND:VCARD\r\n",
			func(c Card) any { return c.FormattedName }, "Kaisa Laine"},
		{"blank FN derived", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:  \r\nN:Laine;;;;\r\nEND:VCARD\r\n",
			func(c Card) any { return c.FormattedName }, "Laine"},
		{"no name at all", "BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:+1\r\nEND:VCARD\r\n",
			func(c Card) any { return c.FormattedName }, ""},
		{"unknown and X- properties ignored", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nX-SOCIALPROFILE;type=linkedin:x\r\nBDAY:1970-01-01\r\nCATEGORIES:a,b\r\nUID:1\r\nEND:VCARD\r\n",
			func(c Card) any { return cardDiff(c, Card{FormattedName: "A", Source: "vcard-3.0"}) }, ""},
		{"no VERSION reads as 3.0", "BEGIN:VCARD\r\nFN:Anna\\, Kask\r\nEND:VCARD\r\n",
			func(c Card) any { return []string{c.FormattedName, c.Source} }, []string{"Anna, Kask", "vcard-3.0"}},
		{"VERSION after other properties", "BEGIN:VCARD\r\nNOTE:a\\,b\r\nVERSION:2.1\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Note }, "a\\,b"},
		{"tel URI with extension", "BEGIN:VCARD\r\nVERSION:4.0\r\nTEL;VALUE=uri:tel:+358-9-123;ext=45\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Phones[0].Value }, "+358-9-123 ext. 45"},
		{"doubled tel: prefix", "BEGIN:VCARD\r\nVERSION:4.0\r\nTEL:tel:tel%3A+358-9-123\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Phones[0].Value }, "+358-9-123"},
		{"control characters dropped, CRLF in QP becomes LF", "BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;ENCODING=QUOTED-PRINTABLE:a=00b=07=0D=0Ac=0Dd\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Note }, "ab\nc\nd"},
		{"QP soft break before END:VCARD is not a continuation", "BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;ENCODING=QUOTED-PRINTABLE:abc=\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Note }, "abc"},
		{"QP lower-case hex and trailing white space after soft break", "BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=c3=a4= \r\n=C3=B6\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Note }, "äö"},
		{"CHARSET=ISO-8859-1 holds Windows-1252 bytes", "BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;CHARSET=ISO-8859-1:5 \x80 \xe4\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Note }, "5 € ä"},
		{"CHARSET=KOI8-R", "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=KOI8-R:\xf0\xc5\xd4\xd2\xcf\xd7\r\nEND:VCARD\r\n",
			func(c Card) any { return c.FormattedName }, "Петров"},
		{"CHARSET alias cp1251", "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=cp1251:\xcf\xe5\xf2\xf0\xee\xe2\r\nEND:VCARD\r\n",
			func(c Card) any { return c.FormattedName }, "Петров"},
		{"unknown CHARSET falls back", "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=X-NONSENSE:J\xe4rvi\r\nEND:VCARD\r\n",
			func(c Card) any { return c.FormattedName }, "Järvi"},
		{"CHARSET=UTF-8 with Windows-1252 bytes", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN;CHARSET=UTF-8:J\xe4rvi\r\nEND:VCARD\r\n",
			func(c Card) any { return c.FormattedName }, "Järvi"},
		{"base64 text value", "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE;ENCODING=b;CHARSET=UTF-8:w7Rrw7Zr\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Note }, "ôkök"},
		{"2.1 base64 photo continued without indentation", "BEGIN:VCARD\r\nVERSION:2.1\r\nPHOTO;ENCODING=BASE64;TYPE=GIF:R0lG\r\nODlh\r\nAQAB\r\n\r\nFN:x\r\nEND:VCARD\r\n",
			func(c Card) any { return []any{c.Photo.MediaType, string(c.Photo.Data), c.FormattedName} },
			[]any{"image/gif", "GIF89a\x01\x00\x01", "x"}},
		{"photo by URL, 2.1", "BEGIN:VCARD\r\nVERSION:2.1\r\nPHOTO;VALUE=URL;TYPE=JPEG:http://example.com/p.jpg\r\nEND:VCARD\r\n",
			func(c Card) any { return *c.Photo }, Photo{MediaType: "image/jpeg", URI: "http://example.com/p.jpg"}},
		{"photo by URL, 4.0", "BEGIN:VCARD\r\nVERSION:4.0\r\nPHOTO;MEDIATYPE=image/png:https://example.com/p.png\r\nEND:VCARD\r\n",
			func(c Card) any { return *c.Photo }, Photo{MediaType: "image/png", URI: "https://example.com/p.png"}},
		{"photo without ENCODING, type sniffed", "BEGIN:VCARD\r\nVERSION:3.0\r\nPHOTO:R0lGODlhAQAB\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Photo.MediaType }, "image/gif"},
		{"broken data: URI photo skipped, next photo taken", "BEGIN:VCARD\r\nVERSION:4.0\r\nPHOTO:data:image/jpeg;base64,!!!\r\nPHOTO:https://example.com/p.jpg\r\nFN:A\r\nEND:VCARD\r\n",
			func(c Card) any { return []any{c.Photo.URI, c.FormattedName} }, []any{"https://example.com/p.jpg", "A"}},
		{"Windows path is not a photo URI", "BEGIN:VCARD\r\nVERSION:3.0\r\nPHOTO;VALUE=uri:C:\\photos\\me.jpg\r\nEND:VCARD\r\n",
			func(c Card) any { return c.Photo == nil }, true},
		{"END without BEGIN and junk around", "END:VCARD\r\nhello\r\nBEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\ntrailing: junk\r\n",
			func(c Card) any { return c.FormattedName }, "A"},
		{"blank lines inside a card", "BEGIN:VCARD\r\n\r\nVERSION:3.0\r\n\r\n   \r\nFN:A\r\nEND:VCARD",
			func(c Card) any { return c.FormattedName }, "A"},
		{"UTF-8 BOM and leading white space", "\ufeff \r\n\r\nBEGIN:VCARD\r\nFN:Jüri\r\nEND:VCARD\r\n",
			func(c Card) any { return c.FormattedName }, "Jüri"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cards, err := Parse([]byte(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			if len(cards) != 1 {
				t.Fatalf("got %d cards", len(cards))
			}
			if got := tt.check(cards[0]); fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestParseUTF16(t *testing.T) {
	src := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Қодиров Ғайрат\r\nEND:VCARD\r\n"
	for _, e := range []struct {
		name string
		enc  unicode.Endianness
		bom  unicode.BOMPolicy
	}{
		{"LE with BOM", unicode.LittleEndian, unicode.UseBOM},
		{"BE with BOM", unicode.BigEndian, unicode.UseBOM},
		{"LE without BOM", unicode.LittleEndian, unicode.IgnoreBOM},
		{"BE without BOM", unicode.BigEndian, unicode.IgnoreBOM},
	} {
		t.Run(e.name, func(t *testing.T) {
			b, err := unicode.UTF16(e.enc, e.bom).NewEncoder().Bytes([]byte(src))
			if err != nil {
				t.Fatal(err)
			}
			cards, err := Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			if cards[0].FormattedName != "Қодиров Ғайрат" {
				t.Errorf("FN = %q", cards[0].FormattedName)
			}
		})
	}
}

// TestParseDetect checks which reader Parse picks for QR payloads.
func TestParseDetect(t *testing.T) {
	tests := []struct {
		input string
		want  Card
	}{
		{"  mecard:N:Laine,Kaisa;;  ", Card{FormattedName: "Kaisa Laine", GivenName: "Kaisa", FamilyName: "Laine", Source: "mecard"}},
		{"MAILTO:a@b.example,c%40d.example?cc=x@y.example", Card{Emails: []Typed{typed("a@b.example"), typed("c@d.example")}, Source: "mailto"}},
		{"TEL:+1-201-555-0123;ext=9", Card{Phones: []Typed{typed("+1-201-555-0123 ext. 9")}, Source: "tel"}},
		{"HTTPS://Example.com/a?b=c", Card{URLs: []string{"HTTPS://Example.com/a?b=c"}, Source: "url"}},
		{"https://example.com see you", Card{Note: "https://example.com see you", Source: "text"}},
		{"mailto:a@b.example\nand a note", Card{Note: "mailto:a@b.example\nand a note", Source: "text"}},
		{"WIFI:S:Fair;T:WPA;P:secret;;", Card{Note: "WIFI:S:Fair;T:WPA;P:secret;;", Source: "text"}},
		{"P\xe4\xe4llikk\xf6", Card{Note: "Päällikkö", Source: "text"}},
		{"Hi! My card:\nBEGIN:VCARD\nFN:A\nEND:VCARD", Card{FormattedName: "A", Source: "vcard-3.0"}},
	}
	for _, tt := range tests {
		cards, err := Parse([]byte(tt.input))
		if err != nil {
			t.Errorf("%q: %v", tt.input, err)
			continue
		}
		if len(cards) != 1 {
			t.Errorf("%q: %d cards", tt.input, len(cards))
			continue
		}
		if d := cardDiff(cards[0], tt.want); d != "" {
			t.Errorf("%q:\n%s", tt.input, d)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name     string
		input    string
		line     int
		property string
		msg      string // substring of Msg
	}{
		{"empty", " \r\n\t\r\n", 0, "", "empty"},
		{"missing END", "\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\n", 2, "BEGIN", "no END:VCARD"},
		{"card cut off by the next", "BEGIN:VCARD\nFN:A\nBEGIN:VCARD\nFN:B\nEND:VCARD\n", 3, "BEGIN", "before the card of line 1 has its END:VCARD"},
		{"embedded AGENT card not closed", "BEGIN:VCARD\nAGENT:\nBEGIN:VCARD\nFN:B\n", 3, "AGENT", "no END:VCARD"},
		{"bad quoted-printable", "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:A\r\nNOTE:x\r\n\r\nTEL;ENCODING=QUOTED-PRINTABLE:+358=ZZ1\r\nEND:VCARD\r\n", 6, "TEL", `invalid quoted-printable: "=ZZ"`},
		{"truncated quoted-printable", "BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;QUOTED-PRINTABLE:abc=4\r\nEND:VCARD\r\n", 3, "NOTE", "invalid quoted-printable"},
		{"bad base64 text", "BEGIN:VCARD\r\nVERSION:3.0\r\nTITLE;ENCODING=b:@@@\r\nEND:VCARD\r\n", 3, "TITLE", "invalid base64"},
		{"line without colon", "BEGIN:VCARD\nVERSION:3.0\nFN:A\nthis line is broken\nEND:VCARD\n", 4, "", `not a property line (no ':'): "this line is broken"`},
		{"name without value", "BEGIN:VCARD\nVERSION:3.0\nitem1.TEL;TYPE=cell\nEND:VCARD\n", 3, "TEL", "no ':'"},
		{"unclosed quote", "BEGIN:VCARD\nVERSION:3.0\nTEL;TYPE=\"work:+1\nEND:VCARD\n", 3, "TEL", "no closing"},
		{"bad version", "BEGIN:VCARD\nFN:A\nVERSION:five\nEND:VCARD\n", 3, "VERSION", `unsupported vCard version "five"`},
		{"mailto without address", "mailto:?subject=hi", 1, "", "without an e-mail address"},
		{"tel without number", "\n\ntel:;ext=1", 3, "", "without a number"},
		{"empty MECARD", "MECARD:;;", 1, "", "has no name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cards, err := Parse([]byte(tt.input))
			checkParseError(t, cards, err, tt.line, tt.property, tt.msg)
		})
	}
}

func checkParseError(t *testing.T, cards []Card, err error, line int, property, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; cards %+v", cards)
	}
	if cards != nil {
		t.Errorf("cards returned with the error: %+v", cards)
	}
	if !errors.Is(err, data.ErrInvalid) {
		t.Errorf("%v is not data.ErrInvalid", err)
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("%T %v is not a *ParseError", err, err)
	}
	if pe.Line != line || pe.Property != property || !strings.Contains(pe.Msg, msg) {
		t.Errorf("got line %d, property %q, msg %q\nwant line %d, property %q, msg containing %q", pe.Line, pe.Property, pe.Msg, line, property, msg)
	}
}

func TestParseErrorMessage(t *testing.T) {
	for _, tt := range []struct {
		err  ParseError
		want string
	}{
		{ParseError{Line: 7, Property: "TEL", Msg: "invalid quoted-printable: x"}, "line 7 (TEL): invalid quoted-printable: x"},
		{ParseError{Line: 1, Msg: "not a vCard: missing BEGIN:VCARD"}, "line 1: not a vCard: missing BEGIN:VCARD"},
		{ParseError{Msg: "the input is empty"}, "the input is empty"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	_, err := ParseVCard([]byte("hello\nworld"))
	if err == nil || err.Error() != "line 1: not a vCard: missing BEGIN:VCARD" {
		t.Errorf("ParseVCard(text) = %v", err)
	}
}

func TestParseLimits(t *testing.T) {
	one := "BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n"
	cards, err := Parse([]byte(strings.Repeat(one, maxCards)))
	if err != nil || len(cards) != maxCards {
		t.Fatalf("%d cards: %d, %v", maxCards, len(cards), err)
	}
	cards, err = Parse([]byte(strings.Repeat(one, maxCards+1)))
	checkParseError(t, cards, err, 3*maxCards+1, "", "more than 10000 cards")

	big := "BEGIN:VCARD\r\nNOTE:" + strings.Repeat("x", maxInput) + "\r\nEND:VCARD\r\n"
	cards, err = Parse([]byte(big))
	checkParseError(t, cards, err, 0, "", "at most 8388608")
	cards, err = ParseVCard([]byte(big))
	checkParseError(t, cards, err, 0, "", "8 MiB")
	// Just under the limit is fine.
	fits := "BEGIN:VCARD\r\nNOTE:" + strings.Repeat("x", maxInput-100) + "\r\nEND:VCARD\r\n"
	if cards, err := Parse([]byte(fits)); err != nil || len(cards[0].Note) != maxInput-100 {
		t.Errorf("card of %d bytes: %v", len(fits), err)
	}
}

// TestParseAlwaysUTF8 feeds legacy bytes everywhere a value can be and
// checks that every string that comes out is valid UTF-8.
func TestParseAlwaysUTF8(t *testing.T) {
	latin, _ := charmap.Windows1252.NewEncoder().String("Jüri Sõõrd; Pärnu € ")
	input := "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:" + latin + "\r\nN:" + latin + "\r\nORG:" + latin +
		"\r\nTEL;TYPE=" + latin + ":" + latin + "\r\nADR:" + latin + "\r\nPHOTO:http://x/" + latin +
		"\r\nLANG:\xff\r\nNOTE:\xc3\r\nEND:VCARD\r\n"
	cards, err := Parse([]byte(input))
	if err != nil {
		t.Fatal(err)
	}
	if bad := invalidStrings(cards[0]); bad != "" {
		t.Errorf("invalid UTF-8 in %s", bad)
	}
	if cards[0].FormattedName != "Jüri Sõõrd; Pärnu €" {
		t.Errorf("FN = %q", cards[0].FormattedName)
	}
}

// invalidStrings names the first field of c holding invalid UTF-8.
func invalidStrings(c Card) string {
	check := func(name string, ss ...string) string {
		for _, s := range ss {
			if !utf8.ValidString(s) {
				return fmt.Sprintf("%s %q", name, s)
			}
		}
		return ""
	}
	fields := [][]string{
		{c.FormattedName, c.GivenName, c.FamilyName, c.MiddleName, c.Prefix, c.Suffix, c.Org, c.Title, c.Role, c.Note, c.Source},
		c.OrgUnits, c.URLs, c.Languages,
	}
	for _, t := range append(append([]Typed{}, c.Emails...), c.Phones...) {
		fields = append(fields, append([]string{t.Value}, t.Types...))
	}
	for _, a := range c.Addresses {
		fields = append(fields, append([]string{a.POBox, a.Extended, a.Street, a.City, a.Region, a.PostalCode, a.Country}, a.Types...))
	}
	if c.Photo != nil {
		fields = append(fields, []string{c.Photo.MediaType, c.Photo.URI})
	}
	for i, f := range fields {
		if s := check(fmt.Sprint("field group ", i), f...); s != "" {
			return s
		}
	}
	return ""
}
