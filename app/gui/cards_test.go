package gui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/card/qr"
	"github.com/clusme/fieldbook/data/exchange"
	"github.com/clusme/fieldbook/data/store"
)

// texts collects every label's text under o, to check what a screen shows.
func texts(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *widget.Form:
			for _, it := range x.Items {
				b.WriteString(it.Text + "\n")
				walk(it.Widget)
			}
		case *widget.RadioGroup:
			b.WriteString("[" + x.Selected + "]\n")
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

func TestCaptureScannedCardMergesIntoExistingContact(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 && len(w.missionsScr.rows) > 0 })
	recs, err := w.st.List(w.ctx, store.Query{Kind: data.KindContact})
	if err != nil {
		t.Fatal(err)
	}
	var known *data.Contact
	for _, r := range recs {
		if c := r.(*data.Contact); len(c.Emails) > 0 && c.Org != "" && known == nil {
			known = c
		}
	}
	if known == nil {
		t.Fatal("the sample data has no contact with an e-mail and a company")
	}
	// The host shows a QR code: the known person with a new mobile number,
	// and the card of someone new.
	vcard := "BEGIN:VCARD\r\nVERSION:3.0\r\nN:" + known.FamilyName + ";" + known.GivenName + ";;;\r\nFN:" + known.Label() +
		"\r\nTEL;TYPE=CELL:+27 82 555 0199\r\nEMAIL:" + strings.ToUpper(known.Emails[0]) + "\r\nEND:VCARD\r\n"
	png, err := qr.Encode(vcard, 400)
	if err != nil {
		t.Fatal(err)
	}
	c := w.captureCard()
	var readErr error
	ready := false
	c.onReady = func(err error) { readErr, ready = err, true }
	c.read("badge.png", png)
	waitFor(t, "the decoded card", func() bool { return ready })
	if readErr != nil {
		t.Fatal(readErr)
	}
	if len(c.plans) != 1 || c.plans[0].Match == nil || c.plans[0].Match.ID != known.ID || c.plans[0].Reason != "email" {
		t.Fatalf("plan: %+v", c.plans[0])
	}
	shown := texts(c.preview)
	for _, want := range []string{"In Fieldbook", "On the card", "+27 82 555 0199", "same e-mail", "[Merge]"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the merge view lacks %q:\n%s", want, shown)
		}
	}
	before := w.st.Stats(w.ctx)[data.KindContact]
	ready = false
	test.Tap(c.save)
	waitFor(t, "the save", func() bool { return ready })
	got, err := store.Load[*data.Contact](w.ctx, w.st, known.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(got.Phones, "|"), "+27 82 555 0199") || got.Title != known.Title || len(got.Emails) != len(known.Emails) {
		t.Fatalf("merged contact: %+v (was %+v)", got, known)
	}
	if n := w.st.Stats(w.ctx)[data.KindContact]; n != before {
		t.Errorf("a merge changed the number of contacts: %d → %d", before, n)
	}
	if !strings.Contains(c.status.Text, "0 contacts added, 1 merged") {
		t.Errorf("status %q", c.status.Text)
	}
}

func TestCapturePastedCardAndSkip(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 && len(w.missionsScr.rows) > 0 })
	c := w.captureCard()
	ready := false
	var readErr error
	c.onReady = func(err error) { readErr, ready = err, true }
	c.paste.SetText("MECARD:N:Oʻrinboyev,Gʻayrat;ORG:Qoʻqon Tekstil;TEL:+998 90 123 45 67;EMAIL:gayrat@qoqon.example;;\n\n")
	c.read("pasted", []byte(c.paste.Text))
	waitFor(t, "the pasted card", func() bool { return ready })
	if readErr != nil || len(c.plans) != 1 || c.plans[0].Match != nil || c.plans[0].Action != exchange.CardCreate {
		t.Fatalf("plan %v, %v", c.plans, readErr)
	}
	if !strings.Contains(texts(c.preview), "Qoʻqon Tekstil (new)") {
		t.Errorf("preview:\n%s", texts(c.preview))
	}
	ready = false
	test.Tap(c.save)
	waitFor(t, "the save", func() bool { return ready })
	hits, err := w.st.Search(w.ctx, "orinboyev", 5)
	if err != nil || len(hits) == 0 || hits[0].Label != "Gʻayrat Oʻrinboyev" {
		t.Fatalf("search after capture: %v, %v", hits, err)
	}

	// Bad input: a picture without a code says so and saves nothing.
	c = w.captureCard()
	ready = false
	c.onReady = func(err error) { readErr, ready = err, true }
	blank, _ := qr.Encode("x", 64)
	blank[len(blank)/2] ^= 0xFF // a damaged PNG
	c.read("broken.png", blank)
	waitFor(t, "the error", func() bool { return ready })
	if readErr == nil || !strings.Contains(c.status.Text, "Could not read") || !c.save.Disabled() {
		t.Fatalf("broken picture: %v, status %q", readErr, c.status.Text)
	}
}

func TestMyCardSavedAndRefusedWhenInvalid(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 })
	var saveErr error
	done := false
	w.saveMyCard(data.Profile{GivenName: "Kadri", FamilyName: "Õunapuu", Email: "kadri@"}, func(err error) { saveErr, done = err, true })
	waitFor(t, "the refused save", func() bool { return done })
	if saveErr == nil {
		t.Fatal("an invalid e-mail was saved")
	}
	done = false
	want := data.Profile{GivenName: "Kadri", FamilyName: "Õunapuu", Org: "Veemõõt OÜ", Email: "kadri@veemoot.ee", Phone: "+372 5555 0101"}
	w.saveMyCard(want, func(err error) { saveErr, done = err, true })
	waitFor(t, "the save", func() bool { return done })
	if saveErr != nil {
		t.Fatal(saveErr)
	}
	if got, _ := w.st.Profile(w.ctx); got != want {
		t.Fatalf("profile %+v", got)
	}
}

func TestDroppedCardFileOpensTheCapture(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 })
	path := filepath.Join(t.TempDir(), "Ülle Kask.vcf")
	os.WriteFile(path, []byte("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Kask;=C3=9Clle;;;\r\nTEL;CELL:+372 5000 1234\r\nEND:VCARD\r\n"), 0o644)
	w.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(path)})
	c := w.capture
	if c == nil {
		t.Fatal("dropping a .vcf did not open the capture")
	}
	ready := false
	c.onReady = func(error) { ready = true }
	waitFor(t, "the dropped card", func() bool { return ready })
	if len(c.plans) != 1 || c.plans[0].New.Label() != "Ülle Kask" {
		t.Fatalf("plans %+v", c.plans)
	}
	// A second drop goes into the same dialog.
	w.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(path)})
	if w.capture != c {
		t.Error("a second drop opened another capture dialog")
	}
	waitFor(t, "the second read", func() bool { return !c.busy.Visible() })
}
