package exchange

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/card"
	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/data/store"
)

// VCF is the vCard file format (business cards).
const VCF Format = "vcf"

// Card import actions.
const (
	CardCreate = "create" // a new contact
	CardMerge  = "merge"  // fills the matched contact's empty fields, adds numbers and addresses
	CardSame   = "same"   // the matched contact already holds everything on the card
	CardSkip   = "skip"   // the user chose not to import it
)

// CardOptions say how cards become contacts.
type CardOptions struct {
	// Source is recorded on new contacts ("qr" for a scanned code, "vcard"
	// for a file); "" keeps what the card's format suggests.
	Source string
	// Mission, when set, makes a new organization from a card a host when
	// it is in the mission's country (as participant-list import does).
	Mission data.ID
}

// CardPlan is what importing one card does. PlanCards fills it; the GUI
// shows it (a merge view when Match is set) and may change Action before
// ApplyCards writes it.
type CardPlan struct {
	Card card.Card
	// New is the contact the card makes on its own; Merged the matched
	// contact with the card folded in (nil without a match).
	New    *data.Contact
	Merged *data.Contact
	// Match is the existing contact the card looks like, and why
	// ("email", "phone", "name and organization").
	Match  *data.Contact
	Reason string
	// Org is the card's organization: an existing record, or a new one
	// (NewOrg) created only when the plan is applied.
	Org    *data.Organization
	NewOrg bool
	// Filled lists the fields a merge adds to the matched contact;
	// Differs the ones where the card says something else than the
	// record (kept as it is; the card's value goes to the notes).
	Filled  []string
	Differs []string
	Action  string
	// Problem says why a card of a batch cannot be imported (Action is
	// then skip, and stays so).
	Problem string
	// Saved is the ID written by ApplyCards (the new or merged contact).
	Saved data.ID
}

// Contact is the contact the plan's action writes.
func (p *CardPlan) Contact() *data.Contact {
	if p.Action == CardCreate || p.Merged == nil {
		return p.New
	}
	return p.Merged
}

// cardIndex finds existing contacts and organizations a card may be.
type cardIndex struct {
	byEmail map[string]*data.Contact
	byPhone map[string]*data.Contact
	byName  map[string]*data.Contact // plain name | org key
	byPlain map[string][]*data.Contact
	orgs    map[string]*data.Organization
	orgByID map[data.ID]*data.Organization
	pending map[data.ID]bool // organizations planned, not yet in the store
}

func loadCardIndex(ctx context.Context, src Source) (*cardIndex, error) {
	ix := &cardIndex{byEmail: map[string]*data.Contact{}, byPhone: map[string]*data.Contact{},
		byName: map[string]*data.Contact{}, byPlain: map[string][]*data.Contact{}, orgs: map[string]*data.Organization{}, orgByID: map[data.ID]*data.Organization{},
		pending: map[data.ID]bool{}}
	orgs, err := src.List(ctx, store.Query{Kind: data.KindOrg})
	if err != nil {
		return nil, err
	}
	for _, r := range orgs {
		ix.addOrg(r.(*data.Organization))
	}
	contacts, err := src.List(ctx, store.Query{Kind: data.KindContact})
	if err != nil {
		return nil, err
	}
	for _, r := range contacts {
		ix.addContact(r.(*data.Contact))
	}
	return ix, nil
}

func (ix *cardIndex) addOrg(o *data.Organization) {
	ix.orgByID[o.ID] = o
	if k := orgKey(o.Name); k != "" && ix.orgs[k] == nil {
		ix.orgs[k] = o
	}
}

func (ix *cardIndex) addContact(c *data.Contact) {
	for _, e := range c.Emails {
		if k := strings.ToLower(e); ix.byEmail[k] == nil {
			ix.byEmail[k] = c
		}
	}
	for _, p := range c.Phones {
		if k := phoneKey(p); k != "" && ix.byPhone[k] == nil {
			ix.byPhone[k] = c
		}
	}
	if k := ix.nameKey(c); k != "" && ix.byName[k] == nil {
		ix.byName[k] = c
	}
	k := plainName(c.GivenName, c.FamilyName)
	for i, x := range ix.byPlain[k] {
		if x.ID == c.ID {
			ix.byPlain[k][i] = c
			return
		}
	}
	ix.byPlain[k] = append(ix.byPlain[k], c)
}

// nameKey is a contact's folded name and organization: two cards of the
// same name at the same company are one person; without a company a
// name alone is too weak to merge on.
func (ix *cardIndex) nameKey(c *data.Contact) string {
	o := ix.orgByID[c.Org]
	if o == nil {
		return ""
	}
	return plainName(c.GivenName, c.FamilyName) + "|" + orgKey(o.Name)
}

// phoneKey normalises a phone number for matching: its last nine digits,
// which are the subscriber number with area code in every numbering plan
// delegates meet (so "+358 40 123 4567", "00358401234567" and
// "040-123 4567" are one number). Numbers of fewer than seven digits do
// not match anything.
func phoneKey(p string) string {
	d := digitsOf(p)
	if len(d) < 7 {
		return ""
	}
	if len(d) > 9 {
		d = d[len(d)-9:]
	}
	return d
}

// match finds the contact c may be: same e-mail, then same phone, then
// same name at the same organization, then — for a card with nothing but
// a name — the only contact of that name.
func (ix *cardIndex) match(c *data.Contact) (*data.Contact, string) {
	for _, e := range c.Emails {
		if m := ix.byEmail[strings.ToLower(e)]; m != nil {
			return m, "email"
		}
	}
	for _, p := range c.Phones {
		if k := phoneKey(p); k != "" {
			if m := ix.byPhone[k]; m != nil {
				return m, "phone"
			}
		}
	}
	if k := ix.nameKey(c); k != "" {
		if m := ix.byName[k]; m != nil {
			return m, "name and organization"
		}
	}
	// A card with a name only (no company, e-mail or phone) is the one
	// contact of that name, if there is exactly one.
	if c.Org == "" && len(c.Emails) == 0 && len(c.Phones) == 0 {
		if same := ix.byPlain[plainName(c.GivenName, c.FamilyName)]; len(same) == 1 {
			return same[0], "name"
		}
	}
	return nil, ""
}

// PlanCards works out what importing cards would do, without writing:
// each card's contact, its organization, and the existing contact it
// duplicates, if any. Cards in one batch are matched against each other
// too, so a .vcf holding one person twice makes one contact.
func PlanCards(ctx context.Context, src Source, cards []card.Card, opt CardOptions) ([]*CardPlan, error) {
	ix, err := loadCardIndex(ctx, src)
	if err != nil {
		return nil, err
	}
	var mission *data.Mission
	if opt.Mission != "" {
		m, err := store.Load[*data.Mission](ctx, src, opt.Mission)
		if err != nil {
			return nil, fmt.Errorf("card import: mission %s: %w", opt.Mission, err)
		}
		mission = m
	}
	plans := make([]*CardPlan, 0, len(cards))
	for i, cd := range cards {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, err := ix.plan(cd, opt, mission)
		if err != nil {
			err = fmt.Errorf("card %d (%s): %w", i+1, cardName(cd), err)
			// One bad card in a phone-book export must not cost the
			// others: it is skipped and says why. A single card that is
			// not one is an error.
			if len(cards) == 1 || !errors.Is(err, data.ErrInvalid) {
				return nil, err
			}
			p = &CardPlan{Card: cd, Action: CardSkip, Problem: err.Error(),
				New: &data.Contact{FamilyName: cardName(cd)}}
		}
		plans = append(plans, p)
	}
	return plans, nil
}

func cardName(c card.Card) string {
	if c.FormattedName != "" {
		return c.FormattedName
	}
	if n := strings.TrimSpace(c.GivenName + " " + c.FamilyName); n != "" {
		return n
	}
	if c.Org != "" {
		return c.Org
	}
	// A text payload: its start says which one it was.
	n := []rune(strings.Join(strings.Fields(c.Note), " "))
	if len(n) > 40 {
		n = append(n[:40], '…')
	}
	return string(n)
}

func (ix *cardIndex) plan(cd card.Card, opt CardOptions, mission *data.Mission) (*CardPlan, error) {
	p := &CardPlan{Card: cd, Action: CardCreate}
	c := cd.Contact()
	if opt.Source != "" {
		c.Source = opt.Source
	}
	if c.GivenName == "" && c.FamilyName == "" {
		// A card without a person (a company QR, a URL, plain text) still
		// makes a contact the user can name: the organization or the text.
		switch {
		case cd.Org != "":
			c.FamilyName = cd.Org
		default:
			return nil, data.Errorf(data.ErrInvalid, "not a business card: it has no name and no organization, so there is no one to add")
		}
	}
	// Keep only what the store accepts: a scanned card with a typo in an
	// e-mail address should still give a contact, with the odd value kept
	// in the notes rather than lost.
	c.Emails, c.Notes = keepValid(c.Emails, c.Notes, func(e string) bool { _, ok := parseEmail(e); return ok })
	c.Phones, c.Notes = keepValid(c.Phones, c.Notes, data.ValidPhone)
	c.Languages, c.Notes = keepValid(c.Languages, c.Notes, func(l string) bool {
		probe := data.Contact{FamilyName: "x", Languages: []string{l}}
		return probe.Validate() == nil
	})
	if cd.Org != "" {
		if o := ix.orgs[orgKey(cd.Org)]; o != nil {
			// An organization another card of this batch introduces is
			// still new: whichever plan is applied first creates it.
			p.Org, p.NewOrg = o, ix.pending[o.ID]
		} else {
			p.Org = newCardOrg(cd, mission)
			p.NewOrg = true
			if err := data.Prepare(p.Org); err != nil {
				return nil, err
			}
			ix.addOrg(p.Org)
			ix.pending[p.Org.ID] = true
		}
		c.Org = p.Org.ID
	}
	c.ID = data.NewID()
	if err := data.Prepare(&c); err != nil {
		return nil, err
	}
	p.New = &c
	if m, why := ix.match(&c); m != nil {
		p.Match, p.Reason = m, why
		p.Merged, p.Filled, p.Differs = mergeContact(m, &c)
		p.Action = CardMerge
		if len(p.Filled) == 0 {
			p.Action = CardSame
		}
		ix.addContact(p.Merged)
	} else {
		ix.addContact(&c)
	}
	return p, nil
}

// keepValid splits values into the valid ones and a note line listing the
// rest, appended to notes.
func keepValid(values []string, notes string, ok func(string) bool) ([]string, string) {
	var good, bad []string
	for _, v := range values {
		if ok(v) {
			good = append(good, v)
		} else {
			bad = append(bad, v)
		}
	}
	if len(bad) > 0 {
		notes = joinNote(notes, strings.Join(bad, ", "))
	}
	return good, notes
}

func joinNote(notes, more string) string {
	switch {
	case more == "" || strings.Contains(notes, more):
		return notes
	case notes == "":
		return more
	}
	return notes + "\n" + more
}

// newCardOrg makes the organization a card names: a partner, or a host
// when it is in the country of the mission the cards are imported for.
func newCardOrg(cd card.Card, mission *data.Mission) *data.Organization {
	o := &data.Organization{Name: cd.Org, OrgKind: data.OrgPartner}
	o.ID = data.NewID()
	if len(cd.URLs) > 0 && !strings.ContainsAny(cd.URLs[0], " \t") {
		o.Website = cd.URLs[0]
	}
	for _, a := range cd.Addresses {
		if code, ok := lookupCountry(a.Country); ok {
			o.Country = code
		}
		o.City = a.City
		o.Address = strings.Join(nonEmpty(a.Street, strings.TrimSpace(a.PostalCode+" "+a.City)), ", ")
		break
	}
	if mission != nil && o.Country == mission.Country {
		o.OrgKind = data.OrgHost
	}
	return o
}

func nonEmpty(s ...string) []string {
	var out []string
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

// mergeContact folds card contact c into a copy of existing m: empty
// fields are filled, new e-mails and phones added, and where the card
// disagrees (another title) the record wins and the card's value is noted,
// so a merge never overwrites what the delegate typed.
func mergeContact(m, c *data.Contact) (merged *data.Contact, filled, differs []string) {
	out := cloneContact(m)
	out.Tags = append([]string(nil), m.Tags...)
	out.Languages = append([]string(nil), m.Languages...)
	text := func(field string, dst *string, v string) {
		switch {
		case v == "" || *dst == v:
		case *dst == "":
			*dst = v
			filled = append(filled, field)
		case locale.Fold(*dst) != locale.Fold(v):
			differs = append(differs, field)
		}
	}
	text("given_name", &out.GivenName, c.GivenName)
	text("family_name", &out.FamilyName, c.FamilyName)
	text("title", &out.Title, c.Title)
	if out.Org == "" && c.Org != "" {
		out.Org = c.Org
		filled = append(filled, "org")
	} else if c.Org != "" && out.Org != c.Org {
		differs = append(differs, "org")
	}
	for _, e := range c.Emails {
		if n := len(out.Emails); len(appendFold(out.Emails, e)) > n {
			out.Emails = append(out.Emails, e)
			filled = appendOnce(filled, "emails")
		}
	}
	for _, ph := range c.Phones {
		if !hasPhone(out.Phones, ph) {
			out.Phones = append(out.Phones, ph)
			filled = appendOnce(filled, "phones")
		}
	}
	for _, l := range c.Languages {
		if n := len(out.Languages); len(appendFold(out.Languages, l)) > n {
			out.Languages = append(out.Languages, l)
			filled = appendOnce(filled, "languages")
		}
	}
	notes := out.Notes
	if len(differs) > 0 {
		var was []string
		for _, f := range differs {
			switch f {
			case "title":
				was = append(was, c.Title)
			case "given_name", "family_name":
				was = appendOnce(was, c.Label())
			}
		}
		notes = joinNote(notes, strings.Join(nonEmpty(was...), ", "))
	}
	notes = joinNote(notes, c.Notes)
	if notes != out.Notes {
		out.Notes = notes
		filled = append(filled, "notes")
	}
	return out, filled, differs
}

func appendOnce(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

func hasPhone(list []string, p string) bool {
	k := phoneKey(p)
	for _, x := range list {
		if digitsOf(x) == digitsOf(p) || (k != "" && phoneKey(x) == k) {
			return true
		}
	}
	return false
}

// ApplyCards writes the plans: new organizations first, then each new or
// merged contact and the card's photo as an attachment of it. Plans with
// Action skip or same write nothing (Saved is the matched contact for
// same). Each contact is its own durable save, so an error stops the rest
// and reports how far it got; a merge re-reads the contact and changes
// only the fields the card fills, so edits made meanwhile survive.
func ApplyCards(ctx context.Context, st *store.Store, plans []*CardPlan) error {
	orgDone := map[data.ID]bool{}
	for i, p := range plans {
		if err := ctx.Err(); err != nil {
			return err
		}
		fail := func(err error) error {
			return fmt.Errorf("card %d (%s): %w (%d of %d cards saved)", i+1, cardName(p.Card), err, i, len(plans))
		}
		switch p.Action {
		case CardSkip:
			continue
		case CardSame:
			p.Saved = p.Match.ID
			continue
		case CardCreate, CardMerge:
		default:
			return fail(data.Errorf(data.ErrInvalid, "unknown card action %q", p.Action))
		}
		c := p.Contact()
		if p.NewOrg && c.Org == p.Org.ID && !orgDone[p.Org.ID] {
			if _, err := st.Get(ctx, p.Org.ID); err != nil {
				o := *p.Org
				if err := st.Create(ctx, &o); err != nil {
					return fail(err)
				}
			}
			orgDone[p.Org.ID] = true
		}
		if p.Action == CardCreate || p.Merged == nil {
			nc := *p.New
			if err := st.Create(ctx, &nc); err != nil {
				return fail(err)
			}
			p.Saved = nc.ID
		} else {
			if err := mergeInto(ctx, st, p); err != nil {
				return fail(err)
			}
			p.Saved = p.Match.ID
		}
		if ph := p.Card.Photo; ph != nil && len(ph.Data) > 0 {
			if err := attachPhoto(ctx, st, p.Saved, ph, cardName(p.Card)); err != nil {
				return fail(err)
			}
		}
	}
	return nil
}

// mergeInto applies a merge to the contact as stored now.
func mergeInto(ctx context.Context, st *store.Store, p *CardPlan) error {
	cur, err := store.Load[*data.Contact](ctx, st, p.Match.ID)
	if errors.Is(err, data.ErrNotFound) && p.Match.Created.IsZero() {
		// The match was another card of this batch that the user chose
		// to skip: this card then stands on its own.
		nc := *p.New
		if err := st.Create(ctx, &nc); err != nil {
			return err
		}
		p.Match = &nc
		return nil
	}
	if err != nil {
		return err
	}
	merged, filled, _ := mergeContact(cur, p.New)
	if len(filled) == 0 {
		return nil
	}
	return st.Update(ctx, merged)
}

// attachPhoto keeps a card's photo as an attachment of the contact; the
// same picture twice is one blob and one attachment.
func attachPhoto(ctx context.Context, st *store.Store, owner data.ID, ph *card.Photo, name string) error {
	sha, err := st.PutBlob(ctx, ph.Data)
	if err != nil {
		return err
	}
	existing, err := st.List(ctx, store.Query{Kind: data.KindAttachment, Record: owner})
	if err != nil {
		return err
	}
	for _, r := range existing {
		if r.(*data.Attachment).SHA256 == sha {
			return nil
		}
	}
	mt := ph.MediaType
	if mt == "" {
		mt = "image/jpeg"
	}
	ext := map[string]string{"image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}[mt]
	if ext == "" {
		ext = ".jpg"
	}
	a := &data.Attachment{Name: name + ext, MediaType: mt, SHA256: sha, Size: int64(len(ph.Data)), Record: owner, Note: "card photo"}
	return st.Create(ctx, a)
}

// ImportCards plans and applies cards in one go (the command line).
func ImportCards(ctx context.Context, st *store.Store, cards []card.Card, opt CardOptions) ([]*CardPlan, error) {
	plans, err := PlanCards(ctx, st, cards, opt)
	if err != nil {
		return nil, err
	}
	return plans, ApplyCards(ctx, st, plans)
}

// CardsOf builds the cards of contacts, with their organizations, for a
// vCard export. Private contacts are left out unless f.IncludePrivate; one
// named by ID is refused, so asking for it does not silently give nothing.
func CardsOf(ctx context.Context, src Source, f Filter, ids []data.ID) ([]card.Card, error) {
	var contacts []*data.Contact
	if len(ids) > 0 {
		for _, id := range ids {
			c, err := store.Load[*data.Contact](ctx, src, id)
			if err != nil {
				return nil, err
			}
			if !f.visible(c) {
				return nil, data.Errorf(data.ErrInvalid, "%s is private: it leaves this device only when private records are included explicitly", c.Label())
			}
			contacts = append(contacts, c)
		}
	} else {
		m, err := f.check(ctx, src)
		if err != nil {
			return nil, err
		}
		if contacts, err = missionContacts(ctx, src, f, m); err != nil {
			return nil, err
		}
	}
	n := newNames(ctx, src, Filter{IncludePrivate: true})
	coll := locale.NewCollator(locale.Match("en"))
	locale.SortFunc(coll, contacts, func(c *data.Contact) string {
		return c.FamilyName + "\x00" + c.GivenName + "\x00" + string(c.ID)
	})
	cards := make([]card.Card, 0, len(contacts))
	for _, c := range contacts {
		o, _ := n.get(c.Org).(*data.Organization)
		cards = append(cards, card.FromContact(c, o))
	}
	return cards, nil
}

// ExportVCards writes the contacts f selects (or the ones named by ids) as
// one .vcf of the given vCard version ("3.0" or "4.0"; "" = 3.0, which
// phones read best).
func ExportVCards(ctx context.Context, src Source, f Filter, ids []data.ID, version string, w io.Writer) (int, error) {
	if version == "" {
		version = "3.0"
	}
	if version != "3.0" && version != "4.0" {
		return 0, data.Errorf(data.ErrInvalid, "vCard version %q is not supported (want 3.0 or 4.0)", version)
	}
	cards, err := CardsOf(ctx, src, f, ids)
	if err != nil {
		return 0, err
	}
	b, err := card.FormatAll(cards, version)
	if err != nil {
		return 0, err
	}
	_, err = w.Write(b)
	return len(cards), err
}

// ProfileCard is my own card as a business card.
func ProfileCard(p data.Profile) card.Card {
	c := card.Card{GivenName: p.GivenName, FamilyName: p.FamilyName, FormattedName: p.Name(),
		Org: p.Org, Title: p.Title}
	if p.Email != "" {
		c.Emails = []card.Typed{{Value: p.Email, Types: []string{"work"}}}
	}
	if p.Phone != "" {
		c.Phones = append(c.Phones, card.Typed{Value: p.Phone, Types: []string{"work", "voice"}})
	}
	if p.Mobile != "" {
		c.Phones = append(c.Phones, card.Typed{Value: p.Mobile, Types: []string{"cell"}})
	}
	if p.Website != "" {
		c.URLs = []string{p.Website}
	}
	if p.Address != "" {
		c.Addresses = []card.Address{{Types: []string{"work"}, Street: p.Address}}
	}
	return c
}
