package gui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/app/cli"
	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/sample"
	"github.com/clusme/fieldbook/data/store"
	"github.com/clusme/fieldbook/data/vault"
)

// mainWindow is the first window: the missions on the left, the selected
// mission's meetings in the middle, the selected meeting on the right.
type mainWindow struct {
	app fyne.App
	win fyne.Window
	opt cli.GUIOptions
	st  *store.Store // set on the UI goroutine once open
	ctx context.Context
	// stop cancels background work when the window closes; bg counts the
	// goroutines still running, so the store closes only after them.
	stop context.CancelFunc
	bg   sync.WaitGroup
	// opened is the store as the opening goroutine got it, for close() to
	// close even if the UI never saw it.
	openedMu sync.Mutex
	opened   *store.Store
	// do runs a UI update from a background goroutine: fyne.Do, except in
	// tests, where the test goroutine plays the UI goroutine.
	do func(func())

	// State below is touched only on the UI goroutine.
	missions   []*data.Mission
	meetings   []*data.Meeting
	names      map[data.ID]string // labels of linked records
	selMission int

	body        *fyne.Container // swapped between loading, error, empty and main views
	missionList *widget.List
	meetingList *widget.List
	header      *widget.Label
	subheader   *widget.Label
	detail      *fyne.Container
	status      *widget.Label
	mainView    fyne.CanvasObject
	homeZone    *time.Location
	capture     *capture // the open card capture dialog, if any
	unlockEntry *widget.Entry
	sec         security
	// storeUse counts background work that may use the current store;
	// locking swaps in a fresh one and closes the store once the old one
	// drains, so nothing in flight finds it closed.
	storeUse *sync.WaitGroup
}

func newMainWindow(a fyne.App, opt cli.GUIOptions) *mainWindow {
	w := &mainWindow{app: a, opt: opt, selMission: -1, names: map[data.ID]string{}, homeZone: time.Local, do: fyne.Do,
		storeUse: &sync.WaitGroup{}}
	w.ctx, w.stop = context.WithCancel(context.Background())
	w.win = a.NewWindow(i18n.T("app.title"))
	w.win.Resize(fyne.NewSize(1180, 720))
	w.win.SetMaster()
	w.body = container.NewStack(w.message(i18n.T("status.opening"), nil))
	w.status = widget.NewLabel("")
	w.win.SetContent(container.NewStack(newActivityCatcher(w.touch), container.NewBorder(nil, w.status, nil, nil, w.body)))
	if dc, ok := w.win.Canvas().(desktop.Canvas); ok {
		dc.SetOnKeyDown(func(*fyne.KeyEvent) { w.touch() })
	}
	w.touch()
	w.watchIdle()
	w.mainView = w.buildMain()
	w.shortcuts()
	w.win.SetMainMenu(w.menu())
	w.win.SetOnDropped(w.dropped)
	return w
}

func (w *mainWindow) shortcuts() {
	c := w.win.Canvas()
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { w.app.Quit() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyW, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { w.win.Close() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { w.lock() })
}

func (w *mainWindow) buildMain() fyne.CanvasObject {
	w.missionList = widget.NewList(
		func() int { return len(w.missions) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("")
			sub.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(name, sub)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			m := w.missions[id]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(m.Name)
			box.Objects[1].(*widget.Label).SetText(fmt.Sprintf("%s – %s · %s", formatDate(m.Start), formatDate(m.End), countryLabel(m.Country)))
		})
	w.missionList.OnSelected = func(id widget.ListItemID) { w.selectMission(id) }

	w.meetingList = widget.NewList(
		func() int { return len(w.meetings) },
		func() fyne.CanvasObject {
			when := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
			title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			title.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("")
			sub.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, when, nil, container.NewVBox(title, sub))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			m := w.meetings[id]
			b := o.(*fyne.Container)
			center := b.Objects[0].(*fyne.Container)
			center.Objects[0].(*widget.Label).SetText(privateMark(m.Confidentiality) + m.Title)
			center.Objects[1].(*widget.Label).SetText(w.meetingSubtitle(m))
			b.Objects[1].(*widget.Label).SetText(formatDate(data.DateOf(m.Local())) + "\n" + m.Local().Format("15:04"))
		})
	w.meetingList.OnSelected = func(id widget.ListItemID) { w.showMeeting(w.meetings[id]) }

	w.header = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.header.Truncation = fyne.TextTruncateEllipsis
	w.subheader = widget.NewLabel("")
	w.subheader.Wrapping = fyne.TextWrapWord
	w.detail = container.NewVBox(widget.NewLabel(i18n.T("meeting.none")))

	missions := container.NewBorder(widget.NewLabelWithStyle(i18n.T("missions.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, w.missionList)
	meetings := container.NewBorder(container.NewVBox(w.header, w.subheader, widget.NewSeparator()), nil, nil, nil, w.meetingList)
	right := container.NewHSplit(meetings, container.NewVScroll(container.NewPadded(w.detail)))
	right.Offset = 0.5
	split := container.NewHSplit(missions, right)
	split.Offset = 0.22
	return split
}

// message is a centred text, its first line as a bold heading, with an
// optional action button.
func (w *mainWindow) message(text string, action fyne.CanvasObject) fyne.CanvasObject {
	head, rest, _ := strings.Cut(text, "\n")
	box := container.NewVBox(widget.NewLabelWithStyle(head, fyne.TextAlignCenter, fyne.TextStyle{Bold: true}))
	if rest = strings.TrimSpace(rest); rest != "" {
		l := widget.NewLabel(rest)
		l.Wrapping = fyne.TextWrapWord
		l.Alignment = fyne.TextAlignCenter
		box.Add(l)
	}
	if action != nil {
		box.Add(container.NewCenter(action))
	}
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(560, 200), box))
}

func (w *mainWindow) show(o fyne.CanvasObject) {
	w.body.Objects = []fyne.CanvasObject{o}
	w.body.Refresh()
}

// open opens the store off the UI goroutine and then loads the missions.
func (w *mainWindow) open() {
	w.background(func() {
		// An encrypted store waits for its passphrase on the unlock screen.
		if enc, err := vault.Encrypted(w.opt.DataDir); err == nil && enc {
			w.update(func() {
				w.sec.mu.Lock()
				w.sec.encrypted, w.sec.locked = true, true
				w.sec.mu.Unlock()
				w.win.SetMainMenu(w.menu())
				w.showUnlock("")
			})
			return
		}
		st, err := store.Open(w.ctx, w.opt.DataDir, store.Options{Verbose: w.opt.Verbose})
		if err == nil {
			w.openedMu.Lock()
			w.opened = st
			w.openedMu.Unlock()
		}
		w.update(func() {
			if err != nil {
				w.show(w.message(i18n.T("error.open", err.Error()), widget.NewButton(i18n.T("action.quit"), w.app.Quit)))
				return
			}
			w.st = st
			w.reload()
		})
	})
}

// background runs fn on a goroutine that close() waits for.
func (w *mainWindow) background(fn func()) {
	w.touch() // every user action that reads or writes data passes here
	use := w.storeUse
	use.Add(1)
	w.bg.Add(1)
	go func() {
		defer w.bg.Done()
		defer use.Done()
		fn()
	}()
}

// update hands a UI update to the UI goroutine, unless the window is
// closing (the UI loop may be gone, and nobody would see it).
func (w *mainWindow) update(fn func()) {
	if w.ctx.Err() == nil {
		w.do(fn)
	}
}

// close stops background work, waits for it (briefly: a store call in
// flight finishes in milliseconds) and closes the store, so every save is
// flushed before the process exits.
func (w *mainWindow) close() {
	w.stop()
	done := make(chan struct{})
	go func() { w.bg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	w.openedMu.Lock()
	defer w.openedMu.Unlock()
	if w.opened != nil {
		w.opened.Close()
		w.opened = nil
	}
}

// reload fetches the missions and counts in the background.
func (w *mainWindow) reload() {
	st := w.st
	w.background(func() {
		recs, err := st.List(w.ctx, store.Query{Kind: data.KindMission})
		stats := st.Stats(w.ctx)
		missions := make([]*data.Mission, 0, len(recs))
		for _, r := range recs {
			missions = append(missions, r.(*data.Mission))
		}
		// Newest mission first: the one a delegate is on, or just back from.
		sort.SliceStable(missions, func(i, j int) bool { return missions[i].Start > missions[j].Start })
		w.update(func() {
			if w.st != st {
				return // locked (or reopened) meanwhile: this is stale
			}
			if err != nil {
				w.show(w.message(i18n.T("error.load", err.Error()), nil))
				return
			}
			w.status.SetText(i18n.T("status.counts", stats[data.KindMission], stats[data.KindOrg], stats[data.KindContact], stats[data.KindMeeting], stats[data.KindFollowUp]))
			if len(missions) == 0 {
				w.showEmpty()
				return
			}
			w.missions = missions
			w.show(w.mainView)
			w.missionList.Refresh()
			sel := 0
			if w.selMission >= 0 && w.selMission < len(missions) {
				sel = w.selMission
			}
			w.missionList.Select(sel)
		})
	})
}

func (w *mainWindow) showEmpty() {
	var btn *widget.Button
	btn = widget.NewButtonWithIcon(i18n.T("empty.load"), theme.DownloadIcon(), func() {
		btn.Disable()
		btn.SetText(i18n.T("empty.loading"))
		st := w.st
		w.background(func() {
			_, err := sample.Load(w.ctx, st)
			w.update(func() {
				if err != nil {
					w.show(w.message(i18n.T("error.load", err.Error()), nil))
					return
				}
				w.reload()
			})
		})
	})
	btn.Importance = widget.HighImportance
	restore := widget.NewButtonWithIcon(i18n.T("restore.title")+"…", theme.HistoryIcon(), w.askRestore)
	w.show(w.message(i18n.T("empty.title")+"\n\n"+i18n.T("empty.body"), container.NewHBox(btn, restore)))
}

// selectMission loads the meetings of mission i, and the names of the
// organizations they involve, in the background.
func (w *mainWindow) selectMission(i int) {
	if i < 0 || i >= len(w.missions) {
		return
	}
	w.selMission = i
	m := w.missions[i]
	w.header.SetText(m.Name)
	w.subheader.SetText(i18n.T("mission.summary", formatDate(m.Start), formatDate(m.End), countryLabel(m.Country), m.TimeZone))
	st := w.st
	w.background(func() {
		recs, err := st.List(w.ctx, store.Query{Kind: data.KindMeeting, Mission: m.ID})
		meetings := make([]*data.Meeting, 0, len(recs))
		names := map[data.ID]string{}
		for _, r := range recs {
			mt := r.(*data.Meeting)
			meetings = append(meetings, mt)
			for _, id := range append(append([]data.ID{}, mt.Orgs...), append(mt.Attendees, mt.Delegates...)...) {
				if _, ok := names[id]; !ok {
					if rec, err := st.Get(w.ctx, id); err == nil {
						names[id] = rec.Label()
					} else {
						names[id] = i18n.T("record.missing")
					}
				}
			}
		}
		open, _ := st.List(w.ctx, store.Query{Kind: data.KindFollowUp, Mission: m.ID, Status: data.StatusOpen})
		w.update(func() {
			if w.selMission != i || w.st != st {
				return // the user has moved on, or locked
			}
			if err != nil {
				w.subheader.SetText(i18n.T("error.load", err.Error()))
				return
			}
			w.meetings = meetings
			w.names = names
			w.subheader.SetText(i18n.T("mission.summary", formatDate(m.Start), formatDate(m.End), countryLabel(m.Country), m.TimeZone) +
				"\n" + i18n.T("mission.counts", len(meetings), len(open)))
			w.meetingList.UnselectAll()
			w.meetingList.Refresh()
			w.meetingList.ScrollToTop()
			w.detail.Objects = []fyne.CanvasObject{widget.NewLabel(i18n.T("meeting.none"))}
			w.detail.Refresh()
		})
	})
}

func (w *mainWindow) nameList(ids []data.ID) string {
	var out []string
	for _, id := range ids {
		if n, ok := w.names[id]; ok {
			out = append(out, n)
		}
	}
	return strings.Join(out, ", ")
}

func (w *mainWindow) meetingSubtitle(m *data.Meeting) string {
	parts := []string{i18n.T("meeting.kind." + string(m.MeetingKind))}
	if orgs := w.nameList(m.Orgs); orgs != "" {
		parts = append(parts, orgs)
	}
	if m.Interest != "" {
		parts = append(parts, i18n.T("interest."+string(m.Interest)))
	}
	return strings.Join(parts, " · ")
}

// showMeeting fills the detail pane; everything it needs is in memory.
func (w *mainWindow) showMeeting(m *data.Meeting) {
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
	local := m.Local()
	when := i18n.T("meeting.when.local", formatDate(data.DateOf(local)), local.Format("15:04"), m.TimeZone)
	if m.DurationMin > 0 {
		when += " · " + i18n.T("meeting.duration", m.DurationMin)
	}
	home := m.Start.In(w.homeZone)
	when += "\n" + i18n.T("meeting.when.home", formatDate(data.DateOf(home)), home.Format("15:04"), zoneName(w.homeZone))
	row(i18n.T("meeting.field.when"), when)
	row(i18n.T("meeting.field.kind"), w.meetingSubtitle(m))
	row(i18n.T("meeting.field.location"), m.Location)
	row(i18n.T("meeting.field.attendees"), w.nameList(m.Attendees))
	row(i18n.T("meeting.field.delegates"), w.nameList(m.Delegates))
	var opps []string
	for _, o := range m.Opportunities {
		s := o.Title
		if o.Value > 0 {
			s += " — " + formatMoney(o.Value, o.Currency)
		}
		opps = append(opps, s)
	}
	row(i18n.T("meeting.field.opportunities"), strings.Join(opps, "\n"))
	row(i18n.T("meeting.field.tags"), strings.Join(m.Tags, ", "))
	row(i18n.T("meeting.field.confidentiality"), i18n.T("confidentiality."+string(m.Confidentiality)))
	notes := widget.NewLabel(m.Notes)
	notes.Wrapping = fyne.TextWrapWord
	objs := []fyne.CanvasObject{title, form, widget.NewSeparator(), widget.NewLabelWithStyle(i18n.T("meeting.field.notes"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), notes}
	w.detail.Objects = objs
	w.detail.Refresh()
}

func privateMark(c data.Confidentiality) string {
	if c == data.Private {
		return "🔒 "
	}
	return ""
}
