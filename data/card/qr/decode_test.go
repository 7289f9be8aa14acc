package qr

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const seedPayload = "MECARD:N:Tamm,Jüri;TEL:+37251234567;;"

// TestWriteSeeds regenerates testdata/seeds (the fuzz seeds and the WebP
// test picture) when FIELDBOOK_QR_WRITE_SEEDS=1. The WebP needs ImageMagick
// (convert); the committed file was made with ImageMagick 6.9.11 / libwebp 1.2.4.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("FIELDBOOK_QR_WRITE_SEEDS") == "" {
		t.Skip("set FIELDBOOK_QR_WRITE_SEEDS=1 to regenerate testdata/seeds")
	}
	dir := filepath.Join("testdata", "seeds")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	small, err := Image(seedPayload, 1) // 1 px per module
	if err != nil {
		t.Fatal(err)
	}
	large, err := Image(seedPayload, 120) // 3 px per module
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(png.Encode(&b, small))
	write("qr-1px.png", b.Bytes())
	b.Reset()
	must(jpeg.Encode(&b, large, &jpeg.Options{Quality: 60}))
	write("qr.jpg", b.Bytes())
	b.Reset()
	must(gif.Encode(&b, large, nil))
	write("qr.gif", b.Bytes())
	write("bomb.png", pngHeaderOnly(100000, 100000))
	b.Reset()
	must(png.Encode(&b, large))
	tmp := filepath.Join(t.TempDir(), "qr.png")
	must(os.WriteFile(tmp, b.Bytes(), 0o644))
	if out, err := exec.Command("convert", tmp, "-quality", "80", filepath.Join(dir, "qr.webp")).CombinedOutput(); err != nil {
		t.Logf("qr.webp not regenerated (ImageMagick convert: %v %s)", err, out)
	}
}

// pngHeaderOnly is a PNG signature and an IHDR chunk claiming w×h 8-bit
// gray pixels, with no pixel data: what a decompression bomb looks like to
// image.DecodeConfig.
func pngHeaderOnly(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8] = 8 // bit depth; colour type 0 (gray), deflate, filter 0, no interlace
	chunk := append([]byte("IHDR"), ihdr...)
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestDecodeFileFormats(t *testing.T) {
	for _, name := range []string{"qr-1px.png", "qr.jpg", "qr.gif", "qr.webp"} {
		res, err := DecodeFile(context.Background(), filepath.Join("testdata", "seeds", name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if res.Text != seedPayload {
			t.Errorf("%s: got %q, want %q", name, res.Text, seedPayload)
		}
	}
}

func TestDecodeFileErrors(t *testing.T) {
	dir := t.TempDir()
	heic := filepath.Join(dir, "photo.heic")
	// An ISO BMFF header, as an iPhone writes: not a format we read.
	if err := os.WriteFile(heic, []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := DecodeFile(context.Background(), heic)
	if err == nil || err.Error() != heic+": not a PNG, JPEG, GIF or WebP image" {
		t.Errorf("HEIC: error = %v", err)
	}
	if !errors.Is(err, image.ErrFormat) {
		t.Errorf("HEIC: error %v does not wrap image.ErrFormat", err)
	}

	bomb := filepath.Join(dir, "bomb.png")
	if err := os.WriteFile(bomb, pngHeaderOnly(10000, 6000), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = DecodeFile(context.Background(), bomb)
	if err == nil || !strings.Contains(err.Error(), "10000×6000 pixels (60 megapixels); the limit is 50 megapixels") ||
		!strings.HasPrefix(err.Error(), bomb+": ") {
		t.Errorf("60 MP PNG: error = %v", err)
	}

	empty := filepath.Join(dir, "empty.png")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeFile(context.Background(), empty); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty file: error = %v", err)
	}

	if _, err := DecodeFile(context.Background(), filepath.Join(dir, "missing.png")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: error = %v", err)
	}

	// A truncated PNG: the header is fine, the pixels are not.
	good, err := os.ReadFile(filepath.Join("testdata", "seeds", "qr-1px.png"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeReader(context.Background(), bytes.NewReader(good[:len(good)/2])); err == nil ||
		!strings.Contains(err.Error(), "damaged PNG image") {
		t.Errorf("truncated PNG: error = %v", err)
	}
}

func TestDecodeNoCode(t *testing.T) {
	for _, img := range []image.Image{
		image.NewGray(image.Rect(0, 0, 640, 480)),  // black
		image.NewRGBA(image.Rect(0, 0, 5, 5)),      // tiny
		image.NewGray(image.Rect(0, 0, 1, 3000)),   // a line
		image.NewGray(image.Rect(10, 10, 10, 10)),  // empty
		image.NewNRGBA(image.Rect(0, 0, 300, 200)), // transparent
	} {
		_, err := Decode(context.Background(), img)
		if !errors.Is(err, ErrNoCode) {
			t.Errorf("%T %v: error = %v, want ErrNoCode", img, img.Bounds(), err)
		}
	}
	if _, err := Decode(context.Background(), nil); err == nil {
		t.Error("nil image: no error")
	}
	// Bounds of ±10⁹: must be refused, not allocated.
	if _, err := Decode(context.Background(), image.NewUniform(color.White)); err == nil ||
		!strings.Contains(err.Error(), "limit is 50 megapixels") {
		t.Errorf("image.Uniform: error = %v", err)
	}
	if _, err := Decode(context.Background(), panicky{}); err == nil || errors.Is(err, ErrNoCode) {
		t.Errorf("image whose At panics: error = %v", err)
	}
}

func TestDecodeCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	img, err := Image(seedPayload, 200)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(ctx, img); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: error = %v", err)
	}

	// Cancelling while strategies run: a picture without a code makes
	// Decode go through all of them; it must stop and say why.
	ctx, cancel = context.WithCancel(context.Background())
	noise := image.NewGray(image.Rect(0, 0, 400, 300))
	for i := range noise.Pix {
		noise.Pix[i] = byte(i * 7919 % 251)
	}
	d := newDecoder(toGray(noise))
	calls := 0
	counting := []strategy{{"count", []attempt{{view: viewWork}}}, {"cancel", []attempt{{view: viewWork}}}}
	_, err = d.run(&cancelAfter{Context: ctx, cancel: cancel, after: 1, calls: &calls}, counting)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancel between strategies: error = %v", err)
	}
}

// panicky is an image.Image whose pixels cannot be read.
type panicky struct{}

func (panicky) ColorModel() color.Model { return color.GrayModel }
func (panicky) Bounds() image.Rectangle { return image.Rect(0, 0, 100, 100) }
func (panicky) At(x, y int) color.Color { panic("no pixels here") }

// cancelAfter cancels its context once Err has been asked after times.
type cancelAfter struct {
	context.Context
	cancel func()
	after  int
	calls  *int
}

func (c *cancelAfter) Err() error {
	*c.calls++
	if *c.calls > c.after {
		c.cancel()
	}
	return c.Context.Err()
}

// TestDecodeDoesNotModify: the GUI shows the picture while it is decoded.
func TestDecodeDoesNotModify(t *testing.T) {
	qr, err := Image(seedPayload, 150)
	if err != nil {
		t.Fatal(err)
	}
	// Small and white on black: Decode walks through several views.
	img := image.NewRGBA(image.Rect(0, 0, 200, 200))
	draw.Draw(img, img.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(img, qr.Bounds().Add(image.Pt(20, 20)), qr, image.Point{}, draw.Src)
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2] = 255-img.Pix[i], 255-img.Pix[i+1], 255-img.Pix[i+2]
	}
	before := sha256.Sum256(img.Pix)
	res, err := Decode(context.Background(), img)
	if err != nil || res.Text != seedPayload {
		t.Fatalf("Decode: %q, %v", res.Text, err)
	}
	if res.Strategy != "invert" {
		t.Errorf("white-on-black code found by %q, want invert", res.Strategy)
	}
	if sha256.Sum256(img.Pix) != before {
		t.Error("Decode modified the image")
	}
}

// TestDecodeSubImage: pictures with a non-zero origin (SubImage crops) and
// every pixel type toGray has a fast path for.
func TestDecodeSubImage(t *testing.T) {
	qr, err := Image(seedPayload, 150)
	if err != nil {
		t.Fatal(err)
	}
	b := qr.Bounds()
	canvas := image.Rect(0, 0, b.Dx()+100, b.Dy()+100)
	at := b.Add(image.Pt(60, 40))
	gray := image.NewGray(canvas)
	rgba := image.NewRGBA(canvas)
	nrgba := image.NewNRGBA(canvas)
	ycc := image.NewYCbCr(canvas, image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = 255
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = 128, 128
	}
	for _, m := range []draw.Image{gray, rgba, nrgba} {
		draw.Draw(m, canvas, image.NewUniform(color.White), image.Point{}, draw.Src)
		draw.Draw(m, at, qr, b.Min, draw.Src)
	}
	for y := at.Min.Y; y < at.Max.Y; y++ {
		for x := at.Min.X; x < at.Max.X; x++ {
			r, _, _, _ := qr.At(x-at.Min.X, y-at.Min.Y).RGBA()
			ycc.Y[ycc.YOffset(x, y)] = byte(r >> 8)
		}
	}
	crop := image.Rect(30, 20, canvas.Max.X-10, canvas.Max.Y-5)
	for _, m := range []interface {
		image.Image
		SubImage(image.Rectangle) image.Image
	}{gray, rgba, nrgba, ycc} {
		res, err := Decode(context.Background(), m.SubImage(crop))
		if err != nil || res.Text != seedPayload {
			t.Errorf("%T sub-image: %q, %v", m, res.Text, err)
		}
	}
}
