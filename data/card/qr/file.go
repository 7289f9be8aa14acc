package qr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // register GIF for image.Decode
	_ "image/jpeg" // register JPEG
	_ "image/png"  // register PNG
	"io"
	"os"

	_ "golang.org/x/image/webp" // register WebP
)

const (
	// maxPixels refuses decompression bombs before their pixels are
	// allocated: a few-kilobyte PNG can claim 100 000 × 100 000 pixels.
	// 50 MP is well above any phone camera delegates carry (12–48 MP).
	maxPixels = 50_000_000
	// maxFileBytes bounds what DecodeReader reads into memory. A 50 MP
	// PNG of camera noise is about 150 MB.
	maxFileBytes = 256 << 20
)

// errFormat is returned for anything image.DecodeConfig does not know. It
// unwraps to image.ErrFormat so callers can test for it with errors.Is.
var errFormat error = formatError{}

type formatError struct{}

func (formatError) Error() string { return "not a PNG, JPEG, GIF or WebP image" }
func (formatError) Unwrap() error { return image.ErrFormat }

// DecodeFile reads a PNG, JPEG, GIF (first frame) or WebP picture and calls
// Decode. Errors name the file. EXIF orientation is not applied: QR decoding
// does not depend on the picture's orientation, and Decode tries rotations
// anyway.
func DecodeFile(ctx context.Context, path string) (Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return Result{}, err // *PathError already names the file
	}
	defer f.Close()
	res, err := DecodeReader(ctx, f)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}

// DecodeReader reads a PNG, JPEG, GIF (first frame) or WebP picture from r
// and calls Decode. The header is checked first: pictures above 50 megapixels
// are refused before any pixel memory is allocated.
func DecodeReader(ctx context.Context, r io.Reader) (Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return Result{}, fmt.Errorf("reading image: %w", err)
	}
	if len(data) > maxFileBytes {
		return Result{}, fmt.Errorf("image file larger than %d MB", maxFileBytes>>20)
	}
	img, err := decodeImage(data)
	if err != nil {
		return Result{}, err
	}
	return Decode(ctx, img)
}

// decodeImage checks the header and decodes the pixels.
func decodeImage(data []byte) (image.Image, error) {
	if len(data) == 0 {
		return nil, errors.New("the file is empty")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return nil, errFormat
		}
		return nil, fmt.Errorf("damaged %s image: %w", formatName(format), err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%s image has no pixels (%d×%d)", formatName(format), cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return nil, fmt.Errorf("%s image is %d×%d pixels (%.0f megapixels); the limit is %d megapixels",
			formatName(format), cfg.Width, cfg.Height, float64(cfg.Width)*float64(cfg.Height)/1e6, maxPixels/1_000_000)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("damaged %s image: %w", formatName(format), err)
	}
	// The header and the decoded picture must agree, or the pixel check
	// above proved nothing.
	if b := img.Bounds(); int64(b.Dx())*int64(b.Dy()) > maxPixels {
		return nil, fmt.Errorf("%s image decodes to %d×%d pixels; the limit is %d megapixels",
			formatName(format), b.Dx(), b.Dy(), maxPixels/1_000_000)
	}
	return img, nil
}

func formatName(f string) string {
	switch f {
	case "png":
		return "PNG"
	case "jpeg":
		return "JPEG"
	case "gif":
		return "GIF"
	case "webp":
		return "WebP"
	case "":
		return "unknown"
	}
	return f
}

// IsImage says whether b starts like a picture DecodeReader reads (PNG,
// JPEG, GIF or WebP), so callers can tell a QR photo from a card file
// without decoding it.
func IsImage(b []byte) bool {
	for _, magic := range [][]byte{{0x89, 'P', 'N', 'G'}, {0xFF, 0xD8, 0xFF}, []byte("GIF8")} {
		if bytes.HasPrefix(b, magic) {
			return true
		}
	}
	return len(b) > 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP"
}
