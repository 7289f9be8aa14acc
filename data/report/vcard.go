package report

import (
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/card"
)

// qrPayload is what a brochure's QR code holds: the contact person's
// compact vCard 3.0 — the same one Fieldbook shows as a person's card, so
// a phone saves the contact in one step — or, without a contact person,
// the organization's website.
func qrPayload(o *data.Organization, person *data.Contact) string {
	if person == nil {
		return o.Website
	}
	return card.QRPayload(card.FromContact(person, o))
}
