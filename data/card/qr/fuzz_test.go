package qr

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecodeReader feeds arbitrary bytes to DecodeReader: it must neither
// panic nor hang. The 50 MP header check is what keeps a small file from
// claiming a picture that takes minutes and gigabytes; GIF, which has no
// checksums, is the format a fuzzer mutates most successfully.
func FuzzDecodeReader(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "seeds", "*"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seeds in testdata/seeds: %v", err)
	}
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := DecodeReader(context.Background(), bytes.NewReader(data))
		if err == nil && res.Strategy == "" {
			t.Errorf("decoded %q without naming a strategy", res.Text)
		}
	})
}
