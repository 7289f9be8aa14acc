package gui

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
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

// mainWindow is the application window: a bar with the current mission
// and the new-meeting action, the navigation (Missions, Meetings,
// Seminars, Contacts & organizations, Follow-ups, Search, Settings) and a
// status line.
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
	selMission int // the current mission, an index into missions
	// gen counts changes to the records made in this window; a screen
	// remembers the generation it loaded, to reload only when stale.
	gen uint64

	body     *fyne.Container // swapped between loading, error, empty and main views
	status   *widget.Label
	mainView fyne.CanvasObject
	homeZone *time.Location
	capture  *capture // the open card capture dialog, if any

	// The navigation and its screens.
	tabs          *container.AppTabs
	missionSelect *widget.Select
	missionsScr   *missionsScreen
	meetingsScr   *meetingsScreen
	seminarsScr   *seminarsScreen
	contactsScr   *contactsScreen
	followupsScr  *followupsScreen
	searchScr     *searchScreen
	settingsScr   *settingsScreen

	// forms are the editing dialogs open, the top one last (see save).
	forms []*form
	// draftOffered: the saved meeting draft has been looked for (once per
	// unlock of the store).
	draftOffered bool

	unlockEntry *widget.Entry
	sec         security
	sync        syncUI // the Sync button, the sync running, the conflict review (sync.go)
	// storeUse counts background work that may use the current store;
	// locking swaps in a fresh one and closes the store once the old one
	// drains, so nothing in flight finds it closed.
	storeUse *sync.WaitGroup
}

// screen is one destination of the navigation.
type screen interface {
	// content is the screen's view, built once per window language.
	content() fyne.CanvasObject
	// load fetches what the screen shows from the store, in the
	// background; the window calls it when the screen is shown, when the
	// current mission changes and after records change.
	load()
	// clear forgets every record the screen holds (the window locks).
	clear()
}

func newMainWindow(a fyne.App, opt cli.GUIOptions) *mainWindow {
	w := &mainWindow{app: a, opt: opt, selMission: -1, homeZone: time.Local, do: fyne.Do,
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
	// The auto-lock dialog tells no one when it saves; the preferences do.
	// Registered once per window (Fyne has no way to remove a listener),
	// for whichever Settings screen the current language built.
	a.Preferences().AddChangeListener(func() {
		w.update(func() {
			if w.settingsScr != nil {
				w.settingsScr.showAutoLock()
			}
		})
	})
	w.shortcuts()
	w.win.SetMainMenu(w.menu())
	w.win.SetOnDropped(w.dropped)
	return w
}

func (w *mainWindow) shortcuts() {
	c := w.win.Canvas()
	add := func(k fyne.KeyName, fn func()) {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { fn() })
	}
	// The menu carries these too (see menu); the canvas ones serve when
	// no menu is shown (tests, and drivers without menus).
	add(fyne.KeyQ, w.app.Quit)
	add(fyne.KeyW, w.win.Close)
	add(fyne.KeyL, w.lock)
	add(fyne.KeyN, w.newMeeting)
	add(fyne.KeyS, w.save)
	add(fyne.KeyF, w.focusSearch)
	c.AddShortcut(syncShortcut, func(fyne.Shortcut) { w.syncNow() })
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape {
			w.escape()
		}
	})
}

// save (Ctrl+S) saves the form that is open on top, if any.
func (w *mainWindow) save() {
	if n := len(w.forms); n > 0 && w.forms[n-1].save != nil {
		w.forms[n-1].save()
	}
}

// escape (Esc) cancels the form on top, or else closes the top dialog.
func (w *mainWindow) escape() {
	if n := len(w.forms); n > 0 {
		if f := w.forms[n-1]; f.cancel != nil {
			f.cancel()
			return
		}
	}
	if top := w.win.Canvas().Overlays().Top(); top != nil {
		w.win.Canvas().Overlays().Remove(top)
	}
}

// form is an open editing dialog: what Ctrl+S and Esc do to it.
type form struct {
	save, cancel func()
}

// pushForm registers f as the form on top until the returned func is
// called (when its dialog closes).
func (w *mainWindow) pushForm(f *form) (pop func()) {
	w.forms = append(w.forms, f)
	return func() {
		for i, x := range w.forms {
			if x == f {
				w.forms = append(w.forms[:i], w.forms[i+1:]...)
				return
			}
		}
	}
}

// entry is a text field that hands Esc to the window (to cancel the form
// or close the dialog it is in) and counts typing as activity for the
// auto-lock. Every text field in a form should be one.
type entry struct {
	widget.Entry
	w *mainWindow
}

// newEntry makes a one-line entry; newMultiLineEntry a multi-line one.
func (w *mainWindow) newEntry() *entry {
	e := &entry{w: w}
	e.ExtendBaseWidget(e)
	return e
}

func (w *mainWindow) newMultiLineEntry() *entry {
	e := w.newEntry()
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	return e
}

func (e *entry) TypedKey(k *fyne.KeyEvent) {
	e.w.touch()
	if k.Name == fyne.KeyEscape {
		e.w.escape()
		return
	}
	e.Entry.TypedKey(k)
}

func (e *entry) TypedRune(r rune) {
	e.w.touch()
	e.Entry.TypedRune(r)
}

// rebuild builds the window's views again, in the current language
// (after the language changes in Settings), keeping the current mission.
func (w *mainWindow) rebuild() {
	w.win.SetTitle(i18n.T("app.title"))
	w.mainView = w.buildMain()
	w.win.SetMainMenu(w.menu())
	if w.st == nil {
		return
	}
	w.show(w.mainView)
	w.gen++
	w.reload()
}

// screens lists the navigation's screens in tab order.
func (w *mainWindow) screens() []screen {
	return []screen{w.missionsScr, w.meetingsScr, w.seminarsScr, w.contactsScr, w.followupsScr, w.searchScr, w.settingsScr}
}

func (w *mainWindow) buildMain() fyne.CanvasObject {
	w.missionsScr = newMissionsScreen(w)
	w.meetingsScr = newMeetingsScreen(w)
	w.seminarsScr = newSeminarsScreen(w)
	w.contactsScr = newContactsScreen(w)
	w.followupsScr = newFollowupsScreen(w)
	w.searchScr = newSearchScreen(w)
	w.settingsScr = newSettingsScreen(w)
	w.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(i18n.T("nav.missions"), theme.HomeIcon(), w.missionsScr.content()),
		container.NewTabItemWithIcon(i18n.T("nav.meetings"), theme.ListIcon(), w.meetingsScr.content()),
		container.NewTabItemWithIcon(i18n.T("nav.seminars"), theme.GridIcon(), w.seminarsScr.content()),
		container.NewTabItemWithIcon(i18n.T("nav.contacts"), theme.AccountIcon(), w.contactsScr.content()),
		container.NewTabItemWithIcon(i18n.T("nav.followups"), theme.ConfirmIcon(), w.followupsScr.content()),
		container.NewTabItemWithIcon(i18n.T("nav.search"), theme.SearchIcon(), w.searchScr.content()),
		container.NewTabItemWithIcon(i18n.T("nav.settings"), theme.SettingsIcon(), w.settingsScr.content()),
	)
	w.tabs.SetTabLocation(container.TabLocationLeading)
	w.tabs.OnSelected = func(*container.TabItem) {
		if w.st == nil {
			return
		}
		w.currentScreen().load()
		// A screen that is for typing (Search) takes the keyboard.
		if f, ok := w.currentScreen().(interface{ focus() }); ok {
			f.focus()
		}
	}

	w.missionSelect = widget.NewSelect(nil, func(string) {
		if i := w.missionSelect.SelectedIndex(); i >= 0 && i != w.selMission {
			w.setMission(i)
		}
	})
	w.missionSelect.PlaceHolder = i18n.T("mission.choose")
	newBtn := widget.NewButtonWithIcon(i18n.T("meeting.new"), theme.ContentAddIcon(), w.newMeeting)
	newBtn.Importance = widget.HighImportance
	bar := container.NewBorder(nil, nil,
		container.NewHBox(widget.NewLabelWithStyle(i18n.T("mission.current"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
		container.NewHBox(w.syncButton(), newBtn), w.missionSelect)
	return container.NewBorder(container.NewVBox(bar, widget.NewSeparator()), nil, nil, nil, w.tabs)
}

// currentScreen is the screen of the selected tab.
func (w *mainWindow) currentScreen() screen {
	return w.screens()[w.tabs.SelectedIndex()]
}

// showScreen selects the tab of s (which loads it).
func (w *mainWindow) showScreen(s screen) {
	for i, x := range w.screens() {
		if x == s {
			if w.tabs.SelectedIndex() == i {
				s.load()
			} else {
				w.tabs.SelectIndex(i)
			}
			return
		}
	}
}

// changed is called after this window saved or deleted records: the
// counts and the visible screen are reloaded, the others when shown.
func (w *mainWindow) changed() {
	w.gen++
	w.reload()
}

// focusSearch (Ctrl+F) shows the search screen with the cursor in its box.
func (w *mainWindow) focusSearch() {
	if w.st == nil {
		return
	}
	w.showScreen(w.searchScr)
	w.searchScr.focus()
}

// openRecord shows rec on its screen: a mission becomes the current one,
// a meeting opens on Meetings (switching the current mission to its own),
// organizations and contacts on Contacts, follow-ups on Follow-ups; an
// attachment opens the record it belongs to.
func (w *mainWindow) openRecord(rec data.Record) {
	switch r := rec.(type) {
	case *data.Mission:
		w.selectMissionID(r.ID)
		w.showScreen(w.missionsScr)
	case *data.Seminar:
		// A seminar belongs to its mission: it is shown among that
		// mission's seminars.
		w.selectMissionID(r.Mission)
		w.showScreen(w.seminarsScr)
		w.seminarsScr.reveal(r.ID)
	case *data.Meeting:
		w.selectMissionID(r.Mission)
		w.showScreen(w.meetingsScr)
		w.meetingsScr.reveal(r.ID)
	case *data.Organization, *data.Contact:
		w.showScreen(w.contactsScr)
		w.contactsScr.reveal(rec)
	case *data.FollowUp:
		w.showScreen(w.followupsScr)
		w.followupsScr.reveal(r.ID)
	case *data.Attachment:
		st := w.st
		w.background(func() {
			owner, err := st.Get(w.ctx, r.Record)
			w.update(func() {
				if w.st != st {
					return
				}
				if err != nil {
					w.showError(err)
					return
				}
				w.openRecord(owner)
			})
		})
	}
}

// showError says what went wrong in a dialog: never a silent failure.
func (w *mainWindow) showError(err error) {
	if err == nil || errors.Is(err, context.Canceled) {
		return
	}
	dialog.ShowError(err, w.win)
}

// deleteRecord asks before deleting the record with id (named what), then
// deletes it in the background (a tombstone: linked records stay, and sync
// can still bring back an edit made elsewhere) and runs deleted on the UI
// goroutine; a failure is shown.
func (w *mainWindow) deleteRecord(what string, id data.ID, deleted func()) {
	w.confirmDelete(what, func() {
		st := w.st
		if st == nil {
			return
		}
		w.background(func() {
			err := st.Delete(w.ctx, id)
			w.update(func() {
				if w.st != st {
					return
				}
				if err != nil {
					w.showError(err)
					return
				}
				deleted()
			})
		})
	})
}

// confirmDelete asks before deleting what, naming it.
func (w *mainWindow) confirmDelete(what string, then func()) {
	d := dialog.NewConfirm(i18n.T("delete.title"), i18n.T("delete.ask", what), func(ok bool) {
		if ok {
			then()
		}
	}, w.win)
	d.SetConfirmText(i18n.T("action.delete"))
	d.SetDismissText(i18n.T("action.cancel"))
	d.Show()
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
		st, err := store.Open(w.ctx, w.opt.DataDir, w.storeOptions())
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

// storeOptions are the options the window opens the store with: while a
// schema upgrade runs (once per new version; a minute over a million
// records), the window says so instead of just "Opening…".
func (w *mainWindow) storeOptions() store.Options {
	return store.Options{Verbose: w.opt.Verbose, Upgrading: func(string) {
		w.update(func() {
			w.show(w.message(i18n.T("status.upgrading"), container.NewGridWrap(fyne.NewSize(400, 24), widget.NewProgressBarInfinite())))
		})
	}}
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
	// The meeting being typed is kept as a draft, offered back next time.
	w.saveDraftNow()
	removeOpenCopies()
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

// reload fetches the missions and counts in the background, then reloads
// the visible screen.
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
		var cur data.ID
		if len(missions) > 0 {
			_ = st.Setting(w.ctx, settingMission, &cur)
		}
		w.update(func() {
			if w.st != st {
				return // locked (or reopened) meanwhile: this is stale
			}
			if err != nil {
				w.show(w.message(i18n.T("error.load", err.Error()), nil))
				return
			}
			w.status.SetText(i18n.T("status.counts", stats[data.KindMission], stats[data.KindOrg], stats[data.KindContact], stats[data.KindMeeting], stats[data.KindFollowUp]))
			w.loadSyncState()
			if len(missions) == 0 {
				w.missions = nil
				w.showEmpty()
				return
			}
			// Keep the current mission across reloads, by ID (a new
			// mission may have moved it), else the saved one, else the
			// newest.
			keep := cur
			if m := w.mission(); m != nil {
				keep = m.ID
			}
			w.missions = missions
			w.selMission = 0
			for i, m := range missions {
				if m.ID == keep {
					w.selMission = i
				}
			}
			names := make([]string, len(missions))
			for i, m := range missions {
				names[i] = m.Name
			}
			w.missionSelect.Options = names
			w.missionSelect.SetSelectedIndex(w.selMission)
			w.show(w.mainView)
			w.currentScreen().load()
			if !w.draftOffered {
				// A meeting that was being typed when the app last
				// stopped (or crashed) comes back first.
				w.draftOffered = true
				w.restoreDraft()
			}
		})
	})
}

// settingMission is the store setting that remembers the current mission
// (per device: each delegate may be looking at a different one).
const settingMission = "gui.mission"

// mission is the current mission, nil before any is loaded.
func (w *mainWindow) mission() *data.Mission {
	if w.selMission < 0 || w.selMission >= len(w.missions) {
		return nil
	}
	return w.missions[w.selMission]
}

// setMission makes missions[i] the current mission everywhere.
func (w *mainWindow) setMission(i int) {
	if i < 0 || i >= len(w.missions) {
		return
	}
	w.selMission = i
	if w.missionSelect.SelectedIndex() != i {
		w.missionSelect.SetSelectedIndex(i)
	}
	st, id := w.st, w.missions[i].ID
	w.background(func() {
		if err := st.SetSetting(w.ctx, settingMission, id); err != nil {
			w.update(func() { w.showError(err) }) // a full disk, say: never silent
		}
	})
	w.currentScreen().load()
}

// selectMissionID makes the mission with id current, if it is known.
func (w *mainWindow) selectMissionID(id data.ID) {
	for i, m := range w.missions {
		if m.ID == id && i != w.selMission {
			w.setMission(i)
			return
		}
	}
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
				w.changed()
			})
		})
	})
	btn.Importance = widget.HighImportance
	create := widget.NewButtonWithIcon(i18n.T("empty.newmission"), theme.ContentAddIcon(), func() { w.editMission(nil) })
	restore := widget.NewButtonWithIcon(i18n.T("restore.title")+"…", theme.HistoryIcon(), w.askRestore)
	w.show(w.message(i18n.T("empty.title")+"\n\n"+i18n.T("empty.body"), container.NewHBox(btn, create, restore)))
}

func privateMark(c data.Confidentiality) string {
	if c == data.Private {
		return "🔒 "
	}
	return ""
}

// guardClose is what Cancel and Esc do to a form: close it (hide) at once
// when nothing in root was changed, else ask first — nothing typed is
// thrown away silently. Esc while asking keeps the form.
func (w *mainWindow) guardClose(root fyne.CanvasObject, hide func()) func() {
	before := formState(root)
	var asking dialog.Dialog
	return func() {
		if asking != nil {
			asking.Hide()
			asking = nil
			return
		}
		if formState(root) == before {
			hide()
			return
		}
		cd := dialog.NewConfirm(i18n.T("form.discard.title"), i18n.T("capture.discard.body"), func(discard bool) {
			asking = nil
			if discard {
				hide()
			}
		}, w.win)
		cd.SetConfirmText(i18n.T("capture.discard.do"))
		cd.SetDismissText(i18n.T("capture.keep"))
		asking = cd
		cd.Show()
	}
}

// formState is everything the user can change below o, as one string.
func formState(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *entry:
			b.WriteString(x.Text)
		case *widget.Entry:
			b.WriteString(x.Text)
		case *widget.SelectEntry:
			b.WriteString(x.Text)
		case *widget.Select:
			b.WriteString(x.Selected)
		case *widget.RadioGroup:
			b.WriteString(x.Selected)
		case *widget.Check:
			fmt.Fprint(&b, x.Checked)
		case *widget.Form:
			for _, it := range x.Items {
				walk(it.Widget)
			}
		case *container.Scroll:
			walk(x.Content)
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
		b.WriteByte(0)
	}
	walk(o)
	return b.String()
}

// problemLabel is a form's line for what keeps it from saving: red,
// wrapping, hidden until there is something to say.
func problemLabel() *widget.Label {
	l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// twoLineRow is a list row template: a bold first line and a plain second
// one, both cut with an ellipsis; setTwoLines fills it.
func twoLineRow() fyne.CanvasObject {
	first := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	first.Truncation = fyne.TextTruncateEllipsis
	second := widget.NewLabel("")
	second.Truncation = fyne.TextTruncateEllipsis
	return container.NewVBox(first, second)
}

func setTwoLines(row fyne.CanvasObject, first, second string) {
	box := row.(*fyne.Container)
	box.Objects[0].(*widget.Label).SetText(first)
	box.Objects[1].(*widget.Label).SetText(second)
}
