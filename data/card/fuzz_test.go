package card

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/clusme/fieldbook/data"
)

// FuzzParse: Parse never panics; a failure is an ErrInvalid *ParseError;
// every card it returns holds only valid UTF-8, and formatting it (4.0 and
// 3.0) gives a vCard that parses again without error to the same card.
func FuzzParse(f *testing.F) {
	for _, name := range samples(f) {
		f.Add(readTestdata(f, name))
	}
	for _, s := range []string{
		"",
		"BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;ENCODING=QUOTED-PRINTABLE:a=\r\n=\r\nEND:VCARD\r\n",
		"BEGIN:VCARD\nAGENT:\nBEGIN:VCARD\nBEGIN:VCARD\nEND:VCARD\nEND:VCARD\nEND:VCARD",
		"BEGIN:VCARD\r\nTEL;TYPE=\"a,b\";\"x\":1\r\nPHOTO:data:,%zz\r\nEND:VCARD",
		"BEGIN:VCARD\r\nN:\\\\,\\;;a,,b\\\r\nADR:;;;;;;;;;;\r\nEND:VCARD",
		"MECARD:N:\\,,\\;;ADR:,,,,,,;;",
		"tel:%ff;ext=%00",
		"tel:tel%3A+1;ext=2",
		"BEGIN:VCARD\nVERSION:4.0\nTEL:tel:TEL:+1;ext=2\nURL:a\\;b\\\\,c\nPHOTO;VALUE=uri:ab:\x01\nEND:VCARD",
		"BEGIN:VCARD\nVERSION:2.1\nN:a\\,b;c\\\\;d\nPHOTO:data:image/JPG;base64,/9j/\nEND:VCARD",
		"\xff\xfeB\x00E\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cards, err := Parse(b)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("error %T %v is not an ErrInvalid *ParseError", err, err)
			}
			if cards != nil {
				t.Fatalf("cards with an error")
			}
			if !utf8.ValidString(err.Error()) {
				t.Fatalf("error message is not UTF-8: %q", err.Error())
			}
			return
		}
		if len(cards) == 0 {
			t.Fatal("no cards and no error")
		}
		for i, c := range cards {
			if bad := invalidStrings(c); bad != "" {
				t.Fatalf("card %d: invalid UTF-8 in %s", i+1, bad)
			}
			for _, v := range []string{"4.0", "3.0"} {
				out, err := Format(c, v)
				if err != nil {
					t.Fatalf("card %d: Format %s: %v", i+1, v, err)
				}
				if !utf8.Valid(out) {
					t.Fatalf("card %d: Format %s wrote invalid UTF-8", i+1, v)
				}
				again, err := ParseVCard(out)
				if err != nil {
					t.Fatalf("card %d: Format %s does not parse again: %v\n%s", i+1, v, err, out)
				}
				if len(again) != 1 {
					t.Fatalf("card %d: Format %s parses as %d cards\n%s", i+1, v, len(again), out)
				}
				want := c
				want.Source = "vcard-" + v
				if d := cardDiff(again[0], want); d != "" {
					t.Fatalf("card %d: Format %s does not read back the same:\n%s\n%s", i+1, v, d, out)
				}
			}
			if _, err := ParseVCard([]byte(QRPayload(c))); err != nil {
				t.Fatalf("card %d: QRPayload does not parse: %v", i+1, err)
			}
			ct := c.Contact()
			if !utf8.ValidString(ct.GivenName + ct.FamilyName + ct.Notes + ct.Title) {
				t.Fatalf("card %d: Contact() holds invalid UTF-8", i+1)
			}
		}
	})
}

// FuzzFormat builds cards from arbitrary strings: Format must accept them,
// its output must parse back with every clean (trimmed, control-free) text
// value unchanged, and a second round trip must change nothing at all.
func FuzzFormat(f *testing.F) {
	f.Add("Oʻktam Gʻulomov", "Oʻktam", "Gʻulomov", "Qoʻqon; Mashina", "Eksport, import", "Bosh\\muhandis",
		"bir\nikki", "o@q.uz", "+998 1,,2", "Amir Temur 1", "https://q.uz/a;b,c", "uz-Latn", "work", "image/jpeg", []byte("\xff\xd8\xff"))
	f.Add("", "", "", "", "", "", "", "", "tel:+1", "", "http://x\\", "", "PREF", "jpg", []byte{})
	f.Fuzz(func(t *testing.T, fn, given, family, org, unit, title, note, email, tel, street, url, lang, typ, mt string, photo []byte) {
		c := Card{FormattedName: fn, GivenName: given, FamilyName: family, Org: org, OrgUnits: []string{unit},
			Title: title, Note: note, Emails: []Typed{{Value: email, Types: []string{typ}}},
			Phones: []Typed{{Value: tel, Types: []string{typ, "pref"}}}, Addresses: []Address{{Street: street, Types: []string{typ}}},
			URLs: []string{url}, Languages: []string{lang}, Photo: &Photo{MediaType: mt, Data: photo}}
		for _, v := range []string{"3.0", "4.0"} {
			out, err := Format(c, v)
			if err != nil {
				t.Fatal(err)
			}
			first, err := ParseVCard(out)
			if err != nil || len(first) != 1 {
				t.Fatalf("%s: %v, %d cards\n%s", v, err, len(first), out)
			}
			got := first[0]
			if bad := invalidStrings(got); bad != "" {
				t.Fatalf("%s: invalid UTF-8 in %s", v, bad)
			}
			for _, f := range []struct{ name, in, out string }{
				{"FN", fn, got.FormattedName}, {"ORG", org, got.Org}, {"TITLE", title, got.Title},
				{"NOTE", note, got.Note}, {"EMAIL", email, first0(got.Emails)}, {"URL", url, firstS(got.URLs)},
				{"LANG", lang, firstS(got.Languages)}, {"ADR", street, firstAdr(got.Addresses)},
			} {
				if f.in != "" && clean(f.in) == f.in && f.in != f.out {
					t.Fatalf("%s: %s %q read back as %q\n%s", v, f.name, f.in, f.out, out)
				}
			}
			if tel != "" && clean(tel) == tel && !hasPrefixFold(tel, "tel:") && first0(got.Phones) != tel {
				t.Fatalf("%s: TEL %q read back as %q", v, tel, first0(got.Phones))
			}
			if len(photo) > 0 && (got.Photo == nil || string(got.Photo.Data) != string(photo)) {
				t.Fatalf("%s: photo lost", v)
			}
			again, err := Format(got, v)
			if err != nil {
				t.Fatal(err)
			}
			second, err := ParseVCard(again)
			if err != nil || len(second) != 1 {
				t.Fatalf("%s: second round: %v", v, err)
			}
			if d := cardDiff(second[0], got); d != "" {
				t.Fatalf("%s: second round trip changed the card:\n%s\n%s", v, d, again)
			}
		}
	})
}

func first0(ts []Typed) string {
	if len(ts) == 0 {
		return ""
	}
	return ts[0].Value
}

func firstS(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func firstAdr(a []Address) string {
	if len(a) == 0 {
		return ""
	}
	return a[0].Street
}
