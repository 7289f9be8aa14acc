package report

import (
	"strings"

	"github.com/clusme/fieldbook/data"
)

// qrPayload is what a brochure's QR code holds: a compact vCard 3.0 of the
// contact person (so a phone saves the contact in one step) or, without
// one, the organization's website.
func qrPayload(o *data.Organization, person *data.Contact) string {
	if person == nil {
		return o.Website
	}
	return vCard(o, person)
}

// vCard formats person as a vCard 3.0 (RFC 2426) with only what fits a
// readable QR code: name, organization, title, first email and phone, and
// the website. Lines end in CRLF as the RFC requires.
func vCard(o *data.Organization, c *data.Contact) string {
	var b strings.Builder
	add := func(name, value string) {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(value)
		b.WriteString("\r\n")
	}
	add("BEGIN", "VCARD")
	add("VERSION", "3.0")
	add("N", vEscape(c.FamilyName)+";"+vEscape(c.GivenName)+";;;")
	add("FN", vEscape(c.Label()))
	if o != nil && o.Name != "" {
		add("ORG", vEscape(o.Name))
	}
	if c.Title != "" {
		add("TITLE", vEscape(c.Title))
	}
	if len(c.Phones) > 0 {
		add("TEL;TYPE=WORK,VOICE", vEscape(c.Phones[0]))
	}
	if len(c.Emails) > 0 {
		add("EMAIL;TYPE=INTERNET", vEscape(c.Emails[0]))
	}
	if o != nil && o.Website != "" {
		add("URL", o.Website)
	}
	add("END", "VCARD")
	return b.String()
}

// vEscape escapes a vCard 3.0 text value.
func vEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, ",", `\,`, ";", `\;`, "\r\n", `\n`, "\n", `\n`).Replace(s)
}
