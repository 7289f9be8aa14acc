package replica

import (
	"context"
)

// Transport is where a delegation's sync files live: a local folder (a USB
// stick, a Syncthing or Nextcloud client folder, a network share) or a
// WebDAV collection (Nextcloud, ownCloud, Apache mod_dav, rclone). Names
// are slash-separated paths relative to the root, e.g.
// "log/01J…/0000000003.seg" or "blobs/9f86d0…".
//
// The sync design needs only immutable whole files: a device creates a
// file once and never rewrites or deletes it, so a transport offers no
// overwrite, no delete and no locks.
type Transport interface {
	// List returns the entries directly inside dir ("" is the root),
	// sorted by name. A missing dir is empty, not an error. Names that
	// begin with "." (temporary files of this or other tools) are left
	// out, so a file still being written is never listed.
	List(ctx context.Context, dir string) ([]Entry, error)
	// Read returns a whole file. A missing file is an error matching
	// fs.ErrNotExist (errors.Is).
	Read(ctx context.Context, name string) ([]byte, error)
	// Write creates name with content, making parent directories as
	// needed, so that no reader ever sees part of it: the content goes to
	// a temporary "."-name in the same directory first and is then moved
	// into place. If name already exists, Write fails with an error
	// matching fs.ErrExist and leaves the existing file alone. On any
	// failure (a full disk, a dropped connection) nothing is left under
	// name and the temporary file is removed where possible.
	Write(ctx context.Context, name string, content []byte) error
	// String says where the root is, for messages: "folder /media/usb/fb",
	// "WebDAV https://cloud.example/remote.php/dav/files/anna/fieldbook".
	String() string
}

// Entry is one item of a directory listing.
type Entry struct {
	Name string // base name, no slashes
	Size int64  // bytes; 0 for directories
	Dir  bool
}
