package gui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // thumbnails of JPEG attachments
	_ "image/png"  // and of PNG ones
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/image/draw"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// maxAttachment is the largest file Fieldbook keeps: the store holds a
// blob in memory while saving it, and the store is synced to every
// delegate's laptop over whatever channel exists. Bigger files (videos)
// belong on a file share.
const maxAttachment = 50 << 20

// thumbSize is the edge of the square an image attachment's thumbnail
// fits in, in pixels (scaled down once, so a 12 MP photo is not kept).
const thumbSize = 96

// attachBox lists the attachments of one record with their actions and
// takes new files from the file dialog and from files dropped onto the
// window while it is on screen.
type attachBox struct {
	w     *mainWindow
	owner data.ID
	// State below is touched only on the UI goroutine.
	atts   []*data.Attachment
	seq    uint64
	root   *fyne.Container
	title  *widget.Label
	items  *fyne.Container
	status *widget.Label
	// onChange (tests) runs on the UI goroutine after the list is shown
	// or adding files finished.
	onChange func()
}

// attachmentsBox is the attachments section of a record's detail.
func (w *mainWindow) attachmentsBox(owner data.ID) fyne.CanvasObject {
	return w.newAttachBox(owner).root
}

func (w *mainWindow) newAttachBox(owner data.ID) *attachBox {
	b := &attachBox{w: w, owner: owner}
	b.title = widget.NewLabelWithStyle(i18n.T("contacts.attach.title", 0), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	add := widget.NewButtonWithIcon(i18n.T("contacts.attach.add")+"…", theme.ContentAddIcon(), b.askFile)
	b.items = container.NewVBox()
	b.status = widget.NewLabel(i18n.T("contacts.attach.hint"))
	b.status.Wrapping = fyne.TextWrapWord
	b.status.Importance = widget.LowImportance
	b.root = container.NewVBox(container.NewBorder(nil, nil, nil, add, b.title), b.items, b.status)
	registerDropTarget(w, b)
	b.load()
	return b
}

// load reads the attachments and the thumbnails of the pictures among
// them in the background.
func (b *attachBox) load() {
	w := b.w
	st := w.st
	if st == nil {
		return
	}
	b.seq++
	seq := b.seq
	w.background(func() {
		recs, err := st.List(w.ctx, store.Query{Kind: data.KindAttachment, Record: b.owner})
		atts := make([]*data.Attachment, 0, len(recs))
		thumbs := map[data.ID]image.Image{}
		for _, r := range recs {
			a := r.(*data.Attachment)
			atts = append(atts, a)
			if isPicture(a.MediaType) && a.Size <= maxAttachment {
				if content, err := st.Blob(w.ctx, a.SHA256); err == nil {
					if img := thumbnail(content); img != nil {
						thumbs[a.ID] = img
					}
				}
			}
		}
		w.update(func() {
			if w.st != st || seq != b.seq {
				return
			}
			if err != nil {
				b.status.SetText(i18n.T("error.load", err.Error()))
				return
			}
			b.show(atts, thumbs)
		})
	})
}

func isPicture(mediaType string) bool { return mediaType == "image/png" || mediaType == "image/jpeg" }

// thumbnail scales a picture down to fit thumbSize, or returns nil if it
// is not one it can read. The size is checked before decoding, so a small
// file claiming to be 100 000 pixels square is not unpacked into memory.
func thumbnail(content []byte) image.Image {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(content))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > 64<<20 {
		return nil
	}
	src, _, err := image.Decode(bytes.NewReader(content))
	if err != nil {
		return nil
	}
	w, h := cfg.Width, cfg.Height
	if w >= h && w > thumbSize {
		w, h = thumbSize, max(h*thumbSize/w, 1)
	} else if h > w && h > thumbSize {
		w, h = max(w*thumbSize/h, 1), thumbSize
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	return dst
}

// show lays out one line per attachment: thumbnail or icon, name, size
// and type, and the actions.
func (b *attachBox) show(atts []*data.Attachment, thumbs map[data.ID]image.Image) {
	b.atts = atts
	b.title.SetText(i18n.T("contacts.attach.title", len(atts)))
	b.items.Objects = nil
	if len(atts) == 0 {
		b.items.Add(widget.NewLabel(i18n.T("contacts.attach.none")))
	}
	for _, a := range atts {
		var pic fyne.CanvasObject
		if img, ok := thumbs[a.ID]; ok {
			ci := canvas.NewImageFromImage(img)
			ci.FillMode = canvas.ImageFillContain
			ci.SetMinSize(fyne.NewSize(48, 48))
			pic = ci
		} else {
			icon := widget.NewIcon(theme.FileIcon())
			pic = container.NewGridWrap(fyne.NewSize(48, 48), icon)
		}
		name := widget.NewLabelWithStyle(a.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		name.Truncation = fyne.TextTruncateEllipsis
		info := widget.NewLabel(strings.Join(nonEmptyStrings(humanSize(a.Size), a.MediaType, a.Note), " · "))
		info.Truncation = fyne.TextTruncateEllipsis
		open := widget.NewButtonWithIcon(i18n.T("contacts.attach.open"), theme.FolderOpenIcon(), func() { b.open(a) })
		save := widget.NewButtonWithIcon(i18n.T("contacts.attach.saveas")+"…", theme.DocumentSaveIcon(), func() { b.saveAs(a) })
		remove := widget.NewButtonWithIcon(i18n.T("contacts.attach.remove"), theme.DeleteIcon(), func() { b.remove(a) })
		b.items.Add(container.NewBorder(nil, nil, pic, container.NewHBox(open, save, remove), container.NewVBox(name, info)))
	}
	// The box grew or shrank after its screen was laid out: lay it out
	// again (the driver then resizes the panes around it).
	b.root.Refresh()
	b.status.SetText(i18n.T("contacts.attach.hint"))
	if b.onChange != nil {
		b.onChange()
	}
}

// humanSize writes a byte count the way a file manager does.
func humanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 3; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "KMGT"[exp])
}

// attachSource is a file to attach: its name and how to read it.
type attachSource struct {
	name string
	open func() (io.ReadCloser, error)
}

// askFile lets the user pick a file of any type to attach.
func (b *attachBox) askFile() {
	b.w.askOpenFile(nil, func(name string, rc io.ReadCloser) {
		b.attach([]attachSource{{name: name, open: func() (io.ReadCloser, error) { return rc, nil }}})
	})
}

// attachURIs attaches files dropped onto the window.
func (b *attachBox) attachURIs(uris []fyne.URI) {
	var srcs []attachSource
	for _, u := range uris {
		srcs = append(srcs, attachSource{name: u.Name(), open: func() (io.ReadCloser, error) { return storage.Reader(u) }})
	}
	b.attach(srcs)
}

// attachResult is what adding files did, for the confirmation.
type attachResult struct {
	added, already int
	problems       []string
}

// attach stores the files' content and links them to the record, in the
// background: a file too big or unreadable is reported by name and the
// others are still attached; the same content twice is attached once.
func (b *attachBox) attach(srcs []attachSource) {
	w := b.w
	st := w.st
	if st == nil || len(srcs) == 0 {
		return
	}
	b.status.SetText(i18n.T("contacts.attach.working", len(srcs)))
	w.background(func() {
		res := addAttachments(w.ctx, st, b.owner, srcs)
		w.update(func() {
			if w.st != st {
				return
			}
			if res.added > 0 {
				// Other screens reload when shown; this box reloads itself
				// rather than the whole screen being rebuilt around it.
				w.gen++
			}
			b.load()
			msg := i18n.T("contacts.attach.done", res.added)
			if res.already > 0 {
				msg += "\n" + i18n.T("contacts.attach.already", res.already)
			}
			if len(res.problems) > 0 {
				dialog.ShowError(errors.New(msg+"\n\n"+strings.Join(res.problems, "\n")), w.win)
			} else {
				dialog.ShowInformation(i18n.T("contacts.attach.title", len(b.atts)+res.added), msg, w.win)
			}
			if b.onChange != nil {
				b.onChange()
			}
		})
	})
}

// addAttachments does attach's work (off the UI goroutine).
func addAttachments(ctx context.Context, st *store.Store, owner data.ID, srcs []attachSource) attachResult {
	var res attachResult
	have := map[string]bool{}
	existing, err := st.List(ctx, store.Query{Kind: data.KindAttachment, Record: owner})
	if err != nil {
		res.problems = append(res.problems, err.Error())
		return res
	}
	for _, r := range existing {
		have[r.(*data.Attachment).SHA256] = true
	}
	for _, src := range srcs {
		fail := func(err error) { res.problems = append(res.problems, src.name+": "+err.Error()) }
		rc, err := src.open()
		if err != nil {
			fail(err)
			continue
		}
		// One byte over the limit is enough to know, without reading a
		// 4 GB video into memory.
		content, err := io.ReadAll(io.LimitReader(rc, maxAttachment+1))
		rc.Close()
		if err != nil {
			fail(err)
			continue
		}
		if len(content) > maxAttachment {
			res.problems = append(res.problems, i18n.T("contacts.attach.toobig", src.name, maxAttachment>>20))
			continue
		}
		sha, err := st.PutBlob(ctx, content)
		if err != nil {
			fail(err)
			continue
		}
		if have[sha] {
			res.already++
			continue
		}
		a := &data.Attachment{Name: attachmentName(src.name), MediaType: mediaType(src.name, content),
			SHA256: sha, Size: int64(len(content)), Record: owner}
		if err := st.Create(ctx, a); err != nil {
			fail(err)
			continue
		}
		have[sha] = true
		res.added++
	}
	return res
}

// attachmentName is the file's own name, never a path.
func attachmentName(name string) string {
	name = strings.TrimSpace(filepath.Base(filepath.ToSlash(name)))
	if name == "" || name == "." || name == "/" {
		return "attachment"
	}
	return name
}

// mediaType names the content's type by the file's extension, else by
// sniffing the content; parameters (charset) are dropped.
func mediaType(name string, content []byte) string {
	t := mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))
	if t == "" {
		t = http.DetectContentType(content)
	}
	if mt, _, err := mime.ParseMediaType(t); err == nil {
		return mt
	}
	return t
}

// open writes the attachment to a private temporary folder and opens it
// with the system's application for its type.
func (b *attachBox) open(a *data.Attachment) {
	w := b.w
	st := w.st
	if st == nil {
		return
	}
	w.background(func() {
		path, err := writeOpenCopy(w.ctx, st, a)
		w.update(func() {
			if err != nil {
				w.showError(err)
				return
			}
			u, err := url.Parse(storage.NewFileURI(path).String())
			if err == nil {
				err = w.app.OpenURL(u)
			}
			w.showError(err)
		})
	})
}

// openDir is where opened attachments are written: under the user's
// temporary folder, readable by the user only (the notes are
// confidential), one folder per content so names do not collide.
func openDir(sha string) string {
	return filepath.Join(os.TempDir(), "fieldbook-open", sha[:min(len(sha), 16)])
}

// removeOpenCopies deletes the copies written for opening: the notebook
// may be encrypted, so its files must not stay readable in the temporary
// folder once the window locks or closes.
func removeOpenCopies() {
	_ = os.RemoveAll(filepath.Join(os.TempDir(), "fieldbook-open"))
}

func writeOpenCopy(ctx context.Context, st *store.Store, a *data.Attachment) (string, error) {
	content, err := st.Blob(ctx, a.SHA256)
	if err != nil {
		return "", err
	}
	dir := openDir(a.SHA256)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, safeName(attachmentName(a.Name)))
	if fi, err := os.Stat(path); err == nil && fi.Size() == int64(len(content)) {
		return path, nil // opened before: the same content
	}
	return path, os.WriteFile(path, content, 0o600)
}

// saveAs writes the attachment where the user chooses.
func (b *attachBox) saveAs(a *data.Attachment) {
	w := b.w
	st := w.st
	if st == nil {
		return
	}
	w.askSaveFile(safeName(attachmentName(a.Name)), "contacts.attach.saving", "contacts.attach.savefailed",
		func(out io.Writer) (string, error) {
			content, err := st.Blob(w.ctx, a.SHA256)
			if err != nil {
				return "", err
			}
			_, err = out.Write(content)
			return i18n.T("contacts.attach.saved"), err
		})
}

// remove asks, then unlinks the attachment (its record becomes a
// tombstone; the content stays in the store while any record uses it).
func (b *attachBox) remove(a *data.Attachment) {
	b.w.deleteRecord(a.Name, a.ID, func() {
		b.w.gen++
		b.load()
	})
}

// ---- Drop target ------------------------------------------------------

// dropTargets remembers, per window, the attachment boxes made most
// recently (newest last): files dropped onto the window go to the newest
// one that is on the visible screen. Boxes are made and looked up on the
// UI goroutine; the lock keeps the map safe across windows regardless.
var dropTargets = struct {
	sync.Mutex
	boxes map[*mainWindow][]*attachBox
}{boxes: map[*mainWindow][]*attachBox{}}

// maxDropTargets bounds the boxes remembered per window: a detail pane is
// rebuilt on every selection, and only the last few can still be shown.
const maxDropTargets = 8

func registerDropTarget(w *mainWindow, b *attachBox) {
	dropTargets.Lock()
	defer dropTargets.Unlock()
	boxes, known := dropTargets.boxes[w]
	if !known {
		// Forget the window's boxes when it closes.
		context.AfterFunc(w.ctx, func() {
			dropTargets.Lock()
			delete(dropTargets.boxes, w)
			dropTargets.Unlock()
		})
	}
	boxes = append(boxes, b)
	if len(boxes) > maxDropTargets {
		boxes = append([]*attachBox(nil), boxes[len(boxes)-maxDropTargets:]...)
	}
	dropTargets.boxes[w] = boxes
}

// attachDropTarget is the newest attachment box on the selected tab's
// screen, nil if none is shown there.
func (w *mainWindow) attachDropTarget() *attachBox {
	if w.tabs == nil || w.st == nil {
		return nil
	}
	sel := w.tabs.Selected()
	if sel == nil {
		return nil
	}
	dropTargets.Lock()
	boxes := append([]*attachBox(nil), dropTargets.boxes[w]...)
	dropTargets.Unlock()
	for i := len(boxes) - 1; i >= 0; i-- {
		if b := boxes[i]; b.root.Visible() && dropHolds(sel.Content, b.root) {
			return b
		}
	}
	return nil
}

// dropHolds reports whether o is inside root, looking through the containers
// screens are built of (boxes, splits, scrolls).
func dropHolds(root, o fyne.CanvasObject) bool {
	if root == o {
		return true
	}
	if root == nil || !root.Visible() {
		return false
	}
	switch x := root.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			if dropHolds(c, o) {
				return true
			}
		}
	case *container.Split:
		return dropHolds(x.Leading, o) || dropHolds(x.Trailing, o)
	case *container.Scroll:
		return dropHolds(x.Content, o)
	}
	return false
}
