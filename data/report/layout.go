package report

import (
	"fmt"
	"image"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/signintech/gopdf"

	"github.com/clusme/fieldbook/resources"
)

// Page geometry in points (A4). The margins are generous on purpose: the
// documents are printed on hotel and office printers that cannot print to
// the edge, and punched for binders.
const (
	pageW    = 595.0
	pageH    = 842.0
	marginL  = 56.0
	marginR  = 56.0
	marginT  = 54.0
	marginB  = 72.0 // the footer lives inside the bottom margin
	contentW = pageW - marginL - marginR
	footerY  = pageH - 44
)

type rgb struct{ r, g, b uint8 }

// The palette follows the application icon: dark teal for structure,
// orange for the one thing to notice, neutral greys for the rest.
var (
	teal      = rgb{0x0B, 0x6E, 0x69}
	tealDark  = rgb{0x08, 0x52, 0x4E}
	tealPale  = rgb{0xE6, 0xF2, 0xF1}
	tealMid   = rgb{0x86, 0xBF, 0xBB}
	tealSoft  = rgb{0xCF, 0xE7, 0xE4}
	orange    = rgb{0xE8, 0xA3, 0x3D}
	orangeInk = rgb{0xC2, 0x6A, 0x00} // orange dark enough to read as text
	ink       = rgb{0x1E, 0x28, 0x30}
	grey      = rgb{0x5F, 0x6B, 0x74}
	greyLight = rgb{0xA9, 0xB2, 0xB8}
	rule      = rgb{0xD9, 0xDF, 0xE2}
	zebra     = rgb{0xF5, 0xF8, 0xF8}
	white     = rgb{0xFF, 0xFF, 0xFF}
)

const (
	fontRegular = "sans"
	fontBold    = "sans-bold"
)

// doc is one PDF being laid out top to bottom. y is the top of the next
// thing to draw; need() starts a new page when something would not fit,
// so a line of text is never cut by the page edge.
type doc struct {
	pdf *gopdf.GoPdf
	lab labels
	f   format
	opt Options

	y      float64
	bold   bool
	size   float64
	color  rgb
	onPage func() // runs after every page break (repeats table headers, continuation heads)

	footerLeft string
	noFooter   map[int]bool // pages printed without footer (the catalogue cover)

	// pw and ph are the page size: A4 portrait, or landscape for the
	// seminar room grid.
	pw, ph float64
}

func newDoc(opt Options) (*doc, error) {
	lab, err := loadLabels(opt.Lang)
	if err != nil {
		return nil, err
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
	if err := pdf.AddTTFFontData(fontRegular, resources.FontRegular()); err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	if err := pdf.AddTTFFontData(fontBold, resources.FontBold()); err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	d := &doc{pdf: pdf, lab: lab, f: newFormat(opt.Lang), opt: opt, noFooter: map[int]bool{}, pw: pageW, ph: pageH}
	d.font(false, 10, ink)
	return d, nil
}

// l is the label for key in the document language.
func (d *doc) l(key string) string { return d.lab.get(key) }

func (d *doc) setInfo(title, subject string) {
	d.pdf.SetInfo(gopdf.PdfInfo{
		Title:        title,
		Subject:      subject,
		Creator:      "Fieldbook",
		Producer:     "Fieldbook (gopdf)",
		CreationDate: d.opt.Created,
	})
}

// font selects the face, size and colour of the text drawn next. The
// fonts are embedded and registered in newDoc, so errors cannot happen
// here and are not reported.
func (d *doc) font(bold bool, size float64, c rgb) {
	d.bold, d.size, d.color = bold, size, c
	name := fontRegular
	if bold {
		name = fontBold
	}
	_ = d.pdf.SetFont(name, "", size)
	d.pdf.SetTextColor(c.r, c.g, c.b)
}

func (d *doc) fill(c rgb)   { d.pdf.SetFillColor(c.r, c.g, c.b) }
func (d *doc) stroke(c rgb) { d.pdf.SetStrokeColor(c.r, c.g, c.b) }

// rect fills a rectangle given by its upper-left corner.
func (d *doc) rect(x, y, w, h float64, c rgb) {
	if w <= 0 || h <= 0 {
		return
	}
	d.fill(c)
	d.pdf.RectFromUpperLeftWithStyle(x, y, w, h, "F")
}

func (d *doc) line(x1, y1, x2, y2, width float64, c rgb) {
	d.stroke(c)
	d.pdf.SetLineWidth(width)
	d.pdf.Line(x1, y1, x2, y2)
}

// text draws s with its top at y (gopdf's Cell puts the baseline one
// ascender below y).
func (d *doc) text(x, y float64, s string) {
	if s == "" {
		return
	}
	d.pdf.SetXY(x, y)
	_ = d.pdf.Cell(nil, s)
}

func (d *doc) textRight(xRight, y float64, s string) { d.text(xRight-d.width(s), y, s) }

func (d *doc) textCenter(xMid, y float64, s string) { d.text(xMid-d.width(s)/2, y, s) }

func (d *doc) width(s string) float64 {
	w, err := d.pdf.MeasureTextWidth(s)
	if err != nil {
		return 0
	}
	return w
}

// lead is the line distance for the current font size.
func (d *doc) lead() float64 { return d.size * 1.38 }

// wrap breaks s into lines no wider than width in the current font: at
// spaces, keeping explicit newlines, and inside a word only when the word
// alone is wider than the line (long URLs, part numbers).
func (d *doc) wrap(s string, width float64) []string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		space := d.width(" ")
		cur, curW := "", 0.0
		for _, w := range words {
			ww := d.width(w)
			if cur != "" && curW+space+ww <= width {
				cur += " " + w
				curW += space + ww
				continue
			}
			if cur != "" {
				out = append(out, cur)
			}
			for ww > width && utf8.RuneCountInString(w) > 1 {
				head := d.fitRunes(w, width)
				out = append(out, head)
				w = w[len(head):]
				ww = d.width(w)
			}
			cur, curW = w, ww
		}
		out = append(out, cur)
	}
	// Blank lines at the end of a text would only push the next thing down.
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// fitRunes is the longest prefix of s (at least one rune) that fits
// width, cut where an address or URL reads best when there is such a
// place: before "@", after ".", "-" or "/".
func (d *doc) fitRunes(s string, width float64) string {
	end, nice := 0, 0
	for i, r := range s {
		next := i + utf8.RuneLen(r)
		if end > 0 && d.width(s[:next]) > width {
			break
		}
		if r == '@' && i > 0 {
			nice = i
		}
		end = next
		if (r == '.' || r == '-' || r == '/') && next < len(s) {
			nice = next
		}
	}
	if nice > end/2 {
		return s[:nice]
	}
	return s[:end]
}

// ellipsis shortens s to one line of width, ending in "…".
func (d *doc) ellipsis(s string, width float64) string {
	if d.width(s) <= width {
		return s
	}
	for s != "" {
		_, n := utf8.DecodeLastRuneInString(s)
		s = strings.TrimRight(s[:len(s)-n], " ")
		if d.width(s+"…") <= width {
			return s + "…"
		}
	}
	return "…"
}

func (d *doc) bottom() float64 { return d.ph - marginB }

// landscape turns the pages added from now on sideways (A4 landscape).
func (d *doc) landscape() { d.pw, d.ph = pageH, pageW }

// width of the text area of the current page size.
func (d *doc) contentWidth() float64 { return d.pw - marginL - marginR }

// newPage starts a page without running the onPage hook. It gives the
// page its content stream at once: gopdf creates streams lazily, and
// SetPage (used for footers and the contents) counts streams, not pages,
// so an empty page would shift every later page number.
func (d *doc) newPage() {
	if d.pw != pageW || d.ph != pageH {
		d.pdf.AddPageWithOption(gopdf.PageOption{PageSize: &gopdf.Rect{W: d.pw, H: d.ph}})
	} else {
		d.pdf.AddPage()
	}
	d.pdf.SetLineWidth(0.5)
	d.y = marginT
}

// addPage starts a page and runs the onPage hook.
func (d *doc) addPage() {
	d.newPage()
	if d.onPage != nil {
		// The hook draws, so it must not see itself.
		f := d.onPage
		d.onPage = nil
		f()
		d.onPage = f
	}
}

// need makes room for h points, starting a new page if they do not fit
// below y; it reports whether it did.
func (d *doc) need(h float64) bool {
	if d.y+h > d.bottom() {
		// Restore the caller's font after the hook (which may change it).
		bold, size, c := d.bold, d.size, d.color
		d.addPage()
		d.font(bold, size, c)
		return true
	}
	return false
}

// lines draws pre-wrapped lines at x in the current font, breaking pages
// between lines.
func (d *doc) lines(x float64, ls []string) {
	lead := d.lead()
	for _, s := range ls {
		d.need(lead)
		d.text(x, d.y, s)
		d.y += lead
	}
}

// paragraph wraps and draws s at x, width w, in the current font.
func (d *doc) paragraph(x, w float64, s string) { d.lines(x, d.wrap(s, w)) }

// flow draws s at x like paragraph, but in a column whose width can
// change at a page break (the brochure's text column widens once the
// sidebar is behind it): after a break the rest is wrapped anew.
func (d *doc) flow(x float64, width func() float64, s string) {
	for _, para := range strings.Split(s, "\n") {
		ls := d.wrap(para, width())
		for i := 0; i < len(ls); i++ {
			if d.need(d.lead()) {
				ls = append(ls[:i], d.wrap(strings.Join(ls[i:], " "), width())...)
			}
			d.text(x, d.y, ls[i])
			d.y += d.lead()
		}
	}
}

// heading draws a section heading, keeping at least keep points of what
// follows on the same page so that a heading never ends a page.
func (d *doc) heading(x, w float64, s string, keep float64) {
	d.font(true, 12.5, teal)
	h := d.lead() + 9
	d.y += 8
	d.need(h + keep)
	for _, ln := range d.wrap(s, w) {
		d.text(x, d.y, ln)
		d.y += d.lead()
	}
	d.rect(x, d.y+1, 26, 2.4, orange)
	d.y += 9
}

// image draws img scaled to fit w×h at (x, y), keeping its aspect ratio.
func (d *doc) image(img image.Image, x, y, w, h float64) error {
	b := img.Bounds()
	if b.Dx() == 0 || b.Dy() == 0 {
		return fmt.Errorf("empty image")
	}
	sw, sh := w, h
	if float64(b.Dx())/float64(b.Dy()) > w/h {
		sh = w * float64(b.Dy()) / float64(b.Dx())
	} else {
		sw = h * float64(b.Dx()) / float64(b.Dy())
	}
	return d.pdf.ImageFrom(img, x+(w-sw)/2, y+(h-sh)/2, &gopdf.Rect{W: sw, H: sh})
}

// finish draws the footers ("date · title" and "n / N") on every page,
// now that the page count is known, and writes the PDF.
func (d *doc) finish(w io.Writer) error {
	n := d.pdf.GetNumberOfPages()
	for i := 1; i <= n; i++ {
		if d.noFooter[i] {
			continue
		}
		if err := d.pdf.SetPage(i); err != nil {
			return err
		}
		fy := d.ph - (pageH - footerY)
		d.line(marginL, fy, d.pw-marginR, fy, 0.5, rule)
		d.font(false, 8, grey)
		left := d.f.date(d.opt.Created)
		if d.footerLeft != "" {
			left += "  ·  " + d.footerLeft
		}
		d.text(marginL, fy+6, d.ellipsis(left, d.contentWidth()-60))
		d.textRight(d.pw-marginR, fy+6, strconv.Itoa(i)+" / "+strconv.Itoa(n))
	}
	if _, err := d.pdf.WriteTo(w); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	return nil
}
