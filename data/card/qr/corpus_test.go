package qr

import (
	"cmp"
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchCase is one picture at one rotation, decoded by all three decoders.
type benchCase struct {
	folder string // report row group
	name   string // corpus path or synthetic name
	rot    int    // degrees clockwise
	want   string
	img    image.Image
	file   string // existing file for zbarimg at 0°, else written on demand

	fb, gz, zb     bool
	fbText, zbText string // wrong texts, for the failure message
	fbStrategy     string
	fbDur, zbDur   time.Duration
}

var rotations = []int{0, 90, 180, 270}

// runCases decodes every case with Fieldbook, plain gozxing and zbarimg (if
// z is not nil). workers bounds the parallelism; the report uses 1 so the
// timings are not disturbed by the other decodes.
func runCases(t *testing.T, cases []*benchCase, z *zbar, workers int) {
	t.Helper()
	tmp := t.TempDir()
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				c := cases[i]
				img := rotateQuarter(c.img, c.rot/90)

				start := time.Now()
				res, err := Decode(context.Background(), img)
				c.fbDur = time.Since(start)
				if err == nil {
					c.fbStrategy = res.Strategy
					if res.Text == c.want {
						c.fb = true
					} else {
						c.fbText = res.Text
					}
				}

				text, ok := plainGozxing(img)
				c.gz = ok && text == c.want

				if z != nil {
					file := c.file
					if file == "" || c.rot != 0 {
						var err error
						if file, err = writePNM(filepath.Join(tmp, fmt.Sprint(i)), img); err != nil {
							t.Errorf("writing %s for zbarimg: %v", c.name, err)
							continue
						}
					}
					text, ok, d := z.decode(file)
					c.zbDur = d
					c.zb = ok && text == c.want
					if ok && !c.zb {
						c.zbText = text
					}
					if file != c.file {
						os.Remove(file) // 12 MP pictures add up
					}
				}
			}
		}()
	}
	for i := range cases {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

// corpusCases loads the ZXing corpus at every rotation.
func corpusCases(t *testing.T) []*benchCase {
	t.Helper()
	dir := corpusDir(t)
	var cases []*benchCase
	for _, it := range loadCorpus(t) {
		file := filepath.Join(dir, it.path)
		img := loadImage(t, file)
		// Rotations start from one colour-preserving RGBA copy, made once.
		var rotSrc image.Image = toRGBA(img)
		if g, ok := img.(*image.Gray); ok {
			rotSrc = g
		}
		for _, r := range rotations {
			c := &benchCase{folder: it.folder, name: it.path, rot: r, want: it.want, img: img, file: file}
			if r != 0 {
				c.img = rotSrc
			}
			cases = append(cases, c)
		}
	}
	return cases
}

func syntheticCases(t *testing.T) []*benchCase {
	t.Helper()
	var cases []*benchCase
	for _, c := range synthSet(t, true) {
		rots := rotations
		if c.img.Bounds().Dx()*c.img.Bounds().Dy() > 8_000_000 {
			// The 12 MP photos only as landscape and portrait: 180° and
			// 270° show nothing new and would add 20 s under -race.
			rots = rotations[:2]
		}
		for _, r := range rots {
			cases = append(cases, &benchCase{folder: "synthetic", name: c.name, rot: r, want: c.want, img: c.img})
		}
	}
	return cases
}

// row is one line of the comparison table.
type row struct {
	folder           string
	rot              int // -1: all rotations
	n, fb, gz, zb    int
	fbTotal, zbTotal time.Duration
	fbMissed         []string
}

var folderOrder = []string{"qrcode-1", "qrcode-6", "android-1 jpgs", "others", "synthetic"}

func tabulate(cases []*benchCase) (rows []*row, total *row) {
	byKey := map[[2]any]*row{}
	total = &row{folder: "total", rot: -1}
	for _, c := range cases {
		k := [2]any{c.folder, c.rot}
		r := byKey[k]
		if r == nil {
			r = &row{folder: c.folder, rot: c.rot}
			byKey[k] = r
			rows = append(rows, r)
		}
		for _, r := range []*row{r, total} {
			r.n++
			r.fbTotal += c.fbDur
			r.zbTotal += c.zbDur
			if c.fb {
				r.fb++
			} else {
				r.fbMissed = append(r.fbMissed, c.name)
			}
			if c.gz {
				r.gz++
			}
			if c.zb {
				r.zb++
			}
		}
	}
	slices.SortFunc(rows, func(a, b *row) int {
		return cmp.Or(cmp.Compare(slices.Index(folderOrder, a.folder), slices.Index(folderOrder, b.folder)),
			cmp.Compare(a.rot, b.rot))
	})
	return rows, total
}

func ms(d time.Duration, n int) string {
	if n == 0 || d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000/float64(n))
}

func markdown(rows []*row, total *row, zbarOK bool, workers int) string {
	var b strings.Builder
	zb := func(v int) string {
		if !zbarOK {
			return "n/a"
		}
		return fmt.Sprint(v)
	}
	b.WriteString("| folder | rotation | images | Fieldbook | plain gozxing | zbarimg | Fieldbook ms/img | zbarimg ms/img |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range append(rows, total) {
		rot := fmt.Sprintf("%d°", r.rot)
		name := r.folder
		if r.rot < 0 {
			rot, name = "all", "**total**"
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %s | %s | %s |\n", name, rot, r.n, r.fb, r.gz, zb(r.zb),
			ms(r.fbTotal, r.n), ms(r.zbTotal, r.n))
	}
	fmt.Fprintf(&b, "\nImages: the ZXing black-box QR corpus as shipped in gozxing v0.1.1 (qrcode-1, qrcode-6, "+
		"the android-1 phone photos qrcode-1…4.jpg, and \"others\": version1, version1_mirrored, structured_append_1…4), "+
		"including qrcode-1/14.png, which gozxing's own test leaves out; and the synthetic business-card set of "+
		"data/card/qr/synthetic_test.go (UTF-8 vCards at 2, 2.3 and 1 px per module, blurred, low contrast, low light, "+
		"inverted, turned 15° and 45°, JPEG quality 30, screenshots in light and dark mode, two 12 MP photos; "+
		"the photos at 0° and 90° only). Every picture is turned in memory; a decode counts only if the text is exact.\n")
	fmt.Fprintf(&b, "\nTimes are wall-clock per image with %d decode(s) running at a time, on %s/%s, %d CPUs, %s%s. "+
		"Fieldbook decodes an image.Image already in memory. zbarimg %s is timed as a process, including its start "+
		"(about 30 ms even for a 30×30 picture here) and reading the file. "+
		"Plain gozxing is qrcode.NewQRCodeReader with the HybridBinarizer and no hints, what a first user of the library gets.\n",
		workers, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), raceNote, zbarVersion())
	return b.String()
}

// TestCorpus compares Fieldbook's Decode with plain gozxing and zbarimg on
// the ZXing corpus and the synthetic hard set, each at 0°, 90°, 180° and
// 270°. Fieldbook must decode at least as many pictures as each baseline in
// every folder × rotation, strictly more in total, and never a wrong text.
// With FIELDBOOK_QR_REPORT=FILE.md it writes the comparison table there.
func TestCorpus(t *testing.T) {
	z := getZbar(t)
	report := os.Getenv("FIELDBOOK_QR_REPORT")
	// One more worker than CPUs: zbarimg's process start and file reading
	// leave a CPU idle now and then.
	workers := runtime.GOMAXPROCS(0) + 1
	if report != "" {
		workers = 1 // undisturbed timings
	}
	cases := append(corpusCases(t), syntheticCases(t)...)
	runCases(t, cases, z, workers)

	for _, c := range cases {
		if c.fbText != "" {
			t.Errorf("%s at %d°: Fieldbook decoded a WRONG text (strategy %s):\n got %q\nwant %q", c.name, c.rot, c.fbStrategy, c.fbText, c.want)
		}
		if c.zbText != "" {
			t.Logf("%s at %d°: zbarimg read %q (counted as a miss)", c.name, c.rot, c.zbText)
		}
	}
	rows, total := tabulate(cases)
	for _, r := range rows {
		if r.fb < r.gz {
			t.Errorf("%s at %d°: Fieldbook decoded %d of %d, plain gozxing %d", r.folder, r.rot, r.fb, r.n, r.gz)
		}
		if z != nil && r.fb < r.zb {
			t.Errorf("%s at %d°: Fieldbook decoded %d of %d, zbarimg %d", r.folder, r.rot, r.fb, r.n, r.zb)
		}
		if len(r.fbMissed) > 0 {
			t.Logf("%s at %d°: Fieldbook missed %s", r.folder, r.rot, strings.Join(r.fbMissed, " "))
		}
	}
	if total.fb <= total.gz {
		t.Errorf("Fieldbook decoded %d of %d in total, not more than plain gozxing's %d", total.fb, total.n, total.gz)
	}
	if z != nil && total.fb <= total.zb {
		t.Errorf("Fieldbook decoded %d of %d in total, not more than zbarimg's %d", total.fb, total.n, total.zb)
	}
	strat := map[string]int{}
	for _, c := range cases {
		if c.fb {
			strat[c.fbStrategy]++
		}
	}
	t.Logf("decodes by strategy: %v", strat)
	md := markdown(rows, total, z != nil, workers)
	t.Log("\n" + md)
	if report != "" {
		if err := os.WriteFile(report, []byte(md), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// zbarVersion is for the report header; empty when zbarimg is missing.
func zbarVersion() string {
	z, err := zbarOnce()
	if err != nil {
		return ""
	}
	out, _ := exec.Command(z.path, "--version").Output()
	return strings.TrimSpace(string(out))
}
