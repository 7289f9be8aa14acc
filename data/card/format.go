package card

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"github.com/clusme/fieldbook/data"
)

// prodID names the writer, as RFC 6350 suggests; it is left out of QR
// payloads where every byte makes the code denser.
const prodID = "-//clusme//Fieldbook//EN"

// Format writes c as one vCard of version "3.0" or "4.0" (anything else is
// an ErrInvalid error): CRLF line ends, lines folded at 75 octets without
// splitting a UTF-8 sequence, text escaped per RFC 2426/6350. FN is always
// written (derived from N or ORG if empty); N always in 3.0, where it is
// required. TYPE parameters are written as TYPE=work,cell in both versions;
// in 4.0 "pref" becomes PREF=1. Phone numbers are written as text, not as
// tel: URIs (VALUE=uri), because that is what phones and Outlook read. LANG
// is written in 3.0 too (readers ignore it) so that languages survive a
// round trip. Empty values are left out.
func Format(c Card, version string) ([]byte, error) {
	w, err := newWriter(version, true)
	if err != nil {
		return nil, err
	}
	w.card(&c, false)
	return w.b, nil
}

// FormatAll writes several cards to one .vcf stream.
func FormatAll(cards []Card, version string) ([]byte, error) {
	w, err := newWriter(version, true)
	if err != nil {
		return nil, err
	}
	w.b = []byte{}
	for i := range cards {
		w.card(&cards[i], false)
	}
	return w.b, nil
}

// QRPayload is the compact text for a QR code of c: a vCard 3.0 without
// PHOTO, PRODID, LANG or empty properties, unfolded (QR readers do not need
// folding) but with CRLF line ends, which the readers built into Android
// and iOS expect. The TYPE values that only restate a default (internet on
// EMAIL, voice on TEL) are left out. When the card has no N but a person's
// FN, N is derived from FN (family name after the last space), because iOS
// and Android file a contact by N.
func QRPayload(c Card) string {
	w, _ := newWriter("3.0", false)
	w.card(&c, true)
	return string(w.b)
}

type writer struct {
	v40  bool
	fold bool
	b    []byte
}

func newWriter(version string, fold bool) (*writer, error) {
	switch version {
	case "3.0":
		return &writer{fold: fold}, nil
	case "4.0":
		return &writer{v40: true, fold: fold}, nil
	}
	return nil, data.Errorf(data.ErrInvalid, "vCard version %q is not supported (want 3.0 or 4.0)", version)
}

func (w *writer) card(c *Card, qr bool) {
	version := "3.0"
	if w.v40 {
		version = "4.0"
	}
	w.line("BEGIN:VCARD")
	w.line("VERSION:" + version)
	if !qr {
		w.line("PRODID:" + prodID)
	}
	fn := c.FormattedName
	if fn == "" {
		fn = deriveFN(c)
	}
	n := []string{c.FamilyName, c.GivenName, c.MiddleName, c.Prefix, c.Suffix}
	hasN := !blank(strings.Join(n, ""))
	if qr && !hasN && !blank(fn) && fn != c.Org {
		// QR readers file the contact by N; see QRPayload.
		f := strings.Join(strings.Fields(fn), " ")
		if i := strings.LastIndexByte(f, ' '); i >= 0 {
			n[0], n[1] = f[i+1:], f[:i]
		} else {
			n[0] = f
		}
		hasN = true
	}
	if !qr || !blank(fn) {
		w.prop("FN", "", escapeText(fn))
	}
	if hasN || (!w.v40 && !qr) {
		w.prop("N", "", joinEscaped(n))
	}
	if !blank(c.Org + strings.Join(c.OrgUnits, "")) {
		w.prop("ORG", "", joinEscaped(append([]string{c.Org}, c.OrgUnits...)))
	}
	w.text("TITLE", c.Title)
	w.text("ROLE", c.Role)
	for _, e := range c.Emails {
		if !blank(e.Value) {
			w.prop("EMAIL", w.typeParams(e.Types, qr, "internet"), escapeText(e.Value))
		}
	}
	for _, t := range c.Phones {
		if !blank(t.Value) {
			w.prop("TEL", w.typeParams(t.Types, qr, "voice"), escapeText(t.Value))
		}
	}
	for _, a := range c.Addresses {
		comps := []string{a.POBox, a.Extended, a.Street, a.City, a.Region, a.PostalCode, a.Country}
		if !blank(strings.Join(comps, "")) {
			w.prop("ADR", w.typeParams(a.Types, qr, ""), joinEscaped(comps))
		}
	}
	for _, u := range c.URLs {
		if !blank(u) {
			w.prop("URL", "", escapeURI(u))
		}
	}
	if !qr {
		for _, l := range c.Languages {
			w.text("LANG", l)
		}
	}
	w.text("NOTE", c.Note)
	if !qr && c.Photo != nil {
		w.photo(c.Photo)
	}
	w.line("END:VCARD")
}

func (w *writer) text(name, value string) {
	if !blank(value) {
		w.prop(name, "", escapeText(value))
	}
}

// blank values are left out: a reader would drop them anyway, and in a QR
// code they only cost modules.
func blank(s string) bool { return clean(s) == "" }

func (w *writer) prop(name, params, value string) {
	w.line(name + params + ":" + value)
}

// typeParams writes types as ";TYPE=a,b" and, in 4.0, "pref" as ";PREF=1".
// Values that could not be read back the same are dropped (see validToken).
func (w *writer) typeParams(types []string, qr bool, implied string) string {
	var list []string
	pref := false
	for _, t := range types {
		switch {
		case !validToken(t):
		case t == "pref" && w.v40:
			pref = true
		case qr && t == implied:
		default:
			list = append(list, t)
		}
	}
	var s string
	if len(list) > 0 {
		s = ";TYPE=" + strings.Join(list, ",")
	}
	if pref {
		s += ";PREF=1"
	}
	return s
}

func (w *writer) photo(p *Photo) {
	switch {
	case len(p.Data) > 0:
		b64 := base64.StdEncoding.EncodeToString(p.Data)
		mt := normMediaType(p.MediaType)
		if w.v40 {
			// The comma is escaped as RFC 6350 3.4 demands of every value
			// (erratum 3845 fixes the RFC's own examples); vobject reads
			// an unescaped one as the end of the value.
			w.prop("PHOTO", "", escapeURI("data:"+mt+";base64,"+b64))
			return
		}
		params := ";ENCODING=b"
		if mt != "" {
			params += ";TYPE=" + legacyType(mt)
		}
		w.prop("PHOTO", params, b64)
	case p.URI != "":
		mt := normMediaType(p.MediaType)
		var params string
		switch {
		case mt == "":
			if !w.v40 {
				params = ";VALUE=uri"
			}
		case w.v40:
			params = ";MEDIATYPE=" + mt
		default:
			params = ";VALUE=uri;TYPE=" + legacyType(mt)
		}
		w.prop("PHOTO", params, escapeURI(p.URI))
	}
}

// legacyType is the 3.0 TYPE parameter of a photo: JPEG for image/jpeg, as
// iOS and Android write it; other media types in full.
func legacyType(mt string) string {
	if sub, ok := strings.CutPrefix(mt, "image/"); ok {
		return strings.ToUpper(sub)
	}
	return mt
}

// escapeURI escapes a URI value: the comma (RFC 6350 3.4 asks it of every
// value; Android writes URLs so and vobject reads an unescaped comma as the
// end of the value), the backslash and line breaks. Semicolons stay: a URI
// is not a compound value, and "data:image/jpeg;base64" reads better.
var uriEscaper = strings.NewReplacer(`\`, `\\`, `,`, `\,`, "\n", `\n`)

func escapeURI(s string) string { return uriEscaper.Replace(sanitize(s)) }

func joinEscaped(parts []string) string {
	esc := make([]string, len(parts))
	for i, p := range parts {
		esc[i] = escapeText(p)
	}
	return strings.Join(esc, ";")
}

// line writes one content line, folded at 75 octets (RFC 6350 3.2) when
// folding is on. A fold never splits a UTF-8 sequence and, where it can,
// neither an escape sequence nor next to a space, because some readers
// unescape before unfolding or strip white space around folds.
func (w *writer) line(s string) {
	limit := 75
	for w.fold && len(s) > limit {
		cut := limit
		for cut > limit/2 && (!utf8.RuneStart(s[cut]) || s[cut] == ' ' || s[cut-1] == ' ' || s[cut-1] == '\\') {
			cut--
		}
		if cut == limit/2 {
			cut = limit
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
		}
		w.b = append(w.b, s[:cut]...)
		w.b = append(w.b, "\r\n "...)
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.b = append(w.b, s...)
	w.b = append(w.b, "\r\n"...)
}
