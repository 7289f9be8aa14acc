package gui

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// conflictReview is the dialog listing the open conflicts: two people
// changed the same field before syncing; the merge kept one value (the
// winner, now in the record) and the other for review. Per conflict:
// keep the value now, take the other, write one by hand (text fields),
// or open the record.
type conflictReview struct {
	w  *mainWindow
	st *store.Store
	// State below is touched only on the UI goroutine.
	d     dialog.Dialog
	items []conflictItem
	sel   int // index into items, -1 for none
	busy  bool

	list                    *widget.List
	empty                   fyne.CanvasObject
	panel                   *fyne.Container // the detail, or a hint
	title, what             *widget.Label
	nowWho, otherWho        *widget.Label
	nowText, otherText      *widget.Label
	keep, other, edit, open *widget.Button
	split                   *container.Split
	msg                     *widget.Label
}

// conflictItem is one open conflict as the review shows it.
type conflictItem struct {
	c     data.Conflict
	rec   data.Record // nil when the record is gone
	label string
	// now is the record's value today (the stored Current may be stale);
	// nowText and otherText are the values in words.
	now                json.RawMessage
	nowText, otherText string
	// text: the field holds text, so the two can be merged by hand.
	text bool
}

// reviewConflicts opens the conflict review (or reloads the open one).
func (w *mainWindow) reviewConflicts() {
	if w.st == nil {
		return
	}
	if r := w.sync.review; r != nil && r.st == w.st {
		r.load()
		return
	}
	r := &conflictReview{w: w, st: w.st, sel: -1}
	w.sync.review = r
	r.build()
	r.load()
}

func (r *conflictReview) build() {
	w := r.w
	r.list = widget.NewList(func() int { return len(r.items) }, twoLineRow, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < len(r.items) {
			it := r.items[id]
			setTwoLines(o, it.label, i18n.T("kind."+string(it.c.Kind))+" · "+fieldLabel(it.c.Field))
		}
	})
	r.list.OnSelected = func(id widget.ListItemID) {
		r.sel = id
		r.showSelected()
	}
	r.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.title.Wrapping = fyne.TextWrapWord
	r.what = note("")
	side := func(head string, who, text **widget.Label) fyne.CanvasObject {
		title := widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		*who = note("")
		(*who).TextStyle.Italic = true
		*text = note("")
		(*text).Selectable = true
		scroll := container.NewVScroll(*text)
		scroll.SetMinSize(fyne.NewSize(200, 220))
		// A card without a title: a panel of its own beside the other.
		return widget.NewCard("", "", container.NewBorder(container.NewVBox(title, *who, widget.NewSeparator()), nil, nil, nil, scroll))
	}
	now := side(i18n.T("sync.conflict.now"), &r.nowWho, &r.nowText)
	other := side(i18n.T("sync.conflict.other"), &r.otherWho, &r.otherText)
	r.keep = widget.NewButtonWithIcon(i18n.T("sync.conflict.keep"), theme.ConfirmIcon(), func() { r.resolve(nil) })
	r.other = widget.NewButtonWithIcon(i18n.T("sync.conflict.take"), theme.MailReplyIcon(), func() {
		if it := r.selected(); it != nil {
			v := it.c.Other.Value
			if len(v) == 0 {
				v = json.RawMessage("null")
			}
			r.resolve(v)
		}
	})
	r.edit = widget.NewButtonWithIcon(i18n.T("sync.conflict.edit")+"…", theme.DocumentCreateIcon(), r.askEdit)
	r.open = widget.NewButtonWithIcon(i18n.T("sync.conflict.open"), theme.NavigateNextIcon(), func() {
		if it := r.selected(); it != nil && it.rec != nil {
			rec := it.rec
			r.d.Hide()
			w.openRecord(rec)
		}
	})
	r.msg = problemLabel()
	detail := container.NewBorder(
		container.NewVBox(r.title, r.what),
		container.NewVBox(r.msg, container.NewHBox(r.keep, r.other, r.edit, r.open)),
		nil, nil,
		container.NewGridWithColumns(2, now, other))
	r.panel = container.NewStack(detail)
	r.empty = w.message(i18n.T("sync.conflicts.none"), nil)
	r.split = container.NewHSplit(r.list, r.panel)
	r.split.Offset = 0.3
	syncBtn := widget.NewButtonWithIcon(i18n.T("sync.now"), theme.ViewRefreshIcon(), func() {
		r.d.Hide()
		w.syncNow()
	})
	intro := note(i18n.T("sync.conflicts.intro"))
	content := container.NewBorder(intro, container.NewHBox(syncBtn), nil, nil, container.NewStack(r.split, r.empty))
	r.empty.Hide()
	r.d = dialog.NewCustom(i18n.T("sync.conflicts.title"), i18n.T("action.close"), content, w.win)
	pop := w.pushForm(&form{cancel: r.d.Hide})
	r.d.SetOnClosed(func() {
		pop()
		if w.sync.review == r {
			w.sync.review = nil
		}
	})
	r.d.Resize(fyne.NewSize(1040, 620))
	r.showSelected()
	r.d.Show()
}

// load reads the open conflicts and what they concern, in the
// background.
func (r *conflictReview) load() {
	w, st := r.w, r.st
	w.background(func() {
		items, err := loadConflicts(w.ctx, st)
		w.update(func() {
			if w.sync.review != r {
				return
			}
			if err != nil {
				r.say(i18n.T("error.load", err.Error()))
				return
			}
			var selKey string
			if it := r.selected(); it != nil {
				selKey = it.c.Key()
			}
			old := r.sel
			r.items, r.sel = items, -1
			r.list.UnselectAll()
			r.list.Refresh()
			if len(items) == 0 {
				r.split.Hide()
				r.empty.Show()
				return
			}
			r.empty.Hide()
			r.split.Show()
			// The same conflict stays selected; one resolved makes way
			// for the next.
			next := min(max(old, 0), len(items)-1)
			for i, it := range items {
				if it.c.Key() == selKey {
					next = i
				}
			}
			r.list.Select(next)
		})
	})
}

// loadConflicts reads the open conflicts, oldest first, with their
// records and both values in words.
func loadConflicts(ctx context.Context, st *store.Store) ([]conflictItem, error) {
	cs, err := st.Conflicts(ctx)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Detected < cs[j].Detected })
	items := make([]conflictItem, 0, len(cs))
	for _, c := range cs {
		it := conflictItem{c: c, label: string(c.Record)}
		if rec, err := st.Get(ctx, c.Record); err == nil {
			it.rec, it.label = rec, rec.Label()
			if f, err := data.FieldsOf(rec); err == nil {
				it.now = f[c.Field]
			}
		}
		if it.label == "" {
			it.label = i18n.T("kind." + string(c.Kind))
		}
		it.nowText = valueText(ctx, st, it.now)
		it.otherText = valueText(ctx, st, c.Other.Value)
		it.text = it.rec != nil && isText(it.now) && isText(c.Other.Value)
		items = append(items, it)
	}
	return items, nil
}

// isText: the value is a string, or empty.
func isText(v json.RawMessage) bool {
	if len(v) == 0 || string(v) == "null" {
		return true
	}
	var s string
	return json.Unmarshal(v, &s) == nil
}

// textOf is a text value's string ("" for empty).
func textOf(v json.RawMessage) string {
	var s string
	_ = json.Unmarshal(v, &s)
	return s
}

// valueText is a field value in words: text as it is, a reference to a
// record by the record's name, a list one item per line.
func valueText(ctx context.Context, st *store.Store, v json.RawMessage) string {
	if len(v) == 0 || string(v) == "null" || string(v) == `""` || string(v) == "[]" {
		return i18n.T("sync.conflict.empty")
	}
	name := func(s string) string {
		if _, err := data.ID(s).Bytes(); err == nil {
			if rec, err := st.Get(ctx, data.ID(s)); err == nil {
				return rec.Label()
			}
		}
		return s
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return name(s)
	}
	var list []string
	if json.Unmarshal(v, &list) == nil {
		for i := range list {
			list[i] = name(list[i])
		}
		return strings.Join(list, "\n")
	}
	var b bytes.Buffer
	if json.Indent(&b, v, "", "  ") == nil {
		return b.String()
	}
	return string(v)
}

func (r *conflictReview) selected() *conflictItem {
	if r.sel < 0 || r.sel >= len(r.items) {
		return nil
	}
	return &r.items[r.sel]
}

// showSelected fills the detail with the selected conflict.
func (r *conflictReview) showSelected() {
	it := r.selected()
	r.say("")
	if it == nil {
		r.title.SetText(i18n.T("sync.conflicts.pick"))
		r.what.SetText("")
		for _, l := range []*widget.Label{r.nowWho, r.otherWho, r.nowText, r.otherText} {
			l.SetText("")
		}
		for _, b := range []*widget.Button{r.keep, r.other, r.edit, r.open} {
			b.Disable()
		}
		return
	}
	c := it.c
	r.title.SetText(it.label)
	r.what.SetText(i18n.T("sync.conflict.what", i18n.T("kind."+string(c.Kind)), fieldLabel(c.Field), longWhen(c.Detected.Time())))
	if bytes.Equal(compactJSON(it.now), compactJSON(c.Current.Value)) {
		r.nowWho.SetText(i18n.T("sync.conflict.by", r.who(c.Current.Device), longWhen(c.Current.HLC.Time())))
	} else {
		r.nowWho.SetText(i18n.T("sync.conflict.since"))
	}
	r.otherWho.SetText(i18n.T("sync.conflict.by", r.who(c.Other.Device), longWhen(c.Other.HLC.Time())))
	r.nowText.SetText(it.nowText)
	r.otherText.SetText(it.otherText)
	for _, b := range []*widget.Button{r.keep, r.other, r.edit, r.open} {
		b.Enable()
	}
	if it.rec == nil {
		r.open.Disable()
		r.other.Disable()
	}
	if it.text {
		r.edit.Show()
	} else {
		r.edit.Hide()
	}
}

// who names the device that wrote a value: this computer, or another.
func (r *conflictReview) who(dev data.ID) string {
	if dev == r.st.Device() {
		return i18n.T("sync.device.this")
	}
	return deviceName(dev)
}

func compactJSON(v json.RawMessage) []byte {
	var b bytes.Buffer
	if len(v) == 0 || json.Compact(&b, v) != nil {
		return []byte("null")
	}
	return b.Bytes()
}

func (r *conflictReview) say(text string) {
	r.msg.SetText(text)
	if text == "" {
		r.msg.Hide()
	} else {
		r.msg.Show()
	}
}

// resolve closes the selected conflict: value nil keeps the record's
// value, else value is written (as an edit on this computer, which syncs).
func (r *conflictReview) resolve(value json.RawMessage) {
	r.resolveDone(value, nil)
}

func (r *conflictReview) resolveDone(value json.RawMessage, done func(error)) {
	it := r.selected()
	if it == nil || r.busy {
		return
	}
	w, st, key := r.w, r.st, it.c.Key()
	r.busy = true
	w.background(func() {
		err := st.ResolveConflict(w.ctx, key, value)
		w.update(func() {
			r.busy = false
			if w.st != st {
				return // locked meanwhile
			}
			if done != nil {
				done(err)
			}
			if err != nil {
				if w.sync.review == r {
					r.say(fieldProblem(err))
				}
				return
			}
			w.changed() // the record, the counts and the Sync button
			if w.sync.review == r {
				r.load()
			}
		})
	})
}

// askEdit writes the field by hand, starting from both texts.
func (r *conflictReview) askEdit() {
	it := r.selected()
	if it == nil || !it.text {
		return
	}
	w := r.w
	e := w.newMultiLineEntry()
	var parts []string
	for _, s := range []string{textOf(it.now), textOf(it.c.Other.Value)} {
		if s = strings.TrimSpace(s); s != "" && (len(parts) == 0 || parts[0] != s) {
			parts = append(parts, s)
		}
	}
	e.SetText(strings.Join(parts, "\n\n"))
	e.SetMinRowsVisible(10)
	problem := problemLabel()
	body := container.NewBorder(note(i18n.T("sync.conflict.edit.note", fieldLabel(it.c.Field))), problem, nil, nil, e)
	var d *dialog.CustomDialog
	save := func() {
		b, err := json.Marshal(e.Text)
		if err != nil {
			return
		}
		r.resolveDone(b, func(err error) {
			if err != nil {
				problem.SetText(fieldProblem(err))
				problem.Show()
				return
			}
			d.Hide()
		})
	}
	// The dialog stays open until the value is saved (a problem shows
	// in it), so it has buttons of its own.
	d = dialog.NewCustomWithoutButtons(i18n.T("sync.conflict.edit"), body, w.win)
	saveBtn := widget.NewButtonWithIcon(i18n.T("action.save"), theme.DocumentSaveIcon(), save)
	saveBtn.Importance = widget.HighImportance
	cancel := w.guardClose(body, func() { d.Hide() })
	d.SetButtons([]fyne.CanvasObject{widget.NewButtonWithIcon(i18n.T("action.cancel"), theme.CancelIcon(), cancel), saveBtn})
	pop := w.pushForm(&form{save: save, cancel: cancel})
	d.SetOnClosed(pop)
	d.Resize(fyne.NewSize(640, 480))
	d.Show()
	w.win.Canvas().Focus(e)
}
