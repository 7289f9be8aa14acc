package gui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// missionsScreen lists the missions; the current one is shown beside the
// list: its itinerary by day in the mission's local time, the delegation
// (member companies and delegates), the host companies, and counts.
type missionsScreen struct {
	w *mainWindow
	// State below is touched only on the UI goroutine.
	rows   []itineraryRow
	loaded struct {
		mission data.ID
		gen     uint64
	}

	list      *widget.List // the missions
	itinerary *widget.List
	name      *widget.Label
	summary   *widget.Label
	counts    *widget.Label
	people    *fyne.Container
}

// itineraryRow is a day heading (meeting nil) or a meeting.
type itineraryRow struct {
	day     data.Date
	count   int // meetings on the day, for a heading
	meeting *data.Meeting
	sub     string
}

func newMissionsScreen(w *mainWindow) *missionsScreen {
	s := &missionsScreen{w: w}
	s.list = widget.NewList(
		func() int { return len(w.missions) },
		twoLineRow,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(w.missions) {
				return
			}
			m := w.missions[id]
			setTwoLines(o, m.Name, fmt.Sprintf("%s – %s · %s", formatDate(m.Start), formatDate(m.End), countryLabel(m.Country)))
		})
	s.list.OnSelected = func(id widget.ListItemID) {
		if id != w.selMission {
			w.setMission(id)
		}
	}
	s.itinerary = widget.NewList(
		func() int { return len(s.rows) },
		func() fyne.CanvasObject {
			when := widget.NewLabelWithStyle("00:00", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
			title := widget.NewLabel("")
			title.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, when, nil, title)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(s.rows) {
				return
			}
			r := s.rows[id]
			b := o.(*fyne.Container)
			title, when := b.Objects[0].(*widget.Label), b.Objects[1].(*widget.Label)
			if r.meeting == nil {
				when.SetText("")
				title.TextStyle = fyne.TextStyle{Bold: true}
				title.SetText(weekday(r.day) + " " + formatDate(r.day) + " · " + i18n.T("itinerary.count", r.count))
				return
			}
			when.SetText(r.meeting.Local().Format("15:04"))
			title.TextStyle = fyne.TextStyle{}
			title.SetText(privateMark(r.meeting.Confidentiality) + r.meeting.Title + " — " + r.sub)
		})
	s.itinerary.OnSelected = func(id widget.ListItemID) {
		s.itinerary.Unselect(id)
		if id < len(s.rows) && s.rows[id].meeting != nil {
			w.openRecord(s.rows[id].meeting)
		}
	}
	s.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.name.Wrapping = fyne.TextWrapWord
	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord
	s.counts = widget.NewLabel("")
	s.people = container.NewVBox()
	return s
}

func (s *missionsScreen) content() fyne.CanvasObject {
	w := s.w
	add := widget.NewButtonWithIcon(i18n.T("mission.new"), theme.ContentAddIcon(), func() { w.editMission(nil) })
	edit := widget.NewButtonWithIcon(i18n.T("action.edit"), theme.DocumentCreateIcon(), func() {
		if m := w.mission(); m != nil {
			w.editMission(m)
		}
	})
	del := widget.NewButtonWithIcon(i18n.T("action.delete"), theme.DeleteIcon(), func() {
		if m := w.mission(); m != nil {
			s.delete(m)
		}
	})
	missions := container.NewBorder(widget.NewLabelWithStyle(i18n.T("missions.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), add, nil, nil, s.list)
	itinerary := container.NewBorder(widget.NewLabelWithStyle(i18n.T("itinerary.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, s.itinerary)
	right := container.NewHSplit(itinerary, container.NewVScroll(container.NewPadded(s.people)))
	right.Offset = 0.6
	top := container.NewBorder(nil, nil, nil, container.NewHBox(edit, del), s.name)
	view := container.NewBorder(container.NewVBox(top, s.summary, s.counts, widget.NewSeparator()), nil, nil, nil, right)
	split := container.NewHSplit(missions, view)
	split.Offset = 0.24
	return split
}

func (s *missionsScreen) clear() {
	s.rows = nil
	s.loaded.mission = ""
	s.list.Refresh()
	s.itinerary.Refresh()
	for _, l := range []*widget.Label{s.name, s.summary, s.counts} {
		l.SetText("")
	}
	s.people.Objects = nil
	s.people.Refresh()
}

// load shows the current mission: the list selection follows it, the
// itinerary and people are fetched in the background.
func (s *missionsScreen) load() {
	w := s.w
	s.list.Refresh()
	m := w.mission()
	if m == nil || w.st == nil {
		return
	}
	s.list.Select(w.selMission)
	if s.loaded.mission == m.ID && s.loaded.gen == w.gen {
		return
	}
	s.name.SetText(m.Name)
	s.summary.SetText(missionSummary(m))
	st, gen := w.st, w.gen
	w.background(func() {
		meetings, names, err := missionMeetings(w, st, m.ID)
		var open int
		if err == nil {
			var fus []data.Record
			fus, err = st.List(w.ctx, store.Query{Kind: data.KindFollowUp, Mission: m.ID})
			for _, r := range fus {
				if f := r.(*data.FollowUp); f.Status == data.StatusOpen || f.Status == data.StatusInProgress {
					open++
				}
			}
		}
		people := map[data.ID]data.Record{}
		for _, ids := range [][]data.ID{m.Members, m.Hosts, m.Delegates} {
			for _, id := range ids {
				if r, err := st.Get(w.ctx, id); err == nil {
					people[id] = r
				}
			}
		}
		rows := itinerary(meetings, names)
		w.update(func() {
			if w.st != st || w.mission() == nil || w.mission().ID != m.ID {
				return
			}
			if s.loaded.mission == m.ID && gen < s.loaded.gen {
				return // a newer load has landed first
			}
			if err != nil {
				s.counts.SetText(i18n.T("error.load", err.Error()))
				return
			}
			s.loaded.mission, s.loaded.gen = m.ID, gen
			s.rows = rows
			s.itinerary.Refresh()
			s.itinerary.ScrollToTop()
			s.counts.SetText(i18n.T("mission.counts", len(meetings), open))
			s.showPeople(m, people)
		})
	})
}

// missionSummary is the mission's dates, country, zone, cities and sector.
func missionSummary(m *data.Mission) string {
	out := i18n.T("mission.summary", formatDate(m.Start), formatDate(m.End), countryLabel(m.Country), m.TimeZone)
	if len(m.Cities) > 0 {
		out += " · " + strings.Join(m.Cities, ", ")
	}
	if m.Sector != "" {
		out += " · " + m.Sector
	}
	if m.Objectives != "" {
		out += "\n" + m.Objectives
	}
	return out
}

// itinerary groups meetings (in time order) by their day in the mission's
// local time, each day under a heading.
func itinerary(meetings []*data.Meeting, names map[data.ID]string) []itineraryRow {
	var rows []itineraryRow
	head := -1
	for _, m := range meetings {
		day := data.DateOf(m.Local())
		if head < 0 || rows[head].day != day {
			rows = append(rows, itineraryRow{day: day})
			head = len(rows) - 1
		}
		rows[head].count++
		rows = append(rows, itineraryRow{day: day, meeting: m, sub: meetingSubtitle(m, names)})
	}
	return rows
}

// weekday names a day's weekday in the UI language.
func weekday(d data.Date) string {
	t := d.Time()
	if t.IsZero() {
		return ""
	}
	return i18n.T("weekday." + strings.ToLower(t.Weekday().String()[:3]))
}

// showPeople lists the delegation (member companies, delegates) and the
// hosts; each name opens the record.
func (s *missionsScreen) showPeople(m *data.Mission, recs map[data.ID]data.Record) {
	w := s.w
	section := func(title string, ids []data.ID) []fyne.CanvasObject {
		out := []fyne.CanvasObject{widget.NewLabelWithStyle(i18n.T(title, len(ids)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
		if len(ids) == 0 {
			out = append(out, widget.NewLabel(i18n.T("mission.nobody")))
		}
		for _, id := range ids {
			rec, ok := recs[id]
			if !ok {
				out = append(out, widget.NewLabel(i18n.T("record.missing")))
				continue
			}
			label := rec.Label()
			if c, ok := rec.(*data.Contact); ok && c.Title != "" {
				label += " · " + c.Title
			}
			if o, ok := rec.(*data.Organization); ok && o.City != "" {
				label += " · " + o.City
			}
			b := widget.NewButton(label, func() { w.openRecord(rec) })
			b.Alignment = widget.ButtonAlignLeading
			b.Importance = widget.LowImportance
			out = append(out, b)
		}
		return out
	}
	var objs []fyne.CanvasObject
	objs = append(objs, section("mission.members", m.Members)...)
	objs = append(objs, section("mission.delegates", m.Delegates)...)
	objs = append(objs, section("mission.hosts", m.Hosts)...)
	s.people.Objects = objs
	s.people.Refresh()
}

// delete asks, then deletes the mission; its meetings and follow-ups stay
// (they can be found by search and are kept for the office).
func (s *missionsScreen) delete(m *data.Mission) {
	s.w.deleteRecord(m.Name, m.ID, func() {
		s.w.selMission = -1
		s.w.changed()
	})
}

// editMission is the form for a new mission (m nil) or an existing one.
func (w *mainWindow) editMission(m *data.Mission) {
	if w.st == nil {
		return
	}
	rec := &data.Mission{}
	rec.Confidentiality = data.Shared
	if m != nil {
		cp := *m
		rec = &cp
	}
	name, country, cities := w.newEntry(), w.newEntry(), w.newEntry()
	start, end, zone := w.newEntry(), w.newEntry(), w.newEntry()
	sector, cluster, objectives := w.newEntry(), w.newEntry(), w.newMultiLineEntry()
	name.SetText(rec.Name)
	country.SetText(rec.Country)
	country.SetPlaceHolder("ZA, UZ, FI …")
	cities.SetText(strings.Join(rec.Cities, ", "))
	start.SetText(string(rec.Start))
	end.SetText(string(rec.End))
	start.SetPlaceHolder("2026-05-18")
	end.SetPlaceHolder("2026-05-22")
	zone.SetText(rec.TimeZone)
	zone.SetPlaceHolder("Asia/Tashkent")
	sector.SetText(rec.Sector)
	cluster.SetText(rec.Cluster)
	objectives.SetText(rec.Objectives)
	objectives.SetMinRowsVisible(4)
	countryName := widget.NewLabel("")
	country.OnChanged = func(c string) {
		countryName.SetText("")
		if len(strings.TrimSpace(c)) == 2 {
			countryName.SetText(countryLabel(strings.ToUpper(strings.TrimSpace(c))))
		}
	}
	country.OnChanged(rec.Country)
	problem := problemLabel()
	fields := widget.NewForm(
		widget.NewFormItem(i18n.T("mission.field.name"), name),
		widget.NewFormItem(i18n.T("mission.field.country"), container.NewBorder(nil, nil, nil, countryName, country)),
		widget.NewFormItem(i18n.T("mission.field.cities"), cities),
		widget.NewFormItem(i18n.T("mission.field.start"), start),
		widget.NewFormItem(i18n.T("mission.field.end"), end),
		widget.NewFormItem(i18n.T("mission.field.zone"), zone),
		widget.NewFormItem(i18n.T("mission.field.sector"), sector),
		widget.NewFormItem(i18n.T("mission.field.cluster"), cluster),
		widget.NewFormItem(i18n.T("mission.field.objectives"), objectives),
	)
	title := i18n.T("mission.new")
	if m != nil {
		title = i18n.T("mission.edit")
	}
	var d dialog.Dialog
	var pop func()
	saving := false
	save := func() {
		if saving {
			return
		}
		rec.Name = strings.TrimSpace(name.Text)
		rec.Country = strings.ToUpper(strings.TrimSpace(country.Text))
		rec.Cities = splitList(cities.Text)
		rec.Start, rec.End = data.Date(strings.TrimSpace(start.Text)), data.Date(strings.TrimSpace(end.Text))
		rec.TimeZone = strings.TrimSpace(zone.Text)
		rec.Sector, rec.Cluster = strings.TrimSpace(sector.Text), strings.TrimSpace(cluster.Text)
		rec.Objectives = strings.TrimSpace(objectives.Text)
		if err := rec.Validate(); err != nil {
			problem.SetText(fieldProblem(err))
			problem.Show()
			return
		}
		saving = true
		st := w.st
		w.background(func() {
			var err error
			if m == nil {
				err = st.Create(w.ctx, rec)
			} else {
				_, err = st.UpdateFrom(w.ctx, m, rec)
			}
			if err == nil {
				err = st.SetSetting(w.ctx, settingMission, rec.ID)
			}
			w.update(func() {
				saving = false
				if w.st != st {
					return
				}
				if err != nil {
					problem.SetText(fieldProblem(err))
					problem.Show()
					return
				}
				d.Hide()
				if m == nil {
					// The new mission becomes the current one.
					w.missions = append(w.missions, rec)
					w.selMission = len(w.missions) - 1
				}
				w.changed()
			})
		})
	}
	cancel := w.guardClose(fields, func() { d.Hide() })
	saveBtn := widget.NewButtonWithIcon(i18n.T("action.save"), theme.DocumentSaveIcon(), save)
	saveBtn.Importance = widget.HighImportance
	body := container.NewBorder(nil, container.NewVBox(problem, container.NewHBox(layout.NewSpacer(), widget.NewButton(i18n.T("action.cancel"), cancel), saveBtn)), nil, nil,
		container.NewVScroll(fields))
	d = dialog.NewCustomWithoutButtons(title, body, w.win)
	pop = w.pushForm(&form{save: save, cancel: cancel})
	d.SetOnClosed(pop)
	d.Resize(fyne.NewSize(640, 600))
	d.Show()
	w.win.Canvas().Focus(name)
}

// fieldProblem words a save error for the form: which field, and why.
func fieldProblem(err error) string {
	var fe *data.FieldError
	if errors.As(err, &fe) {
		return i18n.T("form.problem", fieldLabel(fe.Field), fieldMessage(fe))
	}
	return err.Error()
}

// fieldLabel names a record field (its JSON name) in the UI language; a
// field without a label keeps its name.
func fieldLabel(name string) string {
	if k := "field." + name; i18n.Has(k) {
		return i18n.T("field." + name)
	}
	return name
}

// problems maps the core's validation messages (English, part of the
// command-line contract) to UI keys; matched by prefix, since some end
// with the value concerned.
var problems = []struct{ prefix, key string }{
	{"is required (YYYY-MM-DD)", "problem.date"},
	{"is required (an IANA zone", "problem.zone"},
	{"is required", "problem.required"},
	{"a given or family name is required", "problem.name"},
	{"is not a valid e-mail address", "problem.email"},
	{"is not a phone number", "problem.phone"},
	{"is not an ISO 3166", "problem.country"},
	{"is not an IANA time zone", "problem.zone"},
	{"is not a date", "problem.date"},
	{"is before the start", "problem.end"},
	{"is not a web address", "problem.website"},
	{"is not a language tag", "problem.language"},
	{"cannot be negative", "problem.negative"},
}

// fieldMessage is what is wrong with a field, in the UI language when the
// message is a known one (the value it concerns is quoted).
func fieldMessage(fe *data.FieldError) string {
	for _, p := range problems {
		if strings.HasPrefix(fe.Msg, p.prefix) {
			if fe.Value != "" {
				return "“" + fe.Value + "” " + i18n.T(p.key)
			}
			// Russian puts a dash between the value and the problem;
			// without a value there is nothing to separate.
			return strings.TrimPrefix(i18n.T(p.key), "— ")
		}
	}
	if fe.Value != "" {
		return "“" + fe.Value + "” " + fe.Msg
	}
	return fe.Msg
}

// splitList reads a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
