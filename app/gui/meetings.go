package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// meetingsScreen lists the current mission's meetings in time order; the
// selected one is shown on the right with its follow-ups, attachments and
// the actions on it (edit, follow-up, delete).
type meetingsScreen struct {
	w *mainWindow
	// State below is touched only on the UI goroutine.
	meetings []*data.Meeting
	names    map[data.ID]string // labels of linked records
	followUp map[data.ID][]*data.FollowUp
	loaded   struct {
		mission data.ID
		gen     uint64
	}
	selected data.ID // the meeting shown, kept across reloads
	pending  data.ID // a meeting to select once the list has it (reveal)

	view   *fyne.Container // the list, or an empty state
	list   *widget.List
	listBx fyne.CanvasObject
	empty  fyne.CanvasObject
	header *widget.Label
	sub    *widget.Label
	detail *fyne.Container
}

func newMeetingsScreen(w *mainWindow) *meetingsScreen {
	s := &meetingsScreen{w: w, names: map[data.ID]string{}}
	s.list = widget.NewList(
		func() int { return len(s.meetings) },
		func() fyne.CanvasObject {
			when := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
			title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			title.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("")
			sub.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, when, nil, container.NewVBox(title, sub))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(s.meetings) {
				return
			}
			m := s.meetings[id]
			b := o.(*fyne.Container)
			center := b.Objects[0].(*fyne.Container)
			center.Objects[0].(*widget.Label).SetText(privateMark(m.Confidentiality) + m.Title)
			center.Objects[1].(*widget.Label).SetText(meetingSubtitle(m, s.names))
			b.Objects[1].(*widget.Label).SetText(formatDate(data.DateOf(m.Local())) + "\n" + m.Local().Format("15:04"))
		})
	s.list.OnSelected = func(id widget.ListItemID) {
		if id < len(s.meetings) {
			s.selected = s.meetings[id].ID
			s.showMeeting(s.meetings[id])
		}
	}
	s.header = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.header.Truncation = fyne.TextTruncateEllipsis
	s.sub = widget.NewLabel("")
	s.sub.Wrapping = fyne.TextWrapWord
	s.detail = container.NewVBox(widget.NewLabel(i18n.T("meeting.none")))
	s.listBx = s.list
	add := widget.NewButtonWithIcon(i18n.T("meeting.new"), theme.ContentAddIcon(), w.newMeeting)
	add.Importance = widget.HighImportance
	s.empty = w.message(i18n.T("meetings.empty"), add)
	s.view = container.NewStack(s.list)
	return s
}

func (s *meetingsScreen) content() fyne.CanvasObject {
	left := container.NewBorder(container.NewVBox(s.header, s.sub, widget.NewSeparator()), nil, nil, nil, s.view)
	split := container.NewHSplit(left, container.NewVScroll(container.NewPadded(s.detail)))
	split.Offset = 0.45
	return split
}

func (s *meetingsScreen) clear() {
	s.meetings, s.names, s.followUp = nil, map[data.ID]string{}, nil
	s.loaded.mission, s.selected = "", ""
	s.header.SetText("")
	s.sub.SetText("")
	s.list.Refresh()
	s.detail.Objects = nil
	s.detail.Refresh()
}

// reveal selects the meeting with id once the list holds it.
func (s *meetingsScreen) reveal(id data.ID) {
	s.pending = id
	s.selectPending()
}

func (s *meetingsScreen) selectPending() {
	if s.pending == "" {
		return
	}
	for i, m := range s.meetings {
		if m.ID == s.pending {
			s.pending = ""
			s.list.Select(i)
			s.list.ScrollTo(i)
			return
		}
	}
}

// load fetches the current mission's meetings, the names of the records
// they link and their follow-ups, unless they are loaded and current.
func (s *meetingsScreen) load() {
	w := s.w
	m := w.mission()
	if m == nil || w.st == nil {
		return
	}
	if s.loaded.mission == m.ID && s.loaded.gen == w.gen && s.meetings != nil {
		s.selectPending()
		return
	}
	s.header.SetText(m.Name)
	st, gen := w.st, w.gen
	w.background(func() {
		meetings, names, err := missionMeetings(w, st, m.ID)
		fus, ferr := st.List(w.ctx, store.Query{Kind: data.KindFollowUp, Mission: m.ID})
		if err == nil {
			err = ferr
		}
		byMeeting := map[data.ID][]*data.FollowUp{}
		open := 0
		for _, r := range fus {
			f := r.(*data.FollowUp)
			if f.Status == data.StatusOpen || f.Status == data.StatusInProgress {
				open++
			}
			if f.Meeting != "" {
				byMeeting[f.Meeting] = append(byMeeting[f.Meeting], f)
			}
		}
		w.update(func() {
			if w.st != st || w.mission() == nil || w.mission().ID != m.ID {
				return // locked, or the user chose another mission meanwhile
			}
			if s.loaded.mission == m.ID && gen < s.loaded.gen {
				return // a newer load has landed first
			}
			if err != nil {
				s.sub.SetText(i18n.T("error.load", err.Error()))
				return
			}
			s.loaded.mission, s.loaded.gen = m.ID, gen
			s.meetings, s.names, s.followUp = meetings, names, byMeeting
			s.sub.SetText(i18n.T("mission.summary", formatDate(m.Start), formatDate(m.End), countryLabel(m.Country), m.TimeZone) +
				"\n" + i18n.T("mission.counts", len(meetings), open))
			if len(meetings) == 0 {
				s.view.Objects = []fyne.CanvasObject{s.empty}
			} else {
				s.view.Objects = []fyne.CanvasObject{s.list}
			}
			s.view.Refresh()
			s.list.UnselectAll()
			s.list.Refresh()
			s.detail.Objects = []fyne.CanvasObject{widget.NewLabel(i18n.T("meeting.none"))}
			s.detail.Refresh()
			if s.pending == "" && s.selected != "" {
				s.pending = s.selected
			}
			s.selectPending()
		})
	})
}

// missionMeetings lists a mission's meetings in time order and the labels
// of the organizations and people they link (run off the UI goroutine).
func missionMeetings(w *mainWindow, st *store.Store, mission data.ID) ([]*data.Meeting, map[data.ID]string, error) {
	recs, err := st.List(w.ctx, store.Query{Kind: data.KindMeeting, Mission: mission})
	if err != nil {
		return nil, nil, err
	}
	meetings := make([]*data.Meeting, 0, len(recs))
	names := map[data.ID]string{}
	for _, r := range recs {
		mt := r.(*data.Meeting)
		meetings = append(meetings, mt)
		for _, ids := range [][]data.ID{mt.Orgs, mt.Attendees, mt.Delegates} {
			for _, id := range ids {
				if _, ok := names[id]; ok {
					continue
				}
				if rec, err := st.Get(w.ctx, id); err == nil {
					names[id] = rec.Label()
				} else {
					names[id] = i18n.T("record.missing")
				}
			}
		}
	}
	return meetings, names, nil
}

func nameList(ids []data.ID, names map[data.ID]string) string {
	var out []string
	for _, id := range ids {
		if n, ok := names[id]; ok {
			out = append(out, n)
		}
	}
	return strings.Join(out, ", ")
}

func meetingSubtitle(m *data.Meeting, names map[data.ID]string) string {
	parts := []string{i18n.T("meeting.kind." + string(m.MeetingKind))}
	if orgs := nameList(m.Orgs, names); orgs != "" {
		parts = append(parts, orgs)
	}
	if m.Interest != "" {
		parts = append(parts, i18n.T("interest."+string(m.Interest)))
	}
	return strings.Join(parts, " · ")
}

// showMeeting fills the detail pane; everything it needs is in memory.
func (s *meetingsScreen) showMeeting(m *data.Meeting) {
	w := s.w
	title := widget.NewLabelWithStyle(privateMark(m.Confidentiality)+m.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	form := widget.NewForm()
	row := func(label, value string) {
		if strings.TrimSpace(value) == "" {
			return
		}
		l := widget.NewLabel(value)
		l.Wrapping = fyne.TextWrapWord
		form.Append(label, l)
	}
	row(i18n.T("meeting.field.when"), meetingWhen(m, w))
	row(i18n.T("meeting.field.kind"), meetingSubtitle(m, s.names))
	row(i18n.T("meeting.field.location"), m.Location)
	row(i18n.T("meeting.field.attendees"), nameList(m.Attendees, s.names))
	row(i18n.T("meeting.field.delegates"), nameList(m.Delegates, s.names))
	var opps []string
	for _, o := range m.Opportunities {
		t := o.Title
		if o.Value > 0 {
			t += " — " + formatMoney(o.Value, o.Currency)
		}
		opps = append(opps, t)
	}
	row(i18n.T("meeting.field.opportunities"), strings.Join(opps, "\n"))
	row(i18n.T("meeting.field.tags"), strings.Join(m.Tags, ", "))
	row(i18n.T("meeting.field.confidentiality"), i18n.T("confidentiality."+string(m.Confidentiality)))
	var agenda fyne.CanvasObject // a B2B seminar's meeting: its place on the agenda
	if m.Seminar != "" {
		at := i18n.T("seminar.field.table") + " " + fmt.Sprint(m.Table) + " · " + i18n.T("seminar.field.slot") + " " + fmt.Sprint(m.Slot) +
			" · " + i18n.T("seminar.status."+string(m.EffectiveStatus()))
		if m.Outcome != "" {
			at += " · " + i18n.T("seminar.outcome."+string(m.Outcome))
		}
		row(i18n.T("nav.seminars"), at)
		seminarID, meetingID := m.Seminar, m.ID
		b := widget.NewButtonWithIcon(i18n.T("meeting.agenda.open"), theme.GridIcon(), func() {
			w.showScreen(w.seminarsScr)
			w.seminarsScr.reveal(seminarID)
			w.seminarsScr.selected = meetingID
		})
		b.Importance = widget.LowImportance
		agenda = b
	}
	var fus []string
	for _, f := range s.followUp[m.ID] {
		fus = append(fus, followUpLine(f))
	}
	row(i18n.T("nav.followups"), strings.Join(fus, "\n"))

	edit := widget.NewButtonWithIcon(i18n.T("action.edit"), theme.DocumentCreateIcon(), func() { w.editMeeting(m) })
	edit.Importance = widget.HighImportance
	fu := widget.NewButtonWithIcon(i18n.T("followup.from.meeting"), theme.ContentAddIcon(), func() { w.followUpFromMeeting(m) })
	del := widget.NewButtonWithIcon(i18n.T("action.delete"), theme.DeleteIcon(), func() { s.delete(m) })
	del.Importance = widget.DangerImportance
	actions := container.NewHBox(edit, fu, del)
	if agenda != nil {
		actions.Add(agenda)
	}

	notes := widget.NewLabel(m.Notes)
	notes.Wrapping = fyne.TextWrapWord
	s.detail.Objects = []fyne.CanvasObject{title, actions, form, widget.NewSeparator(),
		widget.NewLabelWithStyle(i18n.T("meeting.field.notes"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), notes,
		widget.NewSeparator(), w.attachmentsBox(m.ID)}
	// Twice: a wrapping label knows its height only once it has its
	// width, which the first layout gives it.
	s.detail.Refresh()
	s.detail.Refresh()
}

// meetingWhen is a meeting's time in the mission's zone and in home time.
func meetingWhen(m *data.Meeting, w *mainWindow) string {
	local := m.Local()
	when := i18n.T("meeting.when.local", formatDate(data.DateOf(local)), local.Format("15:04"), m.TimeZone)
	if m.DurationMin > 0 {
		when += " · " + i18n.T("meeting.duration", m.DurationMin)
	}
	home := m.Start.In(w.homeZone)
	return when + "\n" + i18n.T("meeting.when.home", formatDate(data.DateOf(home)), home.Format("15:04"), zoneName(w.homeZone))
}

// followUpLine is a follow-up in one line: status, due date, title, owner.
func followUpLine(f *data.FollowUp) string {
	line := i18n.T("status."+string(f.Status)) + " · " + formatDate(f.Due) + " · " + f.Title
	if f.Owner != "" {
		line += " (" + f.Owner + ")"
	}
	return line
}

// delete asks, then deletes the meeting (a tombstone: sync can still
// bring back an edit made elsewhere).
func (s *meetingsScreen) delete(m *data.Meeting) {
	s.w.deleteRecord(m.Title, m.ID, func() {
		s.selected = ""
		s.w.changed()
	})
}
