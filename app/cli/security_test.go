package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writePass(t *testing.T, dir, name, pass string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPassphraseBackupRestoreErase(t *testing.T) {
	dir := t.TempDir()
	keys := t.TempDir()
	pw := writePass(t, keys, "pw", "kolm väikest põrsast")
	pw2 := writePass(t, keys, "pw2", "три поросёнка")
	wrong := writePass(t, keys, "wrong", "nope nope")
	mustOK(t, fb(t, dir, "demo"))
	id := strings.Fields(mustOK(t, fb(t, dir, "add", "contact", "--given", "Erkki", "--family", "Ylönen-Qodirov", "--email", "erkki@example.fi")).lastLine())[0]

	mustOK(t, fb(t, dir, "passphrase", "set", "--new-passphrase-file", pw))
	if r := fb(t, dir, "stats"); r.code != 1 || !strings.Contains(r.stderr, "--passphrase-file") {
		t.Fatalf("locked store without a passphrase: exit %d %q", r.code, r.stderr)
	}
	if r := fb(t, dir, "--passphrase-file", wrong, "stats"); r.code != 1 || !strings.Contains(r.stderr, "wrong passphrase") {
		t.Fatalf("wrong passphrase: exit %d %q", r.code, r.stderr)
	}
	// The environment variable works like the flag.
	t.Setenv(passphraseEnv, pw)
	if r := mustOK(t, fb(t, dir, "show", id, "--json")); !strings.Contains(r.stdout, "Ylönen-Qodirov") {
		t.Fatalf("show after encryption: %s", r.stdout)
	}
	t.Setenv(passphraseEnv, "")

	mustOK(t, fb(t, dir, "--passphrase-file", pw, "passphrase", "change", "--new-passphrase-file", pw2))
	if r := fb(t, dir, "--passphrase-file", pw, "stats"); r.code != 1 {
		t.Fatalf("old passphrase still opens the store after change: %q", r.stdout)
	}
	mustOK(t, fb(t, dir, "--passphrase-file", pw2, "stats"))

	// Backup needs a passphrase, and restores only with it, into an empty
	// directory.
	bk := filepath.Join(t.TempDir(), "trip.fbk")
	if r := fb(t, dir, "backup", "--out", bk); r.code == 0 {
		t.Fatal("backup without a passphrase succeeded")
	}
	mustOK(t, fb(t, dir, "--passphrase-file", pw2, "backup", "--out", bk))
	if r := fb(t, t.TempDir(), "--passphrase-file", wrong, "restore", bk); r.code == 0 || !strings.Contains(r.stderr, "passphrase") {
		t.Fatalf("restore with the wrong passphrase: exit %d %q", r.code, r.stderr)
	}
	if r := fb(t, dir, "--passphrase-file", pw2, "restore", bk); r.code == 0 {
		t.Fatal("restore over an existing store succeeded")
	}
	restored := filepath.Join(t.TempDir(), "restored")
	r := mustOK(t, fb(t, restored, "--passphrase-file", pw2, "restore", bk, "--plaintext"))
	if !strings.Contains(r.stdout, "not encrypted") {
		t.Fatalf("restore: %q", r.stdout)
	}
	var stats map[string]int
	json.Unmarshal([]byte(mustOK(t, fb(t, restored, "stats", "--json")).stdout), &stats)
	if stats["contact"] != 43 || stats["meeting"] != 28 {
		t.Fatalf("restored %v", stats)
	}

	// Erase removes the person; the record is gone, search finds nothing.
	mustOK(t, fb(t, dir, "--passphrase-file", pw2, "erase", id))
	if r := fb(t, dir, "--passphrase-file", pw2, "show", id); r.code == 0 {
		t.Fatalf("erased contact still shows: %s", r.stdout)
	}
	if hits := mustOK(t, fb(t, dir, "--passphrase-file", pw2, "search", "ylonen-qodirov")).stdout; strings.Contains(hits, id) {
		t.Fatalf("erased contact found: %s", hits)
	}

	mustOK(t, fb(t, dir, "--passphrase-file", pw2, "passphrase", "remove"))
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "stats", "--json")).stdout), &stats)
	if stats["contact"] != 42 {
		t.Fatalf("after decrypting: %v", stats)
	}
	if r := fb(t, dir, "--passphrase-file", pw2, "stats"); r.code != 2 || !strings.Contains(r.stderr, "not encrypted") {
		t.Fatalf("passphrase for a plaintext store: exit %d %q", r.code, r.stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"passphrase"}, "set, change or remove"},
		{[]string{"passphrase", "change", "--new-passphrase-file", pw}, "current passphrase"},
		{[]string{"erase"}, "one record ID"},
		{[]string{"restore"}, "one backup file"},
		{[]string{"--passphrase-file", filepath.Join(keys, "missing"), "stats"}, "passphrase"},
	} {
		if r := fb(t, dir, c.args...); r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d %q, want 2 mentioning %q", c.args, r.code, r.stderr, c.want)
		}
	}
}
