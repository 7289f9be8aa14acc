package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/webdav"
)

func davServer(t *testing.T, seen *[]string, mu *sync.Mutex) *httptest.Server {
	h := &webdav.Handler{FileSystem: webdav.NewMemFS(), LockSystem: webdav.NewMemLS()}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok {
			w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
			http.Error(w, "auth", http.StatusUnauthorized)
			return
		}
		mu.Lock()
		*seen = append(*seen, u+":"+p)
		mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A password stays with the server and user it was given for: switching
// the remembered WebDAV location to another server without one does not
// send it there. Credentials in a URL are taken out of it, so sync status
// never prints them. And a sync through a real WebDAV server (x/net/webdav
// in-process) carries records.
func TestWebDAVPasswordsStayWithTheirServer(t *testing.T) {
	a := t.TempDir()
	mustOK(t, fb(t, a, "sync", "key", "new"))
	var mu sync.Mutex
	var seen1, seen2 []string
	s1 := davServer(t, &seen1, &mu)
	s2 := davServer(t, &seen2, &mu)
	pf := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pf, []byte("office-secret-PW\n"), 0o600)
	mustOK(t, fb(t, a, "sync", "--webdav", s1.URL+"/fb", "--user", "anna", "--password-file", pf))
	fb(t, a, "sync", "--webdav", s2.URL+"/fb", "--user", "stranger")
	mu.Lock()
	got2 := append([]string(nil), seen2...)
	mu.Unlock()
	for _, c := range got2 {
		if strings.Contains(c, "office-secret-PW") {
			t.Errorf("the second server received the first server's password (%q)", c)
			break
		}
	}

	b := t.TempDir()
	mustOK(t, fb(t, b, "sync", "key", "new"))
	mustOK(t, fb(t, b, "sync", "--webdav", strings.Replace(s1.URL, "http://", "http://anna:office-secret-PW@", 1)+"/fb"))
	if st := mustOK(t, fb(t, b, "sync", "status")).stdout; strings.Contains(st, "office-secret-PW") || !strings.Contains(st, s1.URL+"/fb") {
		t.Errorf("sync status prints the password, or not the place:\n%s", st)
	}
	if st := mustOK(t, fb(t, b, "sync", "status", "--json")).stdout; strings.Contains(st, "office-secret-PW") {
		t.Errorf("sync status --json prints the password:\n%s", st)
	}
	// a's records (none yet but the samples') reach b through the server.
	mustOK(t, fb(t, a, "demo"))
	code := strings.TrimSpace(strings.Split(mustOK(t, fb(t, a, "sync", "key", "show")).stdout, "\n")[0])
	mustOK(t, fb(t, b, "sync", "key", "set", code))
	mustOK(t, fb(t, a, "sync", "--webdav", s1.URL+"/fb", "--user", "anna", "--password-file", pf))
	out := mustOK(t, fb(t, b, "sync")).stdout
	if !strings.Contains(out, "128 new records") {
		t.Errorf("b through WebDAV: %s", out)
	}
}
