package card

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"

	"github.com/clusme/fieldbook/data"
)

// Typed is a value with its vCard TYPE parameters in lower case ("work",
// "cell", "voice", "pref" …).
type Typed struct {
	Value string
	Types []string
}

// Address is a postal address (ADR): the seven components.
type Address struct {
	Types                                                      []string
	POBox, Extended, Street, City, Region, PostalCode, Country string
}

// Photo is an embedded picture (PHOTO). Data holds decoded bytes for inline
// photos; URI is set for referenced ones.
type Photo struct {
	MediaType string // "image/jpeg" …, "" if unknown
	Data      []byte
	URI       string
}

// Card is one business card, whatever format it came in.
type Card struct {
	FormattedName string // FN; when empty on input, Parse derives it from N (given + family) or ORG
	GivenName     string
	FamilyName    string
	MiddleName    string
	Prefix        string
	Suffix        string
	Org           string   // first component of ORG
	OrgUnits      []string // remaining ORG components
	Title         string
	Role          string
	Emails        []Typed
	Phones        []Typed
	Addresses     []Address
	URLs          []string
	Note          string
	Languages     []string // LANG values (vCard 4.0)
	Photo         *Photo
	// Source says what the card was read from: "vcard-2.1", "vcard-3.0",
	// "vcard-4.0", "mecard", "mailto", "tel", "url", "text".
	Source string
}

// Limits on what Parse accepts. A .vcf export of a whole phone book with
// photos stays well below them; anything bigger is not a card to capture.
const (
	maxInput = 8 << 20
	maxCards = 10000
)

// ParseError is returned for a broken card; it names the line (1-based, in
// the input, counting physical lines) and the property. It wraps
// data.ErrInvalid so errors.Is(err, data.ErrInvalid) holds. Line is 0 for
// errors about the input as a whole (too big, empty).
type ParseError struct {
	Line     int
	Property string // "" when not tied to a property
	Msg      string
}

func (e *ParseError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d", e.Line)
	}
	if e.Property != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "(%s)", e.Property)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap makes every ParseError an ErrInvalid: the caller shows it as bad
// input, not as a failure of the program.
func (e *ParseError) Unwrap() error { return data.ErrInvalid }

func tooBig(n int) error {
	return &ParseError{Msg: fmt.Sprintf("the input is %d bytes; a card file may have at most %d (8 MiB)", n, maxInput)}
}

// Parse reads every card in b, detecting the format: one or more vCards
// (BEGIN:VCARD … END:VCARD, any version, case-insensitive, leading
// BOM/whitespace allowed), a MECARD ("MECARD:…;;"), a "mailto:" or "tel:"
// URI, an http(s) URL, or anything else as plain text (a Card whose Note is
// the text, Source "text"; empty/whitespace-only input is a ParseError). At
// most 10,000 cards and 8 MiB input: beyond that a ParseError. On error no
// cards are returned.
func Parse(b []byte) ([]Card, error) {
	if len(b) > maxInput {
		return nil, tooBig(len(b))
	}
	s := inputText(b)
	t := strings.TrimSpace(s)
	if t == "" {
		return nil, &ParseError{Msg: "the input is empty: no card to read"}
	}
	if hasBeginLine(s) {
		return parseVCards(s)
	}
	// Errors about a one-line payload point at the line it is on.
	line := 1 + leadingNewlines(s)
	if !utf8.ValidString(t) {
		// A QR payload or text file in a legacy code page: Windows-1252
		// is what such files almost always are, and it never fails.
		t = strings.TrimSpace(decode1252([]byte(t)))
	}
	oneLine := !strings.ContainsAny(t, "\r\n")
	switch {
	case hasPrefixFold(t, "MECARD:"):
		c, err := parseMECARD(t, line)
		if err != nil {
			return nil, err
		}
		return []Card{c}, nil
	case oneLine && hasPrefixFold(t, "mailto:"):
		return one(parseMailto(t, line))
	case oneLine && hasPrefixFold(t, "tel:"):
		return one(parseTel(t, line))
	case (hasPrefixFold(t, "http://") || hasPrefixFold(t, "https://")) && !strings.ContainsAny(t, " \t\r\n"):
		return []Card{{URLs: []string{clean(t)}, Source: "url"}}, nil
	}
	return []Card{{Note: clean(t), Source: "text"}}, nil
}

func one(c Card, err error) ([]Card, error) {
	if err != nil {
		return nil, err
	}
	return []Card{c}, nil
}

// inputText returns the input as text for line splitting. vCards are kept as
// raw bytes (a value's CHARSET decides how its bytes are read), except that
// a UTF-8 byte order mark is dropped and UTF-16 files — which some Windows
// tools write — are converted to UTF-8 first, so their lines can be found.
func inputText(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return string(b[3:])
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return utf16Text(b, unicode.BigEndian, unicode.ExpectBOM)
	case len(b) >= 4 && b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0:
		// ASCII text (BEGIN, MECARD, http …) in UTF-16LE without a BOM.
		return utf16Text(b, unicode.LittleEndian, unicode.IgnoreBOM)
	case len(b) >= 4 && b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0:
		return utf16Text(b, unicode.BigEndian, unicode.IgnoreBOM)
	}
	return string(b)
}

func utf16Text(b []byte, e unicode.Endianness, bom unicode.BOMPolicy) string {
	out, err := unicode.UTF16(e, bom).NewDecoder().Bytes(b)
	if err != nil {
		return string(b)
	}
	return string(out)
}

// hasBeginLine reports whether any line of s is BEGIN:VCARD, so that a
// vCard pasted after a greeting or mail headers is still read as one.
func hasBeginLine(s string) bool {
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		line := s
		if i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if isMarker(line, "BEGIN:VCARD") {
			return true
		}
	}
	return false
}

func isMarker(line, marker string) bool {
	t := strings.TrimSpace(line)
	return len(t) == len(marker) && strings.EqualFold(t, marker)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// parseMailto reads "mailto:a@b.example,c@d.example?subject=…"; the query
// is a message to write, not part of anyone's card.
func parseMailto(t string, line int) (Card, error) {
	rest := t[len("mailto:"):]
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	if u, err := url.PathUnescape(rest); err == nil && utf8.ValidString(u) {
		rest = u
	}
	c := Card{Source: "mailto"}
	for _, a := range strings.Split(rest, ",") {
		if a = clean(a); a != "" {
			c.Emails = append(c.Emails, Typed{Value: a})
		}
	}
	if len(c.Emails) == 0 {
		return Card{}, &ParseError{Line: line, Msg: "mailto: URI without an e-mail address"}
	}
	return c, nil
}

// parseTel reads a tel: QR payload.
func parseTel(t string, line int) (Card, error) {
	num := telValue(t)
	if num == "" {
		return Card{}, &ParseError{Line: line, Msg: "tel: URI without a number"}
	}
	return Card{Phones: []Typed{{Value: num}}, Source: "tel"}, nil
}

// deriveFN is the display name of a card that has no FN: given and family
// name, else the organization (a company card).
func deriveFN(c *Card) string {
	if n := strings.TrimSpace(c.GivenName + " " + c.FamilyName); n != "" {
		return n
	}
	return c.Org
}
