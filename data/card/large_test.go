package card

import (
	"fmt"
	"strings"
	"testing"
)

// TestParseWorstCases runs inputs of nearly the maximum size shaped to
// hit each loop of the reader. There is no timing assertion; a quadratic
// loop shows up as a test that does not finish.
func TestParseWorstCases(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	n := maxInput - 1000
	fill := func(head, unit, tail string) string {
		return head + strings.Repeat(unit, (n-len(head)-len(tail))/len(unit)) + tail
	}
	tests := []struct {
		name  string
		input string
		ok    bool
	}{
		{"folds", fill("BEGIN:VCARD\r\nNOTE:", "\r\n x", "\r\nEND:VCARD\r\n"), true},
		{"folds of white space after a QP value", fill("BEGIN:VCARD\r\nNOTE;ENCODING=QUOTED-PRINTABLE:a", "\r\n  ", "\r\nEND:VCARD\r\n"), true},
		{"QP soft breaks", fill("BEGIN:VCARD\r\nNOTE;ENCODING=QUOTED-PRINTABLE:", "=41=\r\n", "\r\nEND:VCARD\r\n"), true},
		{"base64 lines", fill("BEGIN:VCARD\r\nPHOTO;ENCODING=BASE64:", "\r\nQUJD", "\r\n\r\nEND:VCARD\r\n"), true},
		{"one long line", fill("BEGIN:VCARD\r\nFN:", "ä", "\r\nEND:VCARD\r\n"), true},
		{"blank lines", fill("BEGIN:VCARD\r\n", "\r\n", "END:VCARD\r\n"), true},
		{"parameters", fill("BEGIN:VCARD\r\nTEL", ";TYPE=a,b", ":1\r\nEND:VCARD\r\n"), true},
		{"distinct types", distinctTypes(n), true},
		{"escapes", fill("BEGIN:VCARD\r\nN:", "\\,\\;,;", "\r\nEND:VCARD\r\n"), true},
		{"folded head without colon", fill("BEGIN:VCARD\r\nX", "\r\n x", "\r\nEND:VCARD\r\n"), false},
		{"quote in a folded head", fill("BEGIN:VCARD\r\nX;A=\"", "\r\n x", "\r\nEND:VCARD\r\n"), false},
		{"many small cards", fill("", "BEGIN:VCARD\nEND:VCARD\n", ""), false}, // more than 10,000
		{"nested AGENT cards", fill("BEGIN:VCARD\nAGENT:\n", "BEGIN:VCARD\n", ""), false},
		{"MECARD", fill("MECARD:", "N:a\\,b,c;", ";;"), true},
		{"text", fill("", "word ", ""), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.input) > maxInput {
				t.Fatalf("input of %d bytes", len(tt.input))
			}
			_, err := Parse([]byte(tt.input))
			if (err == nil) != tt.ok {
				t.Errorf("err = %v", err)
			}
		})
	}
}

// distinctTypes is a TEL with as many different TYPE values as fit.
func distinctTypes(n int) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCARD\r\nTEL;TYPE=")
	for i := 0; b.Len() < n-100; i++ {
		fmt.Fprintf(&b, "t%d,", i)
	}
	b.WriteString(":1\r\nEND:VCARD\r\n")
	return b.String()
}

// bigFile is a phone-book export: many cards of every kind.
func bigFile(b *testing.B) []byte {
	var parts []string
	for _, name := range []string{"android21.vcf", "iphone30.vcf", "outlook21.vcf", "rfc6350.vcf", "multi.vcf"} {
		parts = append(parts, string(readTestdata(b, name)))
	}
	return []byte(strings.Repeat(strings.Join(parts, "\r\n"), 100))
}

func BenchmarkParse(b *testing.B) {
	in := bigFile(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFormatAll(b *testing.B) {
	cards, err := Parse(bigFile(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FormatAll(cards, "3.0"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkQRPayload(b *testing.B) {
	for b.Loop() {
		_ = QRPayload(typicalCard)
	}
}
