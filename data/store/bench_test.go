package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/sample"
	"github.com/clusme/fieldbook/data/store"
)

// benchStore returns a data directory holding the sample missions plus n
// generated records. Building 100k records takes about 40 s, so the
// directory is kept between runs under FIELDBOOK_BENCH_DIR (default: the
// OS temp dir).
func benchStore(b *testing.B, n int) string {
	b.Helper()
	root := os.Getenv("FIELDBOOK_BENCH_DIR")
	if root == "" {
		root = os.TempDir()
	}
	dir := filepath.Join(root, fmt.Sprintf("fieldbook-bench-%d", n))
	if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	ctx := context.Background()
	s, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sample.Load(ctx, s); err != nil {
		b.Fatal(err)
	}
	if _, err := sample.LoadGenerated(ctx, s, 1, n, nil); err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "ready"), nil, 0o600)
	return dir
}

func percentile(d []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(p*float64(len(s)-1))]
}

func reportLatency(b *testing.B, lat []time.Duration, ps ...float64) {
	for _, p := range ps {
		b.ReportMetric(float64(percentile(lat, p).Microseconds())/1000, fmt.Sprintf("p%02.0f-ms", p*100))
	}
}

// sizes are the store sizes the benchmarks run at: the samples, 10k, 100k, and
// 1M when a 1M store has been generated beforehand (about 15 minutes,
// so never implicitly):
//
//	fieldbook --data $FIELDBOOK_BENCH_DIR/fieldbook-bench-1000000 demo --scale 1000000
//	touch $FIELDBOOK_BENCH_DIR/fieldbook-bench-1000000/ready
func sizes(withSample bool) []int {
	out := []int{10_000, 100_000}
	if withSample {
		out = append([]int{0}, out...)
	}
	root := os.Getenv("FIELDBOOK_BENCH_DIR")
	if root == "" {
		root = os.TempDir()
	}
	if _, err := os.Stat(filepath.Join(root, "fieldbook-bench-1000000", "ready")); err == nil {
		out = append(out, 1_000_000)
	}
	return out
}

// BenchmarkOpen measures opening a store until it answers (Open, Stats,
// first page of meetings), then closing it.
func BenchmarkOpen(b *testing.B) {
	for _, n := range sizes(true) {
		b.Run(fmt.Sprintf("records=%d", n+129), func(b *testing.B) {
			dir := benchStore(b, n)
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s, err := store.Open(ctx, dir, store.Options{})
				if err != nil {
					b.Fatal(err)
				}
				s.Stats(ctx)
				if _, err := s.List(ctx, store.Query{Kind: data.KindMeeting, Limit: 50}); err != nil {
					b.Fatal(err)
				}
				s.Close()
			}
		})
	}
}

// BenchmarkDurableSave measures one Create of a contact, which returns
// only once the transaction is fsynced.
func BenchmarkDurableSave(b *testing.B) {
	ctx := context.Background()
	s, err := store.Open(ctx, b.TempDir(), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := &data.Contact{GivenName: "Ғулом", FamilyName: fmt.Sprintf("Қодиров %d", i), Emails: []string{"gulom@suv.example"},
			Notes: "Needs 400 double-acting hydraulic cylinders per year, bore 125–160 mm."}
		t0 := time.Now()
		if err := s.Create(ctx, c); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportLatency(b, lat, 0.5, 0.99)
}

// keystrokes are the successive queries a user typing these words sends.
func keystrokes(words ...string) []string {
	var out []string
	for _, w := range words {
		r := []rune(w)
		for i := 1; i <= len(r); i++ {
			out = append(out, string(r[:i]))
		}
	}
	return out
}

// BenchmarkSearchKeystroke measures search as the user types, one query
// per keystroke, over the sample missions plus 100k generated records.
func BenchmarkSearchKeystroke(b *testing.B) {
	for _, n := range sizes(false) {
		b.Run(fmt.Sprintf("records=%d", n+129), func(b *testing.B) {
			dir := benchStore(b, n)
			ctx := context.Background()
			s, err := store.Open(ctx, dir, store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			queries := keystrokes("hydraulic", "Қодиров", "mäkinen", "tõrva", "smidt poder", "тошкент сув", "pilot offer", "calibration")
			var lat []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, q := range queries {
					t0 := time.Now()
					if _, err := s.Search(ctx, q, 20); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(t0))
				}
			}
			b.StopTimer()
			reportLatency(b, lat, 0.5, 0.95)
		})
	}
}
