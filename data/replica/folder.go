package replica

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/clusme/fieldbook/data/internal/fsutil"
)

// Folder is a Transport on a local directory: a USB stick, a folder that
// Syncthing or a Nextcloud client keeps in sync, a mounted network share.
// It is safe for concurrent use, also by several processes.
type Folder struct {
	dir string // absolute, cleaned
}

// folderLink is os.Link; tests replace it to take the path of a file
// system without hard links.
var folderLink = os.Link

// NewFolder returns the transport for dir, which must exist. Write never
// creates the root itself: a folder on a USB stick that is not mounted
// would otherwise be silently recreated on the internal disk, under the
// empty mount point.
func NewFolder(dir string) (*Folder, error) {
	if dir == "" {
		return nil, errors.New("sync folder: no path given")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("sync folder %s: %w", dir, err)
	}
	f := &Folder{dir: abs}
	if err := f.checkRoot(); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *Folder) String() string { return "folder " + f.dir }

// checkRoot says clearly when the root is gone or is not a directory.
func (f *Folder) checkRoot() error {
	fi, err := os.Stat(f.dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s does not exist (is the drive connected?): %w", f, fs.ErrNotExist)
	case err != nil:
		return fmt.Errorf("%s: %w", f, folderCause(err))
	case !fi.IsDir():
		return fmt.Errorf("%s is a file, not a folder", f)
	}
	return nil
}

// path is the local path of a checked name.
func (f *Folder) path(name string) string {
	return filepath.Join(f.dir, filepath.FromSlash(name))
}

// fail is the error for op on name: it names both and keeps the cause
// (errors.Is still sees fs.ErrNotExist, syscall.ENOSPC and the like) but
// not the *PathError's own path, which would repeat the location, or show
// the temporary name instead of the real one.
func (f *Folder) fail(op, name string, err error) error {
	return fmt.Errorf("%s %s in %s: %w", op, transportDisplayName(name), f, folderCause(err))
}

func folderCause(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}

func (f *Folder) List(ctx context.Context, dir string) ([]Entry, error) {
	if err := checkTransportName(dir, true); err != nil {
		return nil, f.fail("list", dir, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, f.fail("list", dir, err)
	}
	des, err := os.ReadDir(f.path(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, f.fail("list", dir, err)
	}
	// os.ReadDir sorts by name already.
	entries := make([]Entry, 0, len(des))
	for _, de := range des {
		if strings.HasPrefix(de.Name(), ".") {
			continue
		}
		// Stat, not the entry's Lstat, so a symbolic link counts as what
		// it points to.
		fi, err := os.Stat(filepath.Join(f.path(dir), de.Name()))
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed meanwhile, or a dangling link
		}
		if err != nil {
			return nil, f.fail("list", dir, err)
		}
		switch {
		case fi.IsDir():
			entries = append(entries, Entry{Name: de.Name(), Dir: true})
		case fi.Mode().IsRegular():
			entries = append(entries, Entry{Name: de.Name(), Size: fi.Size()})
		}
	}
	return entries, nil
}

func (f *Folder) Read(ctx context.Context, name string) ([]byte, error) {
	if err := checkTransportName(name, false); err != nil {
		return nil, f.fail("read", name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, f.fail("read", name, err)
	}
	b, err := os.ReadFile(f.path(name))
	if err != nil {
		return nil, f.fail("read", name, err)
	}
	return b, nil
}

// Write writes a temporary file beside name, fsyncs it and hard-links it
// to name. A link, unlike a rename, fails when name exists, atomically, so
// two writers of one name cannot both succeed and the existing file is
// never replaced; a reader sees either no file or the whole one.
func (f *Folder) Write(ctx context.Context, name string, content []byte) error {
	if err := checkTransportName(name, false); err != nil {
		return f.fail("write", name, err)
	}
	if err := ctx.Err(); err != nil {
		return f.fail("write", name, err)
	}
	if err := f.checkRoot(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	final := f.path(name)
	dir := filepath.Dir(final)
	// Directories this Write creates must be made durable in their parents
	// too, up to the root.
	syncFrom := dir
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return f.fail("write", name, err)
		}
		syncFrom = f.dir
	}
	// Not needed for correctness (the link below decides), but it spares
	// writing a file that is there already, the usual case when a sync is
	// repeated.
	if _, err := os.Lstat(final); err == nil {
		return f.fail("write", name, fs.ErrExist)
	}

	tf, err := os.CreateTemp(dir, "."+filepath.Base(final)+".tmp-*")
	if err != nil {
		return f.fail("write", name, err)
	}
	tmp := tf.Name()
	defer os.Remove(tmp) // on failure; a no-op after success
	if _, err := tf.Write(content); err != nil {
		tf.Close()
		return f.fail("write", name, err)
	}
	if err := tf.Sync(); err != nil {
		tf.Close()
		return f.fail("write", name, err)
	}
	if err := tf.Close(); err != nil {
		return f.fail("write", name, err)
	}
	if err := ctx.Err(); err != nil {
		return f.fail("write", name, err)
	}

	if err := folderLink(tmp, final); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return f.fail("write", name, fs.ErrExist)
		}
		// Some file systems cannot hard-link: FAT and exFAT sticks (EPERM
		// on Linux, ERROR_INVALID_FUNCTION on Windows), some FUSE and SMB
		// mounts (ENOTSUP), Android's shared storage (EACCES). Rather than
		// list every such error, any other failure falls back to a rename,
		// which reports the real error if the file system is broken.
		//
		// A rename replaces an existing file, so it comes after a check,
		// and that leaves a window in which two writers of the same name
		// could both succeed, the later one replacing the earlier. That is
		// acceptable here: each device writes only its own log names, and
		// blobs are named by the hash of their content, so two writers of
		// one name write the same bytes.
		if _, err := os.Lstat(final); err == nil {
			return f.fail("write", name, fs.ErrExist)
		}
		if err := os.Rename(tmp, final); err != nil {
			return f.fail("write", name, err)
		}
	}
	// Gone before the directory is synced, so a crash cannot bring the
	// second link back (it would be harmless, but clutter).
	os.Remove(tmp)
	if err := f.syncDirs(syncFrom, dir); err != nil {
		return f.fail("write", name, err)
	}
	return nil
}

// syncDirs fsyncs dir and its parents up to top, which makes the new
// directory entries in them durable.
func (f *Folder) syncDirs(top, dir string) error {
	for {
		if err := fsutil.SyncFile(dir); err != nil {
			return err
		}
		if dir == top || dir == f.dir {
			return nil
		}
		dir = filepath.Dir(dir)
	}
}
