package card

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// clean is the normal form of every text value a parser returns: valid
// UTF-8, line breaks as "\n", no control characters other than tab and line
// feed (C1 controls are what undefined Windows-1252 bytes decode to, never
// text), no surrounding white space. Format writes such values back
// unchanged, which keeps Parse ∘ Format the identity on parsed cards.
func clean(s string) string { return strings.TrimSpace(sanitize(s)) }

// needsCleaning is the fast path of clean: most values are plain text.
func needsCleaning(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		// 0xC2 starts the encodings of U+0080–U+00BF, which hold the C1
		// controls; a false alarm only costs the slow path.
		if (c < 0x20 && c != '\t' && c != '\n') || c == 0x7F || c == 0xC2 {
			return true
		}
	}
	return false
}

func isSpace(r rune) bool { return unicode.IsSpace(r) }

// leadingNewlines counts the line breaks in the white space s starts with,
// the way the line reader counts them (CRLF, LF or CR).
func leadingNewlines(s string) int {
	lead := s[:len(s)-len(strings.TrimLeftFunc(s, isSpace))]
	return countBreaks(lead)
}

func countBreaks(s string) int {
	return strings.Count(s, "\n") + strings.Count(s, "\r") - strings.Count(s, "\r\n")
}

// decode1252 reads bytes as Windows-1252, which defines (or passes through)
// every byte, so the result is always valid UTF-8. It is the fallback for
// text that is not UTF-8: what Outlook and older Windows tools write.
func decode1252(b []byte) string {
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(out)
}

// toUTF8 decodes a value's bytes using its CHARSET parameter. Without one,
// or with one that is unknown or claims UTF-8/ASCII, valid UTF-8 is taken
// as is and anything else is read as Windows-1252 rather than rejected.
func toUTF8(b []byte, charset string) string {
	if enc := lookupCharset(charset); enc != nil {
		if out, err := enc.NewDecoder().Bytes(b); err == nil {
			return strings.ToValidUTF8(string(out), "\uFFFD")
		}
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return decode1252(b)
}

// lookupCharset finds the decoder for a CHARSET name, or nil when the
// UTF-8/Windows-1252 fallback should decide.
func lookupCharset(name string) encoding.Encoding {
	n := strings.ToLower(strings.Trim(strings.TrimSpace(name), `"'`))
	switch {
	case n == "", n == "utf-8", n == "utf8", n == "us-ascii", n == "ascii",
		// A value's bytes cannot be UTF-16 in a file split into lines;
		// the label is left over from a file converted to UTF-8.
		strings.HasPrefix(n, "utf-16"), strings.HasPrefix(n, "utf-32"), strings.HasPrefix(n, "ucs"):
		return nil
	case n == "iso-8859-1", n == "iso8859-1", n == "latin1", n == "latin-1", n == "l1", n == "iso_8859-1", n == "cp819":
		// Windows writes Windows-1252 under this label (€ as 0x80);
		// reading it as Latin-1 would turn those bytes into controls.
		return charmap.Windows1252
	}
	for _, idx := range []*ianaindex.Index{ianaindex.IANA, ianaindex.MIME} {
		if e, err := idx.Encoding(n); err == nil && e != nil {
			return e
		}
	}
	// WHATWG aliases ("cp1251", "win-1252", "x-cp1250" …) that the IANA
	// registry does not list but mail and phone software writes.
	if e, err := htmlindex.Get(n); err == nil && e != nil {
		return e
	}
	return nil
}

// decodeQP decodes a quoted-printable value whose soft line breaks have
// already been joined. A trailing "=" is a soft break before the end.
func decodeQP(s string) ([]byte, error) {
	end := len(strings.TrimRight(s, " \t"))
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		if i == end-1 {
			break
		}
		if i+2 < len(s) {
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				out = append(out, hi<<4|lo)
				i += 2
				continue
			}
		}
		seq := s[i:min(i+3, len(s))]
		return nil, fmt.Errorf("%q at byte %d is not an escaped byte (=XX)", seq, i+1)
	}
	return out, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	case 'a' <= c && c <= 'f':
		// Not allowed by RFC 2045, but written by some phones.
		return c - 'a' + 10, true
	}
	return 0, false
}

// decodeBase64 reads base64 as vCards carry it: folded with white space,
// with or without padding, now and then in the URL-safe alphabet.
func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
	s = strings.TrimRight(s, "=")
	enc := base64.RawStdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.RawURLEncoding
	}
	return enc.DecodeString(s)
}

// unescape undoes RFC 2426/6350 text escaping: \n \N \, \; \\ and \: (Apple
// escapes the colon in URLs). An unknown escape is kept as written, since
// it is more likely a stray backslash (a Windows path) than an escape.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			switch n := s[i+1]; n {
			case 'n', 'N':
				b.WriteByte('\n')
				i++
				continue
			case '\\', ',', ';', ':':
				b.WriteByte(n)
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// unescape21 undoes the only escape vCard 2.1 has, "\;" (Android writes it
// in every value); other backslashes are literal there.
func unescape21(s string) string {
	return strings.ReplaceAll(s, `\;`, ";")
}

// splitEscaped splits s at every sep that is not escaped. In 3.0/4.0 a
// backslash escapes any following byte; in 2.1 only "\;" is an escape.
func splitEscaped(s string, sep byte, v21 bool) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			if !v21 || s[i+1] == ';' {
				i++
			}
		case s[i] == sep:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// escapeText escapes a text value for 3.0 and 4.0 (RFC 6350 3.4, RFC 2426
// 4): backslash, comma, semicolon and line breaks.
var textEscaper = strings.NewReplacer(`\`, `\\`, `,`, `\,`, `;`, `\;`, "\n", `\n`)

func escapeText(s string) string { return textEscaper.Replace(sanitize(s)) }

// sanitize makes a value writable: valid UTF-8, "\n" line breaks, no other
// controls. Unlike clean it keeps surrounding white space: Format writes
// what it is given.
func sanitize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if !needsCleaning(s) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '\r':
			if i+1 >= len(s) || s[i+1] != '\n' {
				b.WriteByte('\n')
			}
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// validToken says whether a TYPE value can be written unquoted and read
// back the same; values outside this set (quotes, colons, non-ASCII labels)
// are dropped by both the parser and the writer.
func validToken(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '+' || c == '/') {
			return false
		}
	}
	return true
}
