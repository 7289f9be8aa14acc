// Package fsutil holds the few file-system operations a Fieldbook data
// directory needs that the standard library does not offer portably: an
// exclusive lock that the operating system releases when its process dies
// (so a crash never leaves a stale lock behind), the free space of a file
// system, the space a tree of files really takes, and fsync of a directory
// (which makes a rename or a new file durable on Unix).
//
// It is internal to data/: data/store uses it to lock the data directory
// and to check for room before it writes a second copy of the database,
// data/vault to write keyrings atomically.
package fsutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrLocked is returned by LockFile when the lock is held elsewhere: by
// another process, or by another LockFile of the same path in this process.
var ErrLocked = errors.New("the lock is held by another process")

// Lock is a held exclusive lock on a file.
type Lock struct {
	f *os.File
}

// LockFile takes an exclusive lock on path, creating the file if needed,
// without waiting: if the lock is held elsewhere it returns ErrLocked at
// once. The lock lasts until Unlock, or until the process exits however it
// exits. The file is left in place (removing a lock file races with the
// next locker), and its content is never read.
func LockFile(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, err
	}
	return &Lock{f: f}, nil
}

// Unlock releases the lock. Calling it on a nil Lock does nothing.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unlockFile(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// SyncFile fsyncs the file or directory at path. On systems where a
// directory cannot be opened for syncing (Windows), syncing a directory does
// nothing: there, a completed rename is already durable metadata.
func SyncFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return syncDir(path)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// SyncTree fsyncs every file under root, then every directory bottom-up,
// so that a tree written without fsyncs (a freshly written database copy)
// is on disk before anything refers to it.
func SyncTree(root string) error {
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, p)
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return SyncFile(p)
	})
	if err != nil {
		return err
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := syncDir(dirs[i]); err != nil {
			return err
		}
	}
	return nil
}

// WriteFileAtomic replaces path with content so that a crash at any moment
// leaves either the old file or the new one, complete: it writes a
// temporary file beside it, fsyncs it, renames it over path and fsyncs the
// directory.
func WriteFileAtomic(path string, content []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Chmod(perm); err != nil {
		return fail(err)
	}
	if _, err := f.Write(content); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

// DiskUsage is the space the files under root take on disk, in bytes. On
// Unix it counts allocated blocks, so sparse files (Badger preallocates its
// logs and memtables that way) count for what they hold, not their length.
func DiskUsage(root string) (int64, error) {
	var total int64
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		total += allocated(fi)
		return nil
	})
	return total, err
}

// FreeBytes is the space available to this user on the file system that
// holds dir.
func FreeBytes(dir string) (uint64, error) { return freeBytes(dir) }
