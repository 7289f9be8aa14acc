package gui

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/exchange"
	"github.com/clusme/fieldbook/data/store"
)

// askImport lets the user pick a participant or agenda list (CSV, Excel)
// or a Fieldbook JSON export, previews what importing it would change, and
// imports it on confirmation.
func (w *mainWindow) askImport() {
	if w.st == nil {
		return
	}
	w.askOpenFile([]string{".csv", ".xlsx", ".json", ".txt"}, w.previewImport)
}

// askOpenFile lets the user pick a file with one of exts (any file when
// exts is empty) and hands it to then (which closes it); cancelling does
// nothing.
func (w *mainWindow) askOpenFile(exts []string, then func(name string, rc io.ReadCloser)) {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, w.win)
			return
		}
		if rc == nil {
			return // cancelled
		}
		then(rc.URI().Name(), rc)
	}, w.win)
	if len(exts) > 0 { // an empty extension filter would hide every file
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	d.Show()
}

// importOptions: agenda rows belong to the selected mission.
func (w *mainWindow) importOptions(dryRun bool) exchange.ImportOptions {
	opt := exchange.ImportOptions{DryRun: dryRun}
	if m := w.mission(); m != nil {
		opt.Mission = m.ID
	}
	return opt
}

// previewImport reads the file and runs a dry run in the background, then
// shows the report with an Import button.
func (w *mainWindow) previewImport(name string, rc io.ReadCloser) {
	st := w.st
	progress := dialog.NewCustomWithoutButtons(i18n.T("import.reading"), widget.NewProgressBarInfinite(), w.win)
	progress.Show()
	w.background(func() {
		content, err := io.ReadAll(rc)
		rc.Close()
		w.update(func() {
			if err != nil {
				progress.Hide()
				dialog.ShowError(fmt.Errorf("%s: %w", i18n.T("import.failed"), err), w.win)
				return
			}
			w.runImport(st, name, content, true, func(rep *exchange.ImportReport, err error) {
				progress.Hide()
				if err != nil {
					dialog.ShowError(fmt.Errorf("%s: %w", i18n.T("import.failed"), err), w.win)
					return
				}
				w.showImportPreview(name, content, rep)
			})
		})
	})
}

// runImport imports content (or, with dryRun, works out what importing it
// would change) in the background; done gets the report on the UI
// goroutine.
func (w *mainWindow) runImport(st *store.Store, name string, content []byte, dryRun bool, done func(*exchange.ImportReport, error)) {
	opt := w.importOptions(dryRun)
	w.background(func() {
		rep, err := exchange.Import(w.ctx, st, name, bytes.NewReader(content), opt)
		w.update(func() { done(rep, err) })
	})
}

// importSummary is the report as text for the preview and the result.
func importSummary(rep *exchange.ImportReport) string {
	counts := map[string]int{}
	for _, c := range rep.Changes {
		counts[c.Action]++
	}
	var b strings.Builder
	b.WriteString(i18n.T("import.summary", rep.Rows, counts["create"], counts["update"], counts["unchanged"], len(rep.Problems)))
	for i, p := range rep.Problems {
		if i == 20 {
			b.WriteString("\n" + i18n.T("import.more", len(rep.Problems)-20))
			break
		}
		b.WriteString("\n" + i18n.T("import.problem", p.Row, strings.TrimSpace(p.Column+" "+quoteIf(p.Value)), problemText(p.Msg)))
	}
	return b.String()
}

// problemMessages are the importer's messages the GUI translates; others
// (rare, from deeper layers) show in English.
var problemMessages = map[string]string{
	exchange.MsgCountry: "import.msg.country", exchange.MsgEmail: "import.msg.email",
	exchange.MsgPhone: "import.msg.phone", exchange.MsgNoName: "import.msg.noname",
	exchange.MsgNoMission: "import.msg.nomission", exchange.MsgTime: "import.msg.time",
	exchange.MsgDate: "import.msg.date",
}

func problemText(msg string) string {
	if key, ok := problemMessages[msg]; ok {
		return i18n.T(key)
	}
	return msg
}

func quoteIf(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf("%q", s)
}

// showImportPreview lists what would change; Import applies it.
func (w *mainWindow) showImportPreview(name string, content []byte, rep *exchange.ImportReport) {
	summary := widget.NewLabel(importSummary(rep))
	summary.Wrapping = fyne.TextWrapWord
	changes := make([]exchange.Change, 0, len(rep.Changes))
	for _, c := range rep.Changes {
		if c.Action != "unchanged" {
			changes = append(changes, c)
		}
	}
	list := widget.NewList(func() int { return len(changes) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := changes[i]
			text := i18n.T("import.action."+c.Action) + " · " + kindLabel(c.Kind) + " · " + c.Label
			if len(c.Fields) > 0 {
				text += " (" + strings.Join(c.Fields, ", ") + ")"
			}
			o.(*widget.Label).SetText(text)
		})
	body := container.NewBorder(summary, nil, nil, nil, list)
	d := dialog.NewCustomConfirm(i18n.T("import.title", name), i18n.T("import.apply"), i18n.T("action.cancel"), body, func(ok bool) {
		if !ok {
			return
		}
		w.runImport(w.st, name, content, false, func(applied *exchange.ImportReport, err error) {
			if err != nil {
				dialog.ShowError(fmt.Errorf("%s: %w", i18n.T("import.failed"), err), w.win)
				return
			}
			dialog.ShowInformation(i18n.T("import.done"), importSummary(applied), w.win)
			w.reload()
		})
	}, w.win)
	d.Resize(fyne.NewSize(640, 480))
	d.Show()
}

func kindLabel(k data.Kind) string { return i18n.T("kind." + string(k)) }

// askExport asks what to export (follow-ups as CSV, Excel or calendar;
// contacts as CSV or Excel; everything as JSON) for the selected mission
// or all missions, then where to save it.
func (w *mainWindow) askExport() {
	if w.st == nil {
		return
	}
	type choice struct {
		what, format string
	}
	choices := []choice{{"followups", "xlsx"}, {"followups", "csv"}, {"followups", "ics"}, {"contacts", "xlsx"}, {"contacts", "csv"}, {"all", "json"}}
	labels := make([]string, len(choices))
	for i, c := range choices {
		labels[i] = i18n.T("export."+c.what) + " — " + i18n.T("export.format."+c.format)
	}
	sel := widget.NewSelect(labels, nil)
	sel.SetSelectedIndex(0)
	scope := widget.NewCheck(i18n.T("export.thismission"), nil)
	m := w.mission()
	if m != nil {
		scope.SetChecked(true)
	} else {
		scope.Disable()
	}
	private := widget.NewCheck(i18n.T("export.private"), nil)
	dialog.ShowForm(i18n.T("export.title"), i18n.T("doc.next"), i18n.T("action.cancel"),
		[]*widget.FormItem{
			widget.NewFormItem(i18n.T("export.what"), sel),
			widget.NewFormItem("", scope),
			widget.NewFormItem("", private),
		}, func(ok bool) {
			if !ok || sel.SelectedIndex() < 0 {
				return
			}
			c := choices[sel.SelectedIndex()]
			f := exchange.Filter{IncludePrivate: private.Checked}
			name := c.what
			if scope.Checked && m != nil {
				f.Mission = m.ID
				name += " " + m.Name
			}
			// Preview: count what would be written (a dry export, in the
			// background), then ask where to save it.
			w.export(c.what, exchange.Format(c.format), f, nopCloser{io.Discard}, func(n int, err error) {
				if err != nil {
					return // export already showed the error
				}
				msg := i18n.T("export.preview", n, labels[sel.SelectedIndex()])
				dialog.ShowConfirm(i18n.T("export.title"), msg, func(ok bool) {
					if !ok {
						return
					}
					save := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
						if err != nil {
							dialog.ShowError(err, w.win)
							return
						}
						if wc != nil {
							w.export(c.what, exchange.Format(c.format), f, wc, nil)
						}
					}, w.win)
					save.SetFileName(safeName(name) + "." + c.format)
					save.Show()
				}, w.win)
			})
		}, w.win)
}

// nopCloser makes a writer a WriteCloser (for the dry export).
type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// export writes the file in the background (into memory first, so a
// failure leaves no half-written file).
func (w *mainWindow) export(what string, format exchange.Format, f exchange.Filter, out io.WriteCloser, done func(int, error)) {
	st := w.st
	opt := exchange.Options{Lang: i18n.Language()}
	if opt.Lang != "en" {
		opt.Sep = ';' // Excel in Finnish, Estonian and Russian expects ;
	}
	w.background(func() {
		var buf bytes.Buffer
		var n int
		var err error
		switch what {
		case "followups":
			n, err = exchange.ExportFollowUps(w.ctx, st, f, format, opt, &buf)
		case "contacts":
			n, err = exchange.ExportContacts(w.ctx, st, f, format, opt, &buf)
		default:
			n, err = exchange.ExportAll(w.ctx, st, f, opt, &buf)
		}
		if err == nil {
			_, err = out.Write(buf.Bytes())
		}
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			discardFile(out)
		}
		w.update(func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("%s: %w", i18n.T("export.failed"), err), w.win)
			} else if u, ok := out.(fyne.URIWriteCloser); ok {
				dialog.ShowInformation(i18n.T("export.title"), i18n.T("export.saved", n, u.URI().Path()), w.win)
			}
			if done != nil {
				done(n, err)
			}
		})
	})
}
