package qr

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// corpusItem is one line of testdata/corpus.tsv.
type corpusItem struct {
	path   string // relative to gozxing's qrcode/testdata
	want   string
	folder string // row label in the report
}

var gozxingDirOnce = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/makiuchi-d/gozxing").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("go list -m github.com/makiuchi-d/gozxing: %v: %s", err, ee.Stderr)
		}
		return "", fmt.Errorf("go list -m github.com/makiuchi-d/gozxing: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", errors.New("go list -m github.com/makiuchi-d/gozxing printed no directory: is the module downloaded (go mod download)?")
	}
	td := filepath.Join(dir, "qrcode", "testdata")
	if _, err := os.Stat(td); err != nil {
		return "", fmt.Errorf("gozxing corpus not found: %w", err)
	}
	return td, nil
})

// corpusDir returns gozxing's qrcode/testdata directory or fails the test.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir, err := gozxingDirOnce()
	if err != nil {
		t.Fatalf("locating the ZXing corpus: %v", err)
	}
	return dir
}

// unescapeTSV undoes the escapes documented in testdata/corpus.tsv.
func unescapeTSV(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(s) {
			return "", errors.New("trailing backslash")
		}
		i++
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 'r':
			b.WriteByte('\r')
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		default:
			return "", fmt.Errorf("unknown escape \\%c", s[i])
		}
	}
	return b.String(), nil
}

// folderOf groups corpus paths into report rows.
func folderOf(p string) string {
	switch {
	case strings.HasPrefix(p, "qrcode-1/"):
		return "qrcode-1"
	case strings.HasPrefix(p, "qrcode-6/"):
		return "qrcode-6"
	case strings.HasSuffix(p, ".jpg"):
		return "android-1 jpgs"
	}
	return "others"
}

func loadCorpus(t testing.TB) []corpusItem {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "corpus.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var items []corpusItem
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p, esc, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("corpus.tsv:%d: no TAB", n)
		}
		want, err := unescapeTSV(esc)
		if err != nil {
			t.Fatalf("corpus.tsv:%d: %v", n, err)
		}
		items = append(items, corpusItem{path: p, want: want, folder: folderOf(p)})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return items
}

func loadImage(t testing.TB, path string) image.Image {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// rotateQuarter turns img by quarter×90° clockwise into a new image. Gray
// pictures stay *image.Gray; everything else becomes *image.RGBA, colour
// kept, so every decoder sees the same pixels in its own way.
func rotateQuarter(img image.Image, quarter int) image.Image {
	quarter = ((quarter % 4) + 4) % 4
	if quarter == 0 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	nw, nh := w, h
	if quarter%2 == 1 {
		nw, nh = h, w
	}
	// dst maps a source pixel to its destination pixel index.
	dst := func(x, y int) int {
		switch quarter {
		case 1:
			return x*nw + (h - 1 - y)
		case 2:
			return (h-1-y)*nw + (w - 1 - x)
		}
		return (w-1-x)*nw + y
	}
	if g, ok := img.(*image.Gray); ok {
		out := image.NewGray(image.Rect(0, 0, nw, nh))
		for y := 0; y < h; y++ {
			row := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < w; x++ {
				out.Pix[dst(x, y)] = row[x]
			}
		}
		return out
	}
	src := toRGBA(img)
	out := image.NewRGBA(image.Rect(0, 0, nw, nh))
	for y := 0; y < h; y++ {
		row := src.Pix[y*src.Stride:]
		for x := 0; x < w; x++ {
			d := 4 * dst(x, y)
			s := row[4*x : 4*x+4]
			out.Pix[d], out.Pix[d+1], out.Pix[d+2], out.Pix[d+3] = s[0], s[1], s[2], s[3]
		}
	}
	return out
}

// toRGBA returns img as an *image.RGBA at the origin. Paletted pictures are
// converted here because image/draw has no fast path for them.
func toRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.RGBA:
		if b.Min == (image.Point{}) {
			return m
		}
	case *image.Paletted:
		var lut [256][4]byte
		for i, c := range m.Palette {
			if i < len(lut) {
				r, g, bl, a := c.RGBA()
				lut[i] = [4]byte{byte(r >> 8), byte(g >> 8), byte(bl >> 8), byte(a >> 8)}
			}
		}
		out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		for y := 0; y < b.Dy(); y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < b.Dx(); x++ {
				copy(out.Pix[out.PixOffset(x, y):], lut[row[x]][:])
			}
		}
		return out
	}
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, img, b.Min, draw.Src)
	return out
}

// plainGozxing is what a naive user of gozxing gets: the image as is
// (gozxing.NewBinaryBitmapFromImage: its own luminance, the hybrid
// binarizer), the QR reader, no hints.
func plainGozxing(img image.Image) (text string, ok bool) {
	defer func() {
		if recover() != nil {
			text, ok = "", false
		}
	}()
	lum := gozxingLuminance(img)
	b := img.Bounds()
	src, err := gozxing.NewPlanarYUVLuminanceSource(lum, b.Dx(), b.Dy(), 0, 0, b.Dx(), b.Dy(), false)
	if err != nil {
		return "", false
	}
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	if err != nil {
		return "", false
	}
	r, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return "", false
	}
	return r.GetText(), true
}

// gozxingLuminance computes exactly what gozxing.NewLuminanceSourceFromImage
// computes ((R+2G+B)/4 of premultiplied 16-bit colour, composited over
// white), but without its img.At call per pixel, which under -race made the
// baseline one of the slowest parts of TestCorpus. Other image types go
// through gozxing itself. TestGozxingLuminance checks the bytes are
// identical.
func gozxingLuminance(img image.Image) []byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := make([]byte, w*h)
	conv := func(r, g, bl, a uint32) byte {
		lum := (r + 2*g + bl) * 255 / (4 * 0xffff)
		return byte((lum*a + (0xffff-a)*255) / 0xffff)
	}
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			copy(out[y*w:(y+1)*w], m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.RGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < w; x++ {
				p := row[4*x : 4*x+4]
				out[y*w+x] = conv(color.RGBA{p[0], p[1], p[2], p[3]}.RGBA())
			}
		}
	case *image.Paletted:
		var lut [256]byte
		for i, c := range m.Palette {
			if i < len(lut) {
				lut[i] = conv(c.RGBA())
			}
		}
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < w; x++ {
				out[y*w+x] = lut[row[x]]
			}
		}
	default:
		return gozxing.NewLuminanceSourceFromImage(img).GetMatrix()
	}
	return out
}

// zbar runs Debian's zbarimg on a file. It reports ok=false when zbar finds
// nothing; the text may hold several symbols if zbar found more than one.
type zbar struct {
	path string
	args []string
}

var zbarOnce = sync.OnceValues(func() (*zbar, error) {
	p, err := exec.LookPath("zbarimg")
	if err != nil {
		return nil, err
	}
	args := []string{"-q", "--raw", "-Sbinary"}
	// --nodbus keeps zbar 0.23 from printing D-Bus connection errors in
	// containers; older zbar does not know the flag.
	if help, _ := exec.Command(p, "--help").CombinedOutput(); bytes.Contains(help, []byte("--nodbus")) {
		args = append([]string{"--nodbus"}, args...)
	}
	return &zbar{path: p, args: args}, nil
})

// getZbar returns the zbarimg runner, or nil when it is missing and CI is
// unset (the caller then skips the zbar column). With CI set, a missing
// zbarimg fails the test.
func getZbar(t testing.TB) *zbar {
	t.Helper()
	z, err := zbarOnce()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("zbarimg (Debian zbar-tools) is required when CI is set: %v", err)
		}
		t.Logf("zbarimg not found (%v): zbar column skipped; install zbar-tools", err)
		return nil
	}
	return z
}

// decode runs zbarimg on file and returns its raw output and the time taken
// including process start.
func (z *zbar) decode(file string) (text string, ok bool, d time.Duration) {
	start := time.Now()
	out, err := exec.Command(z.path, append(z.args, file)...).Output()
	d = time.Since(start)
	// zbarimg exits 4 when it found no symbol.
	if err != nil || len(out) == 0 {
		return "", false, d
	}
	return string(out), true, d
}

// writePNM writes img as binary PGM (gray) or PPM (colour) for zbarimg,
// which reads them through ImageMagick like any other format. Not PNG: under
// -race the PNG encoder took 1.7 s per 12 MP picture, even uncompressed, and
// was the biggest single cost of TestCorpus; a PNM is a header and the
// pixels. It returns the file name used. (No testing.TB: it runs on worker
// goroutines, where t.Fatal must not be called.)
func writePNM(base string, img image.Image) (string, error) {
	var data []byte
	var name string
	if g, ok := img.(*image.Gray); ok && g.Stride == g.Rect.Dx() {
		name = base + ".pgm"
		data = fmt.Appendf(nil, "P5\n%d %d\n255\n", g.Rect.Dx(), g.Rect.Dy())
		data = append(data, g.Pix...)
	} else {
		name = base + ".ppm"
		m := toRGBA(img)
		w, h := m.Rect.Dx(), m.Rect.Dy()
		data = fmt.Appendf(make([]byte, 0, 20+3*w*h), "P6\n%d %d\n255\n", w, h)
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+4*w]
			for x := 0; x < w; x++ {
				// Opaque pictures only: premultiplied equals straight.
				data = append(data, row[4*x], row[4*x+1], row[4*x+2])
			}
		}
	}
	return name, os.WriteFile(name, data, 0o644)
}

// TestGozxingLuminance checks that the baseline's fast luminance is
// byte-for-byte what gozxing computes itself, for one corpus picture of each
// decoded type and their rotations.
func TestGozxingLuminance(t *testing.T) {
	dir := corpusDir(t)
	seen := map[string]bool{}
	for _, it := range loadCorpus(t) {
		img := loadImage(t, filepath.Join(dir, it.path))
		typ := fmt.Sprintf("%T", img)
		if seen[typ] {
			continue
		}
		seen[typ] = true
		// A crop keeps gozxing's own img.At path quick under -race and
		// checks that the origin offset is handled.
		sub := img.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(image.Rect(13, 7, 173, 127).Add(img.Bounds().Min))
		for q := range 2 {
			m := rotateQuarter(sub, q)
			got := gozxingLuminance(m)
			want := gozxing.NewLuminanceSourceFromImage(m).GetMatrix()
			if !bytes.Equal(got, want) {
				t.Errorf("%s (%s, %T) turned %d°: luminance differs from gozxing's", it.path, typ, m, 90*q)
			}
		}
	}
	if len(seen) < 3 {
		t.Errorf("only %d image types in the corpus: %v", len(seen), seen)
	}
}
