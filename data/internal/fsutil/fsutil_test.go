package fsutil

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestLockIsExclusive(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.lock")
	a, err := LockFile(p)
	if err != nil {
		t.Fatal(err)
	}
	// A second lock — even in the same process — is refused at once.
	if _, err := LockFile(p); !errors.Is(err, ErrLocked) {
		t.Fatalf("second lock: %v", err)
	}
	if err := a.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := a.Unlock(); err != nil { // twice is harmless
		t.Fatal(err)
	}
	b, err := LockFile(p)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	b.Unlock()
	var none *Lock
	if err := none.Unlock(); err != nil {
		t.Fatal(err)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "k.json")
	for _, content := range []string{"first", "second, longer"} {
		if err := WriteFileAtomic(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(p); string(b) != content {
			t.Fatalf("got %q", b)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("temporary files left: %v", ents)
	}
	if err := SyncTree(dir); err != nil {
		t.Fatal(err)
	}
}

func TestSpace(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), make([]byte, 100_000), 0o600)
	used, err := DiskUsage(dir)
	if err != nil || used < 100_000 {
		t.Fatalf("usage %d %v", used, err)
	}
	if n, err := DiskUsage(filepath.Join(dir, "missing")); err != nil || n != 0 {
		t.Fatalf("usage of nothing: %d %v", n, err)
	}
	free, err := FreeBytes(dir)
	if err != nil || free == 0 {
		t.Fatalf("free %d %v", free, err)
	}
}
