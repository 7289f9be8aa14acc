package report

import (
	"bytes"
	"context"
	"image"
	"image/draw"
	_ "image/jpeg" // logos may be JPEG
	_ "image/png"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// Brochure geometry: a main column for the text and, on the first page, a
// sidebar with the contact block and the QR code.
const (
	sideW   = 162.0
	sideGap = 24.0
	sideX   = pageW - marginR - sideW
	mainW   = contentW - sideW - sideGap
	bulletW = 12.0
)

// brochure lays out org on new pages: a header band, the texts and lists
// in the main column and the contact sidebar.
func (d *doc) brochure(ctx context.Context, src Source, o *data.Organization) error {
	person, err := firstContact(ctx, src, o.ID)
	if err != nil {
		return err
	}
	d.onPage = nil
	d.newPage()
	d.y = d.brochureBand(ctx, src, o) + 26
	top := d.y
	sideBottom := d.brochureSidebar(o, person, top)

	// Pages after the first carry a slim band with the name, so a loose
	// second sheet still says whose it is.
	// The text column is narrower beside the sidebar on the first page
	// and takes the full width after it.
	colW := mainW
	width := func() float64 { return colW }
	d.onPage = func() {
		d.rect(0, 0, pageW, 30, teal)
		d.rect(0, 30, pageW, 2.5, orange)
		d.font(true, 9, white)
		d.text(marginL, 10, d.ellipsis(o.Name, contentW))
		d.y = marginT + 4
		colW = contentW
	}
	defer func() { d.onPage = nil }()

	x := marginL
	tagline, taglineFallback := pick(o.Tagline, d.opt.Lang)
	desc, descFallback := pick(o.Description, d.opt.Lang)
	if desc != "" {
		d.font(false, 10.5, ink)
		d.flow(x, width, desc)
	}
	if (taglineFallback && tagline != "") || (descFallback && desc != "") {
		d.y += 4
		d.font(false, 8, grey)
		note := d.l("english_only")
		d.need(d.lead())
		d.rect(x, d.y+1.5, 2.5, d.lead()-3, orange)
		d.text(x+8, d.y, note)
		d.y += d.lead()
	}
	d.y += 4
	sections := []struct {
		key   string
		items []string
	}{
		{"products", o.Products},
		{"capabilities", o.Capabilities},
		{"certifications", o.Certifications},
		{"references", o.References},
	}
	for _, s := range sections {
		if len(s.items) == 0 {
			continue
		}
		// Keep the heading with a short list as a whole (no lone item
		// overleaf), or with the first two lines of a long one.
		d.font(false, 10, ink)
		lines := 0
		for _, it := range s.items {
			lines += len(d.wrap(it, colW-bulletW))
		}
		if lines > 5 {
			lines = min(len(d.wrap(s.items[0], colW-bulletW)), 2)
		}
		d.heading(x, colW, d.l(s.key), float64(lines)*d.lead()+float64(len(s.items))*2.5)
		d.bullets(x, width, s.items)
	}
	d.y = max(d.y, sideBottom)
	return nil
}

// pick returns the text in lang, or the English one and true when the
// language is missing (the brochure then says so).
func pick(t data.Texts, lang string) (string, bool) {
	if s := strings.TrimSpace(t[lang]); s != "" {
		return s, false
	}
	s := strings.TrimSpace(t["en"])
	return s, lang != "en" && s != ""
}

// bullets draws a list in a column of the given width; an item of up to
// four lines is kept on one page.
func (d *doc) bullets(x float64, width func() float64, items []string) {
	d.font(false, 10, ink)
	lead := d.lead()
	for _, it := range items {
		ls := d.wrap(it, width()-bulletW)
		if len(ls) <= 4 {
			d.need(float64(len(ls)) * lead)
		} else {
			d.need(2 * lead)
		}
		d.rect(x+1, d.y+lead/2-2.6, 4, 4, orange)
		d.flow(x+bulletW, func() float64 { return width() - bulletW }, it)
		d.y += 2.5
	}
}

// brochureBand draws the header band of the first brochure page and
// returns its bottom.
func (d *doc) brochureBand(ctx context.Context, src Source, o *data.Organization) float64 {
	logo := d.logo(ctx, src, o)
	textW := contentW
	if logo != nil {
		textW -= 110
	}
	tagline, _ := pick(o.Tagline, d.opt.Lang)

	d.font(true, 24, white)
	nameLines := d.wrap(o.Name, textW)
	nameLead := d.lead() * 0.92
	d.font(false, 12, white)
	tagLines := d.wrap(tagline, textW)
	kicker := d.kicker(o)

	h := 40.0 + 16 + float64(len(nameLines))*nameLead + 6 + float64(len(tagLines))*d.lead() + 26
	d.rect(0, 0, pageW, h, teal)
	d.rect(0, h, pageW, 4, orange)

	y := 40.0
	d.font(true, 8.5, tealSoft)
	d.text(marginL, y, d.ellipsis(strings.ToUpper(kicker), textW))
	y += 16
	d.font(true, 24, white)
	for _, s := range nameLines {
		d.text(marginL, y, s)
		y += nameLead
	}
	y += 6
	d.font(false, 12, tealSoft)
	for _, s := range tagLines {
		d.text(marginL, y, s)
		y += d.lead()
	}
	if logo != nil {
		box := 92.0
		bx, by := pageW-marginR-box, (h-box)/2
		d.rect(bx, by, box, box, white)
		_ = d.image(logo, bx+8, by+8, box-16, box-16)
	}
	return h + 4
}

// kicker is the small line above the name: sector and place.
func (d *doc) kicker(o *data.Organization) string {
	var parts []string
	if o.Sector != "" {
		parts = append(parts, o.Sector)
	}
	if p := d.place(o.City, o.Country); p != "" {
		parts = append(parts, p)
	}
	return strings.Join(parts, "  ·  ")
}

func (d *doc) place(city, country string) string {
	c := d.f.country(country)
	switch {
	case city != "" && c != "":
		return city + ", " + c
	case city != "":
		return city
	}
	return c
}

// logo decodes the organization's logo attachment, or returns nil: a
// missing or broken logo leaves the band without one rather than failing
// the brochure.
func (d *doc) logo(ctx context.Context, src Source, o *data.Organization) image.Image {
	bs, ok := src.(blobSource)
	if !ok || o.Logo == "" {
		return nil
	}
	rec, err := src.Get(ctx, o.Logo)
	if err != nil {
		return nil
	}
	a, ok := rec.(*data.Attachment)
	if !ok || a.SHA256 == "" {
		return nil
	}
	b, err := bs.Blob(ctx, a.SHA256)
	if err != nil {
		return nil
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	return img
}

// firstContact is the organization's first contact person that may be
// printed (private contacts never are).
func firstContact(ctx context.Context, src Source, org data.ID) (*data.Contact, error) {
	recs, err := src.List(ctx, store.Query{Kind: data.KindContact, Org: org})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if c, ok := r.(*data.Contact); ok && c.Confidentiality != data.Private {
			return c, nil
		}
	}
	return nil, nil
}

// sideItem is one block of the sidebar: a small label and its lines.
type sideItem struct {
	label string
	value string
	bold  bool
}

// brochureSidebar draws the contact block with the QR code at the right
// of the first page, starting at top, and returns its bottom.
func (d *doc) brochureSidebar(o *data.Organization, person *data.Contact, top float64) float64 {
	pad := 12.0
	iw := sideW - 2*pad
	ix := sideX + pad

	var facts, contact, personItems []sideItem
	if o.Sector != "" {
		facts = append(facts, sideItem{d.l("sector"), o.Sector, false})
	}
	if o.Employees > 0 {
		facts = append(facts, sideItem{d.l("employees"), d.f.int(int64(o.Employees)), false})
	}
	if o.Website != "" {
		contact = append(contact, sideItem{d.l("website"), displayURL(o.Website), false})
	}
	if o.Email != "" {
		contact = append(contact, sideItem{d.l("email"), o.Email, false})
	}
	if o.Phone != "" {
		contact = append(contact, sideItem{d.l("phone"), o.Phone, false})
	}
	addr := o.Address
	if p := d.place(o.City, o.Country); p != "" {
		if addr == "" || !strings.Contains(addr, o.City) {
			addr = strings.TrimSpace(addr + "\n" + p)
		} else if c := d.f.country(o.Country); c != "" {
			addr += "\n" + c
		}
	}
	if addr != "" {
		contact = append(contact, sideItem{d.l("address"), addr, false})
	}
	if person != nil {
		v := person.Label()
		if person.Title != "" {
			v += "\n" + person.Title
		}
		personItems = append(personItems, sideItem{d.l("contact_person"), v, true})
		if len(person.Emails) > 0 {
			personItems = append(personItems, sideItem{"", person.Emails[0], false})
		}
		if len(person.Phones) > 0 {
			personItems = append(personItems, sideItem{"", person.Phones[0], false})
		}
	}

	payload, caption := qrPayload(o, person), d.l("scan_contact")
	if person == nil {
		caption = d.l("scan_website")
	}
	var qrImg image.Image
	if payload != "" {
		if q, err := qrcode.New(payload, qrcode.Medium); err == nil {
			qrImg = grayImage(q.Image(-6))
		}
	}

	// Measure first, so the tinted box can be drawn under the text.
	draw := func(dry bool) float64 {
		y := top + pad
		group := func(items []sideItem) {
			for _, it := range items {
				if it.label != "" {
					d.font(true, 7.5, grey)
					if !dry {
						d.text(ix, y, strings.ToUpper(it.label))
					}
					y += d.lead()
				}
				first := true
				for _, para := range strings.Split(it.value, "\n") {
					d.font(it.bold && first, 9, ink)
					d.font(it.bold && first, d.fitSize(para, iw, 9, 7.5), ink)
					for _, s := range d.wrap(para, iw) {
						if !dry {
							d.text(ix, y, s)
						}
						y += d.lead()
					}
					first = false
				}
				y += 5
			}
		}
		d.font(true, 11, teal)
		if !dry {
			d.text(ix, y, d.l("contact"))
		}
		y += d.lead() + 4
		group(contact)
		if len(personItems) > 0 {
			if !dry {
				d.line(ix, y-1, ix+iw, y-1, 0.6, tealMid)
			}
			y += 6
			group(personItems)
		}
		if len(facts) > 0 {
			if !dry {
				d.line(ix, y-1, ix+iw, y-1, 0.6, tealMid)
			}
			y += 6
			group(facts)
		}
		if qrImg != nil {
			size := 112.0
			if !dry {
				d.rect(sideX+(sideW-size)/2, y, size, size, white)
				_ = d.image(qrImg, sideX+(sideW-size)/2, y, size, size)
			}
			y += size + 4
			d.font(false, 7.5, grey)
			for _, s := range d.wrap(caption, iw) {
				if !dry {
					d.textCenter(sideX+sideW/2, y, s)
				}
				y += d.lead()
			}
		}
		return y + pad
	}
	bottom := draw(true)
	d.rect(sideX, top, sideW, bottom-top, tealPale)
	d.rect(sideX, top, sideW, 3, teal)
	draw(false)
	return bottom
}

// displayURL drops the scheme, which only adds noise on paper.
func displayURL(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	return strings.TrimSuffix(u, "/")
}

// grayImage copies the QR code into an 8-bit grey image, the simplest
// form for the PDF's image object.
func grayImage(src image.Image) *image.Gray {
	g := image.NewGray(src.Bounds())
	draw.Draw(g, g.Bounds(), src, src.Bounds().Min, draw.Src)
	return g
}

// fitSize is the largest font size from size down to least at which a
// single-word value (an email address, a URL) fits on one line of width;
// breaking such a value in the middle would make it hard to type.
func (d *doc) fitSize(s string, width, size, least float64) float64 {
	if strings.ContainsRune(strings.TrimSpace(s), ' ') {
		return size
	}
	bold, c := d.bold, d.color
	for ; size > least; size -= 0.5 {
		d.font(bold, size, c)
		if d.width(s) <= width {
			return size
		}
	}
	return least
}
