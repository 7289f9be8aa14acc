package qr

import (
	"context"
	"image"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkDecode times Decode on typical inputs. Besides ns/op it reports
// ms/op for the table in docs/PERFORMANCE.md.
func BenchmarkDecode(b *testing.B) {
	run := func(b *testing.B, imgs []image.Image, wantOK bool) {
		b.Helper()
		ctx := context.Background()
		b.ReportAllocs()
		start := time.Now()
		n := 0
		for b.Loop() {
			_, err := Decode(ctx, imgs[n%len(imgs)])
			if (err == nil) != wantOK {
				b.Fatalf("image %d: err = %v", n%len(imgs), err)
			}
			n++
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(n), "ms/op")
	}

	b.Run("corpus-average", func(b *testing.B) {
		dir := corpusDir(b)
		var imgs []image.Image
		for _, it := range loadCorpus(b) {
			imgs = append(imgs, loadImage(b, filepath.Join(dir, it.path)))
		}
		run(b, imgs, true)
	})
	b.Run("photo-12mp", func(b *testing.B) {
		bm := modules(b, synthCards[0].vcard)
		run(b, []image.Image{photo12MP(bm, rand.New(rand.NewPCG(1, 2)), 9)}, true)
	})
	b.Run("photo-12mp-no-code", func(b *testing.B) {
		// What the user waits for before "no QR code found" on a big photo.
		bm := make([][]bool, 70)
		for i := range bm {
			bm[i] = make([]bool, 70)
		}
		run(b, []image.Image{photo12MP(bm, rand.New(rand.NewPCG(1, 2)), 9)}, false)
	})
	b.Run("2px-module", func(b *testing.B) {
		run(b, []image.Image{drawModules(modules(b, synthCards[3].vcard), 2, 6, 0, 255)}, true)
	})
}
