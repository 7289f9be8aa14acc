package blevebench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/data/sample"
	"github.com/clusme/fieldbook/data/store"
)

const n = 100_000

// benchDir is the same 100k store data/store's benchmarks use (built
// here if missing), and the bleve index of it beside.
func benchDir(b *testing.B) (storeDir, indexDir string) {
	root := os.Getenv("FIELDBOOK_BENCH_DIR")
	if root == "" {
		root = os.TempDir()
	}
	storeDir = filepath.Join(root, fmt.Sprintf("fieldbook-bench-%d", n))
	if _, err := os.Stat(filepath.Join(storeDir, "ready")); err != nil {
		os.RemoveAll(storeDir)
		ctx := context.Background()
		s, err := store.Open(ctx, storeDir, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sample.Load(ctx, s); err != nil {
			b.Fatal(err)
		}
		if _, err := sample.LoadGenerated(ctx, s, 1, n, nil); err != nil {
			b.Fatal(err)
		}
		s.Close()
		os.WriteFile(filepath.Join(storeDir, "ready"), nil, 0o600)
	}
	return storeDir, storeDir + ".bleve"
}

// doc is what bleve indexes per record: the same folded words Fieldbook
// indexes (locale.Tokens of every searchable text), so both engines
// answer the same question and the comparison is of the engines alone.
type doc struct {
	Words string `json:"w"`
}

func openIndex(b *testing.B, s *store.Store, dir string) (bleve.Index, time.Duration) {
	if idx, err := bleve.Open(dir); err == nil {
		return idx, 0
	}
	os.RemoveAll(dir)
	m := bleve.NewIndexMapping()
	// The words come folded already: split on spaces, nothing else.
	if err := m.AddCustomAnalyzer("words", map[string]any{"type": custom.Name, "tokenizer": whitespace.Name}); err != nil {
		b.Fatal(err)
	}
	m.DefaultAnalyzer = "words"
	idx, err := bleve.New(dir, m)
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	batch := idx.NewBatch()
	for _, k := range data.Kinds {
		err := s.Each(context.Background(), store.Query{Kind: k}, func(r data.Record) error {
			var words []string
			for _, wt := range r.SearchText() {
				words = append(words, locale.Tokens(wt.Text)...)
			}
			if err := batch.Index(string(r.Meta().ID), doc{Words: strings.Join(words, " ")}); err != nil {
				return err
			}
			if batch.Size() >= 1000 {
				if err := idx.Batch(batch); err != nil {
					return err
				}
				batch = idx.NewBatch()
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := idx.Batch(batch); err != nil {
		b.Fatal(err)
	}
	return idx, time.Since(t0)
}

// keystrokes is the query list of data/store's BenchmarkSearchKeystroke.
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

func percentile(lat []time.Duration, p float64) float64 {
	s := append([]time.Duration(nil), lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return float64(s[int(p*float64(len(s)-1))]) / 1e6
}

// BenchmarkSearchKeystroke runs the same 59 keystrokes through Fieldbook's
// store search and through bleve (a conjunction of prefix queries, the
// same meaning), alternating per keystroke so both see the same machine.
func BenchmarkSearchKeystroke(b *testing.B) {
	storeDir, indexDir := benchDir(b)
	ctx := context.Background()
	s, err := store.Open(ctx, storeDir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	idx, built := openIndex(b, s, indexDir)
	defer idx.Close()
	if built > 0 {
		b.Logf("bleve index built in %v", built)
	}
	queries := keystrokes("hydraulic", "Қодиров", "mäkinen", "tõrva", "smidt poder", "тошкент сув", "pilot offer", "calibration")
	var fb, bl []time.Duration
	var fbHits, blHits int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range queries {
			t0 := time.Now()
			hits, err := s.Search(ctx, q, 20)
			if err != nil {
				b.Fatal(err)
			}
			fb = append(fb, time.Since(t0))
			fbHits += len(hits)

			t0 = time.Now()
			var parts []query.Query
			for _, tok := range locale.Tokens(q) {
				pq := bleve.NewPrefixQuery(tok)
				pq.SetField("w")
				parts = append(parts, pq)
			}
			req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(parts...), 20, 0, false)
			res, err := idx.Search(req)
			if err != nil {
				b.Fatal(err)
			}
			bl = append(bl, time.Since(t0))
			blHits += len(res.Hits)
		}
	}
	b.StopTimer()
	b.ReportMetric(percentile(fb, 0.5), "fieldbook-p50-ms")
	b.ReportMetric(percentile(fb, 0.95), "fieldbook-p95-ms")
	b.ReportMetric(percentile(bl, 0.5), "bleve-p50-ms")
	b.ReportMetric(percentile(bl, 0.95), "bleve-p95-ms")
	b.ReportMetric(percentile(bl, 0.95)/percentile(fb, 0.95), "p95-ratio-bleve/fieldbook")
	b.ReportMetric(float64(fbHits)/float64(b.N*len(queries)), "fieldbook-hits/q")
	b.ReportMetric(float64(blHits)/float64(b.N*len(queries)), "bleve-hits/q")
}
