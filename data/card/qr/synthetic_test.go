package qr

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

// Business cards as delegates exchange them: vCard 3.0 in UTF-8 without an
// ECI designator (what go-qrcode and most phone apps write), with the scripts
// of the missions: Finnish, Estonian, Russian, Uzbek (Latin with U+02BB and
// Cyrillic).
var synthCards = []struct{ name, vcard string }{
	{"fi", "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Mäkelä;Päivi;;;\r\nFN:Päivi Mäkelä\r\n" +
		"ORG:Jyväskylän Koneteknologia Oy\r\nTITLE:Myyntijohtaja\r\n" +
		"TEL;TYPE=CELL:+358 40 123 4567\r\nEMAIL:paivi.makela@example.fi\r\n" +
		"ADR;TYPE=WORK:;;Ylistönmäentie 33;Jyväskylä;;40500;Suomi\r\nEND:VCARD\r\n"},
	{"et", "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Tamm;Jüri;;;\r\nFN:Jüri Tamm\r\n" +
		"ORG:Šokolaad ja Õunad OÜ\r\nTITLE:Tegevjuht\r\nTEL;TYPE=WORK:+372 5123 4567\r\n" +
		"EMAIL:juri.tamm@example.ee\r\nADR;TYPE=WORK:;;Pärnu mnt 15;Tallinn;;10141;Eesti\r\nEND:VCARD\r\n"},
	{"ru", "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Кузнецова;Анна;Сергеевна;;\r\nFN:Анна Кузнецова\r\n" +
		"ORG:АО «Ташкентский машиностроительный завод»\r\nTITLE:Главный инженер\r\n" +
		"TEL;TYPE=WORK:+998 71 123 45 67\r\nEMAIL:a.kuznetsova@example.uz\r\nEND:VCARD\r\n"},
	{"uz", "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Gʻulomov;Oʻktam;;;\r\nFN:Oʻktam Gʻulomov\r\n" +
		"ORG:Қодиров ва шериклари МЧЖ\r\nTEL;TYPE=CELL:+998 90 765 43 21\r\n" +
		"NOTE:Oʻktam Gʻulomov, Қодиров, Jyväskylä, Šokolaad\r\nEND:VCARD\r\n"},
}

// synthCase is one generated picture and the payload it must decode to.
type synthCase struct {
	name string
	want string
	img  image.Image
}

// modules returns go-qrcode's module matrix (quiet zone included) at level M.
func modules(t testing.TB, payload string) [][]bool {
	t.Helper()
	q, err := qrcode.New(payload, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	return q.Bitmap()
}

// drawModules paints bm at scale px per module, dark modules ink and light
// ones paper, with margin extra paper pixels around.
func drawModules(bm [][]bool, scale, margin int, ink, paper byte) *image.Gray {
	n := len(bm)
	side := n*scale + 2*margin
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = paper
	}
	for my, row := range bm {
		for mx, dark := range row {
			if !dark {
				continue
			}
			for y := margin + my*scale; y < margin+(my+1)*scale; y++ {
				for x := margin + mx*scale; x < margin+(mx+1)*scale; x++ {
					img.Pix[y*img.Stride+x] = ink
				}
			}
		}
	}
	return img
}

func grayOf(img *image.Gray) *gray {
	g := newGray(img.Rect.Dx(), img.Rect.Dy())
	copy(g.pix, img.Pix)
	return g
}

func imageOf(g *gray) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, g.w, g.h))
	copy(img.Pix, g.pix)
	return img
}

// gaussianBlur blurs separably with a kernel of radius 3σ.
func gaussianBlur(img *image.Gray, sigma float64) *image.Gray {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	var sum float64
	for i := range k {
		x := float64(i - r)
		k[i] = math.Exp(-x * x / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	tmp := make([]float64, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var s float64
			for i, kv := range k {
				xx := min(max(x+i-r, 0), w-1)
				s += kv * float64(img.Pix[y*img.Stride+xx])
			}
			tmp[y*w+x] = s
		}
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var s float64
			for i, kv := range k {
				yy := min(max(y+i-r, 0), h-1)
				s += kv * tmp[yy*w+x]
			}
			out.Pix[y*out.Stride+x] = clampByte(float32(s))
		}
	}
	return out
}

// rotateOnWhite turns img by deg degrees (bilinear) onto a white canvas.
func rotateOnWhite(img *image.Gray, deg float64) *image.Gray {
	g := grayOf(img)
	// Pad with white first so rotate's mean-luminance fill stays outside
	// the quiet zone we care about.
	pad := g.w / 3
	p := newGray(g.w+2*pad, g.h+2*pad)
	for i := range p.pix {
		p.pix[i] = 255
	}
	for y := 0; y < g.h; y++ {
		copy(p.pix[(y+pad)*p.w+pad:], g.pix[y*g.w:(y+1)*g.w])
	}
	r := rotate(p, deg*math.Pi/180)
	return imageOf(r)
}

// photo12MP fakes a 4000×3000 phone photo of a business card on a desk:
// strong lighting gradient and vignette, sensor noise, clutter, the code at
// scale px per module and the card slightly out of focus.
func photo12MP(bm [][]bool, rng *rand.Rand, scale int) *image.Gray {
	const W, H = 4000, 3000
	refl := make([]byte, W*H) // reflectance in 1/255
	for i := range refl {
		refl[i] = 140 // desk
	}
	fill := func(x0, y0, x1, y1 int, v byte) {
		for y := max(0, y0); y < min(H, y1); y++ {
			row := refl[y*W : (y+1)*W]
			for x := max(0, x0); x < min(W, x1); x++ {
				row[x] = v
			}
		}
	}
	// Other things on the desk: papers, pens, a keyboard of little keys.
	for range 40 {
		x, y := rng.IntN(W), rng.IntN(H)
		fill(x, y, x+50+rng.IntN(500), y+20+rng.IntN(300), byte(50+rng.IntN(180)))
	}
	// The card, with "printed text" lines left of the code.
	cx, cy := 1300, 900
	fill(cx, cy, cx+1500, cy+850, 230)
	for line := range 8 {
		y := cy + 80 + line*80
		for x := cx + 60; x < cx+800; x += 28 + rng.IntN(20) {
			fill(x, y, x+18+rng.IntN(10), y+34, 38)
		}
	}
	qx, qy := cx+1500-len(bm)*scale-40, cy+(850-len(bm)*scale)/2
	for my, row := range bm {
		for mx, dark := range row {
			if dark {
				fill(qx+mx*scale, qy+my*scale, qx+(mx+1)*scale, qy+(my+1)*scale, 25)
			}
		}
	}
	// Defocus the card (only there: blurring 12 MP would dominate the
	// test's time under -race).
	card := image.NewGray(image.Rect(0, 0, 1540, 890))
	for y := range 890 {
		copy(card.Pix[y*1540:(y+1)*1540], refl[(cy-20+y)*W+cx-20:])
	}
	card = gaussianBlur(card, 1.2)
	for y := range 890 {
		copy(refl[(cy-20+y)*W+cx-20:], card.Pix[y*1540:(y+1)*1540])
	}
	// Sensor noise from a table of normal samples picked by a cheap
	// generator: 12 M calls to NormFloat64 are slow under -race.
	var noise [4096]float32
	for i := range noise {
		noise[i] = float32(rng.NormFloat64() * 8)
	}
	state := rng.Uint32() | 1
	img := image.NewGray(image.Rect(0, 0, W, H))
	for y := 0; y < H; y++ {
		fy := float32(y) / H
		row := img.Pix[y*W : (y+1)*W]
		rr := refl[y*W : (y+1)*W]
		for x := range row {
			// Light from the top left, falling to a third at the bottom
			// right, with a vignette.
			fx := float32(x) / W
			dx, dy := fx-0.5, fy-0.5
			light := (1 - 0.45*fx - 0.25*fy) * (1 - 0.5*(dx*dx+dy*dy))
			state ^= state << 13
			state ^= state >> 17
			state ^= state << 5
			row[x] = clampByte(light*float32(rr[x]) + noise[state&4095])
		}
	}
	return img
}

// lowLight darkens img from left to right to half and adds sensor noise:
// a badge photographed in a dim hall.
func lowLight(img *image.Gray, rng *rand.Rand) *image.Gray {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	out := image.NewGray(img.Rect)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			f := 1 - 0.5*float64(x)/float64(w)
			v := float64(img.Pix[y*img.Stride+x])*f + rng.NormFloat64()*5
			out.Pix[y*out.Stride+x] = clampByte(float32(v))
		}
	}
	return out
}

// screenshot fakes a 1280×800 app window: title bar, sidebar with icons that
// are nested squares (finder-pattern look-alikes), lines of "text" and
// buttons, and the code at 3 px per module in a panel.
func screenshot(bm [][]bool, rng *rand.Rand, dark bool) *image.Gray {
	const W, H = 1280, 800
	img := image.NewGray(image.Rect(0, 0, W, H))
	bg, fg, panel := byte(245), byte(40), byte(255)
	if dark {
		bg, fg, panel = 30, 220, 18
	}
	fill := func(x0, y0, x1, y1 int, v byte) {
		for y := max(0, y0); y < min(H, y1); y++ {
			for x := max(0, x0); x < min(W, x1); x++ {
				img.Pix[y*img.Stride+x] = v
			}
		}
	}
	fill(0, 0, W, H, bg)
	fill(0, 0, W, 40, fg/2+60) // title bar
	for i := range 10 {        // sidebar icons: nested squares
		y := 70 + i*70
		fill(20, y, 62, y+42, fg)
		fill(26, y+6, 56, y+36, bg)
		fill(32, y+12, 50, y+30, fg)
		for x := 80; x < 230; x += 9 + rng.IntN(6) {
			fill(x, y+14, x+6, y+26, fg)
		}
	}
	for line := range 30 { // body text
		y := 70 + line*22
		for x := 300; x < 760; x += 8 + rng.IntN(8) {
			fill(x, y, x+5+rng.IntN(3), y+12, fg)
		}
	}
	for i := range 4 { // buttons
		x := 300 + i*120
		fill(x, 740, x+100, 772, fg)
		fill(x+2, 742, x+98, 770, bg)
	}
	const scale = 3
	qx, qy := 860, 200
	side := len(bm) * scale
	fill(qx-20, qy-20, qx+side+20, qy+side+20, panel)
	for my, row := range bm {
		for mx, d := range row {
			v := panel
			if d {
				v = fg
				if dark {
					v = 235
				}
			}
			fill(qx+mx*scale, qy+my*scale, qx+(mx+1)*scale, qy+(my+1)*scale, v)
		}
	}
	return img
}

func jpegRoundTrip(t testing.TB, img image.Image, quality int) image.Image {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// synthSet builds the synthetic hard set, deterministically. Every variant
// is made from two of the four cards (alternating pairs, so every script
// meets every kind of damage across the variants) to keep the test quick
// under -race. With big false the 12 MP photos are left out.
func synthSet(t testing.TB, big bool) []synthCase {
	t.Helper()
	type variant struct {
		name string
		make func(bm [][]bool, rng *rand.Rand) image.Image
	}
	variants := []variant{
		{"2px", func(bm [][]bool, _ *rand.Rand) image.Image { return drawModules(bm, 2, 6, 0, 255) }},
		// 1 px per module is at the sampling limit: any resampling or
		// sub-pixel offset destroys it. Only a pristine bitmap is readable.
		{"1px", func(bm [][]bool, _ *rand.Rand) image.Image { return drawModules(bm, 1, 4, 0, 255) }},
		// A screenshot scaled by a viewer with smoothing: 2.3 px per
		// module, module edges blended.
		{"2.3px-smooth", func(bm [][]bool, _ *rand.Rand) image.Image {
			one := grayOf(drawModules(bm, 1, 3, 0, 255))
			return imageOf(resample(one, one.w*23/10, one.h*23/10, areaWeights))
		}},
		{"blur", func(bm [][]bool, _ *rand.Rand) image.Image {
			return gaussianBlur(drawModules(bm, 5, 20, 0, 255), 2.0)
		}},
		{"low-contrast", func(bm [][]bool, _ *rand.Rand) image.Image { return drawModules(bm, 4, 20, 90, 150) }},
		{"low-light", func(bm [][]bool, rng *rand.Rand) image.Image {
			return lowLight(drawModules(bm, 4, 30, 60, 100), rng)
		}},
		{"inverted", func(bm [][]bool, _ *rand.Rand) image.Image { return drawModules(bm, 4, 40, 255, 0) }},
		{"rot15", func(bm [][]bool, _ *rand.Rand) image.Image {
			return rotateOnWhite(drawModules(bm, 4, 20, 0, 255), 15)
		}},
		{"rot45", func(bm [][]bool, _ *rand.Rand) image.Image {
			return rotateOnWhite(drawModules(bm, 4, 20, 0, 255), 45)
		}},
		{"jpeg-q30", func(bm [][]bool, _ *rand.Rand) image.Image {
			return jpegRoundTrip(t, drawModules(bm, 3, 20, 0, 255), 30)
		}},
		{"screenshot", func(bm [][]bool, rng *rand.Rand) image.Image { return screenshot(bm, rng, false) }},
		{"screenshot-dark", func(bm [][]bool, rng *rand.Rand) image.Image { return screenshot(bm, rng, true) }},
	}
	var cases []synthCase
	bms := make([][][]bool, len(synthCards))
	for ci, card := range synthCards {
		bms[ci] = modules(t, card.vcard)
	}
	for vi, v := range variants {
		for _, ci := range []int{vi % 2, vi%2 + 2} {
			rng := rand.New(rand.NewPCG(uint64(vi), uint64(ci)))
			cases = append(cases, synthCase{name: synthCards[ci].name + "/" + v.name, want: synthCards[ci].vcard, img: v.make(bms[ci], rng)})
		}
	}
	if big {
		// Two 12 MP photos: the code filling a good part of the frame
		// (9 px per module), and taken from further away (4 px).
		rng := rand.New(rand.NewPCG(100, 0))
		cases = append(cases,
			synthCase{name: "fi/photo-12mp", want: synthCards[0].vcard, img: photo12MP(bms[0], rng, 9)},
			synthCase{name: "ru/photo-12mp-far", want: synthCards[2].vcard, img: photo12MP(bms[2], rng, 4)})
	}
	return cases
}

// rotate turns g by angle (radians, clockwise on screen) about its centre
// with bilinear sampling onto a canvas big enough for the whole picture. The
// corners are filled with the picture's mean luminance.
func rotate(g *gray, angle float64) *gray {
	sin, cos := math.Sincos(angle)
	fw, fh := float64(g.w), float64(g.h)
	nw := int(math.Ceil(math.Abs(fw*cos) + math.Abs(fh*sin)))
	nh := int(math.Ceil(math.Abs(fw*sin) + math.Abs(fh*cos)))
	var sum uint64
	for _, p := range g.pix {
		sum += uint64(p)
	}
	fill := byte(sum / uint64(max(1, len(g.pix))))
	out := newGray(nw, nh)
	cx, cy := fw/2, fh/2
	ncx, ncy := float64(nw)/2, float64(nh)/2
	for y := 0; y < nh; y++ {
		dy := float64(y) + 0.5 - ncy
		for x := 0; x < nw; x++ {
			dx := float64(x) + 0.5 - ncx
			// Inverse rotation: destination → source.
			sx := dx*cos + dy*sin + cx - 0.5
			sy := -dx*sin + dy*cos + cy - 0.5
			out.pix[y*nw+x] = bilinear(g, sx, sy, fill)
		}
	}
	return out
}

// bilinear samples g at (x, y) in pixel-centre coordinates, fill outside.
func bilinear(g *gray, x, y float64, fill byte) byte {
	if x < -0.5 || y < -0.5 || x > float64(g.w)-0.5 || y > float64(g.h)-0.5 {
		return fill
	}
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	at := func(xx, yy int) float64 {
		xx = min(max(xx, 0), g.w-1)
		yy = min(max(yy, 0), g.h-1)
		return float64(g.pix[yy*g.w+xx])
	}
	top := at(x0, y0)*(1-fx) + at(x0+1, y0)*fx
	bot := at(x0, y0+1)*(1-fx) + at(x0+1, y0+1)*fx
	return clampByte(float32(top*(1-fy) + bot*fy))
}
