package report

import (
	"image"
	"io"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/card"
)

// Business-card geometry: ISO 7810 ID-1 / the common European card,
// 85 × 55 mm, ten to an A4 page in two columns with a 10 mm gutter, so
// the sheet can be cut with scissors along the grey marks.
const (
	mm      = 72 / 25.4
	cardW   = 85 * mm
	cardH   = 55 * mm
	cardGap = 10 * mm
	cardPad = 4.5 * mm
)

// CardSheet prints c as a sheet of ten cut-out business cards, each with
// the name, title, organization and numbers on the left and the card's QR
// code (the same compact vCard the screen shows) on the right.
func CardSheet(c card.Card, opt Options, w io.Writer) error {
	opt, err := opt.normalize()
	if err != nil {
		return err
	}
	name := c.FormattedName
	if name == "" {
		name = strings.TrimSpace(c.GivenName + " " + c.FamilyName)
	}
	if name == "" && c.Org == "" {
		return data.Errorf(data.ErrInvalid, "the card has no name to print")
	}
	q, err := qrcode.New(card.QRPayload(c), qrcode.Medium)
	if err != nil {
		return data.Errorf(data.ErrInvalid, "the card does not fit in a QR code: %v", err)
	}
	q.DisableBorder = true
	qrImg := grayImage(q.Image(-8))

	d, err := newDoc(opt)
	if err != nil {
		return err
	}
	d.setInfo(d.l("business_card")+": "+name, name)
	d.noFooter[1] = true
	d.newPage()

	left := (pageW - 2*cardW - cardGap) / 2
	top := (pageH - 5*cardH) / 2
	var lines []string
	for _, s := range []string{c.Title, c.Org} {
		if s != "" {
			lines = append(lines, s)
		}
	}
	var contact []string
	for _, p := range c.Phones {
		contact = append(contact, p.Value)
	}
	for _, e := range c.Emails {
		contact = append(contact, e.Value)
	}
	for _, u := range c.URLs {
		contact = append(contact, displayURL(u))
	}
	for row := 0; row < 5; row++ {
		for col := 0; col < 2; col++ {
			x := left + float64(col)*(cardW+cardGap)
			y := top + float64(row)*cardH
			d.cardFace(x, y, name, lines, contact, qrImg)
		}
	}
	// Cut marks between the rows and at the outer edges.
	for row := 0; row <= 5; row++ {
		y := top + float64(row)*cardH
		d.line(left-8*mm, y, left-2*mm, y, 0.4, greyLight)
		d.line(left+2*cardW+cardGap+2*mm, y, left+2*cardW+cardGap+8*mm, y, 0.4, greyLight)
	}
	for _, x := range []float64{left, left + cardW, left + cardW + cardGap, left + 2*cardW + cardGap} {
		d.line(x, top-8*mm, x, top-2*mm, 0.4, greyLight)
		d.line(x, top+5*cardH+2*mm, x, top+5*cardH+8*mm, 0.4, greyLight)
	}
	return d.finish(w)
}

// cardFace draws one card: a teal rule on the left edge, the text column
// and the QR code filling the right third.
func (d *doc) cardFace(x, y float64, name string, lines, contact []string, qrImg image.Image) {
	d.rect(x, y, cardW, cardH, white)
	d.line(x, y, x+cardW, y, 0.3, rule)
	d.line(x, y+cardH, x+cardW, y+cardH, 0.3, rule)
	d.line(x, y, x, y+cardH, 0.3, rule)
	d.line(x+cardW, y, x+cardW, y+cardH, 0.3, rule)
	d.rect(x, y, 2.2*mm, cardH, teal)

	// A 30 mm code stays readable by phone cameras up to QR version ~15
	// (0.4 mm modules) and leaves the text column room for an e-mail.
	qrSize := 30 * mm
	qx := x + cardW - cardPad - qrSize
	qy := y + (cardH-qrSize)/2
	textX := x + 2.2*mm + cardPad
	textW := qx - textX - 3*mm

	ty := y + cardPad + 2
	d.font(true, d.fitSize(name, textW, 11, 7.5), ink)
	for _, s := range d.wrap(name, textW) {
		d.text(textX, ty, s)
		ty += d.lead()
	}
	d.font(false, 8, teal)
	for _, l := range lines {
		for _, s := range d.wrap(l, textW) {
			d.text(textX, ty, s)
			ty += d.lead()
		}
	}
	// The numbers sit at the bottom of the card, as on a printed card;
	// an address too long for the column shrinks, then ends in "…".
	d.font(false, 7.5, ink)
	by := y + cardH - cardPad - float64(len(contact))*d.lead()
	if by < ty+2 {
		by = ty + 2
	}
	for _, c := range contact {
		d.font(false, d.fitSize(c, textW, 7.5, 6), ink)
		d.text(textX, by, d.ellipsis(c, textW))
		by += 7.5 * 1.38
	}
	_ = d.image(qrImg, qx, qy, qrSize, qrSize)
}
