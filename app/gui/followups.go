package gui

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/language"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/data/store"
)

// followUpStatuses is the order of the status groups: what still needs
// doing first.
var followUpStatuses = []data.Status{data.StatusOpen, data.StatusInProgress, data.StatusDone, data.StatusDropped}

var followUpPriorities = []data.Priority{data.PriorityLow, data.PriorityNormal, data.PriorityHigh}

// statusFilter is an entry of the status filter: the first (the default)
// shows what is still to do, then each status alone, then everything.
type statusFilter struct {
	label func() string
	shows func(data.Status) bool
}

var statusFilters = func() []statusFilter {
	out := []statusFilter{{
		label: func() string { return i18n.T("followups.filter.active") },
		shows: active,
	}}
	for _, s := range followUpStatuses {
		out = append(out, statusFilter{
			label: func() string { return i18n.T("status." + string(s)) },
			shows: func(x data.Status) bool { return x == s },
		})
	}
	return append(out, statusFilter{
		label: func() string { return i18n.T("followups.filter.all") },
		shows: func(data.Status) bool { return true },
	})
}()

// statusFilterAll is the index of "all statuses" in statusFilters.
var statusFilterAll = len(statusFilters) - 1

// active says whether a follow-up with status s still needs doing.
func active(s data.Status) bool { return s == data.StatusOpen || s == data.StatusInProgress }

// today is the device's calendar day: due dates are days without a zone,
// and the person looking at the list lives in the device's day.
func today() data.Date { return data.DateOf(time.Now()) }

// overdueDays is how many days f is late, 0 if it is not (due today
// counts as on time; finished follow-ups are never late).
func overdueDays(f *data.FollowUp, day data.Date) int {
	if !active(f.Status) || f.Due == "" || f.Due >= day {
		return 0
	}
	due := f.Due.Time()
	if due.IsZero() {
		return 0
	}
	return int(day.Time().Sub(due).Hours() / 24)
}

// missionScope is which follow-ups the screen reads from the store: one
// mission's, or every one.
type missionScope struct {
	all     bool
	mission data.ID
}

// followUpRow is a row of the list: a status heading (f nil) or a
// follow-up.
type followUpRow struct {
	status data.Status
	count  int
	f      *data.FollowUp
}

// followupsScreen lists follow-ups grouped by status, due date first,
// filtered by status, owner and mission; the selected one is shown on the
// right with its links and actions.
type followupsScreen struct {
	w *mainWindow
	// State below is touched only on the UI goroutine.
	all    []*data.FollowUp        // every follow-up of the loaded scope
	linked map[data.ID]data.Record // the meetings, organizations and contacts they link; nil: deleted
	owners []string
	rows   []followUpRow
	loaded struct {
		scope missionScope
		gen   uint64
		ok    bool
	}
	inflight struct { // the load running, so repeated calls do not pile up
		scope missionScope
		gen   uint64
		ok    bool
	}
	selected data.ID // the follow-up shown, kept across reloads
	pending  data.ID // a follow-up to select once the list has it (reveal)
	editor   *followUpEditor

	// The filters: statusIdx indexes statusFilters, owner "" is everyone,
	// missionIdx is 0 for the current mission, 1 for all, 2+i for
	// w.missions[i] (kept as missionID across reloads of the missions).
	statusIdx  int
	owner      string
	missionIdx int
	missionID  data.ID
	syncing    bool // set while the code sets the selects, to ignore their callbacks

	statusSel, ownerSel, missionSel *widget.Select
	summary                         *widget.Label
	list                            *widget.List
	view                            *fyne.Container
	empty, filtered                 fyne.CanvasObject
	detail                          *fyne.Container
	addBtn                          *widget.Button
}

func newFollowupsScreen(w *mainWindow) *followupsScreen {
	s := &followupsScreen{w: w, linked: map[data.ID]data.Record{}}
	labels := make([]string, len(statusFilters))
	for i, f := range statusFilters {
		labels[i] = f.label()
	}
	s.statusSel = widget.NewSelect(labels, func(string) {
		if s.syncing {
			return
		}
		s.statusIdx = s.statusSel.SelectedIndex()
		s.filtersChanged()
	})
	s.ownerSel = widget.NewSelect(nil, func(string) {
		if s.syncing {
			return
		}
		if i := s.ownerSel.SelectedIndex(); i > 0 {
			s.owner = s.ownerSel.Options[i]
		} else {
			s.owner = ""
		}
		s.filtersChanged()
	})
	s.missionSel = widget.NewSelect(nil, func(string) {
		if s.syncing {
			return
		}
		s.missionIdx = max(s.missionSel.SelectedIndex(), 0)
		s.missionID = ""
		if i := s.missionIdx - 2; i >= 0 && i < len(w.missions) {
			s.missionID = w.missions[i].ID
		}
		s.filtersChanged()
	})
	// Initial values, set without their callbacks: nothing is loaded
	// before the window calls load.
	s.syncStatus()
	s.syncOwners()
	s.syncMissions()

	s.list = widget.NewList(
		func() int { return len(s.rows) },
		func() fyne.CanvasObject { return newFollowUpRowView() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.rows) {
				s.fillRow(o.(*followUpRowView), s.rows[id])
			}
		})
	s.list.OnSelected = func(id widget.ListItemID) {
		if id >= len(s.rows) {
			return
		}
		if f := s.rows[id].f; f != nil {
			s.selected = f.ID
			s.showDetail(f)
			return
		}
		// A heading is not something to look at.
		s.list.Unselect(id)
	}

	s.summary = widget.NewLabel("")
	s.summary.Truncation = fyne.TextTruncateEllipsis
	s.detail = container.NewVBox(widget.NewLabel(i18n.T("followups.none")))
	add := widget.NewButtonWithIcon(i18n.T("followups.new"), theme.ContentAddIcon(), s.newFollowUp)
	add.Importance = widget.HighImportance
	s.empty = w.message(i18n.T("followups.empty"), add)
	s.filtered = w.message(i18n.T("followups.filtered"), widget.NewButton(i18n.T("followups.showall"), s.showAll))
	s.view = container.NewStack(s.list)
	return s
}

func (s *followupsScreen) content() fyne.CanvasObject {
	s.addBtn = widget.NewButtonWithIcon(i18n.T("followups.new"), theme.ContentAddIcon(), s.newFollowUp)
	label := func(key string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(i18n.T(key), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	}
	filters := container.New(layout.NewFormLayout(),
		label("followups.filter.status"), s.statusSel,
		label("followups.filter.owner"), s.ownerSel,
		label("followups.filter.mission"), s.missionSel)
	top := container.NewVBox(filters, container.NewBorder(nil, nil, nil, s.addBtn, s.summary), widget.NewSeparator())
	left := container.NewBorder(top, nil, nil, nil, s.view)
	split := container.NewHSplit(left, container.NewVScroll(container.NewPadded(s.detail)))
	split.Offset = 0.55
	return split
}

func (s *followupsScreen) clear() {
	if s.editor != nil {
		s.editor.close()
	}
	s.all, s.linked, s.owners, s.rows = nil, map[data.ID]data.Record{}, nil, nil
	s.loaded.ok, s.inflight.ok = false, false
	s.selected, s.pending = "", ""
	s.summary.SetText("")
	s.syncOwners()
	s.list.UnselectAll()
	s.list.Refresh()
	s.detail.Objects = []fyne.CanvasObject{widget.NewLabel(i18n.T("followups.none"))}
	s.detail.Refresh()
}

// scope is the mission scope the filters ask for; ok is false when there
// is nothing to show (no current mission yet).
func (s *followupsScreen) scope() (missionScope, bool) {
	switch {
	case s.missionIdx == 1:
		return missionScope{all: true}, true
	case s.missionIdx >= 2 && s.missionID != "":
		return missionScope{mission: s.missionID}, true
	}
	if m := s.w.mission(); m != nil {
		return missionScope{mission: m.ID}, true
	}
	return missionScope{}, false
}

// filtersChanged applies the filters: a new mission scope is read from
// the store, status and owner filter what is already loaded.
func (s *followupsScreen) filtersChanged() {
	if sc, ok := s.scope(); ok && s.loaded.ok && sc == s.loaded.scope {
		s.rebuild()
		return
	}
	s.load()
}

// showAll drops the status and owner filters (the empty state's button).
func (s *followupsScreen) showAll() {
	s.statusIdx, s.owner = statusFilterAll, ""
	s.syncStatus()
	s.syncOwners()
	s.filtersChanged()
}

func (s *followupsScreen) syncStatus() {
	s.syncing = true
	defer func() { s.syncing = false }()
	s.statusSel.SetSelectedIndex(s.statusIdx)
}

// syncOwners fills the owner filter with the owners found (and the one
// chosen, even if the scope has none of theirs, so the filter says why
// the list is empty).
func (s *followupsScreen) syncOwners() {
	s.syncing = true
	defer func() { s.syncing = false }()
	opts := []string{i18n.T("followups.owner.everyone")}
	opts = append(opts, s.owners...)
	if s.owner != "" && !slices.Contains(s.owners, s.owner) {
		opts = append(opts, s.owner)
	}
	s.ownerSel.Options = opts
	if s.owner == "" {
		s.ownerSel.SetSelectedIndex(0)
	} else {
		s.ownerSel.SetSelected(s.owner)
	}
}

// syncMissions fills the mission filter from the window's missions,
// keeping a chosen mission by ID (the list may have been reordered).
func (s *followupsScreen) syncMissions() {
	s.syncing = true
	defer func() { s.syncing = false }()
	opts := []string{i18n.T("followups.mission.current"), i18n.T("followups.mission.all")}
	found := false
	for i, m := range s.w.missions {
		opts = append(opts, m.Name)
		if s.missionIdx >= 2 && m.ID == s.missionID {
			s.missionIdx, found = i+2, true
		}
	}
	if s.missionIdx >= 2 && !found {
		// The mission is gone (deleted, or the store was locked).
		s.missionIdx, s.missionID = 0, ""
	}
	s.missionSel.Options = opts
	s.missionSel.SetSelectedIndex(s.missionIdx)
}

// load reads the follow-ups of the mission scope and the records they
// link, unless they are loaded and current.
func (s *followupsScreen) load() {
	w := s.w
	if w.st == nil {
		return
	}
	s.syncMissions()
	sc, ok := s.scope()
	if !ok {
		return
	}
	if s.loaded.ok && s.loaded.scope == sc && s.loaded.gen == w.gen {
		s.selectPending()
		return
	}
	if s.inflight.ok && s.inflight.scope == sc && s.inflight.gen == w.gen {
		return
	}
	s.inflight.scope, s.inflight.gen, s.inflight.ok = sc, w.gen, true
	st, gen := w.st, w.gen
	w.background(func() {
		recs, err := st.List(w.ctx, store.Query{Kind: data.KindFollowUp, Mission: sc.mission})
		all := make([]*data.FollowUp, 0, len(recs))
		linked := map[data.ID]data.Record{}
		seen := map[string]bool{}
		var owners []string
		for _, r := range recs {
			f := r.(*data.FollowUp)
			all = append(all, f)
			if f.Owner != "" && !seen[f.Owner] {
				seen[f.Owner] = true
				owners = append(owners, f.Owner)
			}
			for _, id := range []data.ID{f.Meeting, f.Org, f.Contact} {
				if _, ok := linked[id]; ok || id == "" {
					continue
				}
				rec, gerr := st.Get(w.ctx, id)
				if gerr != nil {
					rec = nil // deleted (or unreadable): shown as such, never a failed list
				}
				linked[id] = rec
			}
		}
		locale.SortFunc(locale.NewCollator(language.Make(i18n.Language())), owners, func(o string) string { return o })
		w.update(func() {
			if s.inflight.ok && s.inflight.scope == sc && s.inflight.gen == gen {
				s.inflight.ok = false
			}
			if w.st != st {
				return // locked meanwhile
			}
			if cur, ok := s.scope(); !ok || cur != sc {
				return // the filter or the current mission changed meanwhile
			}
			if s.loaded.ok && s.loaded.scope == sc && gen < s.loaded.gen {
				return // a newer load has landed first
			}
			if err != nil {
				s.summary.SetText(i18n.T("error.load", err.Error()))
				return
			}
			s.loaded.scope, s.loaded.gen, s.loaded.ok = sc, gen, true
			s.all, s.linked, s.owners = all, linked, owners
			s.syncOwners()
			s.rebuild()
		})
	})
}

// shows says whether the status and owner filters let f through.
func (s *followupsScreen) shows(f *data.FollowUp) bool {
	return statusFilters[s.statusIdx].shows(f.Status) && (s.owner == "" || f.Owner == s.owner)
}

// rebuild lays the loaded follow-ups out under their status headings and
// selects the one that was shown (or is to be revealed).
func (s *followupsScreen) rebuild() {
	day := today()
	groups := map[data.Status][]*data.FollowUp{}
	open, late := 0, 0
	for _, f := range s.all {
		if active(f.Status) {
			open++
		}
		if overdueDays(f, day) > 0 {
			late++
		}
		if s.shows(f) {
			groups[f.Status] = append(groups[f.Status], f)
		}
	}
	var rows []followUpRow
	for _, st := range followUpStatuses {
		g := groups[st]
		if len(g) == 0 {
			continue
		}
		// By due date; undated last; then by title, so the order is stable.
		sort.SliceStable(g, func(i, j int) bool {
			a, b := g[i], g[j]
			if a.Due != b.Due {
				return b.Due == "" || a.Due != "" && a.Due < b.Due
			}
			return a.Title < b.Title
		})
		rows = append(rows, followUpRow{status: st, count: len(g)})
		for _, f := range g {
			rows = append(rows, followUpRow{status: st, f: f})
		}
	}
	s.rows = rows
	s.summary.SetText(i18n.T("followups.summary", len(s.all), open, late))
	switch {
	case len(s.all) == 0:
		s.view.Objects = []fyne.CanvasObject{s.empty}
	case len(rows) == 0:
		s.view.Objects = []fyne.CanvasObject{s.filtered}
	default:
		s.view.Objects = []fyne.CanvasObject{s.list}
	}
	s.view.Refresh()
	s.setRowHeights()
	s.list.UnselectAll()
	s.list.Refresh()
	// A pending reveal not listed yet stays pending: reveal is changing
	// the filters to show it.
	if s.selectPending() || s.selectID(s.selected) {
		return
	}
	s.selected = ""
	s.detail.Objects = []fyne.CanvasObject{widget.NewLabel(i18n.T("followups.none"))}
	s.detail.Refresh()
}

// setRowHeights makes headings one line high; the list would otherwise
// give every row the two lines of a follow-up.
func (s *followupsScreen) setRowHeights() {
	tmpl := newFollowUpRowView()
	head := tmpl.head.MinSize().Height
	item := tmpl.MinSize().Height
	for i, r := range s.rows {
		if r.f == nil {
			s.list.SetItemHeight(i, head)
		} else {
			s.list.SetItemHeight(i, item)
		}
	}
}

// selectPending selects the pending follow-up if the list shows it.
func (s *followupsScreen) selectPending() bool {
	if s.pending != "" && s.selectID(s.pending) {
		s.pending = ""
		return true
	}
	return false
}

// selectID selects and shows the follow-up with id if the list has it.
func (s *followupsScreen) selectID(id data.ID) bool {
	if id == "" {
		return false
	}
	for i, r := range s.rows {
		if r.f != nil && r.f.ID == id {
			s.list.Select(i)
			s.list.ScrollTo(i)
			return true
		}
	}
	return false
}

// reveal selects the follow-up with id, changing the filters that would
// hide it.
func (s *followupsScreen) reveal(id data.ID) {
	w := s.w
	s.pending = id
	if s.selectPending() || w.st == nil {
		return
	}
	st := w.st
	w.background(func() {
		rec, err := st.Get(w.ctx, id)
		w.update(func() {
			if w.st != st || s.pending != id {
				return // locked, or the list already showed it
			}
			if err != nil {
				s.pending = ""
				w.showError(err)
				return
			}
			if f, ok := rec.(*data.FollowUp); ok {
				s.uncover(f)
			}
		})
	})
}

// uncover sets the filters so that f is listed, changing only those that
// hide it, and applies them.
func (s *followupsScreen) uncover(f *data.FollowUp) {
	if !statusFilters[s.statusIdx].shows(f.Status) {
		s.statusIdx = statusFilterAll
		s.syncStatus()
	}
	if s.owner != "" && s.owner != f.Owner {
		s.owner = ""
		s.syncOwners()
	}
	if sc, ok := s.scope(); !ok || !sc.all && sc.mission != f.Mission {
		s.missionIdx, s.missionID = 1, "" // all missions, also for one without a mission
		if cur := s.w.mission(); cur != nil && cur.ID == f.Mission {
			s.missionIdx = 0
		} else if i := slices.IndexFunc(s.w.missions, func(m *data.Mission) bool { return m.ID == f.Mission }); i >= 0 {
			s.missionIdx, s.missionID = i+2, f.Mission
		}
		s.syncMissions()
	}
	s.filtersChanged()
}

// linkLabel names a linked record; "" when there is no link.
func (s *followupsScreen) linkLabel(id data.ID) string {
	if id == "" {
		return ""
	}
	if rec := s.linked[id]; rec != nil {
		return rec.Label()
	}
	return i18n.T("record.missing")
}

func (s *followupsScreen) missionByID(id data.ID) *data.Mission {
	for _, m := range s.w.missions {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// subtitle is a follow-up's second line: due date, owner, the linked
// organization and meeting, and the mission when the list spans several.
func (s *followupsScreen) subtitle(f *data.FollowUp) string {
	var parts []string
	if f.Due != "" {
		parts = append(parts, i18n.T("followups.due", formatDate(f.Due)))
	}
	if f.Owner != "" {
		parts = append(parts, f.Owner)
	}
	for _, id := range []data.ID{f.Org, f.Meeting} {
		if l := s.linkLabel(id); l != "" {
			parts = append(parts, l)
		}
	}
	if s.loaded.scope.all {
		if m := s.missionByID(f.Mission); m != nil {
			parts = append(parts, m.Name)
		}
	}
	return strings.Join(parts, " · ")
}

// followUpRowView draws a heading or a follow-up: the one-click Done
// button, title and subtitle, and on the right how late it is.
type followUpRowView struct {
	widget.BaseWidget
	head, title, sub, late *widget.Label
	lateIcon               *widget.Icon
	done                   *widget.Button
	item                   *fyne.Container
	content                fyne.CanvasObject
}

func newFollowUpRowView() *followUpRowView {
	v := &followUpRowView{}
	v.head = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.Truncation = fyne.TextTruncateEllipsis
	v.sub = widget.NewLabel("")
	v.sub.Truncation = fyne.TextTruncateEllipsis
	v.late = widget.NewLabel("")
	v.lateIcon = widget.NewIcon(theme.WarningIcon())
	v.done = widget.NewButtonWithIcon(i18n.T("status.done"), theme.ConfirmIcon(), nil)
	right := container.NewCenter(container.NewHBox(v.lateIcon, v.late))
	v.item = container.NewBorder(nil, nil, container.NewCenter(v.done), right, container.NewVBox(v.title, v.sub))
	v.content = container.NewStack(v.head, v.item)
	v.ExtendBaseWidget(v)
	return v
}

func (v *followUpRowView) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(v.content)
}

func (s *followupsScreen) fillRow(v *followUpRowView, r followUpRow) {
	if r.f == nil {
		v.head.SetText(i18n.T("status."+string(r.status)) + " (" + strconv.Itoa(r.count) + ")")
		v.head.Show()
		v.item.Hide()
		return
	}
	f := r.f
	v.head.Hide()
	v.item.Show()
	v.title.SetText(privateMark(f.Confidentiality) + f.Title)
	v.sub.SetText(s.subtitle(f))
	if active(f.Status) {
		v.done.OnTapped = func() { s.markDone(f) }
		v.done.Show()
	} else {
		// Finished: nothing to tick; the heading says which way it ended.
		v.done.OnTapped = nil
		v.done.Hide()
	}
	day := today()
	switch late := overdueDays(f, day); {
	case late > 0:
		v.late.SetText(i18n.T("followups.overdue", late))
		v.late.Importance = widget.DangerImportance
		v.lateIcon.SetResource(theme.NewErrorThemedResource(theme.WarningIcon()))
		v.late.Show()
		v.lateIcon.Show()
	case active(f.Status) && f.Due == day:
		v.late.SetText(i18n.T("followups.duetoday"))
		v.late.Importance = widget.WarningImportance
		v.lateIcon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
		v.late.Show()
		v.lateIcon.Show()
	default:
		v.late.SetText("")
		v.late.Hide()
		v.lateIcon.Hide()
	}
	// The row was laid out for its previous content: lay it out again so
	// the late label gets the width its text needs.
	v.item.Refresh()
}

// markDone is the one-click Done: status done, done today, saved.
func (s *followupsScreen) markDone(f *data.FollowUp) {
	w := s.w
	if w.st == nil {
		return
	}
	c := *f // the listed record stays as stored until the save succeeds
	c.Status, c.DoneAt = data.StatusDone, today()
	st := w.st
	w.background(func() {
		_, err := st.UpdateFrom(w.ctx, f, &c)
		w.update(func() {
			if w.st != st {
				return
			}
			if err != nil {
				w.showError(err)
				return
			}
			w.changed()
		})
	})
}

// showDetail fills the detail pane; everything it needs is in memory.
func (s *followupsScreen) showDetail(f *data.FollowUp) {
	w := s.w
	title := widget.NewLabelWithStyle(privateMark(f.Confidentiality)+f.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord

	actions := container.NewHBox()
	if active(f.Status) {
		done := widget.NewButtonWithIcon(i18n.T("status.done"), theme.ConfirmIcon(), func() { s.markDone(f) })
		done.Importance = widget.HighImportance
		actions.Add(done)
	}
	actions.Add(widget.NewButtonWithIcon(i18n.T("action.edit"), theme.DocumentCreateIcon(), func() { s.edit(f, false) }))
	del := widget.NewButtonWithIcon(i18n.T("action.delete"), theme.DeleteIcon(), func() { s.delete(f) })
	del.Importance = widget.DangerImportance
	actions.Add(del)

	form := widget.NewForm()
	row := func(label, value string) {
		if strings.TrimSpace(value) == "" {
			return
		}
		l := widget.NewLabel(value)
		l.Wrapping = fyne.TextWrapWord
		form.Append(label, l)
	}
	row(i18n.T("followups.field.status"), i18n.T("status."+string(f.Status)))
	row(i18n.T("followups.field.priority"), i18n.T("followups.priority."+string(f.Priority)))
	due := formatDate(f.Due)
	if late := overdueDays(f, today()); late > 0 {
		l := widget.NewLabel(due + " — " + i18n.T("followups.overdue", late))
		l.Importance = widget.DangerImportance
		form.Append(i18n.T("followups.field.due"), l)
	} else {
		row(i18n.T("followups.field.due"), due)
	}
	row(i18n.T("followups.field.owner"), f.Owner)
	if f.Status == data.StatusDone {
		row(i18n.T("followups.field.doneat"), formatDate(f.DoneAt))
	}
	link := func(label string, rec data.Record, icon fyne.Resource) {
		b := widget.NewButtonWithIcon(rec.Label(), icon, func() { w.openRecord(rec) })
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		form.Append(label, b)
	}
	if m := s.missionByID(f.Mission); m != nil {
		link(i18n.T("kind.mission"), m, theme.HomeIcon())
	}
	for _, l := range []struct {
		id   data.ID
		key  string
		icon fyne.Resource
	}{{f.Meeting, "kind.meeting", theme.ListIcon()}, {f.Org, "kind.org", theme.StorageIcon()}, {f.Contact, "kind.contact", theme.AccountIcon()}} {
		if l.id == "" {
			continue
		}
		if rec := s.linked[l.id]; rec != nil {
			link(i18n.T(l.key), rec, l.icon)
		} else {
			row(i18n.T(l.key), i18n.T("record.missing"))
		}
	}
	row(i18n.T("meeting.field.confidentiality"), i18n.T("confidentiality."+string(f.Confidentiality)))

	objs := []fyne.CanvasObject{title, actions, form}
	if strings.TrimSpace(f.Details) != "" {
		details := widget.NewLabel(f.Details)
		details.Wrapping = fyne.TextWrapWord
		objs = append(objs, widget.NewSeparator(),
			widget.NewLabelWithStyle(i18n.T("followups.field.details"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), details)
	}
	s.detail.Objects = objs
	s.detail.Refresh()
}

// delete asks, then deletes the follow-up.
func (s *followupsScreen) delete(f *data.FollowUp) {
	s.w.deleteRecord(f.Title, f.ID, func() {
		if s.selected == f.ID {
			s.selected = ""
		}
		s.w.changed()
	})
}

// newFollowUp opens the form for a follow-up in the mission the list
// shows (the current one unless a single other mission is chosen), due in
// a week and owned by me; nothing is saved until Save.
func (s *followupsScreen) newFollowUp() {
	w := s.w
	if w.st == nil {
		return
	}
	f := &data.FollowUp{Status: data.StatusOpen, Priority: data.PriorityNormal, Due: data.DateOf(time.Now().AddDate(0, 0, 7))}
	if sc, ok := s.scope(); ok && !sc.all {
		f.Mission = sc.mission
	} else if m := w.mission(); m != nil {
		f.Mission = m.ID
	}
	st := w.st
	w.background(func() {
		f.Owner = myName(w, st)
		w.update(func() {
			if w.st == st {
				s.edit(f, true)
			}
		})
	})
}

// myName is the name on my card, "" if none is set (run off the UI
// goroutine: it reads the store).
func myName(w *mainWindow, st *store.Store) string {
	p, err := st.Profile(w.ctx)
	if err != nil {
		return ""
	}
	return p.Name()
}

// followUpOrg is the organization a follow-up from m is about: the
// organization of the first person met, else the first organization that
// is not one of our own members (a B2B meeting lists our company too),
// else the first one.
func followUpOrg(ctx context.Context, st *store.Store, m *data.Meeting) data.ID {
	if len(m.Attendees) > 0 {
		if c, err := store.Load[*data.Contact](ctx, st, m.Attendees[0]); err == nil && c.Org != "" {
			return c.Org
		}
	}
	for _, id := range m.Orgs {
		if o, err := store.Load[*data.Organization](ctx, st, id); err == nil && o.OrgKind != data.OrgMember {
			return id
		}
	}
	if len(m.Orgs) > 0 {
		return m.Orgs[0]
	}
	return ""
}

// followUpFromMeeting creates a follow-up from m in one click: linked to
// the meeting, its mission, first organization and first person met, due
// in a week, owned by me, as confidential as the meeting. It is saved at
// once and its form opens to adjust it (cancel keeps it as saved).
func (w *mainWindow) followUpFromMeeting(m *data.Meeting) {
	if w.st == nil || m == nil {
		return
	}
	f := &data.FollowUp{
		Base:     data.Base{Confidentiality: m.Confidentiality},
		Title:    i18n.T("followups.from.title", m.Title),
		Due:      data.DateOf(time.Now().AddDate(0, 0, 7)),
		Status:   data.StatusOpen,
		Priority: data.PriorityNormal,
		Mission:  m.Mission,
		Meeting:  m.ID,
	}
	if len(m.Attendees) > 0 {
		f.Contact = m.Attendees[0]
	}
	st := w.st
	w.background(func() {
		f.Org = followUpOrg(w.ctx, st, m)
		f.Owner = myName(w, st)
		err := st.Create(w.ctx, f)
		w.update(func() {
			if w.st != st {
				return
			}
			if err != nil {
				w.showError(err)
				return
			}
			w.followupsScr.selected = f.ID
			w.changed()
			w.followupsScr.edit(f, false)
		})
	})
}

// followUpEditor is the follow-up form in a dialog. Save checks the
// fields and keeps the dialog open with a message when something is
// wrong, so nothing typed is lost.
type followUpEditor struct {
	s     *followupsScreen
	f     data.FollowUp // the record as it was opened; edits go to a copy
	isNew bool

	title, details, owner, due *entry
	status, priority           *widget.Select
	msg                        *widget.Label
	saveBtn                    *widget.Button
	d                          dialog.Dialog
	pop                        func()
	saving                     bool
}

// edit opens the form for f (a new, unsaved one when isNew).
func (s *followupsScreen) edit(f *data.FollowUp, isNew bool) {
	w := s.w
	if s.editor != nil {
		s.editor.close()
	}
	e := &followUpEditor{s: s, f: *f, isNew: isNew}
	e.title = w.newEntry()
	e.title.SetText(f.Title)
	e.details = w.newMultiLineEntry()
	e.details.SetText(f.Details)
	e.details.SetMinRowsVisible(4)
	e.owner = w.newEntry()
	e.owner.SetText(f.Owner)
	e.due = w.newEntry()
	e.due.SetText(string(f.Due))
	e.due.SetPlaceHolder(i18n.T("followups.due.placeholder"))
	statusLabels := make([]string, len(followUpStatuses))
	for i, st := range followUpStatuses {
		statusLabels[i] = i18n.T("status." + string(st))
	}
	e.status = widget.NewSelect(statusLabels, nil)
	e.status.SetSelectedIndex(max(slices.Index(followUpStatuses, f.Status), 0))
	prioLabels := make([]string, len(followUpPriorities))
	for i, p := range followUpPriorities {
		prioLabels[i] = i18n.T("followups.priority." + string(p))
	}
	e.priority = widget.NewSelect(prioLabels, nil)
	e.priority.SetSelectedIndex(max(slices.Index(followUpPriorities, f.Priority), slices.Index(followUpPriorities, data.PriorityNormal)))
	e.msg = problemLabel()

	fields := widget.NewForm(
		widget.NewFormItem(i18n.T("followups.field.title"), e.title),
		widget.NewFormItem(i18n.T("followups.field.owner"), e.owner),
		widget.NewFormItem(i18n.T("followups.field.due"), e.due),
		widget.NewFormItem(i18n.T("followups.field.status"), e.status),
		widget.NewFormItem(i18n.T("followups.field.priority"), e.priority),
		widget.NewFormItem(i18n.T("followups.field.details"), e.details),
	)
	guarded := w.guardClose(fields, e.close)
	cancel := widget.NewButton(i18n.T("action.cancel"), guarded)
	e.saveBtn = widget.NewButtonWithIcon(i18n.T("action.save"), theme.DocumentSaveIcon(), e.submit)
	e.saveBtn.Importance = widget.HighImportance
	buttons := container.NewHBox(layout.NewSpacer(), cancel, e.saveBtn)
	title := i18n.T("followups.edit")
	if isNew {
		title = i18n.T("followups.new")
	}
	e.d = dialog.NewCustomWithoutButtons(title, container.NewVBox(fields, e.msg, buttons), w.win)
	e.pop = w.pushForm(&form{save: e.submit, cancel: guarded})
	e.d.SetOnClosed(func() {
		e.pop()
		if s.editor == e {
			s.editor = nil
		}
	})
	e.d.Resize(fyne.NewSize(560, 460))
	s.editor = e
	e.d.Show()
	w.win.Canvas().Focus(e.title)
}

func (e *followUpEditor) close() {
	e.d.Hide()
}

// followUpProblem says in the user's words what keeps the form from saving.
func followUpProblem(f *data.FollowUp) string {
	if strings.TrimSpace(f.Title) == "" {
		return i18n.T("followups.invalid.title")
	}
	if _, err := data.ParseDate(string(f.Due)); err != nil {
		return i18n.T("followups.invalid.due")
	}
	if err := f.Validate(); err != nil {
		return fieldProblem(err)
	}
	return ""
}

// submit checks the form and saves it in the background; the dialog
// closes only once the save is durable.
func (e *followUpEditor) submit() {
	s, w := e.s, e.s.w
	if e.saving || w.st == nil {
		return
	}
	f := e.f
	f.Title = strings.TrimSpace(e.title.Text)
	f.Details = strings.TrimSpace(e.details.Text)
	f.Owner = strings.TrimSpace(e.owner.Text)
	f.Due = data.Date(strings.TrimSpace(e.due.Text))
	if i := e.status.SelectedIndex(); i >= 0 {
		f.Status = followUpStatuses[i]
	}
	if i := e.priority.SelectedIndex(); i >= 0 {
		f.Priority = followUpPriorities[i]
	}
	// The day it was done follows the status: set when first marked done,
	// dropped when reopened.
	if f.Status != data.StatusDone {
		f.DoneAt = ""
	} else if f.DoneAt == "" {
		f.DoneAt = today()
	}
	if p := followUpProblem(&f); p != "" {
		e.msg.SetText(p)
		e.msg.Show()
		return
	}
	e.msg.Hide()
	e.saving = true
	e.saveBtn.Disable()
	st := w.st
	w.background(func() {
		var err error
		if e.isNew {
			err = st.Create(w.ctx, &f)
		} else {
			_, err = st.UpdateFrom(w.ctx, &e.f, &f)
		}
		w.update(func() {
			e.saving = false
			e.saveBtn.Enable()
			if w.st != st {
				return
			}
			if err != nil {
				e.msg.SetText(i18n.T("followups.savefailed", fieldProblem(err)))
				e.msg.Show()
				return
			}
			e.close()
			s.selected = f.ID
			w.changed()
		})
	})
}
