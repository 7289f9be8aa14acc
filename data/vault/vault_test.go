package vault

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

var ctx = context.Background()

// testParams keep the key derivation cheap in tests; BenchmarkUnlock
// measures the real DefaultParams.
var testParams = Params{Time: 1, MemoryKiB: 1024, Threads: 1}

func TestMain(m *testing.M) {
	DefaultParams = testParams
	BackupWorkFactor = 10
	os.Exit(m.Run())
}

var (
	pass1 = []byte("correct horse battery staple")
	pass2 = []byte("Tõnu ütles: пароль 2026!")
)

// dirDigest hashes every file's name and content.
func dirDigest(t testing.TB, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintln(h, strings.TrimPrefix(p, dir), len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func filesContaining(t testing.TB, dir string, needles ...string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		for _, n := range needles {
			if bytes.Contains(b, []byte(n)) {
				out = append(out, strings.TrimPrefix(p, dir)+": "+n)
			}
		}
		return nil
	})
	return out
}

// world is a small store: an organization, two contacts with names that
// must not be readable once encrypted, a meeting and a blob.
type world struct {
	org      *data.Organization
	latin    *data.Contact
	cyrillic *data.Contact
	meeting  *data.Meeting
	blob     string
}

var secrets = []string{"Zyxwvutsrq", "Qodirov", "Ҳамроқулова", "Дилфуза", "zyxwvutsrq", "qodirov"}

func makeWorld(t testing.TB, s *store.Store) world {
	t.Helper()
	w := world{org: &data.Organization{Name: "Toshkent Suv Ta'minoti", OrgKind: data.OrgHost, Country: "UZ"}}
	if err := s.Create(ctx, w.org); err != nil {
		t.Fatal(err)
	}
	w.latin = &data.Contact{GivenName: "Zyxwvutsrq", FamilyName: "Qodirov", Org: w.org.ID}
	w.cyrillic = &data.Contact{GivenName: "Дилфуза", FamilyName: "Ҳамроқулова", Org: w.org.ID, Notes: "Zyxwvutsrq Qodirov's deputy"}
	for _, c := range []*data.Contact{w.latin, w.cyrillic} {
		if err := s.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	mission := &data.Mission{Name: "Cleantech Tashkent", Country: "UZ", Start: "2026-05-18", End: "2026-05-22", TimeZone: "Asia/Tashkent"}
	if err := s.Create(ctx, mission); err != nil {
		t.Fatal(err)
	}
	w.meeting = &data.Meeting{Mission: mission.ID, Title: "Metering pilot", Start: time.Date(2026, 5, 19, 4, 30, 0, 0, time.UTC),
		TimeZone: "Asia/Tashkent", Attendees: []data.ID{w.latin.ID, w.cyrillic.ID}, Notes: "2000 smart meters"}
	if err := s.Create(ctx, w.meeting); err != nil {
		t.Fatal(err)
	}
	var err error
	if w.blob, err = s.PutBlob(ctx, []byte("card photo: Zyxwvutsrq Qodirov")); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w world) check(t testing.TB, s *store.Store) {
	t.Helper()
	c, err := store.Load[*data.Contact](ctx, s, w.cyrillic.ID)
	if err != nil || c.FamilyName != "Ҳамроқулова" || c.Org != w.org.ID {
		t.Fatalf("contact: %+v %v", c, err)
	}
	m, err := store.Load[*data.Meeting](ctx, s, w.meeting.ID)
	if err != nil || len(m.Attendees) != 2 {
		t.Fatalf("meeting: %+v %v", m, err)
	}
	if b, err := s.Blob(ctx, w.blob); err != nil || !bytes.Contains(b, []byte("Qodirov")) {
		t.Fatalf("blob: %q %v", b, err)
	}
	if hits, err := s.Search(ctx, "хамрокулова", 5); err != nil || len(hits) != 1 {
		t.Fatalf("search: %v %v", hits, err)
	}
}

func newPlainStore(t testing.TB) (string, world) {
	t.Helper()
	dir := t.TempDir()
	s, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := makeWorld(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, w
}

func TestPassphraseLifecycle(t *testing.T) {
	dir, w := newPlainStore(t)
	if enc, err := Encrypted(dir); err != nil || enc {
		t.Fatalf("plain store: %v %v", enc, err)
	}
	if _, err := Open(ctx, dir, pass1, store.Options{}); !errors.Is(err, data.ErrInvalid) || !strings.Contains(err.Error(), "not encrypted") {
		t.Fatalf("passphrase for a plain store: %v", err)
	}
	if err := SetPassphrase(ctx, dir, nil); !errors.Is(err, data.ErrInvalid) {
		t.Fatalf("empty passphrase: %v", err)
	}

	// Encrypt.
	if err := SetPassphrase(ctx, dir, pass1); err != nil {
		t.Fatal(err)
	}
	if enc, err := Encrypted(dir); err != nil || !enc {
		t.Fatalf("after set: %v %v", enc, err)
	}
	if err := SetPassphrase(ctx, dir, pass2); !errors.Is(err, data.ErrInvalid) {
		t.Fatalf("set twice: %v", err)
	}
	if hits := filesContaining(t, dir, secrets...); len(hits) > 0 {
		t.Fatalf("plaintext in the encrypted store: %v", hits)
	}
	var kr keyringFile
	b, _ := os.ReadFile(filepath.Join(dir, store.KeyringFile))
	if err := json.Unmarshal(b, &kr); err != nil || kr.KDF != "argon2id" || kr.Version != 1 || kr.Time != testParams.Time ||
		kr.MemoryKiB != testParams.MemoryKiB || kr.Threads != testParams.Threads {
		t.Fatalf("keyring: %s", b)
	}

	// A wrong passphrase is refused and touches nothing; so is none.
	before := dirDigest(t, dir)
	if _, err := Open(ctx, dir, []byte("wrong"), store.Options{}); !errors.Is(err, data.ErrLocked) || err.Error() != "wrong passphrase" {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if _, err := Unlock(dir, []byte("wrong")); !errors.Is(err, data.ErrLocked) {
		t.Fatalf("unlock with a wrong passphrase: %v", err)
	}
	if _, err := Open(ctx, dir, nil, store.Options{}); !errors.Is(err, data.ErrLocked) {
		t.Fatalf("no passphrase: %v", err)
	}
	if err := RemovePassphrase(ctx, dir, []byte("wrong")); !errors.Is(err, data.ErrLocked) {
		t.Fatalf("remove with a wrong passphrase: %v", err)
	}
	if err := ChangePassphrase(dir, []byte("wrong"), pass2); !errors.Is(err, data.ErrLocked) {
		t.Fatalf("change with a wrong passphrase: %v", err)
	}
	if dirDigest(t, dir) != before {
		t.Fatal("a refused passphrase changed the data directory")
	}

	s, err := Open(ctx, dir, pass1, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.check(t, s)
	// New writes are encrypted too, even in the open store's log.
	extra := &data.Contact{GivenName: "Zyxwvutsrq", FamilyName: "Qodirov Jr"}
	if err := s.Create(ctx, extra); err != nil {
		t.Fatal(err)
	}
	if hits := filesContaining(t, dir, secrets...); len(hits) > 0 {
		t.Fatalf("plaintext in the open encrypted store: %v", hits)
	}
	// The passphrase can change while the store is open.
	if err := ChangePassphrase(dir, pass1, pass2); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Only the keyring is rewritten (here: the same passphrase, a fresh
	// salt), never the data.
	dbBefore := dirDigest(t, filepath.Join(dir, "db"))
	krBefore, _ := os.ReadFile(filepath.Join(dir, store.KeyringFile))
	if err := ChangePassphrase(dir, pass2, pass2); err != nil {
		t.Fatal(err)
	}
	krAfter, _ := os.ReadFile(filepath.Join(dir, store.KeyringFile))
	if dirDigest(t, filepath.Join(dir, "db")) != dbBefore || bytes.Equal(krBefore, krAfter) {
		t.Fatal("changing the passphrase must rewrite the keyring and only the keyring")
	}
	if _, err := Unlock(dir, pass1); !errors.Is(err, data.ErrLocked) {
		t.Fatalf("old passphrase after change: %v", err)
	}
	s, err = Open(ctx, dir, pass2, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.check(t, s)
	s.Close()

	// Decrypt.
	if err := RemovePassphrase(ctx, dir, pass2); err != nil {
		t.Fatal(err)
	}
	if enc, err := Encrypted(dir); err != nil || enc {
		t.Fatalf("after remove: %v %v", enc, err)
	}
	if _, err := os.Stat(filepath.Join(dir, store.KeyringFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("keyring left after remove: %v", err)
	}
	s, err = Open(ctx, dir, nil, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w.check(t, s)
	if _, err := store.Load[*data.Contact](ctx, s, extra.ID); err != nil {
		t.Fatal(err)
	}
}

func TestSetPassphraseOnNewDirAndOpenStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fresh")
	if err := SetPassphrase(ctx, dir, pass1); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, dir, pass1, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Empty(ctx) || !s.Encrypted() {
		t.Fatal("a new encrypted store should be empty and encrypted")
	}
	// While it is open, conversions are refused.
	if err := RemovePassphrase(ctx, dir, pass1); !errors.Is(err, data.ErrInUse) {
		t.Fatalf("remove while open: %v", err)
	}
	s.Close()
}

func TestDamagedKeyring(t *testing.T) {
	dir, _ := newPlainStore(t)
	if err := SetPassphrase(ctx, dir, pass1); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, store.KeyringFile)
	good, _ := os.ReadFile(path)
	var kr keyringFile
	json.Unmarshal(good, &kr)
	edit := func(f func(k *keyringFile), fixCheck bool) []byte {
		k := kr
		f(&k)
		if fixCheck {
			k.Check = k.checksum()
		}
		b, _ := json.Marshal(k)
		return b
	}
	cases := []struct {
		name    string
		content []byte
		locked  bool // reads as a wrong passphrase (ErrLocked), not damage
		msg     string
	}{
		{"not json", []byte("{\"version\":1,"), false, "damaged"},
		{"flipped wrapped key", edit(func(k *keyringFile) { k.Wrapped = "A" + k.Wrapped[1:] }, false), false, "checksum"},
		{"flipped salt", edit(func(k *keyringFile) { k.Salt = "A" + k.Salt[1:] }, false), false, "checksum"},
		{"unknown kdf", edit(func(k *keyringFile) { k.KDF = "pbkdf2" }, true), false, "unknown key derivation"},
		{"huge memory", edit(func(k *keyringFile) { k.MemoryKiB = 1 << 30 }, true), false, "out of range"},
		{"newer version", edit(func(k *keyringFile) { k.Version = 2 }, true), false, "newer Fieldbook"},
		// A downgraded parameter with a recomputed checksum: the AEAD's
		// additional data catches it — it does not unlock.
		{"downgraded time", edit(func(k *keyringFile) { k.Time = 1; k.MemoryKiB = 8 }, true), true, "wrong passphrase"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			os.WriteFile(path, c.content, 0o600)
			_, err := Unlock(dir, pass1)
			if err == nil || !strings.Contains(err.Error(), c.msg) || errors.Is(err, data.ErrLocked) != c.locked {
				t.Fatalf("got %v, want %q (locked=%v)", err, c.msg, c.locked)
			}
		})
	}
	os.Remove(path)
	if _, err := Unlock(dir, pass1); err == nil || !strings.Contains(err.Error(), "keyring keyring.json is missing") {
		t.Fatalf("missing keyring: %v", err)
	}
	if _, err := Encrypted(dir); err == nil {
		t.Fatal("Encrypted should report the missing keyring")
	}
	os.WriteFile(path, good, 0o600)
	if _, err := Unlock(dir, pass1); err != nil {
		t.Fatal(err)
	}
}

func TestReadPassphraseFile(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		"plain":      "secret",
		"newline":    "secret\n",
		"crlf":       "secret\r\n",
		"two":        "secret\n\n",
		"spaces":     "  secret  \n",
		"empty":      "",
		"only nl":    "\n",
		"only crlf":  "\r\n",
		"cyrillic":   "пароль\n",
		"inner line": "a\nb\n",
	}
	want := map[string]string{
		"plain": "secret", "newline": "secret", "crlf": "secret", "two": "secret\n", "spaces": "  secret  ",
		"cyrillic": "пароль", "inner line": "a\nb",
	}
	for name, content := range cases {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		got, err := ReadPassphraseFile(p)
		if w, ok := want[name]; ok {
			if err != nil || string(got) != w {
				t.Errorf("%s: %q %v, want %q", name, got, err, w)
			}
		} else if !errors.Is(err, data.ErrInvalid) {
			t.Errorf("%s: want an error for an empty passphrase, got %q %v", name, got, err)
		}
	}
	if _, err := ReadPassphraseFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file")
	}
}

func TestEraseThroughVault(t *testing.T) {
	dir, w := newPlainStore(t)
	if err := SetPassphrase(ctx, dir, pass1); err != nil {
		t.Fatal(err)
	}
	if err := Erase(ctx, dir, []byte("wrong"), w.latin.ID); !errors.Is(err, data.ErrLocked) {
		t.Fatalf("erase with a wrong passphrase: %v", err)
	}
	if err := Erase(ctx, dir, pass1, w.latin.ID); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, dir, pass1, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Get(ctx, w.latin.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("erased contact: %v", err)
	}
	if hits, _ := s.Search(ctx, "zyxwvutsrq", 5); len(hits) != 1 || hits[0].ID != w.cyrillic.ID {
		// Only the other contact's notes still mention the name: erase
		// does not edit what other records say.
		t.Fatalf("search after erase: %v", hits)
	}
}
