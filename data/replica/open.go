package replica

import (
	"context"
	"crypto/rand"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strings"
)

// Open returns the transport for a sync location as the user typed it: an
// "http://" or "https://" URL is a WebDAV collection, anything else a
// folder path. user and password are for WebDAV only (they may also be in
// the URL; empty means no authentication).
//
// For WebDAV, Open also asks the server for the root once (NewWebDAV
// alone does no I/O), so that a wrong password, a typo in the host or a
// server that is down shows at once, with ErrWebDAVAuth or the network
// error. A missing root collection is fine: Write creates it (but not its
// parent). A folder must exist (see NewFolder).
func Open(ctx context.Context, location string, user, password string) (Transport, error) {
	if !IsWebDAV(location) {
		return NewFolder(location)
	}
	w, err := NewWebDAV(location, user, password)
	if err != nil {
		return nil, err
	}
	if _, err := w.List(ctx, ""); err != nil {
		return nil, err
	}
	return w, nil
}

// IsWebDAV tells whether a sync location is a WebDAV URL (http:// or
// https://, any case) rather than a folder path.
func IsWebDAV(location string) bool {
	l := strings.ToLower(strings.TrimSpace(location))
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// SplitCredentials takes a user name and password out of a WebDAV URL
// ("https://anna:secret@cloud.example/dav"), so that the URL can be shown
// and kept without them; user and password are "" when the URL has none.
func SplitCredentials(location string) (clean, user, password string) {
	u, err := url.Parse(strings.TrimSpace(location))
	if err != nil || u.User == nil || !IsWebDAV(location) {
		return location, "", ""
	}
	user = u.User.Username()
	password, _ = u.User.Password()
	u.User = nil
	return u.String(), user, password
}

// checkTransportName checks a file name (or, with dir set, a directory
// name, where "" is the root) given to a transport. Names are relative,
// slash-separated and plain, so that no name can reach outside the root
// or mean different files on different systems; a segment may not begin
// with "." either, because such names are hidden from List (they are
// other tools' and our own temporary files). The error matches
// fs.ErrInvalid.
func checkTransportName(name string, dir bool) error {
	bad := func(why string) error {
		return fmt.Errorf("bad file name %q: %s: %w", name, why, fs.ErrInvalid)
	}
	switch {
	case name == "" && dir:
		return nil
	case name == "":
		return bad("empty")
	case strings.HasPrefix(name, "/"):
		return bad("absolute, must be relative to the sync root")
	case strings.ContainsRune(name, '\\'):
		return bad(`contains a backslash, separate folders with "/"`)
	case strings.ContainsRune(name, 0):
		return bad("contains a NUL byte")
	}
	for _, seg := range strings.Split(name, "/") {
		switch {
		case seg == "":
			return bad("has an empty path segment")
		case seg == "." || seg == "..":
			return bad(`contains "." or ".."`)
		case strings.HasPrefix(seg, "."):
			return bad(`a segment begins with ".", which marks temporary files`)
		}
	}
	return nil
}

// transportTempName is the hidden name a Write puts its content under
// before moving it to name: in the same directory, so the move is a rename
// within one directory, and random, so concurrent writers never share it.
func transportTempName(name string) string {
	dir, base := path.Split(name)
	return dir + "." + base + ".tmp-" + rand.Text()[:12]
}

// transportDisplayName is how messages show a name; the root has none.
func transportDisplayName(name string) string {
	if name == "" {
		return "/"
	}
	return name
}
