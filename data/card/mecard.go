package card

import (
	"strings"
	"unicode/utf8"
)

// ParseMECARD reads a MECARD payload (NTT docomo's QR contact format, also
// written by ZXing and many badge printers): N:family,given; SOUND, TEL,
// TEL-AV, EMAIL, NOTE, BDAY, ADR, URL, NICKNAME, ORG, TITLE; backslash
// escapes \; \: \, \\. The closing ";;" is optional. An N without a comma
// is one name in unknown order and becomes FormattedName only. An ADR with
// exactly six commas is docomo's seven components (PO box, extended,
// street, city, region, postal code, country); any other ADR is one line,
// kept as Street. SOUND (a reading), BDAY and NICKNAME have no Card field.
func ParseMECARD(s string) (Card, error) {
	s = strings.TrimPrefix(s, "\uFEFF")
	line := 1 + leadingNewlines(s)
	t := strings.TrimSpace(s)
	if !hasPrefixFold(t, "MECARD:") {
		return Card{}, &ParseError{Line: line, Msg: "not a MECARD: missing MECARD: prefix"}
	}
	return parseMECARD(t, line)
}

// parseMECARD reads t, which starts with "MECARD:"; line is the line t
// starts on in the input.
func parseMECARD(t string, line int) (Card, error) {
	if !utf8.ValidString(t) {
		t = decode1252([]byte(t))
	}
	c := Card{Source: "mecard"}
	for _, f := range splitMECARD(t[len("MECARD:"):], ';') {
		key, val, ok := strings.Cut(f, ":")
		if !ok {
			// ";;" ends the card; stray text between fields is skipped,
			// as ZXing does.
			continue
		}
		switch strings.ToUpper(strings.TrimSpace(key)) {
		case "N":
			if c.FormattedName != "" || c.FamilyName != "" || c.GivenName != "" {
				continue
			}
			if parts := splitMECARD(val, ','); len(parts) >= 2 {
				c.FamilyName = meText(parts[0])
				c.GivenName = meText(strings.Join(parts[1:], ","))
			} else {
				c.FormattedName = meText(val)
			}
		// A "tel:" inside is read as in a vCard, so that the number
		// formats and reads back the same.
		case "TEL":
			if v := telValue(meText(val)); v != "" {
				c.Phones = append(c.Phones, Typed{Value: v})
			}
		case "TEL-AV":
			if v := telValue(meText(val)); v != "" {
				c.Phones = append(c.Phones, Typed{Value: v, Types: []string{"video"}})
			}
		case "EMAIL":
			if v := meText(val); v != "" {
				c.Emails = append(c.Emails, Typed{Value: v})
			}
		case "NOTE", "MEMO":
			if v := meText(val); v != "" {
				if c.Note != "" {
					c.Note += "\n"
				}
				c.Note += v
			}
		case "ADR":
			if a, ok := meAddress(val); ok {
				c.Addresses = append(c.Addresses, a)
			}
		case "URL":
			if v := meText(val); v != "" {
				c.URLs = append(c.URLs, v)
			}
		case "ORG":
			if c.Org == "" {
				c.Org = meText(val)
			}
		case "TITLE":
			if c.Title == "" {
				c.Title = meText(val)
			}
		}
	}
	if c.FormattedName == "" {
		c.FormattedName = deriveFN(&c)
	}
	if c.FormattedName == "" && c.Title == "" && c.Note == "" &&
		len(c.Phones)+len(c.Emails)+len(c.Addresses)+len(c.URLs) == 0 {
		return Card{}, &ParseError{Line: line, Msg: "the MECARD has no name, phone, e-mail or other field to keep"}
	}
	return c, nil
}

// splitMECARD splits at unescaped sep; a backslash escapes any character.
func splitMECARD(s string, sep byte) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// meText removes MECARD escapes (a backslash before any character, as
// ZXing reads them) and cleans the value.
func meText(s string) string {
	if strings.Contains(s, `\`) {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
			}
			b.WriteByte(s[i])
		}
		s = b.String()
	}
	return clean(s)
}

func meAddress(val string) (Address, bool) {
	var a Address
	if parts := splitMECARD(val, ','); len(parts) == 7 {
		a = Address{POBox: meText(parts[0]), Extended: meText(parts[1]), Street: meText(parts[2]),
			City: meText(parts[3]), Region: meText(parts[4]), PostalCode: meText(parts[5]), Country: meText(parts[6])}
	} else {
		a.Street = meText(val)
	}
	return a, a.POBox+a.Extended+a.Street+a.City+a.Region+a.PostalCode+a.Country != ""
}
