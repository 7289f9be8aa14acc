package card

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// ParseVCard reads one or more vCards. Lines outside BEGIN:VCARD …
// END:VCARD (blank lines, mail headers, junk between cards) are ignored;
// input without any card is a ParseError.
func ParseVCard(b []byte) ([]Card, error) {
	if len(b) > maxInput {
		return nil, tooBig(len(b))
	}
	return parseVCards(inputText(b))
}

func parseVCards(s string) ([]Card, error) {
	l := &lines{s: s}
	var cards []Card
	for {
		line, ok := l.next()
		if !ok {
			break
		}
		if !isMarker(line, "BEGIN:VCARD") {
			continue
		}
		if len(cards) == maxCards {
			return nil, &ParseError{Line: l.n, Msg: fmt.Sprintf("more than %d cards in one file", maxCards)}
		}
		c, err := readCard(l)
		if err != nil {
			return nil, err
		}
		cards = append(cards, c)
	}
	if len(cards) == 0 {
		return nil, &ParseError{Line: 1, Msg: "not a vCard: missing BEGIN:VCARD"}
	}
	return cards, nil
}

// lines hands out physical lines. CRLF, LF and a lone CR each end a line,
// so line numbers match what an editor shows for any of them.
type lines struct {
	s   string
	pos int
	n   int // number of the line last returned, 1-based
}

func (l *lines) next() (string, bool) {
	if l.pos >= len(l.s) {
		return "", false
	}
	rest := l.s[l.pos:]
	i := strings.IndexAny(rest, "\r\n")
	if i < 0 {
		l.pos = len(l.s)
		l.n++
		return rest, true
	}
	l.pos += i + 1
	if rest[i] == '\r' && i+1 < len(rest) && rest[i+1] == '\n' {
		l.pos++
	}
	l.n++
	return rest[:i], true
}

func (l *lines) peek() (string, bool) {
	c := *l
	return c.next()
}

// property is one logical line: folds, soft line breaks and base64
// continuations joined, the value still encoded and escaped.
type property struct {
	line   int    // physical line it starts on
	group  string // "item1" of Apple's "item1.TEL", lower case
	name   string // upper case
	params []param
	value  string
}

type param struct {
	name   string // upper case; "" for a bare 2.1 parameter (TEL;CELL:)
	values []string
}

type transferEncoding int

const (
	encNone transferEncoding = iota
	encQP
	encBase64
)

func (p *property) encoding() transferEncoding {
	for _, prm := range p.params {
		if prm.name != "ENCODING" && prm.name != "" {
			continue
		}
		for _, v := range prm.values {
			switch strings.ToUpper(v) {
			case "QUOTED-PRINTABLE":
				return encQP
			case "BASE64":
				return encBase64
			case "B":
				if prm.name == "ENCODING" {
					return encBase64
				}
			}
		}
	}
	return encNone
}

// param returns the first value of the named parameter.
func (p *property) param(name string) string {
	for _, prm := range p.params {
		if prm.name == name && len(prm.values) > 0 {
			return prm.values[0]
		}
	}
	return ""
}

// bareEncodings are 2.1 bare parameters that name an encoding, not a type.
var bareEncodings = map[string]bool{"quoted-printable": true, "base64": true, "8bit": true, "7bit": true, "b": true}

// types collects TYPE values (TYPE=a,b; TYPE="a,b"; repeated TYPE; 2.1 bare
// parameters) and a 4.0 PREF=1, lower case, without duplicates, "pref"
// last so that Types[0] is the kind of value when there is one.
func (p *property) types(extra []string) []string {
	var out []string
	pref := false
	seen := map[string]bool{}
	add := func(t string) {
		t = strings.ToLower(strings.TrimSpace(t))
		switch {
		case t == "pref":
			pref = true
		case !validToken(t) || seen[t]:
		default:
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, prm := range p.params {
		switch prm.name {
		case "TYPE":
			for _, v := range prm.values {
				add(v)
			}
		case "":
			for _, v := range prm.values {
				if !bareEncodings[strings.ToLower(v)] {
					add(v)
				}
			}
		case "PREF":
			// PREF=1 is the most preferred; 2…100 only rank the rest.
			if len(prm.values) > 0 && strings.TrimSpace(prm.values[0]) == "1" {
				pref = true
			}
		}
	}
	for _, t := range extra {
		add(t)
	}
	if pref {
		out = append(out, "pref")
	}
	return out
}

// readCard reads the properties after a BEGIN:VCARD up to its END:VCARD.
func readCard(l *lines) (Card, error) {
	begin := l.n
	var props []property
	agent := false
	for {
		line, ok := l.next()
		if !ok {
			return Card{}, &ParseError{Line: begin, Property: "BEGIN", Msg: "the card has no END:VCARD"}
		}
		switch {
		case strings.TrimSpace(line) == "":
			// Blank lines end 2.1 base64 photos and appear between
			// properties in hand-edited files.
			continue
		case isMarker(line, "END:VCARD"):
			return buildCard(props)
		case isMarker(line, "BEGIN:VCARD"):
			// vCard 2.1 may embed an assistant's card after AGENT:.
			// Anywhere else a BEGIN means this card was cut off.
			if !agent {
				return Card{}, &ParseError{Line: l.n, Property: "BEGIN",
					Msg: fmt.Sprintf("a new card begins before the card of line %d has its END:VCARD", begin)}
			}
			if err := skipCard(l); err != nil {
				return Card{}, err
			}
			agent = false
			continue
		}
		p, err := readProperty(l, line)
		if err != nil {
			return Card{}, err
		}
		agent = p.name == "AGENT" && strings.TrimSpace(p.value) == ""
		props = append(props, p)
	}
}

// skipCard skips an embedded card, nested ones included.
func skipCard(l *lines) error {
	begin, depth := l.n, 1
	for depth > 0 {
		line, ok := l.next()
		if !ok {
			return &ParseError{Line: begin, Property: "AGENT", Msg: "the embedded card has no END:VCARD"}
		}
		switch {
		case isMarker(line, "BEGIN:VCARD"):
			depth++
		case isMarker(line, "END:VCARD"):
			depth--
		}
	}
	return nil
}

func isFold(line string) bool { return line != "" && (line[0] == ' ' || line[0] == '\t') }

// readProperty reads the logical line that starts with first. The
// parameters decide how it continues: quoted-printable values continue
// after a trailing "=" (soft line break, next line taken as is), base64
// values on the following lines of base64 (2.1 writers do not always indent
// them), and every value on lines that start with a space or tab (folding;
// one white space character is removed).
func readProperty(l *lines, first string) (property, error) {
	p := property{line: l.n}
	buf := []byte(first)
	colon, inQuote := -1, false
	scan := func(from int) {
		for i := from; i < len(buf); i++ {
			switch buf[i] {
			case '"':
				inQuote = !inQuote
			case ':':
				if !inQuote {
					colon = i
					return
				}
			}
		}
	}
	scan(0)
	for colon < 0 {
		// A fold inside the name or parameters: rare, but legal.
		nxt, ok := l.peek()
		if !ok || !isFold(nxt) {
			break
		}
		l.next()
		from := len(buf)
		buf = append(buf, nxt[1:]...)
		scan(from)
	}
	if colon < 0 {
		name := propertyName(string(buf))
		if inQuote {
			return p, &ParseError{Line: p.line, Property: name, Msg: "a quoted parameter value has no closing '\"'"}
		}
		return p, &ParseError{Line: p.line, Property: name, Msg: fmt.Sprintf("not a property line (no ':'): %s", quoteShort(string(buf)))}
	}
	parseHead(&p, string(buf[:colon]))
	val := buf[colon+1:]
	enc := p.encoding()
	// last is where the last physical line's text starts in val: a soft
	// break is looked for there only, so a long run of white space
	// continuation lines costs linear time, not quadratic.
	last := 0
	for {
		nxt, ok := l.peek()
		if !ok {
			break
		}
		start := len(val)
		switch {
		case enc == encQP && softBreak(val[last:]) && !isMarker(nxt, "END:VCARD") && !isMarker(nxt, "BEGIN:VCARD"):
			val = trimSoftBreak(val)
			start = len(val)
			val = append(val, nxt...)
		case isFold(nxt):
			val = append(val, nxt[1:]...)
		case enc == encBase64 && isBase64Line(nxt):
			val = append(val, strings.TrimSpace(nxt)...)
		default:
			p.value = string(val)
			return p, nil
		}
		last = start
		l.next()
	}
	p.value = string(val)
	return p, nil
}

// propertyName guesses the property of a broken line, for the error.
func propertyName(s string) string {
	name := s
	if i := strings.IndexAny(name, ";:"); i >= 0 {
		name = name[:i]
	}
	name = strings.TrimSpace(name)
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	if len(name) > 40 || !isName(name) {
		return ""
	}
	return strings.ToUpper(name)
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func quoteShort(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// softBreak reports whether a quoted-printable value ends in "=" (white
// space after it allowed). It looks only at the end: it runs once a line.
func softBreak(v []byte) bool {
	i := len(v) - 1
	for i >= 0 && (v[i] == ' ' || v[i] == '\t') {
		i--
	}
	return i >= 0 && v[i] == '='
}

func trimSoftBreak(v []byte) []byte {
	for len(v) > 0 && (v[len(v)-1] == ' ' || v[len(v)-1] == '\t') {
		v = v[:len(v)-1]
	}
	return v[:len(v)-1]
}

func isBase64Line(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '=' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// parseHead splits "item1.TEL;TYPE=work,voice;PREF=1" into group, name and
// parameters. Semicolons and commas inside double quotes do not split.
func parseHead(p *property, head string) {
	parts := splitUnquoted(head, ';')
	name := strings.TrimSpace(parts[0])
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		p.group = strings.ToLower(name[:i])
		name = name[i+1:]
	}
	p.name = strings.ToUpper(name)
	for _, raw := range parts[1:] {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		k, v, ok := strings.Cut(raw, "=")
		if !ok {
			p.params = append(p.params, param{values: []string{strings.Trim(raw, `"`)}})
			continue
		}
		prm := param{name: strings.ToUpper(strings.TrimSpace(k))}
		// TYPE="work,voice" is one quoted value by the grammar, but every
		// writer that quotes it means two types; nothing else read here
		// holds a comma.
		for _, item := range strings.Split(strings.ReplaceAll(v, `"`, ""), ",") {
			if item = strings.TrimSpace(item); item != "" {
				prm.values = append(prm.values, item)
			}
		}
		p.params = append(p.params, prm)
	}
}

func splitUnquoted(s string, sep byte) []string {
	var out []string
	start, inQuote := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			inQuote = !inQuote
		case sep:
			if !inQuote {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// vcardVersion is the syntax a card's values are written in.
type vcardVersion int

const (
	v21 vcardVersion = iota
	v30
	v40
)

// buildCard interprets the properties of one card.
func buildCard(props []property) (Card, error) {
	ver, source := v30, "vcard-3.0" // most cards without VERSION are 3.0-style QR payloads
	for i := range props {
		p := &props[i]
		if p.name != "VERSION" {
			continue
		}
		switch v := strings.TrimSpace(p.value); {
		case v == "":
		case strings.HasPrefix(v, "2") || strings.HasPrefix(v, "1"):
			ver, source = v21, "vcard-2.1"
		case strings.HasPrefix(v, "3"):
		case strings.HasPrefix(v, "4"):
			ver, source = v40, "vcard-4.0"
		default:
			return Card{}, &ParseError{Line: p.line, Property: "VERSION", Msg: fmt.Sprintf("unsupported vCard version %s (want 2.1, 3.0 or 4.0)", quoteShort(v))}
		}
		break
	}
	b := builder{ver: ver, labels: map[string][]string{}}
	// Apple puts a label on a group of properties (item1.TEL +
	// item1.X-ABLabel); the label is often the only hint of the kind.
	for i := range props {
		p := &props[i]
		if p.name == "X-ABLABEL" && p.group != "" {
			s, err := b.decode(p)
			if err == nil {
				b.labels[p.group] = labelTypes(s)
			}
		}
	}
	c := Card{Source: source}
	for i := range props {
		if err := b.apply(&c, &props[i]); err != nil {
			return Card{}, err
		}
	}
	if c.FormattedName == "" {
		c.FormattedName = deriveFN(&c)
	}
	return c, nil
}

// labelTypes maps Apple's standard labels to vCard types.
func labelTypes(label string) []string {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "_$!<mobile>!$_", "iphone", "mobile":
		return []string{"cell"}
	case "_$!<work>!$_", "work":
		return []string{"work"}
	case "_$!<home>!$_", "home":
		return []string{"home"}
	case "_$!<workfax>!$_":
		return []string{"work", "fax"}
	case "_$!<homefax>!$_":
		return []string{"home", "fax"}
	case "_$!<pager>!$_":
		return []string{"pager"}
	}
	return nil
}

type builder struct {
	ver    vcardVersion
	labels map[string][]string
}

// decode turns a value's bytes into UTF-8 text: transfer encoding first,
// then the character set. Escapes are still in place.
func (b *builder) decode(p *property) (string, error) {
	raw := []byte(p.value)
	switch p.encoding() {
	case encQP:
		d, err := decodeQP(p.value)
		if err != nil {
			return "", &ParseError{Line: p.line, Property: p.name, Msg: "invalid quoted-printable: " + err.Error()}
		}
		raw = d
	case encBase64:
		d, err := decodeBase64(p.value)
		if err != nil {
			return "", &ParseError{Line: p.line, Property: p.name, Msg: "invalid base64: " + err.Error()}
		}
		raw = d
	}
	return toUTF8(raw, p.param("CHARSET")), nil
}

// text is a single text value, unescaped and cleaned.
func (b *builder) text(s string) string {
	if b.ver == v21 {
		return clean(unescape21(s))
	}
	return clean(unescape(s))
}

// components splits a structured value (N, ADR, ORG) at unescaped
// semicolons, then each component into its comma-separated list (3.0/4.0
// only; 2.1 has no lists and literal commas), joined back with sep. Lists
// are joined rather than kept because a Card holds one string per
// component; Format escapes commas, so a joined value reads back the same.
func (b *builder) components(s string, n int, lists bool, sep func(i int) string) []string {
	parts := splitEscaped(s, ';', b.ver == v21)
	out := make([]string, max(n, len(parts)))
	for i, part := range parts {
		if !lists || b.ver == v21 {
			out[i] = b.text(part)
			continue
		}
		var items []string
		for _, item := range splitEscaped(part, ',', false) {
			if item = b.text(item); item != "" {
				items = append(items, item)
			}
		}
		out[i] = strings.Join(items, sep(i))
	}
	return out
}

func (b *builder) apply(c *Card, p *property) error {
	switch p.name {
	case "FN", "N", "ORG", "TITLE", "ROLE", "NOTE", "EMAIL", "TEL", "ADR", "URL", "LANG":
	case "PHOTO":
		if c.Photo == nil {
			c.Photo = b.photo(p)
		}
		return nil
	default:
		// VERSION, PRODID, REV, UID, LABEL, X-…: nothing a Card keeps.
		return nil
	}
	s, err := b.decode(p)
	if err != nil {
		return err
	}
	switch p.name {
	case "FN":
		if c.FormattedName == "" {
			c.FormattedName = b.text(s)
		}
	case "N":
		if c.GivenName+c.FamilyName+c.MiddleName+c.Prefix+c.Suffix != "" {
			return nil
		}
		n := b.components(s, 5, true, func(i int) string {
			if i == 4 {
				return ", " // "Jr., M.D."
			}
			return " "
		})
		c.FamilyName, c.GivenName, c.MiddleName, c.Prefix, c.Suffix = n[0], n[1], n[2], n[3], n[4]
	case "ORG":
		if c.Org != "" || len(c.OrgUnits) > 0 {
			return nil
		}
		o := b.components(s, 1, false, nil)
		c.Org = o[0]
		for _, u := range o[1:] {
			if u != "" {
				c.OrgUnits = append(c.OrgUnits, u)
			}
		}
	case "TITLE":
		if c.Title == "" {
			c.Title = b.text(s)
		}
	case "ROLE":
		if c.Role == "" {
			c.Role = b.text(s)
		}
	case "NOTE":
		if t := b.text(s); t != "" {
			if c.Note != "" {
				c.Note += "\n"
			}
			c.Note += t
		}
	case "EMAIL":
		if t := b.text(s); t != "" {
			c.Emails = append(c.Emails, Typed{Value: t, Types: p.types(b.labels[p.group])})
		}
	case "TEL":
		if t := telValue(b.text(s)); t != "" {
			c.Phones = append(c.Phones, Typed{Value: t, Types: p.types(b.labels[p.group])})
		}
	case "ADR":
		a := b.components(s, 7, true, func(int) string { return ", " })
		adr := Address{Types: p.types(b.labels[p.group]),
			POBox: a[0], Extended: a[1], Street: a[2], City: a[3], Region: a[4], PostalCode: a[5], Country: a[6]}
		if strings.Join(a[:7], "") != "" {
			c.Addresses = append(c.Addresses, adr)
		}
	case "URL":
		if t := b.text(s); t != "" {
			c.URLs = append(c.URLs, t)
		}
	case "LANG":
		if t := b.text(s); t != "" {
			c.Languages = append(c.Languages, t)
		}
	}
	return nil
}

// telValue turns a tel: URI (RFC 3966, what 4.0 writers put in TEL) into
// the number as people write it, keeping an extension as " ext. N"; plain
// text numbers pass through. A prefix that remains after one round (a
// doubled "tel:tel:") is removed too, so a number never starts with "tel:"
// and formatting it as text reads back the same.
func telValue(v string) string {
	for hasPrefixFold(v, "tel:") {
		num, params, _ := strings.Cut(v[len("tel:"):], ";")
		if u, err := url.PathUnescape(num); err == nil && utf8.ValidString(u) {
			num = u
		}
		num = clean(num)
		if num == "" {
			return ""
		}
		for _, prm := range strings.Split(params, ";") {
			if k, e, ok := strings.Cut(prm, "="); ok && strings.EqualFold(strings.TrimSpace(k), "ext") && clean(e) != "" {
				num += " ext. " + clean(e)
			}
		}
		v = num
	}
	return v
}

// photo reads a PHOTO property, or returns nil when it cannot be read: a
// card is worth keeping without its picture.
func (b *builder) photo(p *property) *Photo {
	mt := b.photoType(p)
	var data []byte
	switch p.encoding() {
	case encBase64:
		d, err := decodeBase64(p.value)
		if err != nil {
			return nil
		}
		data = d
	case encQP:
		return nil
	default:
		v := strings.TrimSpace(toUTF8([]byte(p.value), p.param("CHARSET")))
		if b.ver != v21 {
			v = unescape(v)
		}
		switch {
		case hasPrefixFold(v, "data:"):
			dt, d, ok := parseDataURI(v)
			if !ok {
				return nil
			}
			if dt != "" {
				mt = dt
			}
			data = d
		case hasScheme(v):
			u := clean(v)
			if u == "" {
				return nil
			}
			return &Photo{MediaType: mt, URI: u}
		default:
			// Without ENCODING and without a scheme: some writers leave
			// out ENCODING=b; a referenced photo needs a scheme.
			if vt := strings.ToLower(p.param("VALUE")); vt == "uri" || vt == "url" {
				return nil
			}
			d, err := decodeBase64(v)
			if err != nil {
				return nil
			}
			data = d
		}
	}
	if len(data) == 0 {
		return nil
	}
	if mt == "" {
		mt = sniffImage(data)
	}
	return &Photo{MediaType: mt, Data: data}
}

// photoType is the media type a PHOTO's parameters give: MEDIATYPE (4.0),
// TYPE=JPEG or TYPE=image/jpeg (3.0), a bare JPEG (2.1).
func (b *builder) photoType(p *property) string {
	for _, prm := range p.params {
		switch prm.name {
		case "MEDIATYPE", "TYPE", "":
			for _, v := range prm.values {
				if prm.name == "" && bareEncodings[strings.ToLower(v)] {
					continue
				}
				if mt := normMediaType(v); mt != "" {
					return mt
				}
			}
		}
	}
	return ""
}

// normMediaType maps "JPEG", "jpg", "image/JPEG; q=1" to "image/jpeg";
// anything that is not a media type to "".
func normMediaType(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexByte(s, ';'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	typ, sub, ok := strings.Cut(s, "/")
	if !ok {
		typ, sub = "image", s
	}
	if !mediaToken(typ) || !mediaToken(sub) {
		return ""
	}
	switch sub {
	case "jpg", "pjpeg":
		sub = "jpeg"
	case "tif":
		sub = "tiff"
	}
	return typ + "/" + sub
}

func mediaToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&^_.+-", c) >= 0) {
			return false
		}
	}
	return true
}

// parseDataURI reads an RFC 2397 data: URI.
func parseDataURI(v string) (mediaType string, data []byte, ok bool) {
	meta, payload, found := strings.Cut(v[len("data:"):], ",")
	if !found {
		return "", nil, false
	}
	params := strings.Split(meta, ";")
	mt := normMediaType(params[0])
	if strings.EqualFold(strings.TrimSpace(params[len(params)-1]), "base64") && len(params) > 1 {
		d, err := decodeBase64(payload)
		if err != nil {
			return "", nil, false
		}
		return mt, d, true
	}
	d, err := url.PathUnescape(payload)
	if err != nil {
		return "", nil, false
	}
	return mt, []byte(d), true
}

// hasScheme reports whether v starts with a URI scheme. One letter is not
// enough: "C:\photo.jpg" is a Windows path, not a URI.
func hasScheme(v string) bool {
	i := strings.IndexByte(v, ':')
	if i < 2 {
		return false
	}
	for j := 0; j < i; j++ {
		c := v[j]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case j > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// sniffImage recognises the picture formats phones put on cards.
func sniffImage(d []byte) string {
	switch {
	case len(d) >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF:
		return "image/jpeg"
	case len(d) >= 8 && string(d[:8]) == "\x89PNG\r\n\x1a\n":
		return "image/png"
	case len(d) >= 6 && (string(d[:6]) == "GIF87a" || string(d[:6]) == "GIF89a"):
		return "image/gif"
	case len(d) >= 12 && string(d[:4]) == "RIFF" && string(d[8:12]) == "WEBP":
		return "image/webp"
	}
	return ""
}
