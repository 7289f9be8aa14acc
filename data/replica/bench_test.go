package replica

import (
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"golang.org/x/net/webdav"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/sample"
	"github.com/clusme/fieldbook/data/store"
)

// Sync benchmarks (docs/PERFORMANCE.md). The source — the samples plus n
// generated records, its whole log pushed to a folder — takes a minute to
// build at 100k, so it is kept under FIELDBOOK_BENCH_DIR (default: the OS
// temp dir). FIELDBOOK_BENCH_SYNC_N sets n (default 100000).
//
//	go test -run '^$' -bench Sync -benchtime 3x ./data/replica

func benchN() int {
	if n, err := strconv.Atoi(os.Getenv("FIELDBOOK_BENCH_SYNC_N")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// benchSource returns a closed source store and the sync folder holding
// its log.
func benchSource(b *testing.B, n int) (srcDir, rootDir string) {
	b.Helper()
	base := os.Getenv("FIELDBOOK_BENCH_DIR")
	if base == "" {
		base = os.TempDir()
	}
	// v2: segment files named by change range (sync.go); bump it when
	// the file format changes, so an old cache is not read.
	dir := filepath.Join(base, fmt.Sprintf("fieldbook-sync-bench-v2-%d", n))
	srcDir, rootDir = filepath.Join(dir, "src"), filepath.Join(dir, "root")
	if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
		return srcDir, rootDir
	}
	os.RemoveAll(dir)
	s, err := store.Open(ctx, srcDir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sample.Load(ctx, s); err != nil {
		b.Fatal(err)
	}
	if _, err := sample.LoadGenerated(ctx, s, 1, n, nil); err != nil {
		b.Fatal(err)
	}
	os.MkdirAll(rootDir, 0o700)
	if _, err := Sync(ctx, s, folder(b, rootDir), testKey(), Options{}); err != nil {
		b.Fatal(err)
	}
	s.Close()
	os.WriteFile(filepath.Join(dir, "ready"), nil, 0o600)
	return srcDir, rootDir
}

// davServer serves dir over WebDAV on loopback (golang.org/x/net/webdav).
func davServer(b *testing.B, dir string) Transport {
	srv := httptest.NewServer(&webdav.Handler{FileSystem: webdav.Dir(dir), LockSystem: webdav.NewMemLS()})
	b.Cleanup(srv.Close)
	t, err := NewWebDAV(srv.URL+"/", "", "")
	if err != nil {
		b.Fatal(err)
	}
	return t
}

// BenchmarkSyncApply: a new replica reads and merges the whole log of n
// records (every remote change) through a folder and through WebDAV.
func BenchmarkSyncApply(b *testing.B) {
	n := benchN()
	_, root := benchSource(b, n)
	for _, via := range []string{"folder", "webdav"} {
		b.Run(fmt.Sprintf("%s/%d", via, n), func(b *testing.B) {
			var received int
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				dst, err := store.Open(ctx, b.TempDir(), store.Options{})
				if err != nil {
					b.Fatal(err)
				}
				var t Transport = folder(b, root)
				if via == "webdav" {
					t = davServer(b, root)
				}
				b.StartTimer()
				r, err := Sync(ctx, dst, t, testKey(), Options{ConfirmDeletes: func(data.ID, string, int) bool { return true }})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				received = r.Received
				if got := dst.Stats(ctx)[data.KindContact]; got == 0 {
					b.Fatal("nothing arrived")
				}
				dst.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(received), "changes")
			b.ReportMetric(float64(received)*float64(b.N)/b.Elapsed().Seconds(), "changes/s")
		})
	}
}

// BenchmarkSyncIncremental: two replicas of n records in step; one edits
// 100 records and syncs (push), the other syncs (pull and merge). The
// figure is both syncs together.
func BenchmarkSyncIncremental(b *testing.B) {
	n := benchN()
	src0, root0 := benchSource(b, n)
	for _, via := range []string{"folder", "webdav"} {
		b.Run(fmt.Sprintf("%s/%d", via, n), func(b *testing.B) {
			work := b.TempDir()
			srcDir, root := filepath.Join(work, "src"), filepath.Join(work, "root")
			if out, err := exec.Command("cp", "-a", src0, srcDir).CombinedOutput(); err != nil {
				b.Fatalf("%v: %s", err, out)
			}
			if out, err := exec.Command("cp", "-a", root0, root).CombinedOutput(); err != nil {
				b.Fatalf("%v: %s", err, out)
			}
			src, err := store.Open(ctx, srcDir, store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer src.Close()
			dst, err := store.Open(ctx, filepath.Join(work, "dst"), store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer dst.Close()
			tr := func() Transport {
				if via == "webdav" {
					return davServer(b, root)
				}
				return folder(b, root)
			}
			ta, tb := tr(), tr()
			if _, err := Sync(ctx, dst, tb, testKey(), Options{}); err != nil {
				b.Fatal(err)
			}
			contacts, err := src.List(ctx, store.Query{Kind: data.KindContact, Limit: 100})
			if err != nil || len(contacts) < 100 {
				b.Fatalf("%d contacts (%v)", len(contacts), err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				for j, r := range contacts {
					c := r.(*data.Contact)
					c.Notes = fmt.Sprintf("call back, round %d/%d", i, j)
					if err := src.Update(ctx, c); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				pr, err := Sync(ctx, src, ta, testKey(), Options{})
				if err != nil {
					b.Fatal(err)
				}
				rr, err := Sync(ctx, dst, tb, testKey(), Options{})
				if err != nil {
					b.Fatal(err)
				}
				if pr.Pushed != 100 || rr.Received != 100 {
					b.Fatalf("pushed %d, received %d", pr.Pushed, rr.Received)
				}
			}
		})
	}
}
