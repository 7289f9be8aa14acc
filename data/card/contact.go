package card

import (
	"strings"

	"github.com/clusme/fieldbook/data"
)

// Contact returns the data.Contact fields a card fills: GivenName (with the
// middle name) and FamilyName — from FN when N is absent, splitting at the
// last space, unless FN is just the organization's name; Title; Emails and
// Phones (values as written, trimmed); Languages; Notes = Note plus, on
// separate lines, what has no field of its own: the full name when it has a
// prefix or suffix, the role, the org units, each address on one line and
// each URL. Source is "vcard" for vCards and "qr" for everything else; the
// caller overwrites it when it knows better. It does not set Org: the
// caller resolves the organization name to a record.
func (c Card) Contact() data.Contact {
	var ct data.Contact
	ct.GivenName = joinNonEmpty(" ", c.GivenName, c.MiddleName)
	ct.FamilyName = strings.TrimSpace(c.FamilyName)
	if ct.GivenName == "" && ct.FamilyName == "" {
		// A company card's FN is the company, not a person to split.
		if fn := strings.Join(strings.Fields(c.FormattedName), " "); fn != "" && fn != strings.TrimSpace(c.Org) {
			if i := strings.LastIndexByte(fn, ' '); i >= 0 {
				ct.GivenName, ct.FamilyName = fn[:i], fn[i+1:]
			} else {
				ct.FamilyName = fn
			}
		}
	}
	ct.Title = strings.TrimSpace(c.Title)
	for _, e := range c.Emails {
		if v := strings.TrimSpace(e.Value); v != "" {
			ct.Emails = append(ct.Emails, v)
		}
	}
	for _, p := range c.Phones {
		if v := strings.TrimSpace(p.Value); v != "" {
			ct.Phones = append(ct.Phones, v)
		}
	}
	for _, l := range c.Languages {
		if v := strings.TrimSpace(l); v != "" {
			ct.Languages = append(ct.Languages, v)
		}
	}
	notes := []string{strings.TrimSpace(c.Note)}
	if strings.TrimSpace(c.Prefix+c.Suffix) != "" {
		notes = append(notes, joinNonEmpty(" ", c.Prefix, c.GivenName, c.MiddleName, c.FamilyName, c.Suffix))
	}
	notes = append(notes, strings.TrimSpace(c.Role), joinNonEmpty(", ", c.OrgUnits...))
	for _, a := range c.Addresses {
		notes = append(notes, oneLine(a))
	}
	notes = append(notes, c.URLs...)
	ct.Notes = joinNonEmpty("\n", notes...)
	ct.Source = "qr"
	if strings.HasPrefix(c.Source, "vcard") {
		ct.Source = "vcard"
	}
	return ct
}

// oneLine formats an address on one line, in the order most countries the
// delegations visit write it: "Street 1, 00100 City, Region, Country".
func oneLine(a Address) string {
	s := joinNonEmpty(", ", a.POBox, a.Extended, a.Street,
		joinNonEmpty(" ", a.PostalCode, a.City), a.Region, a.Country)
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }), ", ")
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// FromContact builds a card from a contact and its organization (org may
// be nil): FN, N, ORG, TITLE, EMAIL and TEL (TYPE=work), LANG, and from the
// organization URL (its website) and ADR (its address, city and country,
// a 2-letter country code written as the English country name). Notes are
// never included: they are private meeting notes, not part of a card.
func FromContact(c *data.Contact, org *data.Organization) Card {
	var k Card
	if c != nil {
		k.GivenName = strings.TrimSpace(c.GivenName)
		k.FamilyName = strings.TrimSpace(c.FamilyName)
		k.Title = strings.TrimSpace(c.Title)
		for _, e := range c.Emails {
			if e = strings.TrimSpace(e); e != "" {
				k.Emails = append(k.Emails, Typed{Value: e, Types: []string{"work"}})
			}
		}
		for _, p := range c.Phones {
			if p = strings.TrimSpace(p); p != "" {
				k.Phones = append(k.Phones, Typed{Value: p, Types: []string{"work"}})
			}
		}
		for _, l := range c.Languages {
			if l = strings.TrimSpace(l); l != "" {
				k.Languages = append(k.Languages, l)
			}
		}
	}
	if org != nil {
		k.Org = strings.TrimSpace(org.Name)
		if w := strings.TrimSpace(org.Website); w != "" {
			k.URLs = []string{w}
		}
		a := Address{Types: []string{"work"}, Street: strings.TrimSpace(org.Address),
			City: strings.TrimSpace(org.City), Country: countryName(org.Country)}
		if a.Street != "" || a.City != "" || a.Country != "" {
			k.Addresses = []Address{a}
		}
	}
	k.FormattedName = deriveFN(&k)
	return k
}

// countryName spells out an ISO 3166 code, since a card is read by people
// and address books that expect a country name; anything else is kept.
func countryName(code string) string {
	code = strings.TrimSpace(code)
	if len(code) == 2 {
		if n := data.CountryName(strings.ToUpper(code)); n != "" {
			return n
		}
	}
	return code
}
