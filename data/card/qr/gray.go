package qr

import (
	"image"
	"math"
)

// gray is an 8-bit luminance picture with no padding between rows, which is
// exactly the Y plane gozxing's PlanarYUVLuminanceSource reads, so no further
// copy is needed per attempt.
type gray struct {
	pix  []byte
	w, h int
}

func newGray(w, h int) *gray {
	return &gray{pix: make([]byte, w*h), w: w, h: h}
}

// long returns the longer side.
func (g *gray) long() int { return max(g.w, g.h) }

// luma returns Rec. 601 luma of 8-bit RGB, as JPEG's Y channel is defined.
func luma(r, g, b uint32) byte {
	return byte((19595*r + 38470*g + 7471*b + 1<<15) >> 16)
}

// toGray converts img to luminance once. Transparent pixels are composited
// over white, so a black-on-transparent PNG reads like black on paper. The
// common decoder outputs get fast paths: a 12 MP JPEG is a YCbCr image whose
// Y plane is the luminance already.
func toGray(img image.Image) *gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	g := newGray(w, h)
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(g.pix[y*w:(y+1)*w], m.Pix[o:o+w])
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			o := m.YOffset(b.Min.X, b.Min.Y+y)
			copy(g.pix[y*w:(y+1)*w], m.Y[o:o+w])
		}
	case *image.RGBA:
		// Premultiplied: over white, c' = c + (255 - a).
		for y := 0; y < h; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			row := m.Pix[o : o+4*w]
			dst := g.pix[y*w : (y+1)*w]
			for x := range dst {
				p := row[4*x : 4*x+4]
				bg := 255 - uint32(p[3])
				dst[x] = luma(uint32(p[0])+bg, uint32(p[1])+bg, uint32(p[2])+bg)
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			row := m.Pix[o : o+4*w]
			dst := g.pix[y*w : (y+1)*w]
			for x := range dst {
				p := row[4*x : 4*x+4]
				a := uint32(p[3])
				bg := 255 * (255 - a)
				dst[x] = luma((uint32(p[0])*a+bg)/255, (uint32(p[1])*a+bg)/255, (uint32(p[2])*a+bg)/255)
			}
		}
	case *image.Paletted:
		var lut [256]byte
		for i := range lut {
			lut[i] = 255 // out-of-palette indices: treat as paper
		}
		for i, c := range m.Palette {
			if i >= len(lut) {
				break
			}
			lut[i] = luma16(c.RGBA())
		}
		for y := 0; y < h; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			row := m.Pix[o : o+w]
			dst := g.pix[y*w : (y+1)*w]
			for x, ci := range row {
				dst[x] = lut[ci]
			}
		}
	default:
		i := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				g.pix[i] = luma16(img.At(x, y).RGBA())
				i++
			}
		}
	}
	return g
}

// luma16 takes premultiplied 16-bit RGBA (color.Color.RGBA), composites it
// over white and returns 8-bit luma.
func luma16(r, g, b, a uint32) byte {
	bg := 0xffff - a
	return luma((r+bg)>>8, (g+bg)>>8, (b+bg)>>8)
}

// viewKind names a picture derived from the base luminance.
type viewKind int

const (
	viewWork  viewKind = iota // base, or area-downscaled to maxWork
	viewUp3                   // Catmull-Rom 3× upscale, for small pictures
	viewSharp                 // unsharp mask of viewWork
	viewMid                   // base reduced to 3/4, for big pictures only
	viewFull                  // base at full resolution, for big pictures only
	viewRot90                 // viewWork turned 90° clockwise
)

const (
	// maxWork is the long side pictures are reduced to before the first
	// attempt. Phone photos (12 MP, 4000 px) reduced to 1600 px keep codes
	// that fill a tenth of the frame at 3+ px per module while the finder
	// scan gets 6× fewer pixels.
	maxWork = 1600
	// maxUpscaleSide is the largest long side upscaled 3×: 800 → 2400 px,
	// about 4.6 MP, the most we want to spend on a guess.
	maxUpscaleSide = 800
	// maxMid caps the intermediate scale for big photos (3/4 of a 12 MP
	// photo's 4000 px).
	maxMid = 3000
	// maxFull is the largest picture scanned at full resolution. Above it
	// (48 MP camera modes) a code too small for maxMid is not worth
	// seconds of scanning and hundreds of megabytes.
	maxFull = 16_000_000
)

// view returns the derived picture k, building it on first use, or nil when
// k does not apply to this picture's size.
func (d *decoder) view(k viewKind) *gray {
	if v, ok := d.views[k]; ok {
		return v
	}
	var v *gray
	switch k {
	case viewWork:
		v = d.base
		if l := d.base.long(); l > maxWork {
			v = resizeLong(d.base, maxWork, areaWeights)
		}
	case viewUp3:
		if d.base.long() <= maxUpscaleSide {
			v = resample(d.base, 3*d.base.w, 3*d.base.h, catmullRomWeights)
		}
	case viewSharp:
		v = sharpen(d.view(viewWork))
	case viewMid:
		if l := d.base.long(); l*3/4 > maxWork {
			v = resizeLong(d.base, min(l*3/4, maxMid), areaWeights)
		}
	case viewFull:
		if d.base.long() > maxWork && d.base.w*d.base.h <= maxFull {
			v = d.base
		}
	case viewRot90:
		v = rotate90(d.view(viewWork))
	}
	d.views[k] = v
	return v
}

// resizeLong scales g so that its long side becomes long pixels.
func resizeLong(g *gray, long int, wf weightFunc) *gray {
	l := g.long()
	dw := max(1, int(math.Round(float64(g.w)*float64(long)/float64(l))))
	dh := max(1, int(math.Round(float64(g.h)*float64(long)/float64(l))))
	return resample(g, dw, dh, wf)
}

// taps are the source pixels (start, start+1, …) and weights of one
// destination pixel along one axis.
type taps struct {
	start int
	w     []float32
}

// weightFunc computes the taps for every destination index when n source
// pixels are resampled to m.
type weightFunc func(n, m int) []taps

// areaWeights averages each destination pixel's exact footprint in the
// source: the right filter for shrinking, as it keeps all light that fell on
// the sensor and averages out noise.
func areaWeights(n, m int) []taps {
	t := make([]taps, m)
	r := float64(n) / float64(m)
	for i := range t {
		lo, hi := float64(i)*r, float64(i+1)*r
		j0 := int(math.Floor(lo))
		j1 := min(n, int(math.Ceil(hi)))
		ws := make([]float32, 0, j1-j0)
		for j := j0; j < j1; j++ {
			ov := math.Min(hi, float64(j+1)) - math.Max(lo, float64(j))
			ws = append(ws, float32(ov/r))
		}
		t[i] = taps{start: j0, w: ws}
	}
	return t
}

// catmullRomWeights is the cubic convolution kernel with a = -0.5 for
// enlarging: it keeps module edges steep where bilinear would smear them,
// which is what rescues codes drawn at about 2 px per module.
func catmullRomWeights(n, m int) []taps {
	t := make([]taps, m)
	r := float64(n) / float64(m)
	for i := range t {
		c := (float64(i)+0.5)*r - 0.5 // centre in source coordinates
		j0 := int(math.Floor(c)) - 1
		ws := make([]float32, 4)
		var sum float64
		for k := range 4 {
			x := math.Abs(float64(j0+k) - c)
			var v float64
			switch {
			case x < 1:
				v = 1.5*x*x*x - 2.5*x*x + 1
			case x < 2:
				v = -0.5*x*x*x + 2.5*x*x - 4*x + 2
			}
			ws[k] = float32(v)
			sum += v
		}
		for k := range ws {
			ws[k] /= float32(sum)
		}
		// Clamp taps at the borders by folding them onto the edge pixel.
		start := j0
		if start < 0 || start+4 > n {
			folded := make([]float32, 0, 4)
			lo := max(0, j0)
			hi := min(n-1, j0+3)
			folded = folded[:hi-lo+1]
			for k := range 4 {
				j := min(max(j0+k, lo), hi)
				folded[j-lo] += ws[k]
			}
			start, ws = lo, folded
		}
		t[i] = taps{start: start, w: ws}
	}
	return t
}

// resample scales g to dw×dh, separably: rows into a float buffer, then
// columns. Written here rather than with golang.org/x/image/draw because its
// kernel scaler keeps four float64 per intermediate pixel (80 MB to enlarge a
// 1600 px screenshot); this keeps one float32.
func resample(g *gray, dw, dh int, wf weightFunc) *gray {
	xt := wf(g.w, dw)
	yt := wf(g.h, dh)
	tmp := make([]float32, dw*g.h)
	for y := 0; y < g.h; y++ {
		src := g.pix[y*g.w : (y+1)*g.w]
		dst := tmp[y*dw : (y+1)*dw]
		for x, t := range xt {
			var s float32
			for k, w := range t.w {
				s += w * float32(src[t.start+k])
			}
			dst[x] = s
		}
	}
	out := newGray(dw, dh)
	acc := make([]float32, dw)
	for y, t := range yt {
		clear(acc)
		for k, w := range t.w {
			row := tmp[(t.start+k)*dw : (t.start+k+1)*dw]
			for x, v := range row {
				acc[x] += w * v
			}
		}
		dst := out.pix[y*dw : (y+1)*dw]
		for x, v := range acc {
			dst[x] = clampByte(v)
		}
	}
	return out
}

func clampByte(v float32) byte {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return byte(v + 0.5)
}

// boxBlur3 averages every pixel with its 8 neighbours (edges replicated).
func boxBlur3(g *gray) *gray {
	w, h := g.w, g.h
	// Horizontal pass into sums of three, then vertical.
	tmp := make([]uint16, w*h)
	for y := 0; y < h; y++ {
		row := g.pix[y*w : (y+1)*w]
		for x := 0; x < w; x++ {
			l, r := max(0, x-1), min(w-1, x+1)
			tmp[y*w+x] = uint16(row[l]) + uint16(row[x]) + uint16(row[r])
		}
	}
	out := newGray(w, h)
	for y := 0; y < h; y++ {
		u, d := max(0, y-1), min(h-1, y+1)
		for x := 0; x < w; x++ {
			s := uint32(tmp[u*w+x]) + uint32(tmp[y*w+x]) + uint32(tmp[d*w+x])
			out.pix[y*w+x] = byte((s + 4) / 9)
		}
	}
	return out
}

// sharpen applies an unsharp mask (amount 1, 3×3 box): out-of-focus phone
// photos get their module edges back.
func sharpen(g *gray) *gray {
	b := boxBlur3(g)
	for i, p := range g.pix {
		b.pix[i] = clampByte(float32(2*int(p) - int(b.pix[i])))
	}
	return b
}

// rotate90 turns g a quarter turn clockwise.
func rotate90(g *gray) *gray {
	out := newGray(g.h, g.w)
	for y := 0; y < g.h; y++ {
		for x := 0; x < g.w; x++ {
			// (x, y) → (h-1-y, x)
			out.pix[x*out.w+(g.h-1-y)] = g.pix[y*g.w+x]
		}
	}
	return out
}
