// Package qr draws QR codes and finds them in pictures.
//
// Encoding (Encode, Image, Version) wraps github.com/skip2/go-qrcode at error
// correction level M and draws whole pixels per module, so the printed or
// shown code is crisp.
//
// Decoding (Decode, DecodeFile, DecodeReader) wraps the ZXing port
// github.com/makiuchi-d/gozxing, which on its own misses many codes that
// delegates actually photograph: blurred codes at 2–3 pixels per module,
// codes in 12 MP phone photos, out-of-focus or unevenly lit prints, white on
// black codes from phones in dark mode, screenshots with UI clutter. Decode
// therefore converts the picture to luminance once and runs a fixed list of
// strategies (rescaling, two binarizers, inversion, rotation, a multi-pattern
// detector …) from the cheapest to the most expensive, returning the first
// code found. The order was chosen by measuring which strategy adds decodes
// on the ZXing black-box corpus and a synthetic set of degraded business
// cards (strategy_test.go, corpus_test.go; the comparison with plain gozxing
// and zbarimg goes to docs/PERFORMANCE.md).
package qr

import (
	"context"
	"errors"
	"fmt"
	"image"
	"strconv"

	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// ErrNoCode is returned (possibly wrapped) when no strategy found a readable
// QR code in the image.
var ErrNoCode = errors.New("no QR code found in the image")

// Result is one decoded QR code.
type Result struct {
	// Text is the payload as UTF-8 text. Byte segments are decoded by the
	// code's ECI designator, or without one by gozxing's guess between
	// ISO-8859-1, UTF-8 and Shift_JIS; valid multi-byte UTF-8 (what every
	// phone and go-qrcode write) is always read as UTF-8.
	Text string
	// Bytes holds the raw bytes of the code's byte segments, concatenated,
	// when it has any (nil for purely numeric or alphanumeric codes).
	Bytes []byte
	// Strategy names the decoding strategy that found the code, for the
	// benchmark and diagnostics: "plain" ("downscale-1600" when the plain
	// pass ran on a reduced photo), "global-hist", "invert", "sharpen",
	// "multi", "rotate-90", "upscale-3x", "mid-res" or "full-res".
	Strategy string
}

// Decode finds a QR code in img. It tries strategies from the cheapest to the
// most expensive and returns the first success, or ErrNoCode. ctx is checked
// between attempts, so a cancelled ctx stops the search within one attempt (a
// few to a few hundred milliseconds); the error then wraps ctx.Err(). img is
// only read. Panics inside gozxing (it has some on odd inputs) count as a
// failed attempt.
func Decode(ctx context.Context, img image.Image) (res Result, err error) {
	if img == nil {
		return Result{}, errors.New("qr: nil image")
	}
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return Result{}, fmt.Errorf("%w (the image is empty, %d×%d pixels)", ErrNoCode, b.Dx(), b.Dy())
	}
	// The same limit as for files: image.Image values can be anything,
	// down to an image.Uniform a billion pixels wide.
	if int64(b.Dx())*int64(b.Dy()) > maxPixels {
		return Result{}, fmt.Errorf("qr: image is %d×%d pixels; the limit is %d megapixels", b.Dx(), b.Dy(), maxPixels/1_000_000)
	}
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("qr: decode cancelled: %w", err)
	}
	// decodeAttempt already contains gozxing's panics; this catches the
	// rest (an image.Image implementation whose At panics, say).
	defer func() {
		if p := recover(); p != nil {
			res, err = Result{}, fmt.Errorf("qr: decoding failed: %v", p)
		}
	}()
	d := newDecoder(toGray(img))
	return d.run(ctx, strategies)
}

// attempt is one call into gozxing: which picture, which binarizer, which
// hints and which reader.
type attempt struct {
	view      viewKind
	global    bool // GlobalHistogramBinarizer instead of HybridBinarizer
	invert    bool // white-on-black codes
	tryHarder bool // TRY_HARDER: scan every third row for finder patterns
	multi     bool // multi-code detector: tries more finder-pattern triples
}

// strategy is a named group of attempts; the name is what Result.Strategy
// reports.
type strategy struct {
	name     string
	attempts []attempt
}

// strategies is the decode order: most productive per millisecond first.
// The set and the order come from TestStrategyValue (run it with
// FIELDBOOK_QR_STRATEGIES=1): every attempt on every picture of the ZXing
// corpus and the synthetic set, each at four rotations (284 pictures). The
// "+n" in the comments is what a strategy adds over the ones before it
// there. Tried and dropped because they added nothing: PURE_BARCODE (TRY_HARDER
// detection already reads clean generated codes, even at 1 px per module), a
// 3×3 or 5×5 smoothing, 45° rotation, a 60 % scale, the inverted and
// global-threshold variants of the upscale, and smoothing or a global
// threshold at full resolution.
var strategies = []strategy{
	// The picture at working size: photos above maxWork pixels on the long
	// side are area-averaged down first, which is faster and more robust
	// (noise averages out; codes keep 3+ px per module). Hybrid (local)
	// threshold, TRY_HARDER. Finds 229 of 284.
	{"plain", []attempt{{view: viewWork, tryHarder: true}}},
	// Global threshold: blurry photos where the 8×8-block local threshold
	// breaks modules apart (+14).
	{"global-hist", []attempt{{view: viewWork, global: true, tryHarder: true}}},
	// White-on-black codes: phones in dark mode, inverted prints (+14).
	{"invert", []attempt{
		{view: viewWork, invert: true, tryHarder: true},
		{view: viewWork, invert: true, global: true, tryHarder: true},
	}},
	// Out-of-focus photos: an unsharp mask restores module edges (+11).
	{"sharpen", []attempt{
		{view: viewSharp, tryHarder: true},
		{view: viewSharp, global: true, tryHarder: true},
	}},
	// Busy backgrounds: icons and boxes that look like finder patterns make
	// the single detector pick the wrong three; the multi-code detector
	// tries every plausible triple (+4: screenshots turned 180°, dark mode).
	{"multi", []attempt{
		{view: viewWork, multi: true, tryHarder: true},
		{view: viewWork, multi: true, invert: true, tryHarder: true},
	}},
	// The detector's row scan is not quite rotation invariant: a quarter
	// turn gives it other rows to cross (+7).
	{"rotate-90", []attempt{
		{view: viewRot90, tryHarder: true},
		{view: viewRot90, global: true, tryHarder: true},
	}},
	// Small modules (about 2 px, blurred): Catmull-Rom 3× gives the finder
	// scan and the binarizer's 8×8 blocks something to work with (+2).
	// Pictures up to 800 px only; it is the most expensive view.
	{"upscale-3x", []attempt{{view: viewUp3, tryHarder: true}}},
	// Big photos of a small code, too small after the reduction to maxWork
	// and too noisy at full size: 3/4 of the full size (+2, the 12 MP photo
	// with the code at 4 px per module).
	{"mid-res", []attempt{
		{view: viewMid, tryHarder: true},
		{view: viewMid, global: true, tryHarder: true},
	}},
	// Big photos, last resort: the full picture. Adds nothing on the
	// measured set after mid-res, but it reads codes smaller than mid-res
	// can resolve, and costs nothing for pictures up to maxWork.
	{"full-res", []attempt{{view: viewFull, tryHarder: true}}},
}

// decoder holds the grayscale picture and the derived views, each made at
// most once per Decode call.
type decoder struct {
	base  *gray
	views map[viewKind]*gray
}

func newDecoder(g *gray) *decoder {
	return &decoder{base: g, views: make(map[viewKind]*gray)}
}

// run tries the attempts of list in order. Failures are not reported one
// by one: gozxing's reasons ("FormatException", "startSize = 1") mean nothing
// to a user, and ErrNoCode says what matters.
func (d *decoder) run(ctx context.Context, list []strategy) (Result, error) {
	for _, s := range list {
		for _, a := range s.attempts {
			if err := ctx.Err(); err != nil {
				return Result{}, fmt.Errorf("qr: decode cancelled: %w", err)
			}
			v := d.view(a.view)
			if v == nil {
				continue // view not applicable to this picture's size
			}
			if r, err := decodeAttempt(v, a); err == nil {
				r.Strategy = s.name
				if a.view == viewWork && d.base.w*d.base.h != v.w*v.h && s.name == "plain" {
					// Make it visible in diagnostics that the plain pass
					// worked on a reduced picture.
					r.Strategy = "downscale-" + strconv.Itoa(maxWork)
				}
				return r, nil
			}
		}
	}
	return Result{}, ErrNoCode
}

// decodeAttempt runs one gozxing call on v; a panic inside gozxing becomes an
// error.
func decodeAttempt(v *gray, a attempt) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = Result{}, fmt.Errorf("gozxing panicked: %v", p)
		}
	}()
	if v.w < 21 || v.h < 21 {
		// Smaller than a version 1 symbol without quiet zone.
		return Result{}, errors.New("image smaller than the smallest QR code")
	}
	var src gozxing.LuminanceSource
	src, err = gozxing.NewPlanarYUVLuminanceSource(v.pix, v.w, v.h, 0, 0, v.w, v.h, false)
	if err != nil {
		return Result{}, err
	}
	if a.invert {
		src = src.Invert()
	}
	var bin gozxing.Binarizer
	if a.global {
		bin = gozxing.NewGlobalHistgramBinarizer(src)
	} else {
		bin = gozxing.NewHybridBinarizer(src)
	}
	bmp, err := gozxing.NewBinaryBitmap(bin)
	if err != nil {
		return Result{}, err
	}
	hints := map[gozxing.DecodeHintType]interface{}{}
	if a.tryHarder {
		hints[gozxing.DecodeHintType_TRY_HARDER] = true
	}
	if a.multi {
		rs, err := multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, hints)
		if err != nil {
			return Result{}, err
		}
		if len(rs) == 0 {
			return Result{}, gozxing.NewNotFoundException("multi detector found no decodable code")
		}
		return fromGozxing(rs[0]), nil
	}
	r, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		return Result{}, err
	}
	return fromGozxing(r), nil
}

func fromGozxing(r *gozxing.Result) Result {
	res := Result{Text: r.GetText()}
	if segs, ok := r.GetResultMetadata()[gozxing.ResultMetadataType_BYTE_SEGMENTS].([][]byte); ok {
		for _, s := range segs {
			res.Bytes = append(res.Bytes, s...)
		}
	}
	return res
}
