package replica

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/studio-b12/gowebdav"
)

// WebDAV is a Transport on a WebDAV collection (Nextcloud, ownCloud,
// Apache mod_dav, rclone serve webdav). It is safe for concurrent use.
//
// A Write PUTs the content under a hidden temporary name in the same
// collection and then MOVEs it to its name with "Overwrite: F", which a
// server refuses (412 Precondition Failed) when the name exists.
//
// gowebdav takes no contexts. Each operation therefore uses a client of
// its own whose requests are all given the operation's context (through
// gowebdav's request interceptor), so cancelling it aborts a request in
// flight, body included; the clients share one connection pool and one
// authorizer (which learns the server's authentication scheme once).
type WebDAV struct {
	root      string // for gowebdav: no credentials, path unescaped, ends in "/"
	display   string // for messages: escaped, no credentials
	auth      gowebdav.Authorizer
	transport *http.Transport
}

const (
	// webdavRequestTimeout bounds one request, body included: long enough
	// for a large blob over a slow link, short enough that a stalled
	// connection does not hang a sync for good. (The transport also limits
	// connecting, the TLS handshake and the wait for response headers.)
	webdavRequestTimeout = 10 * time.Minute
	// webdavMaxRequests bounds the requests of one operation. gowebdav
	// answers a 409 Conflict to a MOVE by creating the parent collection
	// and retrying, with no limit; a server that keeps answering 409 would
	// make that an endless loop.
	webdavMaxRequests = 100
)

// ErrWebDAVAuth matches (errors.Is) a WebDAV server's refusal of the user
// name or password, so that a caller can ask for them again rather than
// retry.
var ErrWebDAVAuth = errors.New("the server refused the user name or password")

var errWebDAVLoop = fmt.Errorf("the server keeps answering without the operation getting anywhere (more than %d requests)", webdavMaxRequests)

// NewWebDAV returns the transport for the collection at rawURL ("http://"
// or "https://"). user and password may also be given in the URL; the
// arguments win. Empty means no authentication. It does no I/O.
func NewWebDAV(rawURL, user, password string) (*WebDAV, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// Not err itself: a *url.Error quotes the URL, password included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("the WebDAV address is not a valid URL: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, errors.New(`the WebDAV address must begin with "http://" or "https://"`)
	case u.Host == "":
		return nil, errors.New("the WebDAV address has no server name")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, errors.New(`the WebDAV address must not contain "?" or "#"`)
	}
	if u.User != nil {
		if user == "" {
			user = u.User.Username()
		}
		if p, ok := u.User.Password(); ok && password == "" {
			password = p
		}
		u.User = nil
	}
	p := u.Path
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	shown := *u
	shown.Path = strings.TrimSuffix(p, "/")
	shown.RawPath = ""
	display := shown.String()
	if shown.Path == "" {
		display += "/"
	}
	var auth gowebdav.Authorizer = gowebdav.NewEmptyAuth()
	if user != "" || password != "" {
		// Basic, digest or passport, whichever the server asks for.
		auth = gowebdav.NewAutoAuth(user, password)
	}
	return &WebDAV{
		root:    u.Scheme + "://" + u.Host + p,
		display: display,
		auth:    auth,
		transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          16,
			MaxIdleConnsPerHost:   8, // a sync writes several files at once
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   30 * time.Second,
			ResponseHeaderTimeout: 2 * time.Minute, // counted from the end of the request body
		},
	}, nil
}

func (w *WebDAV) String() string { return "WebDAV " + w.display }

// client returns a gowebdav client whose requests all carry ctx.
func (w *WebDAV) client(ctx context.Context) *gowebdav.Client {
	c := gowebdav.NewAuthClient(w.root, w.auth)
	rt := &webdavBudget{next: w.transport}
	rt.left.Store(webdavMaxRequests)
	c.SetTransport(rt)
	c.SetTimeout(webdavRequestTimeout)
	c.SetInterceptor(func(_ string, rq *http.Request) {
		// Replacing the request in place is the only way in: gowebdav
		// builds it with http.NewRequest, without a context.
		*rq = *rq.WithContext(ctx)
	})
	return c
}

// webdavBudget is the RoundTripper of one operation's client: it stops
// the operation once it is cancelled or has made too many requests.
type webdavBudget struct {
	next http.RoundTripper
	left atomic.Int32
}

func (b *webdavBudget) RoundTrip(rq *http.Request) (*http.Response, error) {
	err := rq.Context().Err()
	if err == nil && b.left.Add(-1) < 0 {
		err = errWebDAVLoop
	}
	if err != nil {
		if rq.Body != nil {
			rq.Body.Close()
		}
		return nil, err
	}
	return b.next.RoundTrip(rq)
}

func (w *WebDAV) List(ctx context.Context, dir string) ([]Entry, error) {
	if err := checkTransportName(dir, true); err != nil {
		return nil, w.fail("list", dir, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, w.fail("list", dir, err)
	}
	infos, err := w.client(ctx).ReadDir(dir)
	if webdavStatus(err) == http.StatusNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, w.fail("list", dir, err)
	}
	entries := make([]Entry, 0, len(infos))
	for _, fi := range infos {
		if fi.Name() == "" || strings.HasPrefix(fi.Name(), ".") {
			continue
		}
		e := Entry{Name: fi.Name(), Dir: fi.IsDir()}
		if !e.Dir {
			e.Size = fi.Size()
		}
		entries = append(entries, e)
	}
	// Servers list in any order.
	slices.SortFunc(entries, func(a, b Entry) int { return cmp.Compare(a.Name, b.Name) })
	return entries, nil
}

func (w *WebDAV) Read(ctx context.Context, name string) ([]byte, error) {
	if err := checkTransportName(name, false); err != nil {
		return nil, w.fail("read", name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, w.fail("read", name, err)
	}
	b, err := w.client(ctx).Read(name)
	if err != nil {
		return nil, w.fail("read", name, err)
	}
	return b, nil
}

// Write puts content under a temporary name and moves it into place with
// "Overwrite: F". Servers differ in how they keep that promise, so Write
// does not rely on it alone:
//
//   - It first asks whether name exists, and if so fails without
//     uploading anything. That is the usual case of a repeated sync, and
//     it protects the file on a server that ignores "Overwrite: F" —
//     except from a writer that gets in between the check and the MOVE, a
//     window that only a server honouring the header can close. Two
//     writers of one name write the same bytes in this design (see
//     Folder.Write), so the window costs nothing.
//   - It takes a 412 Precondition Failed as "exists", as RFC 4918 says;
//     after any other failed MOVE it asks whether name now exists (some
//     servers answer 403 or 409 instead) and whether the temporary file
//     is gone (then the MOVE was done and only its answer was lost).
//   - It retries a request that is answered 423 Locked: servers built on
//     golang.org/x/net/webdav (rclone is one) lock a MOVE's or MKCOL's
//     target for the length of the request, so concurrent writers in one
//     collection briefly see each other's locks.
func (w *WebDAV) Write(ctx context.Context, name string, content []byte) error {
	if err := checkTransportName(name, false); err != nil {
		return w.fail("write", name, err)
	}
	if err := ctx.Err(); err != nil {
		return w.fail("write", name, err)
	}
	c := w.client(ctx)
	// The check also makes the first request of a Write a PROPFIND: the
	// very first request of a WebDAV is sent twice while gowebdav learns
	// the server's authentication scheme, harmless for a PROPFIND or a
	// PUT, not for a MOVE.
	switch exists, err := webdavExists(c, name); {
	case err != nil:
		return w.fail("write", name, err)
	case exists:
		return w.fail("write", name, fs.ErrExist)
	}

	tmp := transportTempName(name)
	// gowebdav's Write PUTs first and makes the parent collections only
	// when the server says they are missing: one request as a rule. It
	// makes those below the root only, so a 409 Conflict (or 404) left
	// means the root collection itself is missing: make it and try once
	// more. (Its parent must exist; creating collections further up is
	// more likely to follow a typo than to help.)
	put := func() error { return webdavRetryLocked(ctx, func() error { return c.Write(tmp, content, 0o644) }) }
	err := put()
	if s := webdavStatus(err); s == http.StatusConflict || s == http.StatusNotFound {
		err = webdavRetryLocked(ctx, func() error { return c.Mkdir("", 0o755) })
		if err == nil {
			err = put()
		}
	}
	if err != nil {
		w.removeTemp(ctx, tmp)
		return w.fail("write", name, err)
	}
	err = webdavRetryLocked(ctx, func() error { return c.Rename(tmp, name, false) })
	if err == nil {
		return nil
	}
	if webdavStatus(err) == http.StatusPreconditionFailed {
		w.removeTemp(ctx, tmp)
		return w.fail("write", name, fs.ErrExist)
	}
	if ctx.Err() == nil {
		c := w.client(ctx) // a fresh request budget
		if exists, _ := webdavExists(c, name); exists {
			if tmpExists, err := webdavExists(c, tmp); err == nil && !tmpExists {
				return nil
			}
			w.removeTemp(ctx, tmp)
			return w.fail("write", name, fs.ErrExist)
		}
	}
	w.removeTemp(ctx, tmp)
	return w.fail("write", name, err)
}

// removeTemp deletes a Write's temporary file, also when the Write was
// cancelled, as far as the server can be reached within a short time.
func (w *WebDAV) removeTemp(ctx context.Context, tmp string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	w.client(ctx).Remove(tmp)
}

func webdavExists(c *gowebdav.Client, name string) (bool, error) {
	_, err := c.Stat(name)
	switch {
	case err == nil:
		return true, nil
	case webdavStatus(err) == http.StatusNotFound:
		return false, nil
	}
	return false, err
}

// webdavRetryLocked calls do until it is not answered 423 Locked, for up
// to about three seconds.
func webdavRetryLocked(ctx context.Context, do func() error) error {
	delay := 20 * time.Millisecond
	for try := 1; ; try++ {
		err := do()
		if webdavStatus(err) != http.StatusLocked || try == 8 {
			return err
		}
		t := time.NewTimer(delay/2 + rand.N(delay))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		delay = min(2*delay, time.Second)
	}
}

// webdavStatus is the HTTP status a gowebdav error reports, or 0.
func webdavStatus(err error) int {
	var se gowebdav.StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	return 0
}

// fail is the error for op on name. It names both, and says in words what
// an HTTP status or a network error means. It never shows credentials:
// the URLs it could show have none.
func (w *WebDAV) fail(op, name string, err error) error {
	where := fmt.Sprintf("%s %s in %s", op, transportDisplayName(name), w)
	var ue *url.Error
	if errors.As(err, &ue) {
		// Its text is the method and URL, perhaps of the temporary
		// file, before the cause; where says the same more plainly.
		err = ue.Err
	}
	status := webdavStatus(err)
	why := ""
	switch status {
	case 0:
		if errors.Is(err, syscall.ECONNREFUSED) {
			return fmt.Errorf("%s: %w (is the server running?)", where, syscall.ECONNREFUSED)
		}
		return fmt.Errorf("%s: %w", where, err)
	case http.StatusUnauthorized:
		return fmt.Errorf("%s: %w (401 Unauthorized)", where, ErrWebDAVAuth)
	case http.StatusNotFound:
		return fmt.Errorf("%s: %w", where, fs.ErrNotExist)
	case http.StatusPreconditionFailed:
		return fmt.Errorf("%s: %w", where, fs.ErrExist)
	case http.StatusForbidden:
		why = "the server refused access (check the user's permissions)"
	case http.StatusMethodNotAllowed:
		why = "the server does not allow this here (is the address a WebDAV folder?)"
	case http.StatusRequestEntityTooLarge:
		why = "the server refused a file this large"
	case http.StatusLocked:
		why = "locked by another client"
	case http.StatusInsufficientStorage:
		why = "the server has no space left"
	case http.StatusConflict:
		why = "a parent folder is missing"
	default:
		return fmt.Errorf("%s: the server answered %d %s", where, status, http.StatusText(status))
	}
	return fmt.Errorf("%s: %s (%d %s)", where, why, status, http.StatusText(status))
}
