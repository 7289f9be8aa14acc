package qr

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// roundTripPayloads are UTF-8 texts a delegate's own card may hold.
func roundTripPayloads() []string {
	p := []string{
		"Oʻktam Gʻulomov, Қодиров, Jyväskylä, Šokolaad",
		"MECARD:N:Mäkelä,Päivi;ORG:Jyväskylän Koneteknologia Oy;TEL:+358401234567;EMAIL:paivi.makela@example.fi;;",
		"https://example.fi/yritys/jyväskylä?lang=fi",
		"1234567890",
		"HELLO WORLD 42",
	}
	for _, c := range synthCards {
		p = append(p, c.vcard)
	}
	return p
}

// TestEncodeRoundTrip encodes UTF-8 payloads and reads them back, with
// Fieldbook's decoder and with zbarimg as a second, independent decoder.
func TestEncodeRoundTrip(t *testing.T) {
	z := getZbar(t)
	dir := t.TempDir()
	for _, p := range roundTripPayloads() {
		pngData, err := Encode(p, 400)
		if err != nil {
			t.Fatalf("Encode(%q): %v", p, err)
		}
		img, err := png.Decode(bytes.NewReader(pngData))
		if err != nil {
			t.Fatalf("Encode(%q) is not a PNG: %v", p, err)
		}
		res, err := Decode(context.Background(), img)
		if err != nil {
			t.Errorf("Decode(Encode(%q)): %v", p, err)
			continue
		}
		if res.Text != p {
			t.Errorf("round trip changed the text:\n got %q\nwant %q", res.Text, p)
		}
		// go-qrcode writes UTF-8 without an ECI designator; the decoder
		// must still hand back the exact bytes and valid UTF-8.
		if !utf8.ValidString(res.Text) {
			t.Errorf("%q: decoded text is not valid UTF-8", p)
		}
		// go-qrcode splits a payload into numeric, alphanumeric and byte
		// segments; Bytes holds the byte segments, so it is a subsequence
		// of the payload that holds every non-ASCII byte.
		if !isSubsequence(res.Bytes, []byte(p)) || nonASCII(res.Bytes) != nonASCII([]byte(p)) {
			t.Errorf("%q: Bytes = %q is not the payload's byte segments", p, res.Bytes)
		}
		if res.Strategy != "plain" {
			t.Errorf("%q: a clean generated code needed strategy %q", p, res.Strategy)
		}
		if z != nil {
			file := filepath.Join(dir, "qr.png")
			if err := os.WriteFile(file, pngData, 0o644); err != nil {
				t.Fatal(err)
			}
			text, ok, _ := z.decode(file)
			if !ok || text != p {
				t.Errorf("zbarimg reads Encode(%q) as %q (found: %v)", p, text, ok)
			}
		}
	}
}

// TestImageGeometry checks the picture: about the asked size, whole pixels
// per module, black on white, quiet zone included.
func TestImageGeometry(t *testing.T) {
	for _, size := range []int{1, 50, 256, 300, 1000} {
		img, err := Image("https://example.org", size)
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		if b.Dx() != b.Dy() {
			t.Fatalf("size %d: not square: %v", size, b)
		}
		// Version 2 at level M: 25 modules + 2×4 quiet zone = 33.
		const n = 33
		if b.Dx()%n != 0 {
			t.Errorf("size %d: %d px is not a whole number of pixels per module (%d modules)", size, b.Dx(), n)
		}
		scale := b.Dx() / n
		if want := max(1, (size+n/2)/n); scale != want {
			t.Errorf("size %d: %d px per module, want %d", size, scale, want)
		}
		// The quiet zone is white and the top-left finder pattern's
		// corner is black.
		if !isWhite(img.At(4*scale-1, 4*scale-1)) || isWhite(img.At(4*scale, 4*scale)) {
			t.Errorf("size %d: quiet zone or finder pattern not where expected", size)
		}
	}
}

func isSubsequence(sub, s []byte) bool {
	for _, c := range sub {
		i := bytes.IndexByte(s, c)
		if i < 0 {
			return false
		}
		s = s[i+1:]
	}
	return true
}

func nonASCII(b []byte) int {
	n := 0
	for _, c := range b {
		if c >= 0x80 {
			n++
		}
	}
	return n
}

func isWhite(c interface{ RGBA() (r, g, b, a uint32) }) bool {
	r, g, b, _ := c.RGBA()
	return r == 0xffff && g == 0xffff && b == 0xffff
}

// byteCapacityM is how many bytes a version-v symbol (index v-1) holds at
// level M in byte mode (ISO/IEC 18004 table 7), for versions 1–13.
var byteCapacityM = []int{14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331}

// TestBusinessCardVersion measures the QR version of business cards.
//
// Version 10 at level M holds at most 213 bytes in byte mode, so a ~250-byte
// vCard cannot be version 10 or lower at level M: it needs version 11 (251
// bytes) or 12. The test therefore checks that go-qrcode picks no bigger
// version than the capacity table requires, and that a compact card without
// the address (the usual fallback for a small printed code) fits version 10.
func TestBusinessCardVersion(t *testing.T) {
	full := "BEGIN:VCARD\r\nVERSION:3.0\r\n" +
		"N:Virtanen;Mikko\r\nFN:Mikko Virtanen\r\n" +
		"ORG:Konetek Oy\r\nTITLE:Export Manager\r\n" +
		"TEL;TYPE=WORK:+35891234567\r\nTEL;TYPE=CELL:+358407654321\r\n" +
		"EMAIL:mikko@ktoy.fi\r\nURL:https://ktoy.fi\r\n" +
		"ADR;TYPE=WORK:;;Hämeenkatu 12;Tampere;;33100;FI\r\n" +
		"END:VCARD\r\n"
	compact := "BEGIN:VCARD\r\nVERSION:3.0\r\n" +
		"N:Virtanen;Mikko\r\nFN:Mikko Virtanen\r\n" +
		"ORG:Konetek Oy\r\nTITLE:Export Manager\r\n" +
		"TEL:+35891234567\r\nTEL:+358407654321\r\n" +
		"EMAIL:mikko@ktoy.fi\r\nURL:https://ktoy.fi\r\n" +
		"END:VCARD\r\n"
	cards := []struct {
		name, vcard string
		maxVersion  int
	}{
		{"typical card with address", full, 12},
		{"compact card without address", compact, 10},
	}
	for _, c := range synthCards {
		cards = append(cards, struct {
			name, vcard string
			maxVersion  int
		}{c.name + " card", c.vcard, 13})
	}
	for _, c := range cards {
		v, err := Version(c.vcard)
		if err != nil {
			t.Fatal(err)
		}
		need := 1
		for need <= len(byteCapacityM) && byteCapacityM[need-1] < len(c.vcard) {
			need++
		}
		t.Logf("%s: %d bytes → version %d at level M (%d×%d modules); byte mode alone would need version %d",
			c.name, len(c.vcard), v, 17+4*v, 17+4*v, need)
		if v > need {
			t.Errorf("%s: version %d, but %d bytes fit version %d", c.name, v, len(c.vcard), need)
		}
		if v > c.maxVersion {
			t.Errorf("%s: version %d, want at most %d", c.name, v, c.maxVersion)
		}
	}
	if n := len(full); n < 240 || n > 270 {
		t.Errorf("the typical card is %d bytes; it should be about 250", n)
	}
}

func TestEncodeErrors(t *testing.T) {
	long := strings.Repeat("ä", 1200) // 2400 bytes: over version 40-M's 2331
	cases := []struct {
		name    string
		payload string
		size    int
		want    string
	}{
		{"too long", long, 300, "does not fit"},
		{"empty", "", 300, "empty payload"},
		{"size zero", "x", 0, "out of range"},
		{"negative size", "x", -5, "out of range"},
		{"huge size", "x", 100000, "out of range"},
	}
	for _, c := range cases {
		if _, err := Encode(c.payload, c.size); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Encode error = %v, want one containing %q", c.name, err, c.want)
		}
		if _, err := Image(c.payload, c.size); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Image error = %v, want one containing %q", c.name, err, c.want)
		}
	}
	if _, err := Version(long); err == nil || !strings.Contains(err.Error(), "does not fit") {
		t.Errorf("Version(2400 bytes) error = %v", err)
	}
	// The largest payload that fits still encodes and decodes.
	max := strings.Repeat("a", 2331)
	v, err := Version(max)
	if err != nil || v != 40 {
		t.Fatalf("Version(2331 bytes) = %d, %v; want 40", v, err)
	}
	img, err := Image(max, 1200)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := Decode(context.Background(), img); err != nil || res.Text != max {
		t.Errorf("version 40 round trip: %v", err)
	}
}

func TestVersion(t *testing.T) {
	for _, c := range []struct {
		payload string
		want    int
	}{
		{"hello", 1},
		{strings.Repeat("x", 100), 6}, // version 5-M holds 84 bytes, 6-M 106
	} {
		v, err := Version(c.payload)
		if err != nil || v != c.want {
			t.Errorf("Version(%d bytes) = %d, %v; want %d", len(c.payload), v, err, c.want)
		}
	}
}
