package gui

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/replica"
	"github.com/clusme/fieldbook/data/store"
)

// Sync with the delegation (DESIGN.md "Sync"): the Sync button in the top
// bar and File ▸ Sync now (Ctrl+Shift+S) run replica.Sync in the
// background with a progress dialog, then say in words what it did. Its
// setup is a section of Settings (sync_settings.go); conflicts are reviewed
// in their own dialog (sync_conflicts.go).

// syncUI is the window's sync state; touched only on the UI goroutine.
type syncUI struct {
	btn *widget.Button
	// status is the last status read from the store (nil before).
	status *replica.Status
	// running is the sync in progress, if any.
	running *syncRun
	// review is the open conflict review, if any.
	review *conflictReview
	// lastReport and lastErr are what the last sync in this window did
	// (tests read them).
	lastReport *replica.Report
	lastErr    error
	// summary is the dialog that told it.
	summary dialog.Dialog
}

// syncRun is one sync in progress.
type syncRun struct {
	cancel   context.CancelFunc
	dialog   dialog.Dialog
	stage    *widget.Label
	bar      *widget.ProgressBar
	cancelBt *widget.Button

	// The sync goroutine reports progress here; the UI picks the newest
	// up (one pending UI update at a time, however fast it reports).
	mu      sync.Mutex
	latest  replica.Progress
	pending bool
}

// syncButton is the top bar's Sync button: it says how sync stands.
func (w *mainWindow) syncButton() fyne.CanvasObject {
	w.sync.btn = widget.NewButtonWithIcon(i18n.T("sync.button"), theme.ViewRefreshIcon(), w.syncButtonTapped)
	w.showSyncState()
	return w.sync.btn
}

// syncButtonTapped: open conflicts come first (review them), else sync.
func (w *mainWindow) syncButtonTapped() {
	if st := w.sync.status; st != nil && st.Conflicts > 0 && w.sync.running == nil {
		w.reviewConflicts()
		return
	}
	w.syncNow()
}

// loadSyncState reads the sync status in the background and shows it on
// the button (and in Settings, when its sync section is built).
func (w *mainWindow) loadSyncState() {
	st := w.st
	if st == nil {
		return
	}
	w.background(func() {
		status, err := replica.GetStatus(w.ctx, st)
		w.update(func() {
			if w.st != st || err != nil {
				return // locked meanwhile; or the button stays as it was
			}
			w.sync.status = &status
			w.showSyncState()
			if w.settingsScr != nil && w.settingsScr.sync != nil {
				w.settingsScr.sync.showStatus(&status)
			}
		})
	})
}

// showSyncState words the button: "Sync", "Synced 14:32", "Sync failed",
// "3 conflicts" or "Syncing…".
func (w *mainWindow) showSyncState() {
	b := w.sync.btn
	if b == nil {
		return
	}
	text, imp, icon := i18n.T("sync.button"), widget.MediumImportance, theme.ViewRefreshIcon()
	if st := w.sync.status; st != nil && st.Location != "" && st.KeySet {
		if ls := currentLocation(st); ls != nil && !ls.LastSync.IsZero() {
			if ls.LastError != "" {
				text, imp, icon = i18n.T("sync.button.failed"), widget.DangerImportance, theme.WarningIcon()
			} else {
				text = i18n.T("sync.button.synced", shortWhen(ls.LastSync))
			}
		}
		if st.Conflicts > 0 {
			text, imp, icon = i18n.T("sync.button.conflicts", st.Conflicts), widget.WarningImportance, theme.WarningIcon()
		}
	}
	if w.sync.running != nil {
		text, imp = i18n.T("sync.button.running"), widget.MediumImportance
	}
	b.Importance = imp
	b.SetIcon(icon)
	b.SetText(text)
}

// currentLocation is the status of the configured location: the one
// with its name, else (the name cannot be worked out, e.g. a folder on a
// drive that is not there) the one synced last.
func currentLocation(st *replica.Status) *replica.LocationStatus {
	want := locationName(st.Location)
	var last *replica.LocationStatus
	for i := range st.Locations {
		l := &st.Locations[i]
		if l.Location == want {
			return l
		}
		if last == nil || l.LastSync.After(last.LastSync) {
			last = l
		}
	}
	return last
}

// locationName is how replica names a location in its status and
// reports (its transport's String), worked out without any I/O.
func locationName(loc string) string {
	if loc == "" {
		return ""
	}
	if isWebDAV(loc) {
		if d, err := replica.NewWebDAV(loc, "", ""); err == nil {
			return d.String()
		}
		return ""
	}
	abs, err := filepath.Abs(loc)
	if err != nil {
		return ""
	}
	return "folder " + abs
}

// placeOf is a location as a person reads it: the path or address
// alone, without the transport's word for it.
func placeOf(name string) string {
	for _, p := range []string{"folder ", "WebDAV "} {
		if s, ok := strings.CutPrefix(name, p); ok {
			return s
		}
	}
	return name
}

func isWebDAV(loc string) bool { return replica.IsWebDAV(loc) }

// shortWhen is a time as the button says it: 14:32 today, else the date
// and time.
func shortWhen(t time.Time) string {
	t = t.Local()
	if y, m, d := time.Now().Date(); t.Year() == y && t.Month() == m && t.Day() == d {
		return t.Format("15:04")
	}
	return longWhen(t)
}

// longWhen is a date and time in the UI language's way.
func longWhen(t time.Time) string {
	return t.Local().Format(i18n.T("format.date") + " 15:04")
}

// ---- Running a sync ---------------------------------------------------

// syncNow (File ▸ Sync now, Ctrl+Shift+S, the Sync button) syncs with the
// configured location; before sync is set up it opens its settings.
func (w *mainWindow) syncNow() { w.startSync(false) }

// startSync runs a sync; acceptFuture applies changes from a device whose
// clock is far ahead (the user said so).
func (w *mainWindow) startSync(acceptFuture bool) {
	st := w.st
	if st == nil {
		return
	}
	if r := w.sync.running; r != nil {
		r.dialog.Show() // one at a time: bring back the one running
		return
	}
	ctx, cancel := context.WithCancel(w.ctx)
	run := &syncRun{cancel: cancel}
	w.sync.running = run
	w.showSyncState()
	run.stage = widget.NewLabel(i18n.T("sync.stage.start"))
	run.bar = widget.NewProgressBar()
	run.cancelBt = widget.NewButtonWithIcon(i18n.T("action.cancel"), theme.CancelIcon(), func() {
		cancel()
		run.cancelBt.Disable()
		run.stage.SetText(i18n.T("sync.stage.stopping"))
	})
	run.dialog = dialog.NewCustomWithoutButtons(i18n.T("sync.progress.title"),
		container.NewVBox(run.stage, run.bar, container.NewCenter(run.cancelBt)), w.win)
	run.dialog.Resize(fyne.NewSize(440, 180))
	asked := false // the dialog shows once sync is known to be set up
	w.background(func() {
		cfg, err := replica.LoadConfig(ctx, st)
		if err == nil && (strings.TrimSpace(cfg.Location) == "" || cfg.Secret == "") {
			w.update(func() {
				w.syncDone(run, st, nil, nil)
				if w.st == st {
					w.showSyncSettings(i18n.T("sync.setup.first"))
				}
			})
			return
		}
		w.update(func() {
			if w.sync.running == run && ctx.Err() == nil {
				asked = true
				run.dialog.Show()
			}
		})
		var rep *replica.Report
		if err == nil {
			rep, err = runSync(ctx, st, cfg, w.syncOptions(ctx, st, run, acceptFuture))
		}
		w.update(func() {
			if asked {
				run.dialog.Hide()
			}
			w.syncDone(run, st, rep, err)
		})
	})
}

// runSync opens the location and syncs with it.
func runSync(ctx context.Context, st *store.Store, cfg replica.Config, opt replica.Options) (*replica.Report, error) {
	key, err := cfg.Key()
	if err != nil {
		return nil, err
	}
	t, err := replica.Open(ctx, cfg.Location, cfg.User, cfg.Password)
	if err != nil {
		return nil, err
	}
	return replica.Sync(ctx, st, t, key, opt)
}

// syncOptions: progress goes to run's dialog; a segment deleting many
// records asks first.
func (w *mainWindow) syncOptions(ctx context.Context, st *store.Store, run *syncRun, acceptFuture bool) replica.Options {
	return replica.Options{
		AcceptFuture: acceptFuture,
		Progress: func(p replica.Progress) {
			run.mu.Lock()
			run.latest = p
			if run.pending {
				run.mu.Unlock()
				return
			}
			run.pending = true
			run.mu.Unlock()
			w.update(func() {
				run.mu.Lock()
				p := run.latest
				run.pending = false
				run.mu.Unlock()
				if ctx.Err() == nil {
					run.show(p)
				}
			})
		},
		// Called on the sync goroutine, which waits for the answer.
		ConfirmDeletes: func(device data.ID, segment string, records int) bool {
			answer := make(chan bool, 1)
			w.update(func() {
				if w.st != st {
					answer <- false // locked meanwhile: nobody to ask
					return
				}
				w.askManyDeletes(device, records, answer)
			})
			select {
			case ok := <-answer:
				return ok
			case <-ctx.Done():
				return false
			}
		},
	}
}

// show puts a progress report into the dialog.
func (r *syncRun) show(p replica.Progress) {
	key := map[string]string{"push": "sync.stage.push", "pull": "sync.stage.pull", "merge": "sync.stage.merge", "blobs": "sync.stage.blobs"}[p.Stage]
	if key == "" {
		return
	}
	text := i18n.T(key)
	if p.Total > 0 {
		text = i18n.T("sync.stage.count", text, p.Done, p.Total)
		r.bar.SetValue(float64(p.Done) / float64(p.Total))
	}
	r.stage.SetText(text)
}

// askManyDeletes asks whether to apply another device's deletion of many
// records; answer hears the choice (false if the dialog is dismissed).
func (w *mainWindow) askManyDeletes(device data.ID, records int, answer chan<- bool) {
	d := dialog.NewConfirm(i18n.T("sync.deletes.title"), i18n.T("sync.deletes.ask", deviceName(device), records), func(ok bool) {
		answer <- ok
	}, w.win)
	d.SetConfirmText(i18n.T("sync.deletes.apply"))
	d.SetDismissText(i18n.T("sync.deletes.keep"))
	d.SetConfirmImportance(widget.DangerImportance)
	// Esc keeps the records too (closing the dialog by hand answers no).
	d.SetOnClosed(w.pushForm(&form{cancel: d.Hide}))
	d.Show()
}

// deviceName names another device for people: device IDs are long and
// alike at the start, so their last characters.
func deviceName(id data.ID) string {
	s := string(id)
	if len(s) > 6 {
		s = s[len(s)-6:]
	}
	return i18n.T("sync.device", s)
}

// syncDone ends a sync of st on the UI goroutine: the summary, or the
// error in words; screens reload when records changed.
func (w *mainWindow) syncDone(run *syncRun, st *store.Store, rep *replica.Report, err error) {
	run.cancel()
	if w.sync.running == run {
		w.sync.running = nil
	}
	w.showSyncState()
	if w.st != st {
		return // locked meanwhile: the window shows nothing of the notebook
	}
	if rep == nil && err == nil {
		return // not set up: the settings were shown instead
	}
	w.sync.lastReport, w.sync.lastErr = rep, err
	if rep != nil {
		m := rep.Merge
		if m.Applied+m.Created+m.Deleted+m.Restored+m.Erased > 0 {
			w.changed() // reloads the sync state too
		} else {
			w.loadSyncState()
		}
	} else {
		w.loadSyncState()
	}
	if errors.Is(err, context.Canceled) && w.ctx.Err() == nil {
		w.showSyncSummary(rep, nil, true)
		return
	}
	if rep == nil {
		w.showSyncError(err)
		return
	}
	w.showSyncSummary(rep, err, false)
}

// ---- Telling what happened --------------------------------------------

// syncErrorKey names what went wrong in words a delegate can act on.
func syncErrorKey(err error) string {
	var dns *net.DNSError
	var netErr net.Error
	var cert *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	switch {
	case errors.Is(err, replica.ErrWebDAVAuth):
		return "sync.err.auth"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "sync.err.refused"
	case errors.As(err, &dns):
		return "sync.err.dns"
	case errors.As(err, &cert), errors.As(err, &unknownCA), errors.As(err, &hostname):
		return "sync.err.tls"
	case errors.As(err, &netErr) && netErr.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return "sync.err.timeout"
	case errors.Is(err, syscall.ENOSPC):
		return "sync.err.full"
	case errors.Is(err, fs.ErrPermission):
		return "sync.err.permission"
	case errors.Is(err, fs.ErrNotExist):
		return "sync.err.missing"
	case errors.Is(err, data.ErrInvalid):
		return "sync.err.setup"
	}
	return "sync.err.other"
}

// errorLines are the words for err (bold, red) and its details.
func errorLines(err error) []fyne.CanvasObject {
	words := widget.NewLabelWithStyle(i18n.T(syncErrorKey(err)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	words.Importance = widget.DangerImportance
	words.Wrapping = fyne.TextWrapWord
	detail := note(err.Error())
	detail.Importance = widget.LowImportance
	return []fyne.CanvasObject{words, detail}
}

// showSyncError says why a sync could not start or run, with the way to
// its settings.
func (w *mainWindow) showSyncError(err error) {
	var d dialog.Dialog
	settings := widget.NewButtonWithIcon(i18n.T("sync.settings.open"), theme.SettingsIcon(), func() {
		d.Hide()
		w.showSyncSettings("")
	})
	body := container.NewVBox(errorLines(err)...)
	body.Add(container.NewHBox(settings))
	d = dialog.NewCustom(i18n.T("sync.failed.title"), i18n.T("action.close"), body, w.win)
	d.Resize(fyne.NewSize(560, 260))
	w.sync.summary = d
	d.Show()
}

// showSyncSummary says in words what a sync did; err, if set, stopped it
// part way (what was done is kept); stopped: the user cancelled it.
func (w *mainWindow) showSyncSummary(rep *replica.Report, err error, stopped bool) {
	box := container.NewVBox()
	line := func(text string) *widget.Label {
		l := note(text)
		box.Add(l)
		return l
	}
	var d dialog.Dialog
	if rep != nil {
		head := widget.NewLabelWithStyle(i18n.T("sync.summary.where", placeOf(rep.Location)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		head.Wrapping = fyne.TextWrapWord
		box.Add(head)
		switch {
		case rep.Pushed == 0 && rep.BlobsWritten == 0:
			line(i18n.T("sync.summary.sent.none"))
		case rep.BlobsWritten > 0:
			line(i18n.T("sync.summary.sent.files", rep.Pushed, rep.BlobsWritten))
		default:
			line(i18n.T("sync.summary.sent", rep.Pushed))
		}
		if rep.Received == 0 {
			line(i18n.T("sync.summary.received.none"))
		} else {
			line(i18n.T("sync.summary.received", rep.Received, len(rep.Devices)))
			m := rep.Merge
			changedRecs := max(0, m.Applied-m.Created-m.Deleted-m.Restored-m.Erased)
			line(i18n.T("sync.summary.records", m.Created, changedRecs, m.Deleted+m.Erased, m.Restored))
		}
		if rep.BlobsRead > 0 {
			line(i18n.T("sync.summary.files", rep.BlobsRead))
		}
		if len(rep.Devices) == 0 {
			line(i18n.T("sync.summary.alone"))
		}
		if rep.Unpushed > 0 {
			line(i18n.T("sync.summary.unpushed", rep.Unpushed))
		}
		if n := len(rep.Conflicts); n > 0 {
			l := line(i18n.T("sync.summary.conflicts", n))
			l.Importance = widget.WarningImportance
			l.TextStyle.Bold = true
			box.Add(container.NewHBox(widget.NewButtonWithIcon(i18n.T("sync.conflicts.review"), theme.WarningIcon(), func() {
				d.Hide()
				w.reviewConflicts()
			})))
		}
		if len(rep.Problems) > 0 {
			box.Add(widget.NewSeparator())
			box.Add(widget.NewLabelWithStyle(i18n.T("sync.problems"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			future := false
			for _, p := range rep.Problems {
				file := p.File
				if file == "" {
					file = i18n.T("sync.problem.nofile")
				}
				l := line("• " + file + " — " + problemWords(p.Kind))
				l.Importance = widget.WarningImportance
				detail := note(p.Detail)
				detail.Importance = widget.LowImportance
				box.Add(detail)
				future = future || p.Kind == "future"
			}
			if future {
				box.Add(container.NewHBox(widget.NewButton(i18n.T("sync.future.apply"), func() {
					w.confirmFuture(func() {
						d.Hide()
						w.startSync(true)
					})
				})))
			}
		}
	}
	if stopped {
		l := line(i18n.T("sync.summary.stopped"))
		l.TextStyle.Bold = true
	}
	if err != nil {
		box.Add(widget.NewSeparator())
		for _, o := range errorLines(err) {
			box.Add(o)
		}
		line(i18n.T("sync.summary.kept"))
	}
	title := i18n.T("sync.summary.title")
	if err != nil {
		title = i18n.T("sync.failed.title")
	}
	d = dialog.NewCustom(title, i18n.T("action.close"), container.NewVScroll(box), w.win)
	d.Resize(fyne.NewSize(620, 440))
	w.sync.summary = d
	d.Show()
}

// problemWords explains a problem kind.
func problemWords(kind string) string {
	switch kind {
	case "damaged", "foreign", "incomplete", "future", "deletes", "unreadable", "change":
		return i18n.T("sync.problem." + kind)
	}
	return kind
}

// confirmFuture explains what applying a fast clock's changes means.
func (w *mainWindow) confirmFuture(then func()) {
	d := dialog.NewConfirm(i18n.T("sync.future.title"), i18n.T("sync.future.ask"), func(ok bool) {
		if ok {
			then()
		}
	}, w.win)
	d.SetConfirmText(i18n.T("sync.future.apply"))
	d.SetDismissText(i18n.T("action.cancel"))
	d.Show()
}

// showSyncSettings shows the sync section of Settings, with why (if
// anything) in its message line.
func (w *mainWindow) showSyncSettings(why string) {
	if w.st == nil {
		return
	}
	w.showScreen(w.settingsScr)
	if s := w.settingsScr.sync; s != nil {
		s.reveal(why)
	}
}

// describeError is err in words and in detail, on one string (for a
// message line).
func describeError(err error) string {
	return fmt.Sprintf("%s (%s)", i18n.T(syncErrorKey(err)), err)
}

// syncShortcut is Sync now's key: Ctrl+Shift+S (Cmd+Shift+S on a Mac).
var syncShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}

// syncMenuItem is File ▸ Sync now.
func syncMenuItem(w *mainWindow) *fyne.MenuItem {
	it := fyne.NewMenuItem(i18n.T("sync.now"), w.syncNow)
	it.Shortcut = syncShortcut
	it.Icon = theme.ViewRefreshIcon()
	return it
}
