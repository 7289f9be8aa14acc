package gui

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/sample"
	"github.com/clusme/fieldbook/data/store"
)

// attTestPNG writes a small picture to a file and returns its path and
// content.
func attTestPNG(t *testing.T, name string) (string, []byte) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 200, 120))
	for x := range 200 {
		for y := range 120 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y * 2), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes()
}

func TestAttachDroppedFileToContactThenRemove(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir()) // where Open writes its copy
	w, s := ctWindow(t)
	id := sample.RefID("@contact:sipho-dlamini")
	c, _ := store.Load[*data.Contact](w.ctx, w.st, id)
	s.reveal(c)
	var box *attachBox
	waitFor(t, "his attachments", func() bool {
		box = w.attachDropTarget()
		return box != nil && box.owner == id && containsText(box.root, i18n.T("contacts.attach.none"))
	})

	// A file dropped onto the window attaches to the record shown.
	path, content := attTestPNG(t, "Nyathi stand, Richards Bay.png")
	changes := 0
	box.onChange = func() { changes++ }
	w.dropped(fyne.NewPos(5, 5), []fyne.URI{storage.NewFileURI(path)})
	waitFor(t, "the attachment", func() bool { return len(box.atts) == 1 })
	if w.capture != nil {
		t.Error("the drop also opened the card capture")
	}
	recs, err := w.st.List(w.ctx, store.Query{Kind: data.KindAttachment, Record: id})
	if err != nil || len(recs) != 1 {
		t.Fatalf("store has %d attachments: %v", len(recs), err)
	}
	a := recs[0].(*data.Attachment)
	if a.Name != "Nyathi stand, Richards Bay.png" || a.MediaType != "image/png" || a.Size != int64(len(content)) || a.Record != id {
		t.Fatalf("attachment %+v", a)
	}
	blob, err := w.st.Blob(w.ctx, a.SHA256)
	if err != nil || !bytes.Equal(blob, content) {
		t.Fatalf("blob: %v", err)
	}
	text := allText(box.root)
	if !strings.Contains(text, a.Name) || !strings.Contains(text, "image/png") || !strings.Contains(text, humanSize(a.Size)) ||
		!strings.Contains(text, "Attachments (1)") {
		t.Errorf("box shows:\n%s", text)
	}
	if ctDeepFind(box.root, func(o fyne.CanvasObject) bool { _, ok := o.(*canvas.Image); return ok }) == nil {
		t.Error("no thumbnail for the picture")
	}
	if top := w.win.Canvas().Overlays().Top(); top == nil || !strings.Contains(allTextDeep(top), "Files attached: 1") {
		t.Errorf("no confirmation: %q", allTextDeep(top))
	}
	w.win.Canvas().Overlays().Remove(w.win.Canvas().Overlays().Top())

	// The same content from the file dialog's path is attached once.
	box.attach([]attachSource{{name: "copy.png", open: func() (io.ReadCloser, error) { return os.Open(path) }}})
	waitFor(t, "the second attach", func() bool { return changes >= 3 })
	if top := w.win.Canvas().Overlays().Top(); top == nil || !strings.Contains(allTextDeep(top), "Already attached: 1") {
		t.Errorf("no note of the duplicate: %q", allTextDeep(top))
	}
	w.win.Canvas().Overlays().Remove(w.win.Canvas().Overlays().Top())
	if recs, _ := w.st.List(w.ctx, store.Query{Kind: data.KindAttachment, Record: id}); len(recs) != 1 {
		t.Fatalf("%d attachments after attaching the same file twice", len(recs))
	}

	// Open writes a private copy for the system's viewer.
	box.open(a)
	copyPath := filepath.Join(openDir(a.SHA256), a.Name)
	waitFor(t, "the opened copy", func() bool {
		b, err := os.ReadFile(copyPath)
		return err == nil && bytes.Equal(b, content)
	})

	// Remove asks first.
	test.Tap(findButton(box.root, i18n.T("contacts.attach.remove")))
	test.Tap(ctOverlayButton(t, w, i18n.T("action.delete")))
	waitFor(t, "the removal", func() bool { return len(box.atts) == 0 && containsText(box.root, i18n.T("contacts.attach.none")) })
	if recs, _ := w.st.List(w.ctx, store.Query{Kind: data.KindAttachment, Record: id}); len(recs) != 0 {
		t.Fatalf("%d attachments after removing", len(recs))
	}

	// On a screen without attachments, a dropped file is not attached.
	w.showScreen(w.missionsScr)
	if w.attachDropTarget() != nil {
		t.Error("a box on a hidden screen takes drops")
	}
}

// endless is a reader of zeros that never ends: a file too big to attach.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestAttachRefusesFilesOver50MB(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	o := &data.Organization{Name: "Hydroset Oy", OrgKind: data.OrgMember}
	if err := st.Create(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	path, _ := attTestPNG(t, "logo.png")
	res := addAttachments(context.Background(), st, o.ID, []attachSource{
		{name: "factory tour.mp4", open: func() (io.ReadCloser, error) { return io.NopCloser(endless{}), nil }},
		{name: "logo.png", open: func() (io.ReadCloser, error) { return os.Open(path) }},
	})
	if res.added != 1 || len(res.problems) != 1 || !strings.Contains(res.problems[0], "factory tour.mp4") || !strings.Contains(res.problems[0], "50 MB") {
		t.Fatalf("result %+v", res)
	}
	recs, _ := st.List(context.Background(), store.Query{Kind: data.KindAttachment, Record: o.ID})
	if len(recs) != 1 || recs[0].Label() != "logo.png" {
		t.Fatalf("attachments %v", recs)
	}
}

func TestAttachmentHelpers(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KB", 5 << 20: "5.0 MB", 3 << 30: "3.0 GB"} {
		if got := humanSize(n); got != want {
			t.Errorf("humanSize(%d) = %q, want %q", n, got, want)
		}
	}
	if got := mediaType("Брошюра.PDF", []byte("%PDF-1.7")); got != "application/pdf" {
		t.Errorf("pdf: %q", got)
	}
	if got := mediaType("notes", []byte("plain words")); got != "text/plain" {
		t.Errorf("sniffed: %q", got)
	}
	if got := attachmentName("/tmp/x/../Tõrva velg.jpg"); got != "Tõrva velg.jpg" {
		t.Errorf("name %q", got)
	}
	_, content := attTestPNG(t, "a.png")
	if img := thumbnail(content); img == nil || img.Bounds().Dx() != thumbSize || img.Bounds().Dy() != 57 {
		t.Errorf("thumbnail %v", img)
	}
	if thumbnail([]byte("not a picture")) != nil {
		t.Error("thumbnail of text")
	}
}
