package card

import (
	"bytes"
	"errors"
	"image"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/clusme/fieldbook/data"
)

var golden = Card{
	FormattedName: "Kaisa Laine", GivenName: "Kaisa", FamilyName: "Laine",
	Org: "Laine Oy", OrgUnits: []string{"Sales, EMEA"}, Title: "CEO; founder",
	Emails:    []Typed{typed("kaisa@laine.example", "work", "pref")},
	Phones:    []Typed{typed("+358 40 123 4567", "cell"), typed("+358 3 555 0100"), typed("")},
	Addresses: []Address{{Types: []string{"work"}, Street: "Hämeenkatu 1", City: "Tampere", PostalCode: "33100", Country: "Finland"}, {}},
	URLs:      []string{"https://laine.example/a;b,c"},
	Note:      "Met in Tampere\\Tallinn,\nfollow up",
	Languages: []string{"fi", "en"},
}

func TestFormatGolden(t *testing.T) {
	want := map[string]string{
		"3.0": "BEGIN:VCARD\r\n" +
			"VERSION:3.0\r\n" +
			"PRODID:-//clusme//Fieldbook//EN\r\n" +
			"FN:Kaisa Laine\r\n" +
			"N:Laine;Kaisa;;;\r\n" +
			"ORG:Laine Oy;Sales\\, EMEA\r\n" +
			"TITLE:CEO\\; founder\r\n" +
			"EMAIL;TYPE=work,pref:kaisa@laine.example\r\n" +
			"TEL;TYPE=cell:+358 40 123 4567\r\n" +
			"TEL:+358 3 555 0100\r\n" +
			"ADR;TYPE=work:;;Hämeenkatu 1;Tampere;;33100;Finland\r\n" +
			"URL:https://laine.example/a;b\\,c\r\n" +
			"LANG:fi\r\n" +
			"LANG:en\r\n" +
			"NOTE:Met in Tampere\\\\Tallinn\\,\\nfollow up\r\n" +
			"END:VCARD\r\n",
		"4.0": "BEGIN:VCARD\r\n" +
			"VERSION:4.0\r\n" +
			"PRODID:-//clusme//Fieldbook//EN\r\n" +
			"FN:Kaisa Laine\r\n" +
			"N:Laine;Kaisa;;;\r\n" +
			"ORG:Laine Oy;Sales\\, EMEA\r\n" +
			"TITLE:CEO\\; founder\r\n" +
			"EMAIL;TYPE=work;PREF=1:kaisa@laine.example\r\n" +
			"TEL;TYPE=cell:+358 40 123 4567\r\n" +
			"TEL:+358 3 555 0100\r\n" +
			"ADR;TYPE=work:;;Hämeenkatu 1;Tampere;;33100;Finland\r\n" +
			"URL:https://laine.example/a;b\\,c\r\n" +
			"LANG:fi\r\n" +
			"LANG:en\r\n" +
			"NOTE:Met in Tampere\\\\Tallinn\\,\\nfollow up\r\n" +
			"END:VCARD\r\n",
	}
	for _, v := range []string{"3.0", "4.0"} {
		got, err := Format(golden, v)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want[v] {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", v, got, want[v])
		}
	}
}

func TestFormatRequiredAndOptional(t *testing.T) {
	// A company card: FN is derived from ORG; 3.0 still has N (required),
	// 4.0 leaves it out.
	c := Card{Org: "Ragnsells AS"}
	b3, _ := Format(c, "3.0")
	b4, _ := Format(c, "4.0")
	if !strings.Contains(string(b3), "\r\nFN:Ragnsells AS\r\nN:;;;;\r\n") {
		t.Errorf("3.0:\n%s", b3)
	}
	if !strings.Contains(string(b4), "\r\nFN:Ragnsells AS\r\nORG:") || strings.Contains(string(b4), "\r\nN:") {
		t.Errorf("4.0:\n%s", b4)
	}
	// FN is written even when there is nothing to derive it from.
	b, _ := Format(Card{Phones: []Typed{typed("+1")}}, "4.0")
	if !strings.Contains(string(b), "\r\nFN:\r\n") {
		t.Errorf("empty card:\n%s", b)
	}
	// Types that cannot be written unquoted are dropped, "pref" is PREF=1.
	b, _ = Format(Card{FormattedName: "A", Phones: []Typed{typed("+1", "pref", "Work", "x:y", "cell")}}, "4.0")
	if !strings.Contains(string(b), "\r\nTEL;TYPE=cell;PREF=1:+1\r\n") {
		t.Errorf("types:\n%s", b)
	}
}

func TestFormatVersion(t *testing.T) {
	for _, v := range []string{"", "2.1", "3", "4.0 ", "5.0"} {
		if _, err := Format(golden, v); !errors.Is(err, data.ErrInvalid) || !strings.Contains(err.Error(), "want 3.0 or 4.0") {
			t.Errorf("Format(%q): %v", v, err)
		}
		if _, err := FormatAll([]Card{golden}, v); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("FormatAll(%q): %v", v, err)
		}
	}
	if b, err := FormatAll(nil, "3.0"); err != nil || len(b) != 0 {
		t.Errorf("FormatAll(nil) = %q, %v", b, err)
	}
}

func TestFormatAll(t *testing.T) {
	cards := []Card{golden, {FormattedName: "Oʻktam Gʻulomov", GivenName: "Oʻktam", FamilyName: "Gʻulomov"}, {Org: "Acme"}}
	for _, v := range []string{"3.0", "4.0"} {
		b, err := FormatAll(cards, v)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(b), "BEGIN:VCARD\r\n"); n != 3 {
			t.Errorf("%s: %d BEGIN lines", v, n)
		}
		back, err := ParseVCard(b)
		if err != nil {
			t.Fatal(err)
		}
		if len(back) != 3 || back[1].FormattedName != "Oʻktam Gʻulomov" || back[2].FormattedName != "Acme" {
			t.Errorf("%s: read back %+v", v, back)
		}
	}
}

// TestFormatFolding checks RFC 6350 3.2 on long values in several scripts:
// no line over 75 octets, continuation lines start with one space, no
// UTF-8 sequence split, and unfolding restores the logical line.
func TestFormatFolding(t *testing.T) {
	long := strings.Repeat("Қодиров Ғайрат Ҳамидович, Oʻktam Gʻulomov; Jüri Sõõrd 🙂 ", 12) + strings.Repeat(`a\b,`, 40)
	c := Card{FormattedName: long, Note: long + "\n" + strings.Repeat("x", 300) + strings.Repeat("ä", 200),
		Photo: &Photo{MediaType: "image/jpeg", Data: readTestdata(t, "photo.jpg")}}
	for _, v := range []string{"3.0", "4.0"} {
		b, err := Format(c, v)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(bytes.ReplaceAll(b, []byte("\r\n"), nil), []byte("\n")) || bytes.Contains(bytes.ReplaceAll(b, []byte("\r\n"), nil), []byte("\r")) {
			t.Errorf("%s: a line ends without CRLF", v)
		}
		lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
		folds := 0
		for i, l := range lines {
			if len(l) > 75 {
				t.Errorf("%s: line %d has %d octets", v, i+1, len(l))
			}
			if !utf8.ValidString(l) {
				t.Errorf("%s: line %d splits a UTF-8 sequence: %q", v, i+1, l)
			}
			if strings.HasPrefix(l, " ") {
				folds++
				if strings.HasPrefix(l, "  ") || strings.HasSuffix(lines[i-1], " ") {
					t.Errorf("%s: fold next to a space at line %d", v, i+1)
				}
				if strings.HasSuffix(lines[i-1], `\`) {
					t.Errorf("%s: fold splits an escape at line %d", v, i)
				}
			}
		}
		if folds < 20 {
			t.Errorf("%s: only %d folded lines", v, folds)
		}
		unfolded := strings.ReplaceAll(string(b), "\r\n ", "")
		if !strings.Contains(unfolded, "\r\nFN:"+escapeText(long)+"\r\n") {
			t.Errorf("%s: unfolded FN differs", v)
		}
		back, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		if back[0].FormattedName != strings.TrimSpace(long) || back[0].Note != strings.TrimSpace(c.Note) {
			t.Errorf("%s: long values changed", v)
		}
	}
}

func TestFormatPhoto(t *testing.T) {
	jpg := readTestdata(t, "photo.jpg")
	tests := []struct {
		photo Photo
		v     string
		want  string // start of the PHOTO line
	}{
		{Photo{MediaType: "image/jpeg", Data: jpg}, "3.0", "PHOTO;ENCODING=b;TYPE=JPEG:/9j/"},
		{Photo{MediaType: "image/jpeg", Data: jpg}, "4.0", "PHOTO:data:image/jpeg;base64\\,/9j/"},
		{Photo{Data: []byte("raw")}, "3.0", "PHOTO;ENCODING=b:cmF3\r\n"},
		{Photo{Data: []byte("raw")}, "4.0", "PHOTO:data:;base64\\,cmF3\r\n"},
		{Photo{MediaType: "image/png", URI: "https://example.com/p.png"}, "3.0", "PHOTO;VALUE=uri;TYPE=PNG:https://example.com/p.png\r\n"},
		{Photo{MediaType: "image/png", URI: "https://example.com/p.png"}, "4.0", "PHOTO;MEDIATYPE=image/png:https://example.com/p.png\r\n"},
		{Photo{URI: "https://example.com/p"}, "3.0", "PHOTO;VALUE=uri:https://example.com/p\r\n"},
		{Photo{URI: "https://example.com/p"}, "4.0", "PHOTO:https://example.com/p\r\n"},
	}
	for _, tt := range tests {
		b, err := Format(Card{FormattedName: "A", Photo: &tt.photo}, tt.v)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "\r\n"+tt.want) {
			t.Errorf("%s %+v:\n%s", tt.v, tt.photo.MediaType, b)
			continue
		}
		back, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		want := tt.photo
		if want.MediaType == "" && len(want.Data) > 0 {
			want.MediaType = sniffImage(want.Data)
		}
		if d := photoDiff(back[0].Photo, &want); d != "" {
			t.Errorf("%s read back: %s", tt.v, d)
		}
	}
	// An empty photo is no photo.
	b, _ := Format(Card{FormattedName: "A", Photo: &Photo{}}, "3.0")
	if strings.Contains(string(b), "PHOTO") {
		t.Errorf("empty photo written:\n%s", b)
	}
}

// typicalCard is what a delegate's own card usually holds.
var typicalCard = Card{
	FormattedName: "Kaisa Järvinen-Laine", GivenName: "Kaisa", FamilyName: "Järvinen-Laine",
	Org: "Hämeen Konepaja Oy", Title: "Myyntijohtaja / Sales Director",
	Emails: []Typed{typed("kaisa.jarvinen-laine@hameenkonepaja.fi", "work", "internet")},
	Phones: []Typed{typed("+358 40 123 4567", "cell"), typed("+358 3 555 0100", "work", "voice")},
	Addresses: []Address{{Types: []string{"work"}, Street: "Teollisuustie 5", City: "Tampere",
		PostalCode: "33100", Country: "Finland"}},
	URLs:      []string{"https://hameenkonepaja.fi"},
	Languages: []string{"fi", "en"},
	Photo:     &Photo{MediaType: "image/png", Data: []byte("\x89PNG\r\n\x1a\n")},
}

func TestQRPayload(t *testing.T) {
	p := QRPayload(typicalCard)
	want := "BEGIN:VCARD\r\n" +
		"VERSION:3.0\r\n" +
		"FN:Kaisa Järvinen-Laine\r\n" +
		"N:Järvinen-Laine;Kaisa;;;\r\n" +
		"ORG:Hämeen Konepaja Oy\r\n" +
		"TITLE:Myyntijohtaja / Sales Director\r\n" +
		"EMAIL;TYPE=work:kaisa.jarvinen-laine@hameenkonepaja.fi\r\n" +
		"TEL;TYPE=cell:+358 40 123 4567\r\n" +
		"TEL;TYPE=work:+358 3 555 0100\r\n" +
		"ADR;TYPE=work:;;Teollisuustie 5;Tampere;;33100;Finland\r\n" +
		"URL:https://hameenkonepaja.fi\r\n" +
		"END:VCARD\r\n"
	if p != want {
		t.Fatalf("got\n%s\nwant\n%s", p, want)
	}
	back, err := Parse([]byte(p))
	if err != nil {
		t.Fatal(err)
	}
	exp := typicalCard
	exp.Photo, exp.Languages, exp.Source = nil, nil, "vcard-3.0"
	exp.Emails = []Typed{typed(typicalCard.Emails[0].Value, "work")}
	exp.Phones = []Typed{typicalCard.Phones[0], typed(typicalCard.Phones[1].Value, "work")}
	if d := cardDiff(back[0], exp); d != "" {
		t.Errorf("read back:\n%s", d)
	}

	// A card without N gets one from FN, so phones file it by name; a
	// company card does not.
	p = QRPayload(Card{FormattedName: "Sean  Owen", Phones: []Typed{typed("+12125658770")}})
	if !strings.Contains(p, "\r\nFN:Sean  Owen\r\nN:Owen;Sean;;;\r\n") {
		t.Errorf("N from FN:\n%s", p)
	}
	p = QRPayload(Card{Org: "Acme", URLs: []string{"https://acme.example"}})
	if strings.Contains(p, "\r\nN:") || !strings.Contains(p, "\r\nFN:Acme\r\nORG:Acme\r\n") {
		t.Errorf("company card:\n%s", p)
	}
	if p := QRPayload(Card{}); p != "BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n" {
		t.Errorf("empty card: %q", p)
	}
}

// TestQRPayloadInACode puts the payload of a typical card into a real QR
// code: it must stay at a low version (a small, easily scanned code), and a
// ZXing reader — the engine of most Android scanners — must read back the
// exact text, in any script.
func TestQRPayloadInACode(t *testing.T) {
	cyr := Card{FormattedName: "Ғайрат Қодиров", GivenName: "Ғайрат", FamilyName: "Қодиров",
		Org: "Тошкент Машинасозлик заводи", Title: "Бош муҳандис",
		Emails:    []Typed{typed("g.qodirov@toshmash.uz", "work")},
		Phones:    []Typed{typed("+998 90 123 45 67", "cell"), typed("+998 71 234 56 78", "work")},
		Addresses: []Address{{Types: []string{"work"}, Street: "Амир Темур кўчаси 108", City: "Тошкент", PostalCode: "100084", Country: "Ўзбекистон"}},
		URLs:      []string{"https://toshmash.uz"}}
	for _, tt := range []struct {
		name       string
		c          Card
		maxVersion int
	}{
		// Version 14 is 73×73 modules: at the 25 mm a badge or card
		// gives it, 0.34 mm a module, which any phone camera reads. The
		// bound catches a payload that grows (PHOTO, PRODID, folding,
		// empty properties would each add a version or more).
		{"Finnish", typicalCard, 14},
		// Cyrillic takes two bytes a letter.
		{"Uzbek Cyrillic", cyr, 16},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := QRPayload(tt.c)
			q, err := qrcode.New(p, qrcode.Medium)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d bytes, QR version %d at level M", len(p), q.VersionNumber)
			if q.VersionNumber > tt.maxVersion {
				t.Errorf("QR version %d > %d for a %d-byte payload", q.VersionNumber, tt.maxVersion, len(p))
			}
			img := q.Image(4 * (17 + 4*q.VersionNumber + 8))
			got := decodeQR(t, img)
			if got != p {
				t.Errorf("decoded\n%q\nwant\n%q", got, p)
			}
			back, err := Parse([]byte(got))
			if err != nil || back[0].FormattedName != tt.c.FormattedName || back[0].Addresses[0].Country != tt.c.Addresses[0].Country {
				t.Errorf("parse of the decoded text: %+v, %v", back, err)
			}
		})
	}
}

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	var hints map[gozxing.DecodeHintType]any // no charset hint: the reader guesses, as a phone does
	res, err := zxqr.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		t.Fatal(err)
	}
	return res.GetText()
}
