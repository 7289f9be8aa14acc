package gui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/exchange"
	"github.com/clusme/fieldbook/data/report"
	"github.com/clusme/fieldbook/data/store"
)

// docKind names one of the PDF documents the Documents menu makes.
type docKind int

const (
	docCatalogue docKind = iota
	docReport
	docFollowUps
	docBrochure
)

// menu is the main menu: File (quit) and Documents (the PDFs of the
// selected mission).
func (w *mainWindow) menu() *fyne.MainMenu {
	// Menu items carry the window's shortcuts: Fyne runs a menu shortcut
	// before the focused widget sees the key, so Ctrl+S saves and Ctrl+Q
	// quits while the cursor is in a text field too.
	item := func(label string, key fyne.KeyName, fn func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, fn)
		it.Shortcut = &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
		return it
	}
	quit := item(i18n.T("action.quit"), fyne.KeyQ, w.app.Quit)
	quit.IsQuit = true
	return fyne.NewMainMenu(
		fyne.NewMenu(i18n.T("menu.file"),
			item(i18n.T("meeting.new"), fyne.KeyN, w.newMeeting),
			item(i18n.T("action.save"), fyne.KeyS, w.save),
			item(i18n.T("nav.search"), fyne.KeyF, w.focusSearch),
			fyne.NewMenuItemSeparator(),
			syncMenuItem(w),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem(i18n.T("menu.import")+"…", w.askImport),
			fyne.NewMenuItem(i18n.T("menu.export")+"…", w.askExport),
			fyne.NewMenuItemSeparator(),
			item(i18n.T("action.closewindow"), fyne.KeyW, w.win.Close),
			quit),
		fyne.NewMenu(i18n.T("menu.documents"),
			fyne.NewMenuItem(i18n.T("doc.catalogue")+"…", func() { w.askDocument(docCatalogue) }),
			fyne.NewMenuItem(i18n.T("doc.report")+"…", func() { w.askDocument(docReport) }),
			fyne.NewMenuItem(i18n.T("doc.followups")+"…", func() { w.askDocument(docFollowUps) }),
			fyne.NewMenuItem(i18n.T("doc.brochure")+"…", func() { w.askDocument(docBrochure) }),
		),
		fyne.NewMenu(i18n.T("menu.cards"),
			fyne.NewMenuItem(i18n.T("card.my.title"), w.showMyCard),
			fyne.NewMenuItem(i18n.T("card.capture.title")+"…", func() { w.captureCard() }),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem(i18n.T("card.export")+"…", w.askExportCards),
		),
		w.securityMenu(),
	)
}

// askDocument asks what it needs (the organization, for a brochure) and
// where to save, then makes the document in the background.
func (w *mainWindow) askDocument(kind docKind) {
	m := w.mission()
	if m == nil || w.st == nil {
		dialog.ShowInformation(i18n.T("menu.documents"), i18n.T("doc.nomission"), w.win)
		return
	}
	// Documents are printed in the host's language, which need not be the
	// UI's: the form asks, starting from the UI language.
	langSel := widget.NewSelect(docLanguageNames, nil)
	langSel.SetSelectedIndex(max(0, slices.Index(report.Languages, i18n.Language())))
	language := func() string { return report.Languages[max(0, langSel.SelectedIndex())] }
	langItem := widget.NewFormItem(i18n.T("doc.language"), langSel)
	if kind != docBrochure {
		dialog.ShowForm(docTitle(kind), i18n.T("doc.next"), i18n.T("action.cancel"), []*widget.FormItem{langItem},
			func(ok bool) {
				if ok {
					w.askSave(kind, m.ID, fileName(kind, m.Name), language())
				}
			}, w.win)
		return
	}
	// Brochures are of the mission's member companies (and hosts); their
	// names are read in the background.
	st := w.st
	w.background(func() {
		var ids []data.ID
		var names []string
		for _, id := range append(append([]data.ID{}, m.Members...), m.Hosts...) {
			if r, err := st.Get(w.ctx, id); err == nil {
				ids = append(ids, id)
				names = append(names, r.Label())
			}
		}
		w.update(func() {
			if len(ids) == 0 {
				dialog.ShowInformation(i18n.T("doc.brochure"), i18n.T("doc.noorgs"), w.win)
				return
			}
			sel := widget.NewSelect(names, nil)
			sel.SetSelectedIndex(0)
			dialog.ShowForm(i18n.T("doc.brochure"), i18n.T("doc.next"), i18n.T("action.cancel"),
				[]*widget.FormItem{widget.NewFormItem(i18n.T("doc.brochure.org"), sel), langItem},
				func(ok bool) {
					if ok && sel.SelectedIndex() >= 0 {
						w.askSave(docBrochure, ids[sel.SelectedIndex()], fileName(docBrochure, sel.Selected), language())
					}
				}, w.win)
		})
	})
}

// docLanguageNames name report.Languages in their own language.
var docLanguageNames = []string{"English", "Suomi", "Eesti", "Русский"}

func docTitle(kind docKind) string {
	return i18n.T(map[docKind]string{docCatalogue: "doc.catalogue", docReport: "doc.report", docFollowUps: "doc.followups", docBrochure: "doc.brochure"}[kind])
}

// fileName suggests a file name: the document and the mission or company.
func fileName(kind docKind, name string) string {
	prefix := map[docKind]string{docCatalogue: "catalogue", docReport: "report", docFollowUps: "follow-ups", docBrochure: "brochure"}[kind]
	return safeName(prefix+" "+name) + ".pdf"
}

// safeName replaces the characters file systems refuse.
func safeName(name string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) {
			return '-'
		}
		return r
	}, name))
}

func (w *mainWindow) askSave(kind docKind, target data.ID, suggested, lang string) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(err, w.win)
			return
		}
		if wc == nil {
			return // cancelled
		}
		w.makeDocument(kind, target, lang, wc, nil)
	}, w.win)
	d.SetFileName(suggested)
	d.Show()
}

// makeDocument renders the PDF into memory and writes it to out, both off
// the UI goroutine, with a progress dialog meanwhile. done, if set, is
// called on the UI goroutine at the end (tests use it).
func (w *mainWindow) makeDocument(kind docKind, target data.ID, lang string, out io.WriteCloser, done func(error)) {
	progress := dialog.NewCustomWithoutButtons(i18n.T("doc.creating"), widget.NewProgressBarInfinite(), w.win)
	progress.Show()
	st := w.st
	w.background(func() {
		err := renderDocument(w.ctx, st, kind, target, lang, out)
		if err != nil {
			discardFile(out)
		}
		w.update(func() {
			progress.Hide()
			if err != nil {
				dialog.ShowError(fmt.Errorf("%s: %w", i18n.T("doc.failed"), err), w.win)
			} else if u, ok := out.(fyne.URIWriteCloser); ok {
				dialog.ShowInformation(i18n.T("menu.documents"), i18n.T("doc.saved", u.URI().Path()), w.win)
			}
			if done != nil {
				done(err)
			}
		})
	})
}

// renderDocument makes the document and writes it to out. It renders into
// memory first, so a failure never leaves half a PDF behind.
func renderDocument(ctx context.Context, st *store.Store, kind docKind, target data.ID, lang string, out io.WriteCloser) error {
	var buf bytes.Buffer
	opt := report.Options{Lang: lang}
	var err error
	switch kind {
	case docCatalogue:
		err = report.Catalogue(ctx, st, target, opt, &buf)
	case docReport:
		err = report.Report(ctx, st, target, opt, &buf)
	case docBrochure:
		err = report.Brochure(ctx, st, target, opt, &buf)
	case docFollowUps:
		// The GUI's lists are for sharing: private follow-ups stay out.
		var items []*data.FollowUp
		var m *data.Mission
		if items, m, err = exchange.SelectFollowUps(ctx, st, exchange.Filter{Mission: target}); err == nil {
			err = report.FollowUpList(ctx, st, items, m.Name, opt, &buf)
		}
	}
	if err != nil {
		out.Close()
		return err
	}
	if _, err := out.Write(buf.Bytes()); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// discardFile removes the file a save dialog created for a document or
// export that then failed, so no empty or half-written file is left.
func discardFile(out io.WriteCloser) {
	if u, ok := out.(fyne.URIWriteCloser); ok {
		_ = storage.Delete(u.URI())
	}
}
