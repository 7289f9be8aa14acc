package gui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/card/qr"
	"github.com/clusme/fieldbook/data/replica"
	"github.com/clusme/fieldbook/data/store"
)

// syncWindow opens a window on the sample data and waits for it.
func syncWindow(t *testing.T) *mainWindow {
	t.Helper()
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 })
	return w
}

// showSync shows Settings and waits for its sync section.
func showSync(t *testing.T, w *mainWindow) *syncSettings {
	t.Helper()
	s := showSettings(t, w).sync
	waitFor(t, "the sync section", func() bool { return s.loaded })
	return s
}

// peer is a second delegate's store (no window), in a temp directory.
func peer(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// syncPeer syncs st with the folder the way the command line does.
func syncPeer(t *testing.T, st *store.Store, dir string, key replica.Key, opt replica.Options) *replica.Report {
	t.Helper()
	tr, err := replica.Open(context.Background(), dir, "", "")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := replica.Sync(context.Background(), st, tr, key, opt)
	if err != nil {
		t.Fatalf("peer sync: %v", err)
	}
	return rep
}

// tapSync taps the top bar's Sync button and waits for the sync to end.
func tapSync(t *testing.T, w *mainWindow) *replica.Report {
	t.Helper()
	w.sync.lastReport, w.sync.lastErr = nil, nil
	test.Tap(w.sync.btn)
	waitFor(t, "the sync to end", func() bool {
		return w.sync.running == nil && (w.sync.lastReport != nil || w.sync.lastErr != nil)
	})
	return w.sync.lastReport
}

// closeDialog taps the top dialog's button with text.
func closeDialog(t *testing.T, w *mainWindow, text string) {
	t.Helper()
	b := dialogButton(w, text)
	if b == nil {
		t.Fatalf("no %q button in the dialog: %s", text, dialogText(w))
	}
	test.Tap(b)
}

func config(t *testing.T, st *store.Store) replica.Config {
	t.Helper()
	cfg, err := replica.LoadConfig(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// shared counts the records of kind k that are not private.
func shared(t *testing.T, st *store.Store, k data.Kind) int {
	t.Helper()
	recs, err := st.List(context.Background(), store.Query{Kind: k})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if r.Meta().Confidentiality != data.Private {
			n++
		}
	}
	return n
}

func contactTitle(t *testing.T, st *store.Store, id data.ID) string {
	t.Helper()
	r, err := st.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r.(*data.Contact).Title
}

func setContactTitle(t *testing.T, st *store.Store, id data.ID, title string) {
	t.Helper()
	r, err := st.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	r.(*data.Contact).Title = title
	if err := st.Update(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

// Two delegates sync through a folder: A sets it up in Settings by typing
// (a new delegation code), syncs with the button; B takes the same code
// and gets A's records; a title both change becomes a conflict in A,
// which is resolved by taking the other value (A's own), and travels back to B.
func TestSyncTwoDelegatesThroughAFolder(t *testing.T) {
	ctx := context.Background()
	w := syncWindow(t)
	dir := t.TempDir()

	// The Sync button and File ▸ Sync now (Ctrl+Shift+S).
	if w.sync.btn.Text != "Sync" {
		t.Errorf("the Sync button says %q", w.sync.btn.Text)
	}
	var menuItem *fyne.MenuItem
	for _, it := range w.win.MainMenu().Items[0].Items {
		if it.Label == "Sync now" {
			menuItem = it
		}
	}
	if menuItem == nil || menuItem.Shortcut == nil || menuItem.Shortcut.ShortcutName() != syncShortcut.ShortcutName() ||
		!strings.Contains(menuItem.Shortcut.ShortcutName(), "Shift") {
		t.Fatalf("File menu has no Sync now with Ctrl+Shift+S: %+v", menuItem)
	}

	// Settings ▸ Sync: the folder typed, saved; a new delegation code.
	s := showSync(t, w)
	if !s.folderBox.Visible() || s.webdavBox.Visible() {
		t.Error("the folder is not the location offered first")
	}
	test.Type(s.folder, dir)
	test.Tap(s.save)
	waitFor(t, "the location saved", func() bool { return config(t, w.st).Location == dir })
	if !strings.Contains(s.msg.Text, dir) {
		t.Errorf("message after saving: %q", s.msg.Text)
	}
	test.Tap(s.newCode)
	waitFor(t, "the new code", func() bool { return config(t, w.st).Code != "" && strings.Contains(dialogText(w), "Fingerprint") })
	cfgA := config(t, w.st)
	code := cfgA.Code
	if !replica.IsCode(code) || cfgA.Location != dir || cfgA.Secret == "" {
		t.Fatalf("config after a new code: %+v", cfgA)
	}
	keyA, err := cfgA.Key()
	if err != nil {
		t.Fatal(err)
	}
	// The dialog shows the code large, as a QR code that reads back,
	// and the fingerprint.
	var shown string
	var pic *canvas.Image
	walk(topDialog(w), func(o fyne.CanvasObject) bool {
		if tx, ok := o.(*canvas.Text); ok && strings.HasPrefix(tx.Text, "FB-") {
			shown = tx.Text
		}
		if im, ok := o.(*canvas.Image); ok && im.Image != nil {
			pic = im
		}
		return false
	})
	if shown != code || pic == nil {
		t.Fatalf("the dialog shows %q (want %q) and picture %v", shown, code, pic != nil)
	}
	if r, err := qr.Decode(ctx, pic.Image); err != nil || r.Text != code {
		t.Fatalf("the QR code reads %q, %v", r.Text, err)
	}
	if !strings.Contains(dialogText(w), keyA.Fingerprint()) {
		t.Errorf("the fingerprint %s is not shown: %s", keyA.Fingerprint(), dialogText(w))
	}
	closeDialog(t, w, i18n.T("action.close"))
	waitFor(t, "the key shown in Settings", func() bool { return strings.Contains(s.keyInfo.Text, keyA.Fingerprint()) })

	// Sync with the top bar's button: a summary in words; the folder
	// holds A's log, encrypted.
	rep := tapSync(t, w)
	if rep == nil || w.sync.lastErr != nil {
		t.Fatalf("sync failed: %v", w.sync.lastErr)
	}
	if rep.Pushed == 0 || !strings.Contains(dialogText(w), fmt.Sprintf("Changes sent: %d", rep.Pushed)) {
		t.Errorf("pushed %d; summary: %s", rep.Pushed, dialogText(w))
	}
	if !strings.Contains(dialogText(w), "No other device has synced here yet") {
		t.Errorf("summary: %s", dialogText(w))
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "log", string(w.st.Device()), "*.seg"))
	if len(segs) == 0 {
		t.Fatalf("no segment in %s", dir)
	}
	contacts, err := w.st.List(ctx, store.Query{Kind: data.KindContact})
	if err != nil || len(contacts) == 0 {
		t.Fatal(err)
	}
	var someone *data.Contact
	for _, r := range contacts {
		if c := r.(*data.Contact); c.Confidentiality != data.Private && someone == nil {
			someone = c
		}
	}
	for _, seg := range segs {
		b, _ := os.ReadFile(seg)
		if bytes.Contains(b, []byte(someone.FamilyName)) {
			t.Fatalf("%s holds %q in the clear", seg, someone.FamilyName)
		}
	}
	closeDialog(t, w, i18n.T("action.close"))
	waitFor(t, "the button to say synced", func() bool { return strings.HasPrefix(w.sync.btn.Text, "Synced ") })
	waitFor(t, "the status in Settings", func() bool { return containsText(s.status, "Last synced") })

	// B types the same code (any case and spacing): the same key, and
	// A's records.
	b := peer(t)
	keyB, err := replica.KeyFromSecret(strings.ToLower(strings.ReplaceAll(code, "-", " ")))
	if err != nil || keyB.Fingerprint() != keyA.Fingerprint() {
		t.Fatalf("B's key %v: fingerprint %s, A's %s", err, keyB.Fingerprint(), keyA.Fingerprint())
	}
	if err := replica.SaveConfig(ctx, b, replica.Config{Location: dir, Secret: keyB.Secret(), Code: code}); err != nil {
		t.Fatal(err)
	}
	syncPeer(t, b, dir, keyB, replica.Options{})
	for _, k := range []data.Kind{data.KindMission, data.KindOrg, data.KindContact, data.KindMeeting, data.KindFollowUp} {
		// Private records stay on A.
		if a, b := shared(t, w.st, k), shared(t, b, k); a != b || a == 0 {
			t.Errorf("%s: A has %d shared, B got %d", k, a, b)
		}
	}
	if got := contactTitle(t, b, someone.ID); got != someone.Title {
		t.Errorf("B has title %q, A %q", got, someone.Title)
	}

	// Both change the same title before syncing: B's edit is the later,
	// so it wins, and A's is kept as a conflict to review.
	setContactTitle(t, w.st, someone.ID, "Head of Procurement (A)")
	setContactTitle(t, b, someone.ID, "Chief Buyer (B)")
	syncPeer(t, b, dir, keyB, replica.Options{})
	rep = tapSync(t, w)
	if rep == nil || len(rep.Conflicts) != 1 {
		t.Fatalf("conflicts %+v, error %v", rep, w.sync.lastErr)
	}
	if got := contactTitle(t, w.st, someone.ID); got != "Chief Buyer (B)" {
		t.Fatalf("A's title after the sync: %q", got)
	}
	if !strings.Contains(dialogText(w), "New conflicts: 1") || !strings.Contains(dialogText(w), "New records: 0 · changed: 1") {
		t.Errorf("summary: %s", dialogText(w))
	}
	waitFor(t, "the button to show the conflict", func() bool { return w.sync.btn.Text == "Conflicts: 1" })

	// Review conflicts, from the summary: both values side by side.
	closeDialog(t, w, i18n.T("sync.conflicts.review"))
	waitFor(t, "the conflict review", func() bool { return w.sync.review != nil && w.sync.review.selected() != nil })
	r := w.sync.review
	if r.title.Text != someone.Label() || r.nowText.Text != "Chief Buyer (B)" || r.otherText.Text != "Head of Procurement (A)" {
		t.Fatalf("review shows %q: now %q, other %q", r.title.Text, r.nowText.Text, r.otherText.Text)
	}
	if !strings.Contains(r.what.Text, "Contact · Title") || !strings.Contains(r.otherWho.Text, "This computer") ||
		!strings.Contains(r.nowWho.Text, "Another device") {
		t.Errorf("what %q, now by %q, other by %q", r.what.Text, r.nowWho.Text, r.otherWho.Text)
	}
	if !r.edit.Visible() {
		t.Error("a text field's conflict cannot be edited by hand")
	}
	test.Tap(r.other)
	waitFor(t, "the conflict resolved", func() bool { return len(r.items) == 0 && r.empty.Visible() })
	if got := contactTitle(t, w.st, someone.ID); got != "Head of Procurement (A)" {
		t.Fatalf("A's title after taking the other: %q", got)
	}
	if cs, err := w.st.Conflicts(ctx); err != nil || len(cs) != 0 {
		t.Fatalf("conflicts left: %v %v", cs, err)
	}
	waitFor(t, "the button to say synced again", func() bool { return strings.HasPrefix(w.sync.btn.Text, "Synced ") })
	closeDialog(t, w, i18n.T("action.close"))

	// The choice travels: A syncs, B syncs and has A's title.
	rep = tapSync(t, w)
	if rep == nil || rep.Pushed == 0 {
		t.Fatalf("the resolution was not sent: %+v %v", rep, w.sync.lastErr)
	}
	syncPeer(t, b, dir, keyB, replica.Options{})
	if got := contactTitle(t, b, someone.ID); got != "Head of Procurement (A)" {
		t.Fatalf("B's title after syncing the resolution: %q", got)
	}
}

// A sync that would delete many records asks first; "Keep the records"
// keeps them, and the summary says the deletion waits.
func TestSyncAsksBeforeDeletingManyRecords(t *testing.T) {
	ctx := context.Background()
	w := syncWindow(t)
	dir := t.TempDir()
	code := replica.NewCode()
	key, err := replica.KeyFromSecret(code)
	if err != nil {
		t.Fatal(err)
	}
	if err := replica.SaveConfig(ctx, w.st, replica.Config{Location: dir, Secret: key.Secret(), Code: code}); err != nil {
		t.Fatal(err)
	}
	b := peer(t)
	var ids []data.ID
	for i := 0; i < replica.ManyDeletes+5; i++ {
		c := &data.Contact{GivenName: fmt.Sprintf("Visitor %d", i), FamilyName: "Korhonen"}
		if err := b.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	syncPeer(t, b, dir, key, replica.Options{})
	if rep := tapSync(t, w); rep == nil || rep.Merge.Created != len(ids) {
		t.Fatalf("A got %+v, %v", rep, w.sync.lastErr)
	}
	if !strings.Contains(dialogText(w), fmt.Sprintf("New records: %d", len(ids))) {
		t.Errorf("summary: %s", dialogText(w))
	}
	closeDialog(t, w, i18n.T("action.close"))
	before := w.st.Stats(ctx)[data.KindContact]

	for _, id := range ids {
		if err := b.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	syncPeer(t, b, dir, key, replica.Options{})

	w.sync.lastReport, w.sync.lastErr = nil, nil
	w.syncNow()
	waitFor(t, "the question", func() bool { return dialogButton(w, "Keep the records") != nil })
	if text := dialogText(w); !strings.Contains(text, fmt.Sprintf("deleted %d records at once", len(ids))) {
		t.Errorf("the question: %s", text)
	}
	closeDialog(t, w, "Keep the records")
	waitFor(t, "the sync to end", func() bool { return w.sync.running == nil && w.sync.lastReport != nil })
	rep := w.sync.lastReport
	if len(rep.Problems) != 1 || rep.Problems[0].Kind != "deletes" {
		t.Fatalf("problems %+v", rep.Problems)
	}
	if !strings.Contains(dialogText(w), "held back until you agree") {
		t.Errorf("summary: %s", dialogText(w))
	}
	if n := w.st.Stats(ctx)[data.KindContact]; n != before {
		t.Fatalf("A has %d contacts, had %d: the deletions were applied", n, before)
	}
	for _, id := range ids {
		if _, err := w.st.Get(ctx, id); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
	}
}

// Before sync is set up the button opens its settings; a WebDAV server
// that does not answer is said in words, when saving and when syncing,
// and the password never shows.
func TestSyncUnreachableWebDAV(t *testing.T) {
	w := syncWindow(t)
	test.Tap(w.sync.btn)
	waitFor(t, "the sync settings", func() bool {
		return w.currentScreen() == w.settingsScr && strings.Contains(w.settingsScr.sync.msg.Text, "Set up sync first")
	})
	s := showSync(t, w)

	selectRadio(t, s.where, "WebDAV server")
	if s.folderBox.Visible() || !s.webdavBox.Visible() {
		t.Fatal("the WebDAV fields are not shown")
	}
	const url, pass = "http://127.0.0.1:1/fieldbook", "pa55-w0rd-XYZ"
	test.Type(s.url, url)
	test.Type(s.user, "anna")
	test.Type(s.pass, pass)
	test.Tap(s.save)
	waitFor(t, "the problem", func() bool { return dialogButton(w, "Save anyway") != nil })
	if text := dialogText(w); !strings.Contains(text, "The server did not answer") || strings.Contains(text, pass) {
		t.Errorf("the dialog says: %s", text)
	}
	if cfg := config(t, w.st); cfg.Location != "" {
		t.Fatalf("saved before asking: %+v", cfg)
	}
	closeDialog(t, w, "Save anyway")
	waitFor(t, "the location saved", func() bool { return config(t, w.st).Location == url })
	if cfg := config(t, w.st); cfg.User != "anna" || cfg.Password != pass {
		t.Fatalf("saved %+v", cfg)
	}

	// A passphrase typed: set, its fingerprint shown, never the words.
	const phrase = "Tashkent delegation 2026"
	test.Tap(s.enterCode)
	var e *entry
	waitFor(t, "the code dialog", func() bool {
		walk(topDialog(w), func(o fyne.CanvasObject) bool {
			e, _ = o.(*entry)
			return e != nil
		})
		return e != nil
	})
	test.Type(e, phrase)
	closeDialog(t, w, "Use this code")
	waitFor(t, "the key set", func() bool { return config(t, w.st).Secret != "" && strings.Contains(dialogText(w), "Fingerprint") })
	cfg := config(t, w.st)
	k, err := replica.KeyFromSecret(phrase)
	if err != nil || cfg.Secret != k.Secret() || cfg.Code != "" {
		t.Fatalf("config %+v (want the passphrase's key, no code)", cfg)
	}
	closeDialog(t, w, "OK")
	waitFor(t, "the key in Settings", func() bool { return strings.Contains(s.keyInfo.Text, k.Fingerprint()) })
	test.Tap(s.showKey)
	waitFor(t, "the key shown", func() bool { return strings.Contains(dialogText(w), "never shown") })
	if text := dialogText(w); strings.Contains(text, phrase) || !strings.Contains(text, k.Fingerprint()) {
		t.Errorf("show the code says: %s", text)
	}
	closeDialog(t, w, "OK")

	// Sync: the error in words, with the way to the settings.
	tapSync(t, w)
	if w.sync.lastErr == nil || w.sync.lastReport != nil {
		t.Fatalf("sync with no server: %v", w.sync.lastErr)
	}
	text := dialogText(w)
	if !strings.Contains(text, "The server did not answer: is the address right and the server running?") ||
		!strings.Contains(text, "127.0.0.1:1") || strings.Contains(text, pass) {
		t.Errorf("the error says: %s", text)
	}
	if dialogButton(w, "Sync settings") == nil {
		t.Error("no way to the settings from the error")
	}
}

// A delegation code is read from a picture of its QR code; a business
// card's QR code is not taken for one.
func TestSyncCodeFromAPicture(t *testing.T) {
	ctx := context.Background()
	code := replica.NewCode()
	png, err := qr.Encode(code, 400)
	if err != nil {
		t.Fatal(err)
	}
	got, err := scanCode(ctx, io.NopCloser(bytes.NewReader(png)))
	if err != nil || got != code {
		t.Fatalf("read %q, %v", got, err)
	}
	card, _ := qr.Encode("BEGIN:VCARD\nVERSION:3.0\nFN:Anna Virtanen\nEND:VCARD", 400)
	if _, err := scanCode(ctx, io.NopCloser(bytes.NewReader(card))); err == nil || !strings.Contains(err.Error(), "not a delegation code") {
		t.Fatalf("a business card: %v", err)
	}
	if _, err := scanCode(ctx, io.NopCloser(strings.NewReader("FB-not a picture"))); err == nil {
		t.Fatal("text read as a picture")
	}
}

func selectRadio(t *testing.T, r *widget.RadioGroup, option string) {
	t.Helper()
	for _, o := range r.Options {
		if o == option {
			r.SetSelected(option)
			return
		}
	}
	t.Fatalf("no option %q in %q", option, r.Options)
}
