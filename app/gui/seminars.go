package gui

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/report"
	"github.com/clusme/fieldbook/data/seminar"
	"github.com/clusme/fieldbook/data/store"
)

// seminarsScreen shows the current mission's B2B seminars: the selected
// seminar's room grid (tables × slots), or its agenda per delegate or per
// table, and on the right the selected agenda meeting with the one-tap
// status buttons and its outcome, as a delegate uses it during the day.
type seminarsScreen struct {
	w *mainWindow
	// State below is touched only on the UI goroutine.
	d      *seminarData
	loaded struct {
		mission, seminar data.ID
		gen              uint64
	}
	seq        int     // the latest load; older ones are dropped
	selSeminar data.ID // the seminar shown, kept across reloads
	selected   data.ID // the agenda meeting shown in the panel
	view       int     // viewGrid, viewDelegate or viewTable
	popSave    func()  // unregisters the panel's Ctrl+S, if registered

	root      *fyne.Container // the seminar view, or the empty state
	main      fyne.CanvasObject
	empty     fyne.CanvasObject
	chooser   *widget.Select
	name      *widget.Label
	facts     *widget.Label
	summary   *widget.Label
	mode      *widget.RadioGroup
	body      *fyne.Container
	grid      *fyne.Container
	cells     map[[2]int]*seminarCell // by slot, table
	delegates []data.ID
	delSelect *widget.Select
	tabSelect *widget.Select
	rows      []agendaRow // the per-delegate or per-table list
	list      *widget.List
	printDel  *widget.Button
	panel     *fyne.Container
	// The outcome part of the panel, read by Save.
	outcome *widget.Select
	notes   *entry
	saveBtn *widget.Button
	// The dialogs open, if any (tests drive them).
	scheduling *scheduleDialog
	creating   *seminarForm
}

// The three views of an agenda.
const (
	viewGrid = iota
	viewDelegate
	viewTable
)

// seminarData is what one load fetched from the store.
type seminarData struct {
	mission  data.ID
	seminars []*data.Seminar
	agenda   *seminar.Agenda // the selected seminar's; nil when there is none
	names    map[data.ID]string
	hosts    map[data.ID]data.ID // meeting → host organization
}

// agendaRow is one line of the per-delegate or per-table list: a slot,
// the table, and the meeting there (nil: the table is free).
type agendaRow struct {
	slot  seminar.Slot
	table int
	m     *data.Meeting
}

func newSeminarsScreen(w *mainWindow) *seminarsScreen {
	s := &seminarsScreen{w: w, cells: map[[2]int]*seminarCell{}}
	s.chooser = widget.NewSelect(nil, func(string) {
		if s.d == nil {
			return
		}
		if i := s.chooser.SelectedIndex(); i >= 0 && i < len(s.d.seminars) && s.d.seminars[i].ID != s.selSeminar {
			s.selSeminar, s.selected = s.d.seminars[i].ID, ""
			s.load()
		}
	})
	s.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.name.Truncation = fyne.TextTruncateEllipsis
	s.facts = widget.NewLabel("")
	s.facts.Wrapping = fyne.TextWrapWord
	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord
	s.mode = widget.NewRadioGroup([]string{i18n.T("seminar.view.grid"), i18n.T("seminar.view.delegate"), i18n.T("seminar.view.table")}, func(string) {
		for i, o := range s.mode.Options {
			if o == s.mode.Selected && i != s.view {
				s.view = i
				s.showView()
			}
		}
	})
	s.mode.Horizontal = true
	s.mode.Required = true
	s.mode.SetSelected(s.mode.Options[viewGrid])

	s.grid = container.NewVBox()
	s.delSelect = widget.NewSelect(nil, func(string) { s.fillList() })
	s.delSelect.PlaceHolder = i18n.T("seminar.delegate.choose")
	s.tabSelect = widget.NewSelect(nil, func(string) { s.fillList() })
	s.tabSelect.PlaceHolder = i18n.T("seminar.table.choose")
	s.list = widget.NewList(
		func() int { return len(s.rows) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.rows) {
				o.(*widget.Label).SetText(s.rowText(s.rows[id]))
			}
		})
	s.list.OnSelected = func(id widget.ListItemID) {
		if id >= len(s.rows) {
			return
		}
		r := s.rows[id]
		s.list.UnselectAll()
		if r.m != nil {
			s.selectMeeting(r.m.ID)
		} else {
			s.askSchedule(r.slot.N, r.table)
		}
	}
	s.body = container.NewStack()
	s.printDel = widget.NewButtonWithIcon(i18n.T("seminar.print.mine"), theme.DocumentPrintIcon(), s.printAgenda)
	s.panel = container.NewVBox()

	newBtn := widget.NewButtonWithIcon(i18n.T("seminar.new"), theme.ContentAddIcon(), s.newSeminar)
	actions := container.New(layout.NewRowWrapLayout(),
		newBtn,
		widget.NewButtonWithIcon(i18n.T("seminar.import"), theme.UploadIcon(), s.askImport),
		widget.NewButtonWithIcon(i18n.T("seminar.print.grid"), theme.DocumentPrintIcon(), s.printGrid),
		s.printDel)
	top := container.NewVBox(container.NewBorder(nil, nil, nil, s.chooser, s.name), s.facts, s.summary, actions, s.mode, widget.NewSeparator())
	left := container.NewBorder(top, nil, nil, nil, s.body)
	split := container.NewHSplit(left, container.NewVScroll(container.NewPadded(s.panel)))
	split.Offset = 0.64
	s.main = split
	add := widget.NewButtonWithIcon(i18n.T("seminar.new"), theme.ContentAddIcon(), s.newSeminar)
	add.Importance = widget.HighImportance
	s.empty = w.message(i18n.T("seminar.empty"), add)
	s.root = container.NewStack(s.main)
	s.showPanel(nil)
	return s
}

func (s *seminarsScreen) content() fyne.CanvasObject { return s.root }

func (s *seminarsScreen) clear() {
	s.d = nil
	s.loaded.mission, s.loaded.seminar = "", ""
	s.selSeminar, s.selected = "", ""
	s.seq++
	s.chooser.Options = nil
	s.chooser.ClearSelected()
	s.name.SetText("")
	s.facts.SetText("")
	s.summary.SetText("")
	s.grid.Objects = nil
	s.cells = map[[2]int]*seminarCell{}
	s.rows = nil
	s.list.Refresh()
	s.showPanel(nil)
}

// reveal shows the seminar with id (of the current mission).
func (s *seminarsScreen) reveal(id data.ID) {
	if s.selSeminar == id && s.d != nil && s.d.agenda != nil && s.d.agenda.Seminar.ID == id {
		return
	}
	s.selSeminar, s.selected = id, ""
	s.load()
}

// load fetches the current mission's seminars and the selected one's
// agenda, unless they are loaded and current.
func (s *seminarsScreen) load() {
	w := s.w
	m := w.mission()
	if m == nil || w.st == nil {
		return
	}
	if s.d != nil && s.loaded.mission == m.ID && s.loaded.gen == w.gen && s.loaded.seminar == s.selSeminar {
		return
	}
	s.seq++
	seq := s.seq
	st, gen, want := w.st, w.gen, s.selSeminar
	w.background(func() {
		d, err := fetchSeminars(w.ctx, st, m.ID, want)
		w.update(func() {
			if w.st != st || s.seq != seq || w.mission() == nil || w.mission().ID != m.ID {
				return // locked, another mission, or a newer load is on its way
			}
			if err != nil {
				s.root.Objects = []fyne.CanvasObject{w.message(i18n.T("error.load", err.Error()), nil)}
				s.root.Refresh()
				return
			}
			s.d = d
			s.loaded.mission, s.loaded.gen = m.ID, gen
			s.selSeminar = ""
			if d.agenda != nil {
				s.selSeminar = d.agenda.Seminar.ID
			}
			s.loaded.seminar = s.selSeminar
			s.showData()
		})
	})
}

// fetchSeminars reads a mission's seminars, the agenda of the one wanted
// (else the first) and the names it shows (run off the UI goroutine).
func fetchSeminars(ctx context.Context, st *store.Store, mission, want data.ID) (*seminarData, error) {
	recs, err := st.List(ctx, store.Query{Kind: data.KindSeminar, Mission: mission})
	if err != nil {
		return nil, err
	}
	d := &seminarData{mission: mission, names: map[data.ID]string{}, hosts: map[data.ID]data.ID{}}
	for _, r := range recs {
		d.seminars = append(d.seminars, r.(*data.Seminar))
	}
	sort.SliceStable(d.seminars, func(i, j int) bool {
		a, b := d.seminars[i], d.seminars[j]
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		return a.Name < b.Name
	})
	if len(d.seminars) == 0 {
		return d, nil
	}
	id := d.seminars[0].ID
	for _, sem := range d.seminars {
		if sem.ID == want {
			id = want
		}
	}
	// The agenda, the hosts and the names follow the same links many
	// times (a delegate is in many meetings): each record is read once.
	src := store.Cached(st)
	if d.agenda, err = seminar.Load(ctx, src, id); err != nil {
		return nil, err
	}
	for _, m := range d.agenda.Meetings {
		d.hosts[m.ID] = seminar.HostOrg(ctx, src, m)
		for _, ids := range [][]data.ID{m.Delegates, m.Attendees, m.Orgs, {d.hosts[m.ID]}} {
			for _, x := range ids {
				if _, ok := d.names[x]; ok || x == "" {
					continue
				}
				if rec, err := src.Get(ctx, x); err == nil {
					d.names[x] = rec.Label()
				} else {
					d.names[x] = i18n.T("record.missing")
				}
			}
		}
	}
	return d, nil
}

// showData shows what the last load fetched.
func (s *seminarsScreen) showData() {
	d := s.d
	if d.agenda == nil {
		s.root.Objects = []fyne.CanvasObject{s.empty}
		s.root.Refresh()
		s.showPanel(nil)
		return
	}
	s.root.Objects = []fyne.CanvasObject{s.main}
	s.root.Refresh()
	names := make([]string, len(d.seminars))
	sel := 0
	for i, sem := range d.seminars {
		names[i] = sem.Name + " · " + formatDate(sem.Date)
		if sem.ID == s.selSeminar {
			sel = i
		}
	}
	s.chooser.Options = names
	s.chooser.SetSelectedIndex(sel)
	if len(names) > 1 {
		s.chooser.Show()
	} else {
		s.chooser.Hide()
	}
	a := d.agenda
	sem := a.Seminar
	s.name.SetText(sem.Name)
	s.facts.SetText(s.factsText(a))
	s.summary.SetText(summaryText(a.Summary()))

	s.delegates = a.Delegates()
	opts := make([]string, len(s.delegates))
	for i, id := range s.delegates {
		opts[i] = d.names[id]
	}
	keep := s.delSelect.Selected
	s.delSelect.Options = opts
	s.delSelect.ClearSelected()
	for i, o := range opts {
		if o == keep {
			s.delSelect.SetSelectedIndex(i)
		}
	}
	keepT := s.tabSelect.SelectedIndex()
	tables := make([]string, sem.Tables)
	for i := range tables {
		tables[i] = i18n.T("seminar.table", i+1)
	}
	s.tabSelect.Options = tables
	s.tabSelect.ClearSelected()
	if keepT >= 0 && keepT < len(tables) {
		s.tabSelect.SetSelectedIndex(keepT)
	}
	s.buildGrid()
	s.fillList()
	s.showView()
	if m := s.meeting(s.selected); m != nil {
		s.showPanel(m)
	} else {
		s.selected = ""
		s.showPanel(nil)
	}
}

// factsText is the seminar's venue, day, zone and size, and when the
// first slot is in the user's home time.
func (s *seminarsScreen) factsText(a *seminar.Agenda) string {
	sem := a.Seminar
	var parts []string
	if sem.Venue != "" {
		parts = append(parts, sem.Venue)
	}
	parts = append(parts, formatDate(sem.Date), sem.TimeZone,
		i18n.T("seminar.size", sem.Slots, sem.SlotMinutes, sem.Tables))
	text := strings.Join(parts, " · ")
	if len(a.Slots) > 0 {
		first := a.Slots[0].Start
		home := first.In(s.w.homeZone)
		text += "\n" + i18n.T("seminar.first", first.Format("15:04"), home.Format("15:04"), zoneName(s.w.homeZone))
	}
	return text
}

// summaryText sums up statuses and outcomes in a line.
func summaryText(sum seminar.Summary) string {
	text := i18n.T("seminar.summary", sum.Meetings, sum.Held, sum.NoShows, sum.Cancelled, sum.Moved, sum.Scheduled)
	var outs []string
	for _, o := range data.Outcomes {
		if n := sum.Outcomes[o]; n > 0 {
			outs = append(outs, fmt.Sprintf("%s %d", i18n.T("seminar.outcome."+string(o)), n))
		}
	}
	if len(outs) > 0 {
		text += "\n" + i18n.T("seminar.outcomes", strings.Join(outs, ", "))
	}
	return text
}

// meeting is the agenda meeting with id, or nil.
func (s *seminarsScreen) meeting(id data.ID) *data.Meeting {
	if s.d == nil || s.d.agenda == nil || id == "" {
		return nil
	}
	for _, m := range s.d.agenda.Meetings {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// shown is the meeting a grid cell shows: the one holding the table, else
// a cancelled or moved-away one, so its status can still be changed.
func shown(a *seminar.Agenda, slot, table int) *data.Meeting {
	if m := a.Booked(slot, table); m != nil {
		return m
	}
	if at := a.At(slot, table); len(at) > 0 {
		return at[0]
	}
	return nil
}

func (s *seminarsScreen) showView() {
	var o fyne.CanvasObject
	switch s.view {
	case viewDelegate:
		o = container.NewBorder(s.delSelect, nil, nil, nil, s.list)
		if i := s.delSelect.SelectedIndex(); i >= 0 {
			s.printDel.SetText(i18n.T("seminar.print.for", s.delSelect.Selected))
		}
	case viewTable:
		o = container.NewBorder(s.tabSelect, nil, nil, nil, s.list)
	default:
		o = container.NewScroll(s.grid)
	}
	if s.view != viewDelegate || s.delSelect.SelectedIndex() < 0 {
		s.printDel.SetText(i18n.T("seminar.print.mine"))
	}
	s.fillList()
	s.body.Objects = []fyne.CanvasObject{o}
	s.body.Refresh()
}

// buildGrid lays out the room grid: a row per slot (the time in the
// seminar's zone and at home), a column per table, and a row per break.
func (s *seminarsScreen) buildGrid() {
	a := s.d.agenda
	sem := a.Seminar
	cols := sem.Tables + 1
	s.cells = map[[2]int]*seminarCell{}
	corner := newSeminarCell(nil)
	corner.head = true
	head := []fyne.CanvasObject{corner}
	for t := 1; t <= sem.Tables; t++ {
		c := newSeminarCell(nil)
		c.lines = [3]string{i18n.T("seminar.table", t)}
		c.head = true
		head = append(head, c)
	}
	rows := []fyne.CanvasObject{container.NewGridWithColumns(cols, head...)}
	for _, sl := range a.Slots {
		tc := newSeminarCell(nil)
		tc.head = true
		tc.lines = [3]string{sl.Clock() + "–" + sl.End.Format("15:04"),
			i18n.T("seminar.home.short", sl.Start.In(s.w.homeZone).Format("15:04"))}
		row := []fyne.CanvasObject{tc}
		for t := 1; t <= sem.Tables; t++ {
			slot, table := sl.N, t
			c := newSeminarCell(nil)
			c.onTap = func() { s.tapCell(slot, table) }
			s.fillCell(c, shown(a, slot, table))
			s.cells[[2]int{slot, table}] = c
			row = append(row, c)
		}
		rows = append(rows, container.NewGridWithColumns(cols, row...))
		if b := sl.Break; b != nil {
			end := sl.End.Add(time.Duration(b.Minutes) * time.Minute)
			label := b.Label
			if label == "" {
				label = i18n.T("seminar.break")
			}
			l := widget.NewLabelWithStyle(i18n.T("seminar.break.row", sl.End.Format("15:04"), end.Format("15:04"), label, b.Minutes),
				fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
			bg := canvas.NewRectangle(theme.Color(theme.ColorNameDisabledButton))
			bg.CornerRadius = theme.InputRadiusSize()
			rows = append(rows, container.NewStack(bg, l))
		}
	}
	s.grid.Objects = rows
	s.grid.Refresh()
}

// fillCell shows m (nil: a free table) in a grid cell.
func (s *seminarsScreen) fillCell(c *seminarCell, m *data.Meeting) {
	c.meeting = m
	c.selected = m != nil && m.ID == s.selected
	if m == nil {
		c.lines = [3]string{"", i18n.T("seminar.free")}
		c.status = ""
	} else {
		c.lines = [3]string{s.delegateText(m), s.hostText(m), i18n.T("seminar.status." + string(m.EffectiveStatus()))}
		c.status = m.EffectiveStatus()
	}
	c.Refresh()
}

// delegateText names the delegates of m: the first, and how many more.
func (s *seminarsScreen) delegateText(m *data.Meeting) string {
	if len(m.Delegates) == 0 {
		return ""
	}
	t := s.d.names[m.Delegates[0]]
	if n := len(m.Delegates) - 1; n > 0 {
		t += fmt.Sprintf(" +%d", n)
	}
	return t
}

// hostText names the host side of m: its company, else its person.
func (s *seminarsScreen) hostText(m *data.Meeting) string {
	if h := s.d.hosts[m.ID]; h != "" {
		return s.d.names[h]
	}
	if len(m.Attendees) > 0 {
		return s.d.names[m.Attendees[0]]
	}
	return m.Title
}

func (s *seminarsScreen) tapCell(slot, table int) {
	if c := s.cells[[2]int{slot, table}]; c != nil && c.meeting != nil {
		s.selectMeeting(c.meeting.ID)
		return
	}
	s.askSchedule(slot, table)
}

// selectMeeting shows the agenda meeting with id in the panel.
func (s *seminarsScreen) selectMeeting(id data.ID) {
	m := s.meeting(id)
	if m == nil {
		return
	}
	s.selected = id
	for _, c := range s.cells {
		if sel := c.meeting != nil && c.meeting.ID == id; sel != c.selected {
			c.selected = sel
			c.Refresh()
		}
	}
	s.showPanel(m)
}

// fillList fills the per-delegate or per-table list.
func (s *seminarsScreen) fillList() {
	s.rows = nil
	if s.d != nil && s.d.agenda != nil {
		a := s.d.agenda
		switch s.view {
		case viewDelegate:
			if i := s.delSelect.SelectedIndex(); i >= 0 && i < len(s.delegates) {
				for _, m := range a.ForDelegate(s.delegates[i]) {
					if sl, ok := a.Slot(m.Slot); ok {
						s.rows = append(s.rows, agendaRow{slot: sl, table: m.Table, m: m})
					}
				}
				s.printDel.SetText(i18n.T("seminar.print.for", s.delSelect.Selected))
			}
		case viewTable:
			if t := s.tabSelect.SelectedIndex() + 1; t > 0 {
				for _, sl := range a.Slots {
					s.rows = append(s.rows, agendaRow{slot: sl, table: t, m: shown(a, sl.N, t)})
				}
			}
		}
	}
	s.list.Refresh()
}

// rowText is a list line: time, table, meeting and its status.
func (s *seminarsScreen) rowText(r agendaRow) string {
	when := r.slot.Clock() + "–" + r.slot.End.Format("15:04")
	if r.m == nil {
		return when + " · " + i18n.T("seminar.table", r.table) + " · " + i18n.T("seminar.free")
	}
	return when + " · " + i18n.T("seminar.table", r.table) + " · " + s.hostText(r.m) + " · " + s.delegateText(r.m) +
		" · " + i18n.T("seminar.status."+string(r.m.EffectiveStatus()))
}

// ---- The selected meeting ---------------------------------------------

// showPanel shows m (nil: none) with its status buttons and outcome.
func (s *seminarsScreen) showPanel(m *data.Meeting) {
	w := s.w
	if s.popSave != nil {
		s.popSave()
		s.popSave = nil
	}
	s.outcome, s.notes, s.saveBtn = nil, nil, nil
	if m == nil {
		hint := widget.NewLabel(i18n.T("seminar.meeting.none"))
		hint.Wrapping = fyne.TextWrapWord // else its one long line widens the panel
		s.panel.Objects = []fyne.CanvasObject{hint}
		s.panel.Refresh()
		return
	}
	a := s.d.agenda
	title := widget.NewLabelWithStyle(m.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	info := widget.NewForm()
	row := func(label, value string) {
		if strings.TrimSpace(value) == "" {
			return
		}
		l := widget.NewLabel(value)
		l.Wrapping = fyne.TextWrapWord
		info.Append(label, l)
	}
	if sl, ok := a.Slot(m.Slot); ok {
		home := sl.Start.In(w.homeZone)
		row(i18n.T("seminar.field.slot"), i18n.T("seminar.slot.when", sl.N, sl.Clock(), sl.End.Format("15:04"), a.Seminar.TimeZone)+"\n"+
			i18n.T("meeting.when.home", formatDate(data.DateOf(home)), home.Format("15:04"), zoneName(w.homeZone)))
	}
	row(i18n.T("seminar.field.table"), strconv.Itoa(m.Table))
	row(i18n.T("meeting.field.delegates"), nameList(m.Delegates, s.d.names))
	if h := s.d.hosts[m.ID]; h != "" {
		row(i18n.T("seminar.field.host"), s.d.names[h])
	}
	row(i18n.T("meeting.field.attendees"), nameList(m.Attendees, s.d.names))
	row(i18n.T("seminar.field.status"), i18n.T("seminar.status."+string(m.EffectiveStatus())))
	if m.Outcome != "" {
		row(i18n.T("seminar.field.outcome"), i18n.T("seminar.outcome."+string(m.Outcome)))
	}

	status := container.NewGridWithColumns(2)
	for _, st := range []data.MeetingStatus{data.MeetingHeld, data.MeetingNoShow, data.MeetingCancelled, data.MeetingMoved} {
		st := st
		label := i18n.T("seminar.status." + string(st))
		if st == data.MeetingMoved {
			label += "…"
		}
		b := widget.NewButton(label, func() {
			if st == data.MeetingMoved {
				s.askMove(m)
				return
			}
			s.record(m, st, "", "", false)
		})
		if m.EffectiveStatus() == st {
			b.Importance = widget.HighImportance
		}
		status.Add(b)
	}

	outLabels := make([]string, len(data.Outcomes))
	for i, o := range data.Outcomes {
		outLabels[i] = i18n.T("seminar.outcome." + string(o))
	}
	s.outcome = widget.NewSelect(outLabels, nil)
	s.outcome.PlaceHolder = i18n.T("seminar.outcome.choose")
	for i, o := range data.Outcomes {
		if o == m.Outcome {
			s.outcome.SetSelectedIndex(i)
		}
	}
	s.notes = w.newMultiLineEntry()
	s.notes.SetPlaceHolder(i18n.T("seminar.notes.placeholder"))
	s.notes.SetMinRowsVisible(3)
	save := func() { s.saveOutcome(m) }
	s.saveBtn = widget.NewButtonWithIcon(i18n.T("action.save"), theme.DocumentSaveIcon(), save)
	s.saveBtn.Importance = widget.HighImportance
	fu := widget.NewButtonWithIcon(i18n.T("seminar.followup"), theme.ContentAddIcon(), func() { s.createFollowUp(m) })
	open := widget.NewButtonWithIcon(i18n.T("seminar.open"), theme.NavigateNextIcon(), func() { w.openRecord(m) })

	notes := widget.NewLabel(m.Notes)
	notes.Wrapping = fyne.TextWrapWord
	bold := func(k string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(i18n.T(k), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	s.panel.Objects = []fyne.CanvasObject{title, info, bold("seminar.field.status"), status, widget.NewSeparator(),
		bold("seminar.field.outcome"), s.outcome, s.notes, container.NewHBox(layout.NewSpacer(), s.saveBtn),
		widget.NewSeparator(), container.New(layout.NewRowWrapLayout(), fu, open)}
	if m.Notes != "" {
		s.panel.Add(bold("meeting.field.notes"))
		s.panel.Add(notes)
	}
	// Twice: a wrapping label knows its height only once it has its width.
	s.panel.Refresh()
	s.panel.Refresh()
	// Ctrl+S saves the outcome while this screen shows the meeting. The
	// panel goes below every dialog's form: a reload can show the panel
	// again while a dialog (the follow-up just created) is open, and
	// Ctrl+S belongs to the dialog then.
	f := &form{save: func() {
		if w.currentScreen() == s && s.selected == m.ID {
			save()
		}
	}}
	w.forms = append([]*form{f}, w.forms...)
	s.popSave = func() {
		for i, x := range w.forms {
			if x == f {
				w.forms = append(w.forms[:i], w.forms[i+1:]...)
				return
			}
		}
	}
}

// chosenOutcome is the outcome chosen in the panel, "" if none.
func (s *seminarsScreen) chosenOutcome() data.Outcome {
	if s.outcome == nil {
		return ""
	}
	if i := s.outcome.SelectedIndex(); i >= 0 {
		return data.Outcomes[i]
	}
	return ""
}

func (s *seminarsScreen) saveOutcome(m *data.Meeting) {
	if s.notes == nil {
		return
	}
	s.record(m, "", s.chosenOutcome(), s.notes.Text, false)
}

func (s *seminarsScreen) createFollowUp(m *data.Meeting) {
	notes := ""
	if s.notes != nil {
		notes = s.notes.Text
	}
	s.record(m, "", s.chosenOutcome(), notes, true)
}

// record saves a status, outcome or notes of m (and a follow-up from the
// outcome when followUp), then shows the follow-up's form to adjust it.
func (s *seminarsScreen) record(m *data.Meeting, status data.MeetingStatus, outcome data.Outcome, notes string, followUp bool) {
	w := s.w
	if w.st == nil {
		return
	}
	if s.saveBtn != nil {
		s.saveBtn.Disable()
	}
	var spec *seminar.FollowUpSpec
	if followUp {
		spec = &seminar.FollowUpSpec{}
	}
	st := w.st
	w.background(func() {
		if spec != nil {
			spec.Owner = myName(w, st)
		}
		res, err := seminar.RecordOutcome(w.ctx, st, m.ID, status, outcome, notes, spec)
		w.update(func() {
			if w.st != st {
				return
			}
			if s.saveBtn != nil {
				s.saveBtn.Enable()
			}
			if err != nil {
				w.showError(err)
				if res == nil {
					return
				}
			}
			if s.notes != nil && s.selected == m.ID {
				s.notes.SetText("")
			}
			w.changed()
			if res.FollowUp != nil {
				w.followupsScr.selected = res.FollowUp.ID
				w.followupsScr.edit(res.FollowUp, false)
			}
		})
	})
}

// askMove asks for the new slot and table of m, then moves it there.
func (s *seminarsScreen) askMove(m *data.Meeting) {
	w := s.w
	a := s.d.agenda
	slots := make([]string, len(a.Slots))
	for i, sl := range a.Slots {
		slots[i] = i18n.T("seminar.slot.short", sl.N, sl.Clock())
	}
	tables := make([]string, a.Seminar.Tables)
	for i := range tables {
		tables[i] = i18n.T("seminar.table", i+1)
	}
	slot := widget.NewSelect(slots, nil)
	slot.SetSelectedIndex(max(m.Slot-1, 0))
	table := widget.NewSelect(tables, nil)
	table.SetSelectedIndex(max(m.Table-1, 0))
	msg := problemLabel()
	fields := widget.NewForm(widget.NewFormItem(i18n.T("seminar.field.slot"), slot), widget.NewFormItem(i18n.T("seminar.field.table"), table))
	var d dialog.Dialog
	var pop func()
	moving := false
	move := func() {
		if moving || w.st == nil {
			return
		}
		moving = true
		st, sn, tn := w.st, slot.SelectedIndex()+1, table.SelectedIndex()+1
		w.background(func() {
			_, err := seminar.Move(w.ctx, st, m.ID, sn, tn)
			w.update(func() {
				moving = false
				if w.st != st {
					return
				}
				if err != nil {
					msg.SetText(i18n.T("seminar.refused", err.Error()))
					msg.Show()
					return
				}
				d.Hide()
				w.changed()
			})
		})
	}
	cancel := w.guardClose(fields, func() { d.Hide() })
	ok := widget.NewButtonWithIcon(i18n.T("seminar.move.do"), theme.ConfirmIcon(), move)
	ok.Importance = widget.HighImportance
	d = dialog.NewCustomWithoutButtons(i18n.T("seminar.move.title", m.Title),
		container.NewVBox(fields, msg, container.NewHBox(layout.NewSpacer(), widget.NewButton(i18n.T("action.cancel"), cancel), ok)), w.win)
	pop = w.pushForm(&form{save: move, cancel: cancel})
	d.SetOnClosed(pop)
	d.Resize(fyne.NewSize(520, 280))
	d.Show()
}

// ---- Scheduling ---------------------------------------------------------

// askSchedule offers to schedule a meeting at table in slot: a delegate
// and a host chosen by type-ahead, checked by seminar.Schedule, whose
// refusal names the clash.
func (s *seminarsScreen) askSchedule(slot, table int) {
	w := s.w
	if s.d == nil || s.d.agenda == nil || w.st == nil {
		return
	}
	a := s.d.agenda
	sl, ok := a.Slot(slot)
	if !ok {
		return
	}
	del := newOnePicker(w, "seminar.delegate.hint", data.KindContact)
	host := newOnePicker(w, "seminar.host.hint", data.KindOrg, data.KindContact)
	msg := problemLabel()
	fields := widget.NewForm(
		widget.NewFormItem(i18n.T("seminar.field.delegate"), del.view),
		widget.NewFormItem(i18n.T("seminar.field.host"), host.view))
	var d dialog.Dialog
	saving := false
	schedule := func() {
		if saving || w.st == nil {
			return
		}
		if del.id == "" || host.id == "" {
			msg.SetText(i18n.T("seminar.schedule.missing"))
			msg.Show()
			return
		}
		saving = true
		st, semID := w.st, a.Seminar.ID
		req := seminar.Request{Slot: slot, Table: table, Delegate: del.id, With: []data.ID{host.id}}
		w.background(func() {
			m, err := seminar.Schedule(w.ctx, st, semID, req)
			w.update(func() {
				saving = false
				if w.st != st {
					return
				}
				if err != nil {
					msg.SetText(i18n.T("seminar.refused", err.Error()))
					msg.Show()
					return
				}
				d.Hide()
				s.selected = m.ID
				w.changed()
			})
		})
	}
	cancel := w.guardClose(fields, func() { d.Hide() })
	ok2 := widget.NewButtonWithIcon(i18n.T("seminar.schedule.do"), theme.ConfirmIcon(), schedule)
	ok2.Importance = widget.HighImportance
	where := widget.NewLabel(i18n.T("seminar.slot.when", sl.N, sl.Clock(), sl.End.Format("15:04"), a.Seminar.TimeZone) +
		" · " + i18n.T("seminar.table", table))
	d = dialog.NewCustomWithoutButtons(i18n.T("seminar.schedule.title"),
		container.NewVBox(where, fields, msg, container.NewHBox(layout.NewSpacer(), widget.NewButton(i18n.T("action.cancel"), cancel), ok2)), w.win)
	pop := w.pushForm(&form{save: schedule, cancel: cancel})
	d.SetOnClosed(func() {
		pop()
		del.stop()
		host.stop()
	})
	d.Resize(fyne.NewSize(600, 460))
	s.scheduling = &scheduleDialog{del: del, host: host, msg: msg, do: schedule, d: d}
	d.Show()
	w.win.Canvas().Focus(del.entry)
}

// scheduleDialog is the open "Schedule a meeting here" dialog (for tests).
type scheduleDialog struct {
	del, host *onePicker
	msg       *widget.Label
	do        func()
	d         dialog.Dialog
}

// onePicker chooses one record of the given kinds by type-ahead: typing
// searches the store in the background and lists the matches; choosing
// one shows it under the entry.
type onePicker struct {
	w       *mainWindow
	kinds   []data.Kind
	entry   *entry
	results *fyne.Container
	chosen  *widget.Label
	view    fyne.CanvasObject
	id      data.ID
	seq     int
	cancel  context.CancelFunc
}

func newOnePicker(w *mainWindow, hintKey string, kinds ...data.Kind) *onePicker {
	p := &onePicker{w: w, kinds: kinds, entry: w.newEntry(), results: container.NewVBox(), chosen: widget.NewLabel("")}
	p.entry.SetPlaceHolder(i18n.T(hintKey))
	p.entry.OnChanged = p.search
	p.chosen.TextStyle.Bold = true
	p.view = container.NewVBox(p.entry, p.results, p.chosen)
	return p
}

func (p *onePicker) stop() {
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
}

// search looks up what was typed, cancelling the search before it.
func (p *onePicker) search(text string) {
	w := p.w
	p.stop()
	p.seq++
	seq := p.seq
	q := strings.TrimSpace(text)
	st := w.st
	if q == "" || st == nil {
		p.show(nil)
		return
	}
	ctx, cancel := context.WithCancel(w.ctx)
	p.cancel = cancel
	w.background(func() {
		hits, err := st.Search(ctx, q, 20)
		w.update(func() {
			if w.st != st || p.seq != seq {
				return // stale: typed on meanwhile
			}
			p.stop()
			if err != nil {
				w.showError(err)
				return
			}
			p.show(hits)
		})
	})
}

// show lists the hits of the picker's kinds as buttons that choose them.
func (p *onePicker) show(hits []store.Hit) {
	var objs []fyne.CanvasObject
	for _, h := range hits {
		if len(objs) == maxResults {
			break
		}
		for _, k := range p.kinds {
			if h.Kind != k {
				continue
			}
			h := h
			label := h.Label
			if len(p.kinds) > 1 {
				label += " (" + i18n.T("kind."+string(h.Kind)) + ")"
			}
			b := widget.NewButtonWithIcon(label, theme.ConfirmIcon(), func() { p.choose(h.ID, h.Label) })
			b.Alignment = widget.ButtonAlignLeading
			b.Importance = widget.LowImportance
			objs = append(objs, b)
		}
	}
	p.results.Objects = objs
	p.results.Refresh()
}

func (p *onePicker) choose(id data.ID, label string) {
	p.id = id
	p.chosen.SetText("✓ " + label)
	p.stop()
	p.seq++
	p.results.Objects = nil
	p.results.Refresh()
}

// ---- Import, print, new seminar ---------------------------------------

// askImport imports an agenda file into the shown seminar: a dry run
// first, showing what would be scheduled and each row's problem, then
// Apply.
func (s *seminarsScreen) askImport() {
	w := s.w
	if s.d == nil || s.d.agenda == nil || w.st == nil {
		dialog.ShowInformation(i18n.T("seminar.import"), i18n.T("seminar.need"), w.win)
		return
	}
	semID := s.d.agenda.Seminar.ID
	w.askOpenFile([]string{".csv", ".xlsx"}, func(name string, rc io.ReadCloser) {
		s.previewImport(semID, name, rc)
	})
}

// previewImport reads the agenda file and runs the dry run off the UI
// goroutine.
func (s *seminarsScreen) previewImport(semID data.ID, name string, rc io.ReadCloser) {
	w := s.w
	st := w.st
	progress := dialog.NewCustomWithoutButtons(i18n.T("import.reading"), widget.NewProgressBarInfinite(), w.win)
	progress.Show()
	w.background(func() {
		content, err := io.ReadAll(rc)
		rc.Close()
		var rep *seminar.ImportReport
		if err == nil {
			rep, err = seminar.ImportAgenda(w.ctx, st, semID, bytes.NewReader(content), name, seminar.ImportOptions{DryRun: true})
		}
		w.update(func() {
			progress.Hide()
			if w.st != st {
				return
			}
			if err != nil {
				dialog.ShowError(fmt.Errorf("%s: %w", i18n.T("import.failed"), err), w.win)
				return
			}
			s.showImport(semID, name, content, rep)
		})
	})
}

// importText is the counts and problems of an import report.
func importText(rep *seminar.ImportReport) string {
	lines := []string{i18n.T("seminar.import.summary", rep.Rows, len(rep.Scheduled), rep.Unchanged, len(rep.NewOrgs), len(rep.Problems))}
	if len(rep.NewOrgs) > 0 {
		lines = append(lines, i18n.T("seminar.import.neworgs", strings.Join(rep.NewOrgs, ", ")))
	}
	for _, p := range rep.Problems {
		key := "seminar.import.problem"
		if p.Warning {
			key = "seminar.import.warning"
		}
		lines = append(lines, i18n.T(key, p.Row, p.Message))
	}
	return strings.Join(lines, "\n")
}

// showImport shows a dry run's report, with Apply when there is something
// to schedule.
func (s *seminarsScreen) showImport(semID data.ID, name string, content []byte, rep *seminar.ImportReport) {
	w := s.w
	text := widget.NewLabel(importText(rep))
	text.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	apply := widget.NewButtonWithIcon(i18n.T("seminar.import.apply"), theme.ConfirmIcon(), nil)
	apply.Importance = widget.HighImportance
	apply.OnTapped = func() {
		apply.Disable()
		st := w.st
		w.background(func() {
			rep, err := seminar.ImportAgenda(w.ctx, st, semID, bytes.NewReader(content), name, seminar.ImportOptions{})
			w.update(func() {
				if w.st != st {
					return
				}
				d.Hide()
				if err != nil {
					dialog.ShowError(fmt.Errorf("%s: %w", i18n.T("import.failed"), err), w.win)
					return
				}
				w.changed()
				dialog.ShowInformation(i18n.T("import.done"), importText(rep), w.win)
			})
		})
	}
	if len(rep.Scheduled) == 0 {
		apply.Disable()
	}
	d = dialog.NewCustomWithoutButtons(i18n.T("import.title", name), container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), widget.NewButton(i18n.T("action.cancel"), func() { d.Hide() }), apply), nil, nil,
		container.NewVScroll(text)), w.win)
	d.Resize(fyne.NewSize(640, 480))
	d.Show()
}

// gridPDF writes the room grid of a seminar (run off the UI goroutine).
func (s *seminarsScreen) gridPDF(st *store.Store, semID data.ID) func(io.Writer) (string, error) {
	ctx, lang := s.w.ctx, i18n.Language()
	return func(out io.Writer) (string, error) {
		var buf bytes.Buffer
		if err := report.SeminarGrid(ctx, st, semID, report.Options{Lang: lang}, &buf); err != nil {
			return "", err
		}
		_, err := out.Write(buf.Bytes())
		return i18n.T("seminar.print.grid.done"), err
	}
}

func (s *seminarsScreen) printGrid() {
	w := s.w
	if s.d == nil || s.d.agenda == nil || w.st == nil {
		return
	}
	sem := s.d.agenda.Seminar
	w.askSaveFile(safeName(sem.Name)+".pdf", "doc.creating", "doc.failed", s.gridPDF(w.st, sem.ID))
}

// printAgenda prints the agenda of the delegate chosen in the per-delegate
// view, else of the delegate whose name is on my card.
func (s *seminarsScreen) printAgenda() {
	w := s.w
	if s.d == nil || s.d.agenda == nil || w.st == nil {
		return
	}
	sem := s.d.agenda.Seminar
	if i := s.delSelect.SelectedIndex(); s.view == viewDelegate && i >= 0 && i < len(s.delegates) {
		s.printAgendaOf(sem, s.delegates[i], s.delSelect.Selected)
		return
	}
	st := w.st
	delegates, names := s.delegates, s.d.names
	w.background(func() {
		me := strings.TrimSpace(myName(w, st))
		w.update(func() {
			if w.st != st {
				return
			}
			for _, id := range delegates {
				if me != "" && strings.EqualFold(names[id], me) {
					s.printAgendaOf(sem, id, names[id])
					return
				}
			}
			dialog.ShowInformation(i18n.T("seminar.print.mine"), i18n.T("seminar.print.notme"), w.win)
		})
	})
}

func (s *seminarsScreen) printAgendaOf(sem *data.Seminar, delegate data.ID, name string) {
	w := s.w
	ctx, st, lang := w.ctx, w.st, i18n.Language()
	w.askSaveFile(safeName(sem.Name+" "+name)+".pdf", "doc.creating", "doc.failed", func(out io.Writer) (string, error) {
		var buf bytes.Buffer
		if err := report.SeminarAgenda(ctx, st, sem.ID, delegate, report.Options{Lang: lang}, &buf); err != nil {
			return "", err
		}
		_, err := out.Write(buf.Bytes())
		return i18n.T("seminar.print.agenda.done"), err
	})
}

// parseBreaks reads breaks written "AFTER:MINUTES:LABEL", comma-separated
// (the label may be left out).
func parseBreaks(text string) ([]data.Break, error) {
	var out []data.Break
	for _, part := range strings.Split(text, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		b, err := seminar.ParseBreak(part)
		if err != nil {
			return nil, fmt.Errorf("%s", i18n.T("seminar.invalid.break", part))
		}
		out = append(out, b)
	}
	return out, nil
}

// seminarForm is the open New seminar dialog (kept for tests).
type seminarForm struct {
	name, venue, date, zone, first, minutes, slots, tables, breaks *entry
	msg                                                            *widget.Label
	submit                                                         func()
}

// newSeminar opens the form for a new seminar of the current mission.
func (s *seminarsScreen) newSeminar() {
	w := s.w
	mission := w.mission()
	if mission == nil || w.st == nil {
		return
	}
	f := &seminarForm{}
	mk := func(text, hint string) *entry {
		e := w.newEntry()
		e.SetText(text)
		e.SetPlaceHolder(hint)
		return e
	}
	f.name = mk("", "")
	f.venue = mk("", "")
	f.date = mk(string(mission.Start), "YYYY-MM-DD")
	f.zone = mk(mission.TimeZone, "Africa/Johannesburg")
	f.first = mk("09:00", "HH:MM")
	f.minutes = mk("30", "")
	f.slots = mk("8", "")
	f.tables = mk("6", "")
	f.breaks = mk("", i18n.T("seminar.breaks.hint"))
	f.msg = problemLabel()
	fields := widget.NewForm(
		widget.NewFormItem(i18n.T("seminar.field.name"), f.name),
		widget.NewFormItem(i18n.T("seminar.field.venue"), f.venue),
		widget.NewFormItem(i18n.T("seminar.field.date"), f.date),
		widget.NewFormItem(i18n.T("seminar.field.zone"), f.zone),
		widget.NewFormItem(i18n.T("seminar.field.first"), f.first),
		widget.NewFormItem(i18n.T("seminar.field.minutes"), f.minutes),
		widget.NewFormItem(i18n.T("seminar.field.slots"), f.slots),
		widget.NewFormItem(i18n.T("seminar.field.tables"), f.tables),
		widget.NewFormItem(i18n.T("seminar.field.breaks"), f.breaks),
	)
	var d dialog.Dialog
	problem := func(text string) {
		f.msg.SetText(text)
		f.msg.Show()
	}
	saving := false
	f.submit = func() {
		if saving || w.st == nil {
			return
		}
		sem := &data.Seminar{Mission: mission.ID, Name: strings.TrimSpace(f.name.Text), Venue: strings.TrimSpace(f.venue.Text),
			Date: data.Date(strings.TrimSpace(f.date.Text)), TimeZone: strings.TrimSpace(f.zone.Text), FirstSlot: strings.TrimSpace(f.first.Text)}
		for _, n := range []struct {
			e   *entry
			key string
			v   *int
		}{{f.minutes, "seminar.field.minutes", &sem.SlotMinutes}, {f.slots, "seminar.field.slots", &sem.Slots}, {f.tables, "seminar.field.tables", &sem.Tables}} {
			v, err := strconv.Atoi(strings.TrimSpace(n.e.Text))
			if err != nil {
				problem(i18n.T("seminar.invalid.number", i18n.T(n.key)))
				w.win.Canvas().Focus(n.e)
				return
			}
			*n.v = v
		}
		var err error
		if sem.Breaks, err = parseBreaks(f.breaks.Text); err != nil {
			problem(err.Error())
			w.win.Canvas().Focus(f.breaks)
			return
		}
		if err := data.Prepare(sem); err != nil {
			problem(fieldProblem(err))
			return
		}
		if _, err := seminar.Slots(sem); err != nil {
			problem(fieldProblem(err))
			return
		}
		saving = true
		st := w.st
		w.background(func() {
			err := seminar.Create(w.ctx, st, sem)
			w.update(func() {
				saving = false
				if w.st != st {
					return
				}
				if err != nil {
					problem(fieldProblem(err))
					return
				}
				d.Hide()
				s.selSeminar, s.selected = sem.ID, ""
				w.changed()
			})
		})
	}
	cancel := w.guardClose(fields, func() { d.Hide() })
	save := widget.NewButtonWithIcon(i18n.T("action.save"), theme.DocumentSaveIcon(), f.submit)
	save.Importance = widget.HighImportance
	body := container.NewBorder(nil, container.NewVBox(f.msg, container.NewHBox(layout.NewSpacer(), widget.NewButton(i18n.T("action.cancel"), cancel), save)),
		nil, nil, container.NewVScroll(fields))
	d = dialog.NewCustomWithoutButtons(i18n.T("seminar.new.title"), body, w.win)
	pop := w.pushForm(&form{save: f.submit, cancel: cancel})
	d.SetOnClosed(func() {
		pop()
		if s.creating == f {
			s.creating = nil
		}
	})
	d.Resize(fyne.NewSize(640, 600))
	s.creating = f
	d.Show()
	w.win.Canvas().Focus(f.name)
}

// ---- The grid cell ------------------------------------------------------

// seminarCell is a fixed-size cell of the room grid: up to three short
// lines (delegate, host company, status) on a background tinted by the
// meeting's status; tapping it selects the meeting or offers the slot.
type seminarCell struct {
	widget.BaseWidget
	lines    [3]string
	head     bool // a table or time heading: bold, not tappable
	meeting  *data.Meeting
	status   data.MeetingStatus
	selected bool
	onTap    func()
}

// cellSize is the room grid's cell: wide enough for a name, and a
// 6-table seminar fits beside the meeting panel.
var cellSize = fyne.NewSize(128, 62)

func newSeminarCell(onTap func()) *seminarCell {
	c := &seminarCell{onTap: onTap}
	c.ExtendBaseWidget(c)
	return c
}

func (c *seminarCell) Tapped(*fyne.PointEvent) {
	if c.onTap != nil {
		c.onTap()
	}
}

func (c *seminarCell) CreateRenderer() fyne.WidgetRenderer {
	r := &seminarCellRenderer{c: c, bg: canvas.NewRectangle(color.Transparent)}
	r.bg.CornerRadius = theme.InputRadiusSize()
	for i := range r.texts {
		r.texts[i] = canvas.NewText("", theme.Color(theme.ColorNameForeground))
		r.texts[i].TextSize = theme.CaptionTextSize() + 1
	}
	r.Refresh()
	return r
}

// statusColor is the colour of a meeting status in the grid.
func statusColor(st data.MeetingStatus) fyne.ThemeColorName {
	switch st {
	case data.MeetingHeld:
		return theme.ColorNameSuccess
	case data.MeetingNoShow:
		return theme.ColorNameError
	case data.MeetingCancelled:
		return theme.ColorNameDisabled
	case data.MeetingMoved:
		return theme.ColorNameWarning
	}
	return theme.ColorNamePrimary
}

// tint is c at a low opacity, for a cell background.
func tint(c color.Color, alpha uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: alpha}
}

type seminarCellRenderer struct {
	c     *seminarCell
	bg    *canvas.Rectangle
	texts [3]*canvas.Text
}

func (r *seminarCellRenderer) Destroy() {}

func (r *seminarCellRenderer) MinSize() fyne.Size {
	if r.c.head && r.c.lines[1] == "" {
		// A table heading has one line: its row need not be as tall.
		return fyne.NewSize(cellSize.Width, fyne.MeasureText("Mg", r.texts[0].TextSize, fyne.TextStyle{Bold: true}).Height+theme.InnerPadding())
	}
	return cellSize
}

func (r *seminarCellRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.texts[0], r.texts[1], r.texts[2]}
}

func (r *seminarCellRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	pad := theme.InnerPadding() / 2
	y := pad
	for i, t := range r.texts {
		t.Text = ellipsize(r.c.lines[i], size.Width-2*pad, t.TextSize, t.TextStyle)
		ts := fyne.MeasureText("Mg", t.TextSize, t.TextStyle)
		t.Move(fyne.NewPos(pad, y))
		t.Resize(fyne.NewSize(size.Width-2*pad, ts.Height))
		y += ts.Height
	}
}

func (r *seminarCellRenderer) Refresh() {
	c := r.c
	fg := theme.Color(theme.ColorNameForeground)
	switch {
	case c.head:
		r.bg.FillColor = color.Transparent
	case c.meeting == nil:
		r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	default:
		r.bg.FillColor = tint(theme.Color(statusColor(c.status)), 0x38)
	}
	r.bg.StrokeWidth = 0
	if c.selected {
		r.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
		r.bg.StrokeWidth = 2
	}
	for i, t := range r.texts {
		t.Color = fg
		t.TextStyle = fyne.TextStyle{Bold: i == 0}
	}
	if c.meeting == nil && !c.head {
		r.texts[1].Color = theme.Color(theme.ColorNamePlaceHolder)
	}
	if c.meeting != nil {
		r.texts[2].Color = theme.Color(statusColor(c.status))
		r.texts[2].TextStyle = fyne.TextStyle{Bold: true}
	}
	r.Layout(c.Size())
	r.bg.Refresh()
	for _, t := range r.texts {
		t.Refresh()
	}
}

// ellipsize shortens s with "…" to fit width.
func ellipsize(s string, width, size float32, style fyne.TextStyle) string {
	if s == "" || fyne.MeasureText(s, size, style).Width <= width {
		return s
	}
	runes := []rune(s)
	for n := len(runes) - 1; n > 0; n-- {
		t := strings.TrimSpace(string(runes[:n])) + "…"
		if fyne.MeasureText(t, size, style).Width <= width {
			return t
		}
	}
	return "…"
}
