package gui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// searchLimit caps the hits of one query: enough to scan by eye, and the
// store ranks the best first.
const searchLimit = 100

// searchRow is a row of the results: a kind heading (hit nil) or a hit
// with its context line.
type searchRow struct {
	kind    data.Kind
	count   int
	hit     *store.Hit
	context string
}

// searchScreen searches everything as the user types: every keystroke
// starts a search in the background and cancels the one before, and only
// the answer to the latest text is shown, grouped by kind.
type searchScreen struct {
	w *mainWindow
	// State below is touched only on the UI goroutine.
	rows    []searchRow
	sel     int // the selected row (a hit), -1 for none
	seq     uint64
	cancel  context.CancelFunc
	query   string // the text the results (or the search running) are for
	gen     uint64 // w.gen when the query ran, to re-run it after edits
	running bool   // a search for query is under way
	// openWhenDone: Enter came before the results; open the first then.
	openWhenDone bool

	entry *searchEntry
	info  *widget.Label
	list  *widget.List
	view  *fyne.Container
	intro fyne.CanvasObject
}

// searchEntry is the search box: Up and Down move the selection in the
// results while the cursor stays in the box, Enter opens it.
type searchEntry struct {
	entry
	s *searchScreen
}

func (e *searchEntry) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyUp:
		e.w.touch()
		e.s.move(-1)
	case fyne.KeyDown:
		e.w.touch()
		e.s.move(1)
	default:
		e.entry.TypedKey(k)
	}
}

func newSearchScreen(w *mainWindow) *searchScreen {
	s := &searchScreen{w: w, sel: -1}
	s.entry = &searchEntry{entry: entry{w: w}, s: s}
	s.entry.ExtendBaseWidget(s.entry)
	s.entry.SetPlaceHolder(i18n.T("search.placeholder"))
	s.entry.OnChanged = s.run
	s.entry.OnSubmitted = func(string) { s.openSelected() }
	s.info = widget.NewLabel("")
	s.info.Importance = widget.LowImportance
	s.list = widget.NewList(
		func() int { return len(s.rows) },
		func() fyne.CanvasObject { return newSearchRowView() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.rows) {
				s.fillRow(o.(*searchRowView), id)
			}
		})
	s.list.OnSelected = func(id widget.ListItemID) {
		if id < len(s.rows) && s.rows[id].hit != nil {
			s.sel = id
			return
		}
		s.list.Unselect(id) // headings are not results
	}
	s.list.OnUnselected = func(id widget.ListItemID) {
		if s.sel == id {
			s.sel = -1
		}
	}
	s.intro = w.message(i18n.T("search.intro"), nil)
	s.view = container.NewStack(s.intro)
	return s
}

func (s *searchScreen) content() fyne.CanvasObject {
	top := container.NewVBox(s.entry, s.info, widget.NewSeparator())
	return container.NewBorder(top, nil, nil, nil, s.view)
}

// load re-runs the query after records changed, so the results do not
// show what was deleted or renamed; otherwise there is nothing to fetch.
func (s *searchScreen) load() {
	if s.query != "" && s.gen != s.w.gen {
		s.run(s.entry.Text)
	}
}

func (s *searchScreen) clear() {
	s.stop()
	clearEntry(&s.entry.Entry) // runs the empty query: the introduction again
	s.query = ""
	s.setRows(nil)
	s.info.SetText("")
	s.view.Objects = []fyne.CanvasObject{s.intro}
	s.view.Refresh()
}

// focus puts the cursor in the search box with its text selected, so
// typing replaces the last query.
func (s *searchScreen) focus() {
	s.w.win.Canvas().Focus(s.entry)
	// Fyne's Entry drops the next typed character after selecting all
	// of an empty text: select only when there is something to replace.
	if s.entry.Text != "" {
		s.entry.TypedShortcut(&fyne.ShortcutSelectAll{})
	}
}

// clearEntry empties e the way a user would (select all, delete): Fyne's
// SetText keeps a selection active, and the next character typed is lost.
func clearEntry(e *widget.Entry) {
	if e.Text == "" {
		return
	}
	e.TypedShortcut(&fyne.ShortcutSelectAll{})
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
}

// stop cancels the search running, if any; its answer will be dropped.
func (s *searchScreen) stop() {
	s.seq++
	s.running, s.openWhenDone = false, false
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
}

// run starts a search for text, replacing the one running.
func (s *searchScreen) run(text string) {
	w := s.w
	s.stop()
	q := strings.TrimSpace(text)
	s.query = q
	if q == "" || w.st == nil {
		s.setRows(nil)
		s.info.SetText("")
		s.view.Objects = []fyne.CanvasObject{s.intro}
		s.view.Refresh()
		return
	}
	ctx, cancel := context.WithCancel(w.ctx)
	s.cancel = cancel
	s.running = true
	seq, st := s.seq, w.st
	s.gen = w.gen
	w.background(func() {
		start := time.Now()
		hits, err := st.Search(ctx, q, searchLimit)
		took := time.Since(start)
		var rows []searchRow
		if err == nil {
			rows = groupHits(hits)
		}
		w.update(func() {
			if seq != s.seq || w.st != st {
				return // a newer query replaced this one, or the store was locked
			}
			cancel()
			s.cancel, s.running = nil, false
			open := s.openWhenDone
			s.openWhenDone = false
			if err != nil {
				if !errors.Is(err, context.Canceled) {
					s.info.SetText(i18n.T("search.failed", err.Error()))
				}
				return
			}
			s.show(rows, len(hits), took)
			if open {
				s.openSelected()
			}
		})
	})
}

// show puts the results on screen, the first hit selected (what Enter
// opens).
func (s *searchScreen) show(rows []searchRow, n int, took time.Duration) {
	info := i18n.T("search.count", n, took.Milliseconds())
	if n >= searchLimit {
		info += " — " + i18n.T("search.limited", searchLimit)
	}
	s.info.SetText(info)
	s.setRows(rows)
	if n == 0 {
		s.view.Objects = []fyne.CanvasObject{s.w.message(i18n.T("search.none", s.query), nil)}
	} else {
		s.view.Objects = []fyne.CanvasObject{s.list}
	}
	s.view.Refresh()
	s.move(1)
}

// setRows replaces the results, with one-line headings.
func (s *searchScreen) setRows(rows []searchRow) {
	s.rows = rows
	s.sel = -1
	tmpl := newSearchRowView()
	head := tmpl.head.MinSize().Height
	item := tmpl.MinSize().Height
	for i, r := range rows {
		if r.hit == nil {
			s.list.SetItemHeight(i, head)
		} else {
			s.list.SetItemHeight(i, item)
		}
	}
	s.list.UnselectAll()
	s.list.Refresh()
	s.list.ScrollToTop()
}

// groupHits orders hits by kind (missions first, as data.Kinds lists
// them), keeping the store's ranking within a kind, under a heading per
// kind; it formats each hit's context line (off the UI goroutine).
func groupHits(hits []store.Hit) []searchRow {
	byKind := map[data.Kind][]int{}
	for i, h := range hits {
		byKind[h.Kind] = append(byKind[h.Kind], i)
	}
	var rows []searchRow
	for _, k := range data.Kinds {
		idx := byKind[k]
		if len(idx) == 0 {
			continue
		}
		rows = append(rows, searchRow{kind: k, count: len(idx)})
		for _, i := range idx {
			h := &hits[i]
			rows = append(rows, searchRow{kind: k, hit: h, context: hitContext(h.Record)})
		}
	}
	return rows
}

// hitContext is the line under a hit that tells similar names apart.
func hitContext(rec data.Record) string {
	switch r := rec.(type) {
	case *data.Mission:
		return i18n.T("mission.summary", formatDate(r.Start), formatDate(r.End), countryLabel(r.Country), r.TimeZone)
	case *data.Organization:
		var parts []string
		if r.City != "" {
			parts = append(parts, r.City)
		}
		if r.Country != "" {
			parts = append(parts, countryLabel(r.Country))
		}
		return strings.Join(parts, ", ")
	case *data.Contact:
		return r.Title
	case *data.Meeting:
		local := r.Local()
		return formatDate(data.DateOf(local)) + " " + local.Format("15:04") + " · " + i18n.T("meeting.kind."+string(r.MeetingKind))
	case *data.FollowUp:
		line := i18n.T("status." + string(r.Status))
		if r.Due != "" {
			line += " · " + i18n.T("followups.due", formatDate(r.Due))
		}
		if r.Owner != "" {
			line += " · " + r.Owner
		}
		return line
	case *data.Attachment:
		if r.Note != "" {
			return r.Note
		}
		return r.MediaType
	}
	return ""
}

// kindIcon is the navigation's icon for a record kind.
func kindIcon(k data.Kind) fyne.Resource {
	switch k {
	case data.KindMission:
		return theme.HomeIcon()
	case data.KindOrg:
		return theme.StorageIcon()
	case data.KindContact:
		return theme.AccountIcon()
	case data.KindMeeting:
		return theme.ListIcon()
	case data.KindFollowUp:
		return theme.ConfirmIcon()
	}
	return theme.FileIcon()
}

// searchRowView draws a heading or a hit. Tapping a hit opens it, also
// when it is already the selected one (the list would ignore that tap).
type searchRowView struct {
	widget.BaseWidget
	head, label, context *widget.Label
	icon                 *widget.Icon
	item                 *fyne.Container
	content              fyne.CanvasObject
	onTap                func()
}

func newSearchRowView() *searchRowView {
	v := &searchRowView{}
	v.head = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.label = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.label.Truncation = fyne.TextTruncateEllipsis
	v.context = widget.NewLabel("")
	v.context.Truncation = fyne.TextTruncateEllipsis
	v.icon = widget.NewIcon(nil)
	v.item = container.NewBorder(nil, nil, container.NewCenter(v.icon), nil, container.NewVBox(v.label, v.context))
	v.content = container.NewStack(v.head, v.item)
	v.ExtendBaseWidget(v)
	return v
}

func (v *searchRowView) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(v.content)
}

func (v *searchRowView) Tapped(*fyne.PointEvent) {
	if v.onTap != nil {
		v.onTap()
	}
}

func (s *searchScreen) fillRow(v *searchRowView, id int) {
	r := s.rows[id]
	if r.hit == nil {
		v.head.SetText(i18n.T("search.group."+string(r.kind), r.count))
		v.head.Show()
		v.item.Hide()
		v.onTap = nil
		return
	}
	v.head.Hide()
	v.item.Show()
	v.icon.SetResource(kindIcon(r.kind))
	v.label.SetText(privateMark(r.hit.Record.Meta().Confidentiality) + r.hit.Label)
	v.context.SetText(r.context)
	v.onTap = func() { s.open(id) }
}

// move selects the next (+1) or previous (-1) hit, skipping headings.
func (s *searchScreen) move(delta int) {
	i := s.sel
	if i < 0 && delta < 0 {
		return
	}
	for i += delta; i >= 0 && i < len(s.rows); i += delta {
		if s.rows[i].hit != nil {
			s.list.Select(i)
			s.list.ScrollTo(i)
			return
		}
	}
}

// openSelected opens the selected hit, else the first; with a search
// still running for what was typed, it opens the first of its results.
func (s *searchScreen) openSelected() {
	if s.running {
		s.openWhenDone = true
		return
	}
	if s.sel >= 0 && s.sel < len(s.rows) && s.rows[s.sel].hit != nil {
		s.open(s.sel)
		return
	}
	for i, r := range s.rows {
		if r.hit != nil {
			s.open(i)
			return
		}
	}
}

// open shows the hit of row i on its screen.
func (s *searchScreen) open(i int) {
	if i < 0 || i >= len(s.rows) || s.rows[i].hit == nil {
		return
	}
	s.list.Select(i)
	s.w.openRecord(s.rows[i].hit.Record)
}
