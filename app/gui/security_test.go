package gui

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
	"github.com/clusme/fieldbook/data/vault"
)

func TestEncryptLockUnlockFromTheWindow(t *testing.T) {
	dir := seeded(t)
	w := newTestWindow(t, dir)
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 })

	// Too short, then mismatched: refused before anything is touched.
	var got error
	done := false
	w.changePassphraseDone("set", nil, []byte("short"), []byte("short"), func(err error) { got, done = err, true })
	if !done || got == nil {
		t.Fatal("a short passphrase was accepted")
	}
	done = false
	w.changePassphraseDone("set", nil, []byte("kolm väikest põrsast"), []byte("kolm väikest põrsast"), func(err error) { got, done = err, true })
	waitFor(t, "the encryption", func() bool { return done })
	if got != nil {
		t.Fatal(got)
	}
	if enc, _ := vault.Encrypted(dir); !enc || !w.sec.encrypted {
		t.Fatal("the store is not encrypted after setting a passphrase")
	}
	waitFor(t, "the reload", func() bool { return w.st != nil && len(w.missions) == 2 })

	// Lock: the data leaves the window, only the unlock screen is left.
	w.lock()
	if w.st != nil || len(w.missions) != 0 || w.unlockEntry == nil {
		t.Fatalf("after lock: store %v, %d missions", w.st, len(w.missions))
	}
	if shown := texts(w.body); !strings.Contains(shown, "Fieldbook is locked") || strings.Contains(shown, "Tashkent") {
		t.Fatalf("lock screen shows:\n%s", shown)
	}
	test.Type(w.unlockEntry, "wrong passphrase")
	w.unlockEntry.OnSubmitted(w.unlockEntry.Text)
	waitFor(t, "the refusal", func() bool { return strings.Contains(texts(w.body), "Wrong passphrase") })
	if w.st != nil {
		t.Fatal("a wrong passphrase opened the store")
	}
	test.Type(w.unlockEntry, "kolm väikest põrsast")
	w.unlockEntry.OnSubmitted(w.unlockEntry.Text)
	waitFor(t, "the unlock", func() bool { return w.st != nil && len(w.missions) == 2 })

	// Remove the passphrase again: the store opens without one.
	done = false
	w.changePassphraseDone("remove", []byte("kolm väikest põrsast"), nil, nil, func(err error) { got, done = err, true })
	waitFor(t, "the decryption", func() bool { return done })
	if got != nil {
		t.Fatal(got)
	}
	if enc, _ := vault.Encrypted(dir); enc {
		t.Fatal("still encrypted after removing the passphrase")
	}
	waitFor(t, "the reload", func() bool { return w.st != nil && len(w.missions) == 2 })
	if n := w.st.Stats(context.Background()); n["meeting"] != 28 {
		t.Fatalf("after decrypting: %v", n)
	}
}

func TestEncryptedStoreStartsOnTheUnlockScreen(t *testing.T) {
	dir := seeded(t)
	if err := vault.SetPassphrase(context.Background(), dir, []byte("üks kaks kolm neli")); err != nil {
		t.Fatal(err)
	}
	w := newTestWindow(t, dir)
	waitFor(t, "the unlock screen", func() bool { return w.unlockEntry != nil })
	if w.st != nil || !w.sec.locked {
		t.Fatal("an encrypted store opened without its passphrase")
	}
	if menu := w.win.MainMenu(); len(menu.Items[3].Items) == 0 || menu.Items[3].Items[0].Label != "Lock now" {
		t.Errorf("security menu of an encrypted store starts with %q", menu.Items[3].Items[0].Label)
	}
	test.Type(w.unlockEntry, "üks kaks kolm neli")
	w.unlockEntry.OnSubmitted(w.unlockEntry.Text)
	waitFor(t, "the unlock", func() bool { return w.st != nil && len(w.missions) == 2 })
}

func TestRestoreIntoTheEmptyNotebook(t *testing.T) {
	ctx := context.Background()
	src, err := store.Open(ctx, seeded(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var backup bytes.Buffer
	if err := vault.Backup(ctx, src, &backup, []byte("varmuus kopio 2026")); err != nil {
		t.Fatal(err)
	}
	src.Close()

	dir := filepath.Join(t.TempDir(), "notebook")
	w := newTestWindow(t, dir)
	waitFor(t, "the empty notebook", func() bool { return w.st != nil })
	var got error
	done := false
	w.restore(io.NopCloser(bytes.NewReader(backup.Bytes())), []byte("wrong passphrase"), true, func(err error) { got, done = err, true })
	waitFor(t, "the refused restore", func() bool { return done })
	if got == nil || w.st == nil || w.st.Stats(ctx)[data.KindMission] != 0 {
		t.Fatalf("wrong passphrase: %v; the empty notebook must be back", got)
	}
	done = false
	w.restore(io.NopCloser(bytes.NewReader(backup.Bytes())), []byte("varmuus kopio 2026"), true, func(err error) { got, done = err, true })
	waitFor(t, "the restore", func() bool { return done })
	if got != nil {
		t.Fatal(got)
	}
	waitFor(t, "the restored missions", func() bool { return len(w.missions) == 2 })
	if enc, _ := vault.Encrypted(dir); !enc || !w.sec.encrypted {
		t.Error("the restored notebook is not encrypted")
	}
	if leftovers, _ := filepath.Glob(dir + ".before-restore-*"); len(leftovers) != 0 {
		t.Errorf("left behind: %v", leftovers)
	}
	// A notebook with records is never overwritten.
	done = false
	w.restore(io.NopCloser(bytes.NewReader(backup.Bytes())), []byte("varmuus kopio 2026"), true, func(err error) { got, done = err, true })
	waitFor(t, "the refusal", func() bool { return done })
	if got == nil || w.st == nil || w.st.Stats(ctx)[data.KindMission] != 2 {
		t.Fatalf("restore over records: %v", got)
	}
}

// Locking while work is in flight: nothing comes back onto the locked
// window, and nothing crashes on the closed store.
func TestLockWhileWorkIsInFlight(t *testing.T) {
	dir := seeded(t)
	if err := vault.SetPassphrase(context.Background(), dir, []byte("üks kaks kolm neli")); err != nil {
		t.Fatal(err)
	}
	w := newTestWindow(t, dir)
	waitFor(t, "the unlock screen", func() bool { return w.unlockEntry != nil })
	test.Type(w.unlockEntry, "üks kaks kolm neli")
	w.unlockEntry.OnSubmitted(w.unlockEntry.Text)
	waitFor(t, "the unlock", func() bool { return w.st != nil && len(w.missions) == 2 })

	path := filepath.Join(t.TempDir(), "card.vcf")
	os.WriteFile(path, []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Late Card\r\nEND:VCARD\r\n"), 0o644)
	c := w.captureCard()
	f, _ := os.Open(path)
	c.readFrom("card.vcf", f)
	w.reload()
	w.lock()
	waitFor(t, "the queued updates", func() bool { return true })
	if w.st != nil || len(w.missions) != 0 || !strings.Contains(texts(w.body), "Fieldbook is locked") {
		t.Fatalf("after lock with work in flight: store %v, %d missions, screen:\n%s", w.st, len(w.missions), texts(w.body))
	}
}

func TestRestoreKeepsMyCard(t *testing.T) {
	ctx := context.Background()
	src, err := store.Open(ctx, seeded(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var backup bytes.Buffer
	if err := vault.Backup(ctx, src, &backup, []byte("varmuus kopio 2026")); err != nil {
		t.Fatal(err)
	}
	src.Close()
	w := newTestWindow(t, filepath.Join(t.TempDir(), "nb"))
	waitFor(t, "the empty notebook", func() bool { return w.st != nil })
	if err := w.st.SetProfile(ctx, data.Profile{GivenName: "Kadri", FamilyName: "Tamm"}); err != nil {
		t.Fatal(err)
	}
	var got error
	done := false
	w.restore(io.NopCloser(bytes.NewReader(backup.Bytes())), []byte("varmuus kopio 2026"), false, func(err error) { got, done = err, true })
	waitFor(t, "the refusal", func() bool { return done })
	if got == nil || w.st == nil {
		t.Fatalf("restore over my card: %v", got)
	}
	if p, _ := w.st.Profile(ctx); p.GivenName != "Kadri" {
		t.Fatalf("my card after the refused restore: %+v", p)
	}
}
