package gui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/card"
	"github.com/clusme/fieldbook/data/card/qr"
	"github.com/clusme/fieldbook/data/exchange"
	"github.com/clusme/fieldbook/data/report"
	"github.com/clusme/fieldbook/data/store"
)

// cardFileExts are the files the card capture reads: QR pictures and
// card files.
var cardFileExts = []string{".png", ".jpg", ".jpeg", ".gif", ".webp", ".vcf", ".vcard", ".txt"}

// ---- My card ----------------------------------------------------------

// showMyCard shows my own card as a large QR code for the other person to
// scan, or the form to set it up when there is none yet.
func (w *mainWindow) showMyCard() {
	if w.st == nil {
		return
	}
	st := w.st
	w.background(func() {
		p, err := st.Profile(w.ctx)
		var img image.Image
		if err == nil && !p.Empty() {
			img, err = qr.Image(card.QRPayload(exchange.ProfileCard(p)), 720)
		}
		w.update(func() {
			switch {
			case err != nil:
				dialog.ShowError(fmt.Errorf("%s: %w", i18n.T("card.my.failed"), err), w.win)
			case p.Empty():
				w.editMyCard(p)
			default:
				w.myCardDialog(p, img)
			}
		})
	})
}

func (w *mainWindow) myCardDialog(p data.Profile, img image.Image) {
	code := canvas.NewImageFromImage(img)
	code.FillMode = canvas.ImageFillContain
	code.ScaleMode = canvas.ImageScalePixels // crisp modules: no smoothing
	code.SetMinSize(fyne.NewSize(420, 420))
	name := widget.NewLabelWithStyle(p.Name(), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	sub := widget.NewLabel(strings.Join(nonEmptyStrings(p.Title, p.Org), " · "))
	sub.Alignment = fyne.TextAlignCenter
	hint := widget.NewLabel(i18n.T("card.my.hint"))
	hint.Alignment = fyne.TextAlignCenter
	hint.Importance = widget.LowImportance
	var d dialog.Dialog
	edit := widget.NewButtonWithIcon(i18n.T("card.my.edit"), theme.DocumentCreateIcon(), func() { d.Hide(); w.editMyCard(p) })
	sheet := widget.NewButtonWithIcon(i18n.T("card.my.sheet")+"…", theme.DocumentPrintIcon(), func() { w.askCardSheet(exchange.ProfileCard(p)) })
	content := container.NewBorder(nil, container.NewVBox(name, sub, hint, container.NewCenter(container.NewHBox(edit, sheet))), nil, nil, code)
	d = dialog.NewCustom(i18n.T("card.my.title"), i18n.T("action.close"), content, w.win)
	d.Resize(fyne.NewSize(560, 680))
	d.Show()
}

// editMyCard is the form for my own card.
func (w *mainWindow) editMyCard(p data.Profile) {
	entry := func(v, placeholder string) *entry {
		e := w.newEntry() // Esc and typing as activity, like every form
		e.SetText(v)
		e.SetPlaceHolder(placeholder)
		return e
	}
	given, family := entry(p.GivenName, ""), entry(p.FamilyName, "")
	org, title := entry(p.Org, ""), entry(p.Title, "")
	email, phone := entry(p.Email, "name@company.fi"), entry(p.Phone, "+358 …")
	mobile, website := entry(p.Mobile, "+358 …"), entry(p.Website, "https://…")
	address := entry(p.Address, "")
	items := []*widget.FormItem{
		widget.NewFormItem(i18n.T("card.field.given"), given),
		widget.NewFormItem(i18n.T("card.field.family"), family),
		widget.NewFormItem(i18n.T("card.field.org"), org),
		widget.NewFormItem(i18n.T("card.field.title"), title),
		widget.NewFormItem(i18n.T("card.field.email"), email),
		widget.NewFormItem(i18n.T("card.field.phone"), phone),
		widget.NewFormItem(i18n.T("card.field.mobile"), mobile),
		widget.NewFormItem(i18n.T("card.field.website"), website),
		widget.NewFormItem(i18n.T("card.field.address"), address),
	}
	d := dialog.NewForm(i18n.T("card.my.setup"), i18n.T("action.save"), i18n.T("action.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		np := data.Profile{GivenName: given.Text, FamilyName: family.Text, Org: org.Text, Title: title.Text,
			Email: email.Text, Phone: phone.Text, Mobile: mobile.Text, Website: website.Text, Address: address.Text}
		w.saveMyCard(np, nil)
	}, w.win)
	// Ctrl+S submits (when the form is valid), Esc cancels.
	d.SetOnClosed(w.pushForm(&form{save: d.Submit, cancel: d.Hide}))
	d.Resize(fyne.NewSize(520, 560))
	d.Show()
}

// saveMyCard stores the profile in the background, then shows the card;
// a validation error reopens the form with what was typed, so nothing is
// lost. done (tests) runs on the UI goroutine afterwards.
func (w *mainWindow) saveMyCard(p data.Profile, done func(error)) {
	st := w.st
	w.background(func() {
		err := st.SetProfile(w.ctx, p)
		w.update(func() {
			if done != nil {
				done(err)
			}
			if err != nil {
				ed := dialog.NewError(fmt.Errorf("%s: %w", i18n.T("card.my.failed"), err), w.win)
				ed.SetOnClosed(func() { w.editMyCard(p) })
				ed.Show()
				return
			}
			if w.settingsScr != nil {
				w.settingsScr.loadProfile() // Settings shows the profile too
			}
			if done == nil {
				w.showMyCard()
			}
		})
	})
}

// askCardSheet saves the printable sheet of a card as PDF.
func (w *mainWindow) askCardSheet(c card.Card) {
	w.askSaveFile(safeName(i18n.T("card.my.sheet")+" "+c.FormattedName)+".pdf", "doc.creating", "doc.failed",
		func(out io.Writer) (string, error) {
			var buf bytes.Buffer
			if err := report.CardSheet(c, report.Options{Lang: i18n.Language()}, &buf); err != nil {
				return "", err
			}
			_, err := out.Write(buf.Bytes())
			return i18n.T("card.my.sheet"), err
		})
}

// askSaveFile asks where to save, then writes the file off the UI
// goroutine with a progress dialog: gen writes it and returns the title
// of the confirmation. A failed file is removed, never left half-written.
func (w *mainWindow) askSaveFile(suggested, progressKey, failKey string, gen func(io.Writer) (string, error)) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(err, w.win)
			return
		}
		if wc == nil {
			return // cancelled
		}
		progress := dialog.NewCustomWithoutButtons(i18n.T(progressKey), widget.NewProgressBarInfinite(), w.win)
		progress.Show()
		w.background(func() {
			title, err := gen(wc)
			if cerr := wc.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				discardFile(wc)
			}
			w.update(func() {
				progress.Hide()
				if err != nil {
					dialog.ShowError(fmt.Errorf("%s: %w", i18n.T(failKey), err), w.win)
					return
				}
				dialog.ShowInformation(title, i18n.T("doc.saved", wc.URI().Path()), w.win)
			})
		})
	}, w.win)
	d.SetFileName(suggested)
	d.Show()
}

// ---- Capture ----------------------------------------------------------

// capture is one run of the card capture dialog: the input, the plans
// worked out for it, and the user's choices.
type capture struct {
	w       *mainWindow
	d       dialog.Dialog
	ctx     context.Context
	cancel  context.CancelFunc
	status  *widget.Label
	busy    *widget.ProgressBarInfinite
	preview *fyne.Container
	paste   *widget.Entry
	save    *widget.Button
	plans   []*exchange.CardPlan
	// names are the labels of the matched contacts' organizations.
	names map[data.ID]string
	// onReady (tests) runs on the UI goroutine when a preview is shown or
	// reading failed.
	onReady func(error)
}

// captureCard opens the capture dialog: open a picture or card file, or
// paste the text of a card; files dropped onto the window land here too.
func (w *mainWindow) captureCard() *capture {
	if w.st == nil {
		return nil
	}
	c := &capture{w: w, names: map[data.ID]string{}}
	c.ctx, c.cancel = context.WithCancel(w.ctx)
	c.status = widget.NewLabel(i18n.T("card.capture.intro"))
	c.status.Wrapping = fyne.TextWrapWord
	c.busy = widget.NewProgressBarInfinite()
	c.busy.Hide()
	open := widget.NewButtonWithIcon(i18n.T("card.capture.open")+"…", theme.FolderOpenIcon(), c.askFile)
	c.paste = widget.NewMultiLineEntry()
	c.paste.SetPlaceHolder(i18n.T("card.capture.paste"))
	c.paste.SetMinRowsVisible(3)
	c.paste.Wrapping = fyne.TextWrapBreak
	c.paste.OnChanged = func(string) { w.touch() } // typing is activity: no auto-lock mid-paste
	read := widget.NewButtonWithIcon(i18n.T("card.capture.read"), theme.ContentPasteIcon(), func() {
		if strings.TrimSpace(c.paste.Text) != "" {
			c.read(i18n.T("card.capture.pasted"), []byte(c.paste.Text))
		}
	})
	c.preview = container.NewVBox()
	c.save = widget.NewButtonWithIcon(i18n.T("card.capture.save"), theme.DocumentSaveIcon(), c.apply)
	c.save.Importance = widget.HighImportance
	c.save.Disable()
	top := container.NewVBox(c.status, c.busy, container.NewBorder(nil, nil, nil, container.NewVBox(open, read), c.paste), widget.NewSeparator())
	content := container.NewBorder(top, container.NewHBox(layout.NewSpacer(), c.save), nil, nil, container.NewVScroll(c.preview))
	c.d = dialog.NewCustom(i18n.T("card.capture.title"), i18n.T("action.close"), content, w.win)
	c.d.SetOnClosed(func() {
		c.cancel()
		if w.capture == c {
			w.capture = nil
		}
	})
	w.capture = c
	c.d.Resize(fyne.NewSize(760, 640))
	c.d.Show()
	return c
}

func (c *capture) askFile() { c.w.askOpenFile(cardFileExts, c.readFrom) }

// readFrom reads a file in the background, then hands it to read.
func (c *capture) readFrom(name string, rc io.ReadCloser) {
	c.working(i18n.T("card.capture.reading", name))
	c.w.background(func() {
		// A 12 MP photo is a few MB; a limit keeps a wrong file (a video)
		// from filling memory.
		b, err := io.ReadAll(io.LimitReader(rc, 64<<20))
		rc.Close()
		c.w.update(func() {
			if c.ctx.Err() != nil {
				return // the dialog was closed (or the window locked) meanwhile
			}
			if err != nil {
				c.failed(err)
				return
			}
			c.read(name, b)
		})
	})
}

func (c *capture) working(msg string) {
	c.status.SetText(msg)
	c.busy.Show()
	c.busy.Start()
	c.save.Disable()
}

// read decodes (a QR picture), parses and plans content off the UI
// goroutine; a big photo takes a moment and the dialog stays responsive
// (closing it cancels the decoder).
func (c *capture) read(name string, content []byte) {
	if c.ctx.Err() != nil || c.w.st == nil {
		return
	}
	c.working(i18n.T("card.capture.reading", name))
	st, ctx := c.w.st, c.ctx
	var mission data.ID
	if m := c.w.mission(); m != nil {
		mission = m.ID
	}
	c.w.background(func() {
		plans, names, err := planCapture(ctx, st, content, mission)
		c.w.update(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				c.failed(err)
				return
			}
			c.plans, c.names = plans, names
			c.busy.Stop()
			c.busy.Hide()
			c.status.SetText(i18n.T("card.capture.found", len(plans), name))
			c.showPlans()
			c.save.Enable()
			if c.onReady != nil {
				c.onReady(nil)
			}
		})
	})
}

// planCapture turns file or pasted content into import plans: a picture
// is decoded as a QR code first.
func planCapture(ctx context.Context, st *store.Store, content []byte, mission data.ID) ([]*exchange.CardPlan, map[data.ID]string, error) {
	source := ""
	if qr.IsImage(content) {
		r, err := qr.DecodeReader(ctx, bytes.NewReader(content))
		if errors.Is(err, qr.ErrNoCode) {
			return nil, nil, errors.New(i18n.T("card.capture.nocode"))
		}
		if err != nil {
			return nil, nil, err
		}
		content, source = []byte(r.Text), "qr"
	}
	cards, err := card.Parse(content)
	if err != nil {
		return nil, nil, err
	}
	plans, err := exchange.PlanCards(ctx, st, cards, exchange.CardOptions{Source: source, Mission: mission})
	if err != nil {
		return nil, nil, err
	}
	names := map[data.ID]string{}
	for _, p := range plans {
		if p.Match != nil && p.Match.Org != "" {
			if r, err := st.Get(ctx, p.Match.Org); err == nil {
				names[p.Match.Org] = r.Label()
			}
		}
	}
	return plans, names, nil
}

func (c *capture) failed(err error) {
	c.busy.Stop()
	c.busy.Hide()
	c.status.SetText(i18n.T("card.capture.error", err.Error()))
	c.plans = nil
	c.preview.Objects = nil
	c.preview.Refresh()
	if c.onReady != nil {
		c.onReady(err)
	}
}

// showPlans lays out one panel per card: what it says, and for a likely
// duplicate the existing contact beside it with the choice to merge.
func (c *capture) showPlans() {
	c.preview.Objects = nil
	for _, p := range c.plans {
		c.preview.Add(c.planPanel(p))
		c.preview.Add(widget.NewSeparator())
	}
	c.preview.Refresh()
}

func (c *capture) planPanel(p *exchange.CardPlan) fyne.CanvasObject {
	nc := p.New
	orgName := ""
	if p.Org != nil {
		orgName = p.Org.Name
		if p.NewOrg {
			orgName += " " + i18n.T("card.capture.neworg")
		}
	}
	head := widget.NewLabelWithStyle(nc.Label(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if p.Problem != "" {
		l := widget.NewLabel(i18n.T("card.capture.error", p.Problem))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.DangerImportance
		return container.NewVBox(head, l)
	}
	if p.Match == nil {
		form := widget.NewForm()
		add := func(label, v string) {
			if strings.TrimSpace(v) != "" {
				l := widget.NewLabel(v)
				l.Wrapping = fyne.TextWrapWord
				form.Append(label, l)
			}
		}
		add(i18n.T("card.field.title"), nc.Title)
		add(i18n.T("card.field.org"), orgName)
		add(i18n.T("card.field.email"), strings.Join(nc.Emails, "\n"))
		add(i18n.T("card.field.phone"), strings.Join(nc.Phones, "\n"))
		add(i18n.T("card.field.notes"), nc.Notes)
		choice := widget.NewRadioGroup([]string{i18n.T("card.choice.create"), i18n.T("card.choice.skip")}, nil)
		choice.Horizontal = true
		choice.SetSelected(i18n.T("card.choice.create"))
		choice.OnChanged = func(s string) {
			p.Action = exchange.CardCreate
			if s == i18n.T("card.choice.skip") {
				p.Action = exchange.CardSkip
			}
		}
		return container.NewVBox(head, form, choice)
	}
	// A likely duplicate: the record and the card side by side.
	m := p.Match
	why := widget.NewLabel(i18n.T("card.capture.duplicate", m.Label(), i18n.T("card.reason."+reasonKey(p.Reason))))
	why.Wrapping = fyne.TextWrapWord
	why.Importance = widget.WarningImportance
	grid := container.NewGridWithColumns(3,
		widget.NewLabel(""),
		widget.NewLabelWithStyle(i18n.T("card.capture.onrecord"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle(i18n.T("card.capture.oncard"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	row := func(label, mine, theirs string) {
		if mine == "" && theirs == "" {
			return
		}
		a, b := widget.NewLabel(mine), widget.NewLabel(theirs)
		a.Wrapping, b.Wrapping = fyne.TextWrapWord, fyne.TextWrapWord
		if mine != theirs {
			b.Importance = widget.HighImportance
		}
		grid.Add(widget.NewLabel(label))
		grid.Add(a)
		grid.Add(b)
	}
	row(i18n.T("card.field.name"), m.Label(), nc.Label())
	row(i18n.T("card.field.title"), m.Title, nc.Title)
	cardOrg := ""
	if p.Org != nil {
		cardOrg = p.Org.Name
	}
	row(i18n.T("card.field.org"), c.names[m.Org], cardOrg)
	row(i18n.T("card.field.email"), strings.Join(m.Emails, "\n"), strings.Join(nc.Emails, "\n"))
	row(i18n.T("card.field.phone"), strings.Join(m.Phones, "\n"), strings.Join(nc.Phones, "\n"))
	opts := []string{i18n.T("card.choice.merge"), i18n.T("card.choice.create"), i18n.T("card.choice.skip")}
	choice := widget.NewRadioGroup(opts, nil)
	choice.Horizontal = true
	if p.Action == exchange.CardSame {
		choice.SetSelected(i18n.T("card.choice.skip"))
		p.Action = exchange.CardSame
	} else {
		choice.SetSelected(i18n.T("card.choice.merge"))
	}
	same := p.Action == exchange.CardSame
	choice.OnChanged = func(s string) {
		switch s {
		case i18n.T("card.choice.merge"):
			p.Action = exchange.CardMerge
			if same {
				p.Action = exchange.CardSame
			}
		case i18n.T("card.choice.create"):
			p.Action = exchange.CardCreate
		default:
			p.Action = exchange.CardSkip
		}
	}
	note := ""
	switch {
	case same:
		note = i18n.T("card.capture.same")
	case len(p.Filled) > 0:
		note = i18n.T("card.capture.fills", strings.Join(fieldLabels(p.Filled), ", "))
	}
	objs := []fyne.CanvasObject{head, why, grid}
	if note != "" {
		l := widget.NewLabel(note)
		l.Wrapping = fyne.TextWrapWord
		objs = append(objs, l)
	}
	return container.NewVBox(append(objs, choice)...)
}

func reasonKey(r string) string {
	switch r {
	case "email":
		return "email"
	case "phone":
		return "phone"
	case "name":
		return "nameonly"
	}
	return "name"
}

// fieldLabels names contact fields in the UI language.
func fieldLabels(fields []string) []string {
	keys := map[string]string{"given_name": "card.field.given", "family_name": "card.field.family", "title": "card.field.title",
		"org": "card.field.org", "emails": "card.field.email", "phones": "card.field.phone", "languages": "card.field.languages",
		"notes": "card.field.notes"}
	var out []string
	for _, f := range fields {
		if k, ok := keys[f]; ok {
			out = append(out, i18n.T(k))
		}
	}
	return out
}

// apply writes the plans in the background and reports what happened.
func (c *capture) apply() {
	plans, st := c.plans, c.w.st
	if len(plans) == 0 {
		return
	}
	c.working(i18n.T("card.capture.saving"))
	c.w.background(func() {
		err := exchange.ApplyCards(c.w.ctx, st, plans)
		created, merged, skipped := 0, 0, 0
		for _, p := range plans {
			switch {
			case p.Saved == "" || p.Action == exchange.CardSkip || p.Action == exchange.CardSame:
				skipped++
			case p.Action == exchange.CardCreate:
				created++
			default:
				merged++
			}
		}
		c.w.update(func() {
			c.busy.Stop()
			c.busy.Hide()
			if err != nil {
				c.status.SetText(i18n.T("card.capture.error", err.Error()))
				dialog.ShowError(fmt.Errorf("%s: %w", i18n.T("card.capture.failed"), err), c.w.win)
				return
			}
			c.d.Hide()
			msg := i18n.T("card.capture.saved", created, merged, skipped)
			c.status.SetText(msg)
			dialog.ShowInformation(i18n.T("card.capture.title"), msg, c.w.win)
			c.w.reload()
			if c.onReady != nil {
				c.onReady(nil)
			}
		})
	})
}

// ---- Drop -------------------------------------------------------------

// dropped handles files dropped onto the window: while a record's
// attachments are on screen, every file dropped attaches to it; otherwise
// card pictures and card files open the capture, participant lists the
// import preview.
func (w *mainWindow) dropped(_ fyne.Position, uris []fyne.URI) {
	if w.st == nil || len(uris) == 0 {
		return
	}
	if b := w.attachDropTarget(); b != nil {
		b.attachURIs(uris)
		return
	}
	u := uris[0]
	ext := strings.ToLower(filepath.Ext(u.Name()))
	switch ext {
	case ".csv", ".xlsx", ".json":
		rc, err := storage.Reader(u)
		if err != nil {
			dialog.ShowError(err, w.win)
			return
		}
		w.previewImport(u.Name(), rc)
		return
	}
	for _, e := range cardFileExts {
		if e == ext {
			rc, err := storage.Reader(u)
			if err != nil {
				dialog.ShowError(err, w.win)
				return
			}
			// A second picture dropped while the capture is open goes
			// into the same dialog.
			c := w.capture
			if c == nil {
				c = w.captureCard()
			}
			c.readFrom(u.Name(), rc)
			return
		}
	}
	dialog.ShowInformation(i18n.T("card.capture.title"), i18n.T("card.drop.unknown", u.Name()), w.win)
}

// ---- Export ----------------------------------------------------------

// askExportCards saves the contacts (of the selected mission, or all) as
// a .vcf file.
func (w *mainWindow) askExportCards() {
	if w.st == nil {
		return
	}
	var f exchange.Filter
	name := "contacts"
	if m := w.mission(); m != nil {
		f.Mission, name = m.ID, m.Name
	}
	st := w.st
	w.askSaveFile(safeName(name)+".vcf", "doc.creating", "export.failed", func(out io.Writer) (string, error) {
		var buf bytes.Buffer
		if _, err := exchange.ExportVCards(w.ctx, st, f, nil, "3.0", &buf); err != nil {
			return "", err
		}
		_, err := out.Write(buf.Bytes())
		return i18n.T("card.export"), err
	})
}

func nonEmptyStrings(s ...string) []string {
	var out []string
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}
