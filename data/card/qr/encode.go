package qr

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"

	qrcode "github.com/skip2/go-qrcode"
)

// maxImageSide bounds Encode and Image: 8192 px is enough to print a code
// across an A4 page at 600 dpi (about 5000 px) and keeps a mistyped size from
// allocating gigabytes.
const maxImageSide = 8192

// newCode builds the symbol at level M. go-qrcode panics (log.Panic) on some
// internal inconsistencies; those become errors here.
func newCode(payload string) (q *qrcode.QRCode, err error) {
	if payload == "" {
		return nil, errors.New("qr: empty payload")
	}
	defer func() {
		if p := recover(); p != nil {
			q, err = nil, fmt.Errorf("qr: encoding a %d-byte payload failed: %v", len(payload), p)
		}
	}()
	q, err = qrcode.New(payload, qrcode.Medium)
	if err != nil {
		// go-qrcode's only error here is "content too long to encode".
		return nil, fmt.Errorf("qr: payload of %d bytes does not fit in a QR code at error correction level M (version 40 holds at most 2331 bytes): %w",
			len(payload), err)
	}
	return q, nil
}

// Version returns the QR version (1–40) go-qrcode picks for payload at error
// correction level M. A version-v symbol is 17+4v modules wide.
func Version(payload string) (int, error) {
	q, err := newCode(payload)
	if err != nil {
		return 0, err
	}
	return q.VersionNumber, nil
}

// Image draws payload as a black-on-white QR code at error correction level
// M, including the 4-module quiet zone. Every module is the same whole number
// of pixels (a crisp code for screens, PDFs and printers), chosen so the
// picture is as close to size×size as possible; if the code needs more than
// size pixels, each module gets one pixel and the picture is larger.
func Image(payload string, size int) (image.Image, error) {
	if size <= 0 || size > maxImageSide {
		return nil, fmt.Errorf("qr: image size %d out of range 1–%d pixels", size, maxImageSide)
	}
	q, err := newCode(payload)
	if err != nil {
		return nil, err
	}
	bm, err := bitmap(q)
	if err != nil {
		return nil, err
	}
	n := len(bm)
	scale := max(1, int(math.Round(float64(size)/float64(n))))
	side := n * scale
	// Two-entry palette: the PNG encoder writes it at 1 bit per pixel.
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
	for my, row := range bm {
		for mx, dark := range row {
			if !dark {
				continue
			}
			for y := my * scale; y < (my+1)*scale; y++ {
				line := img.Pix[y*img.Stride : y*img.Stride+side]
				for x := mx * scale; x < (mx+1)*scale; x++ {
					line[x] = 1
				}
			}
		}
	}
	return img, nil
}

// bitmap renders the modules (quiet zone included), turning a go-qrcode
// panic during masking into an error.
func bitmap(q *qrcode.QRCode) (bm [][]bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			bm, err = nil, fmt.Errorf("qr: drawing the code failed: %v", p)
		}
	}()
	bm = q.Bitmap()
	if len(bm) == 0 || len(bm[0]) != len(bm) {
		return nil, errors.New("qr: go-qrcode returned a malformed bitmap")
	}
	return bm, nil
}

// Encode draws payload like Image and returns it as PNG.
func Encode(payload string, size int) ([]byte, error) {
	img, err := Image(payload, size)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("qr: writing PNG: %w", err)
	}
	return buf.Bytes(), nil
}
