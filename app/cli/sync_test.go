package cli

import (
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusme/fieldbook/data/card/qr"
)

// TestSyncEndToEnd runs the sync contract as a delegation would: a code
// made on one laptop, typed on two others, a folder between them, a
// conflicting edit reviewed and resolved.
func TestSyncEndToEnd(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	root := filepath.Join(t.TempDir(), "stick")
	mustOK(t, fb(t, a, "demo"))
	code := mustOK(t, fb(t, a, "sync", "key", "new")).lastLine()
	if !strings.HasPrefix(code, "FB-") {
		t.Fatalf("sync key new printed %q last", code)
	}
	shown := mustOK(t, fb(t, a, "sync", "key", "show", "--qr", filepath.Join(a, "key.png")))
	if !strings.Contains(shown.stdout, code) {
		t.Fatalf("sync key show: %s", shown.stdout)
	}
	// The QR code decodes back to the code, so a phone or webcam can take it.
	f, err := os.Open(filepath.Join(a, "key.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	got, err := qr.Decode(context.Background(), img)
	if err != nil || got.Text != code {
		t.Fatalf("the key's QR code decodes to %q (%v)", got.Text, err)
	}
	// Typed loosely on the other laptops.
	mustOK(t, fb(t, b, "sync", "key", "set", strings.ToLower(code)))
	keyFile := filepath.Join(t.TempDir(), "code.txt")
	os.WriteFile(keyFile, []byte(code+"\n"), 0o600)

	out := mustOK(t, fb(t, a, "sync", "--folder", root)).stdout
	if !strings.Contains(out, "sent 128 changes") {
		t.Fatalf("first sync: %s", out)
	}
	mustOK(t, fb(t, b, "sync", "--folder", root))
	mustOK(t, fb(t, c, "sync", "--folder", root, "--key-file", keyFile))
	var stats [3]map[string]int
	for i, d := range []string{a, b, c} {
		json.Unmarshal([]byte(mustOK(t, fb(t, d, "stats", "--json")).stdout), &stats[i])
	}
	// The samples hold one private meeting: it stays on a.
	var meetings []struct {
		Confidentiality string `json:"confidentiality"`
	}
	json.Unmarshal([]byte(mustOK(t, fb(t, a, "list", "meetings", "--json")).stdout), &meetings)
	private := 0
	for _, m := range meetings {
		if m.Confidentiality == "private" {
			private++
		}
	}
	if private == 0 || stats[1]["contact"] != stats[0]["contact"] || stats[0]["contact"] == 0 ||
		stats[1]["meeting"] != stats[0]["meeting"]-private || stats[2]["meeting"] != stats[1]["meeting"] {
		t.Fatalf("stats differ: %v (%d private meetings on a)", stats, private)
	}

	// The same contact's title changed on a and b before either synced.
	var contacts []struct {
		ID string `json:"id"`
	}
	json.Unmarshal([]byte(mustOK(t, fb(t, a, "list", "contacts", "--json")).stdout), &contacts)
	id := contacts[0].ID
	mustOK(t, fb(t, a, "set", id, "title=Директор по закупкам"))
	mustOK(t, fb(t, b, "set", id, "title=Ostujuht"))
	mustOK(t, fb(t, a, "sync")) // the location is remembered
	out = mustOK(t, fb(t, b, "sync")).stdout
	mustOK(t, fb(t, a, "sync"))
	if !strings.Contains(out, "1 new conflicts") && !strings.Contains(mustOK(t, fb(t, a, "conflicts", "list")).stdout, "title") {
		t.Fatalf("no conflict reported: %s", out)
	}
	var list []struct {
		Key   string `json:"key"`
		Field string `json:"field"`
		Label string `json:"label"`
	}
	json.Unmarshal([]byte(mustOK(t, fb(t, a, "conflicts", "list", "--json")).stdout), &list)
	if len(list) != 1 || list[0].Field != "title" || list[0].Label == "" {
		t.Fatalf("conflicts list --json: %+v", list)
	}
	text := mustOK(t, fb(t, a, "conflicts", "list")).stdout
	if !strings.Contains(text, "Директор по закупкам") || !strings.Contains(text, "Ostujuht") {
		t.Fatalf("conflicts list does not show both values:\n%s", text)
	}
	if r := fb(t, a, "conflicts", "resolve", list[0].Key); r.code != 2 {
		t.Fatalf("resolve without a choice: exit %d", r.code)
	}
	mustOK(t, fb(t, a, "conflicts", "resolve", list[0].Key, "--value", "Ostujuht / Директор по закупкам"))
	if r := fb(t, a, "conflicts", "resolve", list[0].Key, "--keep", "mine"); r.code != 1 || !strings.Contains(r.stderr, "no open conflict") {
		t.Fatalf("resolving twice: exit %d %s", r.code, r.stderr)
	}
	mustOK(t, fb(t, a, "sync"))
	mustOK(t, fb(t, b, "sync"))
	mustOK(t, fb(t, c, "sync"))
	for _, d := range []string{a, b, c} {
		var rec map[string]any
		json.Unmarshal([]byte(mustOK(t, fb(t, d, "show", id, "--json")).stdout), &rec)
		if rec["title"] != "Ostujuht / Директор по закупкам" {
			t.Fatalf("title on %s: %v", d, rec["title"])
		}
	}
	st := mustOK(t, fb(t, b, "sync", "status")).stdout
	if !strings.Contains(st, "0 of this device's changes not there yet") || !strings.Contains(st, root) {
		t.Fatalf("sync status:\n%s", st)
	}
}

func TestSyncBadInput(t *testing.T) {
	a := t.TempDir()
	mustOK(t, fb(t, a, "version"))
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"sync"}, 2, "no sync location"},
		{[]string{"sync", "--folder", "/x", "--webdav", "http://y/"}, 2, "not both"},
		{[]string{"sync", "--webdav", "ftp://host/"}, 2, "not an http"},
		{[]string{"sync", "--folder", t.TempDir()}, 2, "no delegation sync key"},
		{[]string{"sync", "key", "set", "short"}, 2, "at least 12 characters"},
		{[]string{"sync", "key", "show"}, 2, "no delegation sync key"},
		{[]string{"conflicts", "resolve", "nope", "--keep", "mine"}, 1, "no open conflict"},
		{[]string{"conflicts", "resolve", "nope", "--keep", "yours"}, 2, "mine or theirs"},
		{[]string{"conflicts"}, 2, "list or resolve"},
	}
	for _, c := range cases {
		r := fb(t, a, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, r.code, r.stderr, c.code, c.want)
		}
	}
	mustOK(t, fb(t, a, "sync", "key", "new"))
	if r := fb(t, a, "sync", "--folder", "/nonexistent-drive/fieldbook"); r.code == 0 || !strings.Contains(r.stderr, "/nonexistent-drive/fieldbook") {
		t.Fatalf("an unplugged drive: exit %d %q", r.code, r.stderr)
	}
}
