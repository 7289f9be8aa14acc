package vault

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/clusme/fieldbook/data/sample"
	"github.com/clusme/fieldbook/data/store"
)

// BenchmarkUnlock measures unlocking a store with the real DefaultParams
// (what a user waits for after typing the passphrase), and the raw key
// derivation at a few other costs for comparison:
//
//	go test -run '^$' -bench Unlock -benchtime 10x ./data/vault
func BenchmarkUnlock(b *testing.B) {
	saved := DefaultParams
	DefaultParams = defaultParams
	defer func() { DefaultParams = saved }()
	dir := b.TempDir()
	if err := SetPassphrase(ctx, dir, pass1); err != nil {
		b.Fatal(err)
	}
	b.Run(fmt.Sprintf("default-t%d-m%dMiB-p%d", defaultParams.Time, defaultParams.MemoryKiB>>10, defaultParams.Threads), func(b *testing.B) {
		for b.Loop() {
			key, err := Unlock(dir, pass1)
			if err != nil || len(key) != keyLen {
				b.Fatal(err)
			}
		}
	})
	salt := make([]byte, saltLen)
	for _, p := range []Params{
		{Time: 2, MemoryKiB: 19 << 10, Threads: 1}, // OWASP's minimum
		{Time: 3, MemoryKiB: 64 << 10, Threads: 4}, // RFC 9106, second recommendation
		{Time: 3, MemoryKiB: 64 << 10, Threads: 2},
		{Time: 3, MemoryKiB: 256 << 10, Threads: 2},
	} {
		b.Run(fmt.Sprintf("derive-t%d-m%dMiB-p%d", p.Time, p.MemoryKiB>>10, p.Threads), func(b *testing.B) {
			for b.Loop() {
				derive(pass1, salt, p)
			}
		})
	}
}

// BenchmarkConvert measures turning encryption on and off for a store of
// FIELDBOOK_BENCH_RECORDS generated records (default 10,000; the figures
// in docs/SECURITY.md are for 100,000) plus the sample missions. The
// store is built once and kept under FIELDBOOK_BENCH_DIR (default: the
// OS temp dir); each round converts a fresh copy of it.
//
//	FIELDBOOK_BENCH_RECORDS=100000 go test -run '^$' -bench Convert -benchtime 1x -timeout 30m ./data/vault
func BenchmarkConvert(b *testing.B) {
	n := 10_000
	if v := os.Getenv("FIELDBOOK_BENCH_RECORDS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	src := convertBenchStore(b, n)
	used, _ := dirSize(filepath.Join(src, "db"))
	b.Logf("store: %d generated records + the sample missions, %.1f MB on disk", n, float64(used)/1e6)
	saved := DefaultParams
	DefaultParams = defaultParams
	defer func() { DefaultParams = saved }()
	var set, remove time.Duration
	for b.Loop() {
		b.StopTimer()
		dir := filepath.Join(b.TempDir(), "copy")
		copyTree(b, src, dir)
		b.StartTimer()
		t0 := time.Now()
		if err := SetPassphrase(ctx, dir, pass1); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := RemovePassphrase(ctx, dir, pass1); err != nil {
			b.Fatal(err)
		}
		set += t1.Sub(t0)
		remove += time.Since(t1)
	}
	b.ReportMetric(set.Seconds()/float64(b.N), "s-encrypt")
	b.ReportMetric(remove.Seconds()/float64(b.N), "s-decrypt")
}

func convertBenchStore(b *testing.B, n int) string {
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

func copyTree(b *testing.B, src, dst string) {
	b.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		if rel == "ready" || rel == "fieldbook.lock" {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(filepath.Join(dst, rel))
		if err != nil {
			return err
		}
		defer out.Close()
		_, err = io.Copy(out, in)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
}

func dirSize(root string) (int64, error) {
	var n int64
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return err
	})
	return n, err
}
