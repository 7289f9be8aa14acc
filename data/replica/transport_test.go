package replica

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/webdav"
)

// testTransport checks every promise of the Transport interface. Each
// subtest gets a fresh, empty transport from newTransport.
func testTransport(t *testing.T, newTransport func(t *testing.T) Transport) {
	t.Run("WriteRead", func(t *testing.T) {
		tr := newTransport(t)
		ctx := t.Context()
		if tr.String() == "" {
			t.Error("String is empty")
		}
		files := []struct {
			name    string
			content []byte
		}{
			{"empty.seg", []byte{}},
			{"small.seg", []byte("hello\n")},
			{"big.bin", transportRandomBytes(3 << 20)}, // every byte value, no text
		}
		for _, f := range files {
			if err := tr.Write(ctx, f.name, f.content); err != nil {
				t.Fatalf("write %s: %v", f.name, err)
			}
		}
		for _, f := range files {
			got, err := tr.Read(ctx, f.name)
			if err != nil {
				t.Fatalf("read %s: %v", f.name, err)
			}
			if !bytes.Equal(got, f.content) {
				t.Errorf("read %s: %d bytes, want the %d written", f.name, len(got), len(f.content))
			}
		}
		transportWantList(t, tr, "", []Entry{
			{Name: "big.bin", Size: 3 << 20},
			{Name: "empty.seg", Size: 0},
			{Name: "small.seg", Size: 6},
		})
	})

	t.Run("NestedDirs", func(t *testing.T) {
		tr := newTransport(t)
		ctx := t.Context()
		for _, name := range []string{"log/dev1/0000000001.seg", "log/dev1/0000000002.seg", "a/b/c/d/e.seg"} {
			if err := tr.Write(ctx, name, []byte(name)); err != nil {
				t.Fatal(err)
			}
		}
		transportWantList(t, tr, "", []Entry{{Name: "a", Dir: true}, {Name: "log", Dir: true}})
		transportWantList(t, tr, "log", []Entry{{Name: "dev1", Dir: true}})
		transportWantList(t, tr, "log/dev1", []Entry{
			{Name: "0000000001.seg", Size: int64(len("log/dev1/0000000001.seg"))},
			{Name: "0000000002.seg", Size: int64(len("log/dev1/0000000002.seg"))},
		})
		transportWantList(t, tr, "a/b/c", []Entry{{Name: "d", Dir: true}})
		if got, err := tr.Read(ctx, "a/b/c/d/e.seg"); err != nil || string(got) != "a/b/c/d/e.seg" {
			t.Errorf("read a/b/c/d/e.seg: %q, %v", got, err)
		}
	})

	t.Run("ListSorted", func(t *testing.T) {
		tr := newTransport(t)
		ctx := t.Context()
		// Written out of order; sizes tell the files apart.
		names := []string{"b.seg", "dir2/x", "a.seg", "C.seg", "ä.seg", "10.seg", "dir1/x", "9.seg"}
		for i, name := range names {
			if err := tr.Write(ctx, name, bytes.Repeat([]byte{'x'}, i+1)); err != nil {
				t.Fatal(err)
			}
		}
		transportWantList(t, tr, "", []Entry{
			{Name: "10.seg", Size: 6},
			{Name: "9.seg", Size: 8},
			{Name: "C.seg", Size: 4},
			{Name: "a.seg", Size: 3},
			{Name: "b.seg", Size: 1},
			{Name: "dir1", Dir: true},
			{Name: "dir2", Dir: true},
			{Name: "ä.seg", Size: 5},
		})
	})

	t.Run("ListMissing", func(t *testing.T) {
		tr := newTransport(t)
		ctx := t.Context()
		transportWantList(t, tr, "", nil) // even the root may not exist yet
		transportWantList(t, tr, "nope", nil)
		transportWantList(t, tr, "nope/deeper", nil)
		if err := tr.Write(ctx, "some/x.seg", []byte("x")); err != nil {
			t.Fatal(err)
		}
		transportWantList(t, tr, "some/other", nil)
	})

	t.Run("ReadMissing", func(t *testing.T) {
		tr := newTransport(t)
		ctx := t.Context()
		if err := tr.Write(ctx, "a/x.seg", []byte("x")); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"nope.seg", "nodir/x.seg", "a/y.seg"} {
			_, err := tr.Read(ctx, name)
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("read %s: %v, want fs.ErrNotExist", name, err)
			} else if !strings.Contains(err.Error(), name) {
				t.Errorf("read %s: error does not name the file: %v", name, err)
			}
		}
	})

	t.Run("WriteExisting", func(t *testing.T) {
		tr := newTransport(t)
		ctx := t.Context()
		if err := tr.Write(ctx, "x/one.seg", []byte("original")); err != nil {
			t.Fatal(err)
		}
		err := tr.Write(ctx, "x/one.seg", []byte("changed!"))
		if !errors.Is(err, fs.ErrExist) {
			t.Fatalf("second write: %v, want fs.ErrExist", err)
		}
		if !strings.Contains(err.Error(), "x/one.seg") {
			t.Errorf("error does not name the file: %v", err)
		}
		if got, err := tr.Read(ctx, "x/one.seg"); err != nil || string(got) != "original" {
			t.Errorf("after refused write: %q, %v; want the original", got, err)
		}
		transportWantRaw(t, tr, "x", []string{"one.seg"})
	})

	t.Run("HiddenNames", func(t *testing.T) {
		tr := newTransport(t)
		ctx := t.Context()
		if err := tr.Write(ctx, "dir/visible.seg", []byte("v")); err != nil {
			t.Fatal(err)
		}
		// Put straight into the store behind the transport: a file still
		// being written by us or another tool.
		transportPutRaw(t, tr, "dir/.visible2.seg.tmp-abc", []byte("partial"))
		transportPutRaw(t, tr, ".hidden", []byte("h"))
		transportPutRaw(t, tr, ".dotdir/x.seg", []byte("x"))
		transportWantList(t, tr, "dir", []Entry{{Name: "visible.seg", Size: 1}})
		transportWantList(t, tr, "", []Entry{{Name: "dir", Dir: true}})
		if err := tr.Write(ctx, "dir/visible2.seg", []byte("v2")); err != nil {
			t.Fatal(err)
		}
		transportWantList(t, tr, "dir", []Entry{{Name: "visible.seg", Size: 1}, {Name: "visible2.seg", Size: 2}})
	})

	t.Run("ConcurrentDistinct", func(t *testing.T) {
		tr := newTransport(t)
		ctx := t.Context()
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				// All in one new directory, so they race to create it.
				errs[i] = tr.Write(ctx, fmt.Sprintf("conc/sub/%d.seg", i), bytes.Repeat([]byte{byte(i)}, 10<<10+i))
			})
		}
		close(start)
		wg.Wait()
		var want []Entry
		for i, err := range errs {
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
			want = append(want, Entry{Name: fmt.Sprintf("%d.seg", i), Size: int64(10<<10 + i)})
		}
		transportWantList(t, tr, "conc/sub", want)
		for i := range n {
			got, err := tr.Read(ctx, fmt.Sprintf("conc/sub/%d.seg", i))
			if err != nil || !bytes.Equal(got, bytes.Repeat([]byte{byte(i)}, 10<<10+i)) {
				t.Errorf("read %d.seg: %d bytes, %v", i, len(got), err)
			}
		}
		var names []string
		for _, e := range want {
			names = append(names, e.Name)
		}
		transportWantRaw(t, tr, "conc/sub", names)
	})

	t.Run("ConcurrentSameName", func(t *testing.T) {
		tr := newTransport(t)
		ctx := t.Context()
		const n = 8
		content := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i)}, 256<<10) }
		var wg sync.WaitGroup
		errs := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				errs[i] = tr.Write(ctx, "same/x.seg", content(i))
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Errorf("writers %d and %d both succeeded", winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, fs.ErrExist):
				t.Errorf("writer %d: %v, want success or fs.ErrExist", i, err)
			}
		}
		if winner < 0 {
			t.Fatal("no writer succeeded")
		}
		got, err := tr.Read(ctx, "same/x.seg")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, content(winner)) {
			t.Errorf("content is not writer %d's whole content (%d bytes, first %q)", winner, len(got), got[:min(len(got), 1)])
		}
		transportWantRaw(t, tr, "same", []string{"x.seg"})
	})

	t.Run("NonASCII", func(t *testing.T) {
		tr := newTransport(t)
		ctx := t.Context()
		names := []string{"blobs/Қодиров-ä.seg", "blobs/space 100% #1 +&=.seg", "Қ/файл.seg"}
		for _, name := range names {
			if err := tr.Write(ctx, name, []byte(name)); err != nil {
				t.Fatalf("write %s: %v", name, err)
			}
			if got, err := tr.Read(ctx, name); err != nil || string(got) != name {
				t.Errorf("read %s: %q, %v", name, got, err)
			}
		}
		transportWantList(t, tr, "blobs", []Entry{
			{Name: "space 100% #1 +&=.seg", Size: int64(len(names[1]))},
			{Name: "Қодиров-ä.seg", Size: int64(len(names[0]))},
		})
		transportWantList(t, tr, "Қ", []Entry{{Name: "файл.seg", Size: int64(len(names[2]))}})
	})

	t.Run("BadNames", func(t *testing.T) {
		tr := newTransport(t)
		ctx := t.Context()
		bad := []string{"/abs", "/abs/x", "../x", "a/../../x", "a/..", "./x", "a//b", "a/", `a\b`, `..\x`, ".hidden", "a/.tmp", "x\x00y"}
		for _, name := range bad {
			if err := tr.Write(ctx, name, []byte("x")); !errors.Is(err, fs.ErrInvalid) {
				t.Errorf("write %q: %v, want fs.ErrInvalid", name, err)
			}
			if _, err := tr.Read(ctx, name); !errors.Is(err, fs.ErrInvalid) {
				t.Errorf("read %q: %v, want fs.ErrInvalid", name, err)
			}
			if _, err := tr.List(ctx, name); !errors.Is(err, fs.ErrInvalid) {
				t.Errorf("list %q: %v, want fs.ErrInvalid", name, err)
			}
		}
		if err := tr.Write(ctx, "", []byte("x")); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf(`write "": %v, want fs.ErrInvalid`, err)
		}
		if _, err := tr.Read(ctx, ""); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf(`read "": %v, want fs.ErrInvalid`, err)
		}
		transportWantList(t, tr, "", nil)
	})

	t.Run("Cancelled", func(t *testing.T) {
		tr := newTransport(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := tr.Write(ctx, "c/x.seg", []byte("x")); !errors.Is(err, context.Canceled) {
			t.Errorf("write: %v, want context.Canceled", err)
		}
		if _, err := tr.Read(ctx, "c/x.seg"); !errors.Is(err, context.Canceled) {
			t.Errorf("read: %v, want context.Canceled", err)
		}
		if _, err := tr.List(ctx, "c"); !errors.Is(err, context.Canceled) {
			t.Errorf("list: %v, want context.Canceled", err)
		}
		if _, err := tr.Read(t.Context(), "c/x.seg"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a cancelled write left something: %v", err)
		}
		transportWantList(t, tr, "", nil)
	})
}

func transportRandomBytes(n int) []byte {
	b := make([]byte, n)
	r := mrand.NewChaCha8([32]byte{1})
	r.Read(b)
	return b
}

func transportWantList(t *testing.T, tr Transport, dir string, want []Entry) {
	t.Helper()
	got, err := tr.List(t.Context(), dir)
	if err != nil {
		t.Fatalf("list %q: %v", dir, err)
	}
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !slices.Equal(got, want) {
		t.Errorf("list %q in %s:\n got %+v\nwant %+v", dir, tr, got, want)
	}
}

// transportPutRaw puts a file straight into the store behind tr, past
// Transport.Write and its checks of names.
func transportPutRaw(t *testing.T, tr Transport, name string, content []byte) {
	t.Helper()
	switch tr := tr.(type) {
	case *Folder:
		p := tr.path(name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
	case *WebDAV:
		// A plain PUT (gowebdav makes the parent collections first).
		if err := tr.client(t.Context()).Write(name, content, 0o644); err != nil {
			t.Fatalf("PUT %s: %v", name, err)
		}
	default:
		t.Fatalf("no raw access to %T", tr)
	}
}

// transportWantRaw checks all names in dir of the store behind tr, hidden
// ones included: no temporary file may be left behind.
func transportWantRaw(t *testing.T, tr Transport, dir string, want []string) {
	t.Helper()
	var got []string
	switch tr := tr.(type) {
	case *Folder:
		des, err := os.ReadDir(tr.path(dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, de := range des {
			got = append(got, de.Name())
		}
	case *WebDAV:
		fis, err := tr.client(t.Context()).ReadDir(dir)
		if err != nil {
			t.Fatalf("PROPFIND %s: %v", dir, err)
		}
		for _, fi := range fis {
			got = append(got, fi.Name())
		}
	default:
		t.Fatalf("no raw access to %T", tr)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("%s holds %q in %q, want only %q", tr, got, dir, want)
	}
}

// ---- Folder ----

func TestFolderTransport(t *testing.T) {
	testTransport(t, func(t *testing.T) Transport {
		f, err := NewFolder(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return f
	})
}

func TestFolderTransportRoot(t *testing.T) {
	ctx := t.Context()
	if _, err := NewFolder(""); err == nil {
		t.Error("NewFolder(\"\") succeeded")
	}
	parent := t.TempDir()
	missing := filepath.Join(parent, "usb")
	if _, err := NewFolder(missing); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing root: %v", err)
	}
	file := filepath.Join(parent, "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := NewFolder(file); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("root is a file: %v", err)
	}

	// A root that goes away (a stick pulled out) is not recreated.
	root := filepath.Join(parent, "root")
	os.Mkdir(root, 0o755)
	f, err := NewFolder(root)
	if err != nil {
		t.Fatal(err)
	}
	if f.String() != "folder "+root {
		t.Errorf("String: %q", f)
	}
	os.Remove(root)
	err = f.Write(ctx, "log/x.seg", []byte("x"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "log/x.seg") || !strings.Contains(err.Error(), root) {
		t.Errorf("write to a vanished root: %v", err)
	}
	if _, err := os.Stat(root); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the root was recreated: %v", err)
	}

	// Bad names never reach outside the root.
	os.Mkdir(root, 0o755)
	for _, name := range []string{"../x", "../root2/x"} {
		if err := f.Write(ctx, name, []byte("x")); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("write %s: %v", name, err)
		}
	}
	if des, _ := os.ReadDir(parent); len(des) != 2 { // root and file
		t.Errorf("parent of the root holds %v", des)
	}

	// Reading a directory says so, naming it.
	f.Write(ctx, "log/x.seg", []byte("x"))
	if _, err := f.Read(ctx, "log"); err == nil || !strings.Contains(err.Error(), "read log in folder "+root) {
		t.Errorf("read a directory: %v", err)
	}
}

// On a file system without hard links, Write falls back to a rename after
// a check; it must still refuse an existing name and leave no temporary
// file.
func TestFolderTransportNoHardLinks(t *testing.T) {
	ctx := t.Context()
	var links int
	folderLink = func(oldname, newname string) error {
		links++
		return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: syscall.EPERM}
	}
	t.Cleanup(func() { folderLink = os.Link })
	f, err := NewFolder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Write(ctx, "log/d/1.seg", []byte("one")); err != nil {
		t.Fatal(err)
	}
	if links != 1 {
		t.Fatalf("the link was tried %d times", links)
	}
	if got, err := f.Read(ctx, "log/d/1.seg"); err != nil || string(got) != "one" {
		t.Fatalf("read: %q, %v", got, err)
	}
	if err := f.Write(ctx, "log/d/1.seg", []byte("two")); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second write: %v", err)
	}
	if got, _ := f.Read(ctx, "log/d/1.seg"); string(got) != "one" {
		t.Errorf("the existing file was replaced: %q", got)
	}
	transportWantRaw(t, f, "log/d", []string{"1.seg"})
}

// A full file system, for real: a 64 KB tmpfs (needs root).
func TestFolderTransportFullDisk(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("mounts a tmpfs: Linux only")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a 64 KB tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v: %s", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	ctx := t.Context()
	f, err := NewFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	const name = "log/dev/0000000001.seg"
	err = f.Write(ctx, name, transportRandomBytes(1<<20))
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("write 1 MB to 64 KB: %v, want ENOSPC", err)
	}
	t.Log(err)
	if msg := err.Error(); !strings.Contains(msg, name) || !strings.Contains(msg, "no space") || !strings.Contains(msg, dir) {
		t.Errorf("error does not say what failed where: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, name)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("something is left under the name: %v", err)
	}
	transportWantRaw(t, f, "log/dev", nil)
	// Nothing is left taking the space either.
	if err := f.Write(ctx, name, []byte("small")); err != nil {
		t.Errorf("a small write after the failed one: %v", err)
	}
}

// ---- WebDAV ----

// newWebDAVTestTransport returns a transport on a fresh collection (not
// yet created) under base, a URL ending in "/". The collection's name has
// a space and non-ASCII letters, to check that the root path is escaped.
func newWebDAVTestTransport(t *testing.T, base, user, password string) *WebDAV {
	t.Helper()
	w, err := NewWebDAV(base+url.PathEscape("run Қ-"+rand.Text()[:8])+"/", user, password)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func newWebDAVTestServer(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestWebDAVTransportMemFS(t *testing.T) {
	// Nextcloud's shape of URL: the collection is below a prefix.
	h := &webdav.Handler{Prefix: "/remote.php/dav/files/anna", FileSystem: webdav.NewMemFS(), LockSystem: webdav.NewMemLS()}
	srv := newWebDAVTestServer(t, h)
	testTransport(t, func(t *testing.T) Transport {
		return newWebDAVTestTransport(t, srv.URL+"/remote.php/dav/files/anna/", "", "")
	})
}

func TestWebDAVTransportDir(t *testing.T) {
	h := &webdav.Handler{FileSystem: webdav.Dir(t.TempDir()), LockSystem: webdav.NewMemLS()}
	srv := newWebDAVTestServer(t, h)
	testTransport(t, func(t *testing.T) Transport { return newWebDAVTestTransport(t, srv.URL+"/", "", "") })
}

func transportBasicAuth(user, password string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != user || p != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="fieldbook test"`)
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func TestWebDAVTransportAuth(t *testing.T) {
	const user, password = "anna", "s3cret p@ss:/#?"
	h := &webdav.Handler{FileSystem: webdav.NewMemFS(), LockSystem: webdav.NewMemLS()}
	srv := newWebDAVTestServer(t, transportBasicAuth(user, password, h))
	u, _ := url.Parse(srv.URL)
	u.User = url.UserPassword(user, password)
	withCreds := u.String() + "/"

	t.Run("InURL", func(t *testing.T) {
		testTransport(t, func(t *testing.T) Transport { return newWebDAVTestTransport(t, withCreds, "", "") })
	})
	t.Run("Arguments", func(t *testing.T) {
		w := newWebDAVTestTransport(t, srv.URL+"/", user, password)
		if err := w.Write(t.Context(), "x.seg", []byte("x")); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(w.String(), "s3cret") || strings.Contains(fmt.Sprint(w), "s3cret") {
			t.Errorf("String shows the password: %s", w)
		}
	})
	for _, tc := range []struct{ name, url, user, password string }{
		{"WrongPassword", srv.URL + "/", user, "wrong-s3cret"},
		{"WrongPasswordInURL", strings.Replace(withCreds, url.UserPassword(user, password).String(), "anna:wrong-s3cret", 1), "", ""},
		{"NoCredentials", srv.URL + "/", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			w, err := NewWebDAV(tc.url, tc.user, tc.password)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(w.String(), "s3cret") {
				t.Errorf("String shows the password: %s", w)
			}
			_, lerr := w.List(ctx, "")
			_, rerr := w.Read(ctx, "x.seg")
			werr := w.Write(ctx, "y.seg", []byte("y"))
			_, oerr := Open(ctx, tc.url, tc.user, tc.password)
			for _, err := range []error{lerr, rerr, werr, oerr} {
				if !errors.Is(err, ErrWebDAVAuth) {
					t.Errorf("got %v, want ErrWebDAVAuth", err)
					continue
				}
				t.Log(err)
				msg := err.Error()
				if !strings.Contains(msg, "WebDAV "+srv.URL+"/") || !strings.Contains(msg, "refused the user name or password (401") {
					t.Errorf("unclear: %s", msg)
				}
				if strings.Contains(msg, "s3cret") {
					t.Errorf("shows the password: %s", msg)
				}
			}
		})
	}
}

func TestWebDAVTransportConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	loc := "http://anna:s3cret@" + addr + "/dav/"
	_, err = Open(t.Context(), loc, "", "")
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("got %v, want ECONNREFUSED", err)
	}
	t.Log(err)
	if msg := err.Error(); !strings.Contains(msg, "http://"+addr+"/dav") || !strings.Contains(msg, "connection refused") || strings.Contains(msg, "s3cret") {
		t.Errorf("unclear: %s", msg)
	}
	w, _ := NewWebDAV(loc, "", "")
	if err := w.Write(t.Context(), "log/x.seg", []byte("x")); !errors.Is(err, syscall.ECONNREFUSED) || !strings.Contains(err.Error(), "write log/x.seg in WebDAV http://"+addr+"/dav:") {
		t.Errorf("write: %v", err)
	}
}

func TestWebDAVTransportBadURL(t *testing.T) {
	for _, loc := range []string{"ftp://host/x", "http://", "http://h/x?y=1", "http://anna:s3cret@h:port/"} {
		_, err := NewWebDAV(loc, "", "")
		if err == nil {
			t.Errorf("%s: accepted", loc)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: shows the password: %v", loc, err)
		}
	}
}

// transportStatusRewriter changes one HTTP status into another on the way
// out.
type transportStatusRewriter struct {
	http.ResponseWriter
	from, to int
}

func (w *transportStatusRewriter) WriteHeader(code int) {
	if code == w.from {
		code = w.to
	}
	w.ResponseWriter.WriteHeader(code)
}

// A server that answers 403 where RFC 4918 says 412 (an existing MOVE
// target) still gives fs.ErrExist, and a server that ignores
// "Overwrite: F" still keeps an existing file.
func TestWebDAVTransportQuirks(t *testing.T) {
	h := &webdav.Handler{FileSystem: webdav.NewMemFS(), LockSystem: webdav.NewMemLS()}
	no412 := newWebDAVTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&transportStatusRewriter{ResponseWriter: w, from: http.StatusPreconditionFailed, to: http.StatusForbidden}, r)
	}))
	t.Run("403NotPrecondition", func(t *testing.T) {
		testTransport(t, func(t *testing.T) Transport { return newWebDAVTestTransport(t, no412.URL+"/", "", "") })
	})

	overwrites := newWebDAVTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Overwrite", "T")
		h.ServeHTTP(w, r)
	}))
	t.Run("IgnoresOverwrite", func(t *testing.T) {
		ctx := t.Context()
		w := newWebDAVTestTransport(t, overwrites.URL+"/", "", "")
		if err := w.Write(ctx, "a/x.seg", []byte("original")); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(ctx, "a/x.seg", []byte("changed!")); !errors.Is(err, fs.ErrExist) {
			t.Errorf("second write: %v", err)
		}
		if got, _ := w.Read(ctx, "a/x.seg"); string(got) != "original" {
			t.Errorf("replaced: %q", got)
		}
		transportWantRaw(t, w, "a", []string{"x.seg"})
	})
}

// Cancelling a Write while the server holds its upload aborts the request
// and still removes the temporary file.
func TestWebDAVTransportCancelUpload(t *testing.T) {
	h := &webdav.Handler{FileSystem: webdav.NewMemFS(), LockSystem: webdav.NewMemLS()}
	uploaded := make(chan struct{})
	var once sync.Once
	srv := newWebDAVTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut || !strings.Contains(r.URL.Path, "/blobs/") {
			h.ServeHTTP(w, r)
			return
		}
		// The file is stored; hold the answer until the client gives up.
		h.ServeHTTP(&transportHeldWriter{ResponseWriter: w, hold: func() {
			once.Do(func() { close(uploaded) })
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}}, r)
	}))
	w := newWebDAVTestTransport(t, srv.URL+"/", "", "")
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-uploaded
		cancel()
	}()
	start := time.Now()
	err := w.Write(ctx, "blobs/big", transportRandomBytes(1<<20))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the cancel took %v to take effect", d)
	}
	transportWantRaw(t, w, "blobs", nil)
	if _, err := w.Read(t.Context(), "blobs/big"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("read: %v", err)
	}
}

type transportHeldWriter struct {
	http.ResponseWriter
	hold func()
}

func (w *transportHeldWriter) WriteHeader(code int) {
	if code < 300 { // stored, body read: the server notices the client go
		w.hold()
	}
	w.ResponseWriter.WriteHeader(code)
}

// TestWebDAVTransportExternal runs the suite against a real server, such
// as rclone serve webdav (see .ci/webdav-server), in a new collection per
// run, which it deletes at the end.
func TestWebDAVTransportExternal(t *testing.T) {
	base := os.Getenv("FIELDBOOK_WEBDAV_URL")
	if base == "" {
		t.Skip(`set FIELDBOOK_WEBDAV_URL to a WebDAV collection ("http://user:pass@127.0.0.1:8089/") to run the suite against it; ` +
			`with rclone installed: FIELDBOOK_WEBDAV_URL="$(.ci/webdav-server)" go test -run Transport ./data/replica/`)
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	run := "fieldbook-test-" + strings.ToLower(rand.Text()[:10])
	top, err := NewWebDAV(base, "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("testing in %s%s/", top, run)
	// A transport makes its root collection, but not the root's parent.
	if err := top.client(t.Context()).Mkdir(run, 0o755); err != nil {
		t.Fatalf("MKCOL %s: %v", run, err)
	}
	t.Cleanup(func() {
		if err := top.client(context.Background()).RemoveAll(run + "/"); err != nil {
			t.Errorf("remove the test collection: %v", err)
		}
	})
	testTransport(t, func(t *testing.T) Transport {
		return newWebDAVTestTransport(t, base+run+"/", "", "")
	})

	t.Run("WrongPassword", func(t *testing.T) {
		u, err := url.Parse(base)
		if err != nil || u.User == nil {
			t.Skip("FIELDBOOK_WEBDAV_URL has no user name")
		}
		w, err := NewWebDAV(base, "", "wrong-s3cret")
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.List(t.Context(), run)
		if !errors.Is(err, ErrWebDAVAuth) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("got %v, want ErrWebDAVAuth", err)
		}
	})
}

func TestOpenTransport(t *testing.T) {
	dir := t.TempDir()
	tr, err := Open(t.Context(), dir, "", "")
	if f, ok := tr.(*Folder); err != nil || !ok || f.dir != dir {
		t.Errorf("Open(%s): %v, %v", dir, tr, err)
	}
	h := &webdav.Handler{FileSystem: webdav.NewMemFS(), LockSystem: webdav.NewMemLS()}
	srv := newWebDAVTestServer(t, h)
	for _, loc := range []string{srv.URL + "/fieldbook", strings.Replace(srv.URL, "http://", "HTTP://", 1) + "/"} {
		tr, err := Open(t.Context(), loc, "", "")
		if _, ok := tr.(*WebDAV); err != nil || !ok {
			t.Errorf("Open(%s): %v, %v", loc, tr, err)
		}
	}
	if tr, err := Open(t.Context(), srv.URL+"/fieldbook", "", ""); err == nil && tr.String() != "WebDAV "+srv.URL+"/fieldbook" {
		t.Errorf("String: %s", tr)
	}
}
