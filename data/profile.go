package data

import (
	"strings"
	"unicode/utf8"
)

// Profile is the user's own business card: what `me set` records and the
// "My card" screen shows as a QR code for the host to scan. It describes
// the person using this device, not a delegation record, so it is a device
// setting and never syncs (each delegate has their own).
type Profile struct {
	GivenName  string `json:"given_name"`
	FamilyName string `json:"family_name"`
	// Org is the organization's name as it should appear on the card; it
	// need not be a record in the store.
	Org     string `json:"org,omitempty"`
	Title   string `json:"title,omitempty"`
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Mobile  string `json:"mobile,omitempty"`
	Website string `json:"website,omitempty"`
	// Address is one line (street, postcode, city, country) as printed.
	Address string `json:"address,omitempty"`
}

// ProfileKind names the profile in FieldErrors; it is not a record kind.
const ProfileKind Kind = "profile"

// Name is the full name as printed on the card.
func (p *Profile) Name() string { return strings.TrimSpace(p.GivenName + " " + p.FamilyName) }

// Empty says whether no card has been set up yet.
func (p *Profile) Empty() bool { return *p == Profile{} }

// Validate applies the rules contacts follow, so my own card can always be
// imported by another Fieldbook as a valid contact.
func (p *Profile) Validate() error {
	trim := []*string{&p.GivenName, &p.FamilyName, &p.Org, &p.Title, &p.Email, &p.Phone, &p.Mobile, &p.Website, &p.Address}
	for _, s := range trim {
		*s = strings.TrimSpace(*s)
		if !utf8.ValidString(*s) {
			return fieldErr(ProfileKind, "name", "", "text is not valid UTF-8")
		}
	}
	if p.GivenName == "" && p.FamilyName == "" {
		return fieldErr(ProfileKind, "name", "", "my card needs a name")
	}
	if p.Email != "" {
		if err := checkEmail(ProfileKind, "email", p.Email); err != nil {
			return err
		}
	}
	for field, v := range map[string]string{"phone": p.Phone, "mobile": p.Mobile} {
		if v != "" && !ValidPhone(v) {
			return fieldErr(ProfileKind, field, v, "is not a phone number")
		}
	}
	if p.Website != "" && strings.ContainsAny(p.Website, " \t\n") {
		return fieldErr(ProfileKind, "website", p.Website, "is not a web address")
	}
	return nil
}

// particles are lower-case words that belong to the family name that
// follows them ("van der Merwe", "de Vries", "von Essen").
var particles = map[string]bool{"van": true, "der": true, "den": true, "de": true, "von": true, "la": true,
	"le": true, "du": true, "da": true, "di": true, "del": true, "ter": true, "ten": true}

// SplitName splits a full name as people write it: the last word is the
// family name (with any particles before it), "Family, Given" the other
// way round, and familyFirst for lists that put the family name first
// (as Uzbek and Russian participant lists often do).
func SplitName(full string, familyFirst bool) (given, family string) {
	if f, g, ok := strings.Cut(full, ","); ok && strings.TrimSpace(g) != "" {
		return strings.TrimSpace(g), strings.TrimSpace(f)
	}
	w := strings.Fields(full)
	switch {
	case len(w) == 0:
		return "", ""
	case len(w) == 1:
		return "", w[0]
	case familyFirst:
		return strings.Join(w[1:], " "), w[0]
	}
	i := len(w) - 1
	for i > 1 && particles[w[i-1]] {
		i--
	}
	return strings.Join(w[:i], " "), strings.Join(w[i:], " ")
}
