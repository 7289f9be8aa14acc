package gui

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/vault"
)

const prefAutoLock = "autolock_minutes"

// autoLockChoices are the idle times offered, in minutes (0 = never).
var autoLockChoices = []int{5, 15, 30, 60, 0}

// security is the lock state: whether the data is encrypted, when the
// user last did anything, and the ticker that locks after the idle time.
type security struct {
	mu        sync.Mutex
	lastTouch time.Time
	encrypted bool
	locked    bool
}

// touch records user activity (pointer, keys, any action that reads or
// writes data), postponing the auto-lock.
func (w *mainWindow) touch() {
	w.sec.mu.Lock()
	w.sec.lastTouch = time.Now()
	w.sec.mu.Unlock()
}

// autoLockMinutes is the configured idle time; 0 = never.
func (w *mainWindow) autoLockMinutes() int {
	return w.app.Preferences().IntWithFallback(prefAutoLock, 15)
}

// watchIdle locks an encrypted store after the configured idle time. It
// checks every few seconds from a goroutine and locks through the UI
// goroutine; a plaintext store has nothing to lock.
func (w *mainWindow) watchIdle() {
	go func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-w.ctx.Done():
				return
			case <-t.C:
			}
			mins := w.autoLockMinutes()
			w.sec.mu.Lock()
			idle := time.Since(w.sec.lastTouch)
			due := w.sec.encrypted && !w.sec.locked && mins > 0 && idle >= time.Duration(mins)*time.Minute
			w.sec.mu.Unlock()
			if due {
				w.update(w.lock)
			}
		}
	}()
}

// activityCatcher lies under the window's content and sees the pointer
// move wherever no widget of its own takes hover events, which is most
// of the window: a cheap way to notice that someone is there.
type activityCatcher struct {
	widget.BaseWidget
	onActivity func()
}

func newActivityCatcher(on func()) *activityCatcher {
	a := &activityCatcher{onActivity: on}
	a.ExtendBaseWidget(a)
	return a
}

func (a *activityCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack())
}
func (a *activityCatcher) MouseIn(*desktop.MouseEvent)    { a.onActivity() }
func (a *activityCatcher) MouseMoved(*desktop.MouseEvent) { a.onActivity() }
func (a *activityCatcher) MouseOut()                      {}

// lock closes the store and shows only the unlock screen: nothing of the
// data stays on screen or in the window's memory.
func (w *mainWindow) lock() {
	if w.st == nil || !w.sec.encrypted {
		return
	}
	// The meeting being typed is kept (encrypted, in the store) and offered
	// back after unlocking.
	w.saveDraftNow()
	w.draftOffered = false
	st := w.st
	w.st = nil
	w.sec.mu.Lock()
	w.sec.locked = true
	w.sec.mu.Unlock()
	if w.capture != nil {
		w.capture.d.Hide()
	}
	// Overlays (dialogs) may show records: close them all. Their forms go
	// too (removing an overlay does not run the dialog's close callback),
	// so a Ctrl+S after unlocking cannot save a form nobody sees.
	for o := w.win.Canvas().Overlays().Top(); o != nil; o = w.win.Canvas().Overlays().Top() {
		w.win.Canvas().Overlays().Remove(o)
	}
	w.forms = nil
	removeOpenCopies()
	// A sync in progress stops at its next step (what it wrote is whole),
	// so the store can close soon.
	if r := w.sync.running; r != nil {
		r.cancel()
	}
	w.missions = nil
	w.missionSelect.Options = nil
	w.missionSelect.ClearSelected()
	for _, s := range w.screens() {
		s.clear()
	}
	w.status.SetText(i18n.T("lock.locked"))
	w.showUnlock("")
	// Work already running (a backup, a save) finishes on the store it
	// started with; the store closes when the last of it is done.
	use := w.storeUse
	w.storeUse = &sync.WaitGroup{}
	go func() {
		use.Wait()
		w.openedMu.Lock()
		defer w.openedMu.Unlock()
		if w.opened == st {
			st.Close()
			w.opened = nil
		}
	}()
}

// showUnlock is the unlock screen: the passphrase, and nothing else.
func (w *mainWindow) showUnlock(problem string) {
	pass := widget.NewPasswordEntry()
	pass.SetPlaceHolder(i18n.T("lock.passphrase"))
	msg := widget.NewLabel(problem)
	msg.Importance = widget.DangerImportance
	msg.Wrapping = fyne.TextWrapWord
	msg.Alignment = fyne.TextAlignCenter
	var btn *widget.Button
	unlock := func() {
		if pass.Text == "" {
			return
		}
		btn.Disable()
		msg.Importance = widget.MediumImportance
		msg.SetText(i18n.T("lock.unlocking"))
		w.unlock([]byte(pass.Text), func(err error) {
			btn.Enable()
			pass.SetText("")
			msg.Importance = widget.DangerImportance
			if errors.Is(err, data.ErrLocked) {
				msg.SetText(i18n.T("lock.wrong"))
			} else {
				msg.SetText(i18n.T("error.open", err.Error()))
			}
			w.win.Canvas().Focus(pass)
		})
	}
	pass.OnSubmitted = func(string) { unlock() }
	btn = widget.NewButtonWithIcon(i18n.T("lock.unlock"), theme.LoginIcon(), unlock)
	btn.Importance = widget.HighImportance
	head := widget.NewLabelWithStyle(i18n.T("lock.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	body := widget.NewLabel(i18n.T("lock.body"))
	body.Wrapping = fyne.TextWrapWord
	body.Alignment = fyne.TextAlignCenter
	box := container.NewVBox(widget.NewIcon(theme.VisibilityOffIcon()), head, body, pass, container.NewCenter(btn), msg)
	w.show(container.NewCenter(container.NewGridWrap(fyne.NewSize(420, 300), box)))
	w.win.Canvas().Focus(pass)
	w.unlockEntry = pass
}

// unlock derives the key (Argon2id takes a moment) and opens the store off
// the UI goroutine; onErr runs on the UI goroutine if it fails.
func (w *mainWindow) unlock(pass []byte, onErr func(error)) {
	w.background(func() {
		// A schema upgrade replaces the unlock screen with its notice; if
		// it then fails, the error needs a screen of its own (onErr would
		// write it into the hidden unlock form).
		opt := w.storeOptions()
		var upgraded atomic.Bool
		notice := opt.Upgrading
		opt.Upgrading = func(step string) { upgraded.Store(true); notice(step) }
		st, err := vault.Open(w.ctx, w.opt.DataDir, pass, opt)
		clear(pass)
		if err == nil {
			w.openedMu.Lock()
			w.opened = st
			w.openedMu.Unlock()
		}
		w.update(func() {
			if err != nil && upgraded.Load() {
				w.showUnlock(i18n.T("error.open", err.Error()))
				return
			}
			if err != nil {
				onErr(err)
				return
			}
			w.sec.mu.Lock()
			w.sec.locked = false
			w.sec.mu.Unlock()
			w.touch()
			w.st = st
			w.unlockEntry = nil
			w.reload()
		})
	})
}

// ---- Passphrase settings ----------------------------------------------

// askPassphrase offers to set, change or remove the passphrase.
func (w *mainWindow) askPassphrase() {
	if w.st == nil {
		return
	}
	newPass := widget.NewPasswordEntry()
	repeat := widget.NewPasswordEntry()
	current := widget.NewPasswordEntry()
	for _, e := range []*widget.Entry{newPass, repeat, current} {
		e.OnChanged = func(string) { w.touch() }
	}
	if !w.sec.encrypted {
		intro := widget.NewLabel(i18n.T("pass.set.intro"))
		intro.Wrapping = fyne.TextWrapWord
		items := []*widget.FormItem{
			widget.NewFormItem("", intro),
			widget.NewFormItem(i18n.T("pass.new"), newPass),
			widget.NewFormItem(i18n.T("pass.repeat"), repeat),
		}
		d := dialog.NewForm(i18n.T("pass.set.title"), i18n.T("pass.set.do"), i18n.T("action.cancel"), items, func(ok bool) {
			if ok {
				w.changePassphrase("set", nil, []byte(newPass.Text), []byte(repeat.Text))
			}
		}, w.win)
		d.Resize(fyne.NewSize(520, 340))
		d.Show()
		return
	}
	mode := widget.NewRadioGroup([]string{i18n.T("pass.change.title"), i18n.T("pass.remove.title")}, nil)
	mode.SetSelected(i18n.T("pass.change.title"))
	mode.OnChanged = func(s string) {
		if s == i18n.T("pass.remove.title") {
			newPass.Disable()
			repeat.Disable()
		} else {
			newPass.Enable()
			repeat.Enable()
		}
	}
	items := []*widget.FormItem{
		widget.NewFormItem("", mode),
		widget.NewFormItem(i18n.T("pass.current"), current),
		widget.NewFormItem(i18n.T("pass.new"), newPass),
		widget.NewFormItem(i18n.T("pass.repeat"), repeat),
	}
	d := dialog.NewForm(i18n.T("pass.title"), i18n.T("action.save"), i18n.T("action.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		if mode.Selected == i18n.T("pass.remove.title") {
			w.changePassphrase("remove", []byte(current.Text), nil, nil)
			return
		}
		w.changePassphrase("change", []byte(current.Text), []byte(newPass.Text), []byte(repeat.Text))
	}, w.win)
	d.Resize(fyne.NewSize(520, 360))
	d.Show()
}

// passphraseProblem checks a new passphrase as typed, before any work.
func passphraseProblem(newPass, repeat []byte) string {
	switch {
	case !bytes.Equal(newPass, repeat):
		return i18n.T("pass.mismatch")
	case len([]rune(strings.TrimSpace(string(newPass)))) < 8:
		return i18n.T("pass.short")
	}
	return ""
}

// changePassphrase closes the store, converts or rewraps in the
// background with a progress dialog, and reopens with the passphrase now
// in force. done (tests) runs on the UI goroutine at the end.
func (w *mainWindow) changePassphrase(what string, cur, newPass, repeat []byte) {
	w.changePassphraseDone(what, cur, newPass, repeat, nil)
}

func (w *mainWindow) changePassphraseDone(what string, cur, newPass, repeat []byte, done func(error)) {
	if what != "remove" {
		if p := passphraseProblem(newPass, repeat); p != "" {
			dialog.ShowError(errors.New(p), w.win)
			if done != nil {
				done(errors.New(p))
			}
			return
		}
	}
	st := w.st
	w.st = nil
	progress := dialog.NewCustomWithoutButtons(i18n.T("pass.working"), widget.NewProgressBarInfinite(), w.win)
	progress.Show()
	dir := w.opt.DataDir
	w.background(func() {
		st.Close()
		var err error
		switch what {
		case "set":
			err = vault.SetPassphrase(w.ctx, dir, newPass)
		case "change":
			err = vault.ChangePassphrase(dir, cur, newPass)
		case "remove":
			err = vault.RemovePassphrase(w.ctx, dir, cur)
		}
		// Reopen with whatever passphrase is now in force: the new one
		// after set/change, none after remove, the old one if it failed.
		reopen := newPass
		switch {
		case what == "remove" && err == nil, what == "set" && err != nil:
			reopen = nil
		case err != nil:
			reopen = cur
		}
		enc, _ := vault.Encrypted(dir)
		st2, oerr := vault.Open(w.ctx, dir, reopenIf(enc, reopen), w.storeOptions())
		w.openedMu.Lock()
		w.opened = st2
		w.openedMu.Unlock()
		w.update(func() {
			progress.Hide()
			w.sec.mu.Lock()
			w.sec.encrypted = enc
			w.sec.mu.Unlock()
			if oerr != nil {
				// The passphrase in force is not one we have (a failed
				// change with a wrong current one): ask for it.
				w.sec.mu.Lock()
				w.sec.locked = true
				w.sec.mu.Unlock()
				w.showUnlock("")
			} else {
				w.st = st2
				w.reload()
			}
			w.outcome(err, "pass.failed", i18n.T("pass.title"), i18n.T("pass.done."+what))
			w.win.SetMainMenu(w.menu())
			if done != nil {
				done(err)
			}
		})
	})
}

func reopenIf(encrypted bool, pass []byte) []byte {
	if !encrypted {
		return nil
	}
	return pass
}

// askAutoLock sets the idle time before the store locks itself.
func (w *mainWindow) askAutoLock() {
	var names []string
	for _, m := range autoLockChoices {
		if m == 0 {
			names = append(names, i18n.T("lock.never"))
		} else {
			names = append(names, i18n.T("lock.minutes", m))
		}
	}
	sel := widget.NewSelect(names, nil)
	for i, m := range autoLockChoices {
		if m == w.autoLockMinutes() {
			sel.SetSelectedIndex(i)
		}
	}
	note := widget.NewLabel(i18n.T("lock.autolock.note"))
	note.Wrapping = fyne.TextWrapWord
	d := dialog.NewForm(i18n.T("lock.autolock"), i18n.T("action.save"), i18n.T("action.cancel"),
		[]*widget.FormItem{widget.NewFormItem(i18n.T("lock.autolock"), sel), widget.NewFormItem("", note)}, func(ok bool) {
			if ok && sel.SelectedIndex() >= 0 {
				w.app.Preferences().SetInt(prefAutoLock, autoLockChoices[sel.SelectedIndex()])
			}
		}, w.win)
	d.Resize(fyne.NewSize(460, 260))
	d.Show()
}

// ---- Backup -----------------------------------------------------------

// askBackup asks for the backup's passphrase, then where to save it.
func (w *mainWindow) askBackup() {
	if w.st == nil {
		return
	}
	pass, repeat := widget.NewPasswordEntry(), widget.NewPasswordEntry()
	intro := widget.NewLabel(i18n.T("backup.intro"))
	intro.Wrapping = fyne.TextWrapWord
	d := dialog.NewForm(i18n.T("backup.title"), i18n.T("doc.next"), i18n.T("action.cancel"), []*widget.FormItem{
		widget.NewFormItem("", intro),
		widget.NewFormItem(i18n.T("pass.new"), pass),
		widget.NewFormItem(i18n.T("pass.repeat"), repeat),
	}, func(ok bool) {
		if !ok {
			return
		}
		if p := passphraseProblem([]byte(pass.Text), []byte(repeat.Text)); p != "" {
			dialog.ShowError(errors.New(p), w.win)
			return
		}
		secret := []byte(pass.Text)
		st := w.st
		w.askSaveFile("fieldbook-"+time.Now().Format("2006-01-02")+".fbk", "backup.working", "backup.failed",
			func(out io.Writer) (string, error) {
				// The backup is encrypted as it streams: nothing
				// unencrypted reaches the disk.
				defer clear(secret)
				return i18n.T("backup.title"), vault.Backup(w.ctx, st, out, secret)
			})
	}, w.win)
	d.Resize(fyne.NewSize(520, 320))
	d.Show()
}

// securityMenu: lock (when there is a passphrase), passphrase settings,
// auto-lock, backup.
func (w *mainWindow) securityMenu() *fyne.Menu {
	w.sec.mu.Lock()
	enc := w.sec.encrypted
	w.sec.mu.Unlock()
	items := []*fyne.MenuItem{}
	if enc {
		lock := fyne.NewMenuItem(i18n.T("lock.now"), w.lock)
		lock.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
		items = append(items, lock, fyne.NewMenuItem(i18n.T("pass.title")+"…", w.askPassphrase))
	} else {
		items = append(items, fyne.NewMenuItem(i18n.T("pass.set.title")+"…", w.askPassphrase))
	}
	items = append(items, fyne.NewMenuItem(i18n.T("lock.autolock")+"…", w.askAutoLock),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(i18n.T("backup.title")+"…", w.askBackup),
		fyne.NewMenuItem(i18n.T("restore.title")+"…", w.askRestore))
	return fyne.NewMenu(i18n.T("menu.security"), items...)
}

// ---- Restore ----------------------------------------------------------

// askRestore restores a backup into this notebook, which must be empty
// (the empty screen offers it): pick the file, then give its passphrase.
func (w *mainWindow) askRestore() {
	if w.st == nil {
		return
	}
	w.askOpenFile([]string{".fbk"}, func(_ string, rc io.ReadCloser) {
		pass := widget.NewPasswordEntry()
		keep := widget.NewCheck(i18n.T("restore.encrypt"), nil)
		keep.SetChecked(true)
		f := dialog.NewForm(i18n.T("restore.title"), i18n.T("restore.do"), i18n.T("action.cancel"), []*widget.FormItem{
			widget.NewFormItem(i18n.T("lock.passphrase"), pass),
			widget.NewFormItem("", keep),
		}, func(ok bool) {
			if !ok {
				rc.Close()
				return
			}
			w.restore(rc, []byte(pass.Text), keep.Checked, nil)
		}, w.win)
		f.Resize(fyne.NewSize(520, 240))
		f.Show()
	})
}

// restore moves the empty notebook aside, restores the backup in its
// place and opens it; on any failure the empty notebook comes back as it
// was. encrypt keeps the restored notebook encrypted with the backup's
// passphrase. done (tests) runs on the UI goroutine at the end.
func (w *mainWindow) restore(r io.ReadCloser, pass []byte, encrypt bool, done func(error)) {
	st := w.st
	if st == nil {
		r.Close()
		return
	}
	w.st = nil
	progress := dialog.NewCustomWithoutButtons(i18n.T("restore.working"), widget.NewProgressBarInfinite(), w.win)
	progress.Show()
	dir := w.opt.DataDir
	w.background(func() {
		defer r.Close()
		defer clear(pass)
		p, _ := st.Profile(w.ctx)
		counts := st.Stats(w.ctx)
		if !p.Empty() {
			counts["profile"] = 1 // my card would be lost with the empty notebook
		}
		for _, n := range counts {
			if n > 0 {
				w.update(func() {
					progress.Hide()
					w.st = st
					err := errors.New(i18n.T("restore.notempty"))
					dialog.ShowError(err, w.win)
					if done != nil {
						done(err)
					}
				})
				return
			}
		}
		var sum vault.Summary
		err := func() error {
			st.Close()
			aside := fmt.Sprintf("%s.before-restore-%d", dir, time.Now().UnixNano())
			if err := os.Rename(dir, aside); err != nil {
				return err
			}
			var storePass []byte
			if encrypt {
				storePass = pass
			}
			var err error
			if sum, err = vault.Restore(w.ctx, dir, r, pass, storePass); err != nil {
				if rerr := os.Rename(aside, dir); rerr != nil {
					return fmt.Errorf("%w (and the empty notebook could not be put back from %s: %v)", err, aside, rerr)
				}
				return err
			}
			return os.RemoveAll(aside)
		}()
		reopen := pass
		if enc, _ := vault.Encrypted(dir); !enc {
			reopen = nil
		}
		st2, oerr := vault.Open(w.ctx, dir, reopen, w.storeOptions())
		w.openedMu.Lock()
		w.opened = st2
		w.openedMu.Unlock()
		enc, _ := vault.Encrypted(dir)
		w.update(func() {
			progress.Hide()
			w.sec.mu.Lock()
			w.sec.encrypted = enc
			w.sec.mu.Unlock()
			w.win.SetMainMenu(w.menu())
			switch {
			case oerr != nil && enc:
				// The notebook put back is encrypted with its own
				// passphrase, not the backup's: ask for it.
				w.sec.mu.Lock()
				w.sec.locked = true
				w.sec.mu.Unlock()
				w.showUnlock("")
			case oerr != nil:
				w.show(w.message(i18n.T("error.open", oerr.Error()), nil))
			default:
				w.st = st2
				w.reload()
			}
			w.outcome(err, "restore.failed", i18n.T("restore.title"), i18n.T("restore.done", sum.Created.Local().Format("2006-01-02 15:04")))
			if done != nil {
				done(err)
			}
		})
	})
}

// outcome tells how a passphrase change or restore went; a wrong
// passphrase is said in words, not as the library's error.
func (w *mainWindow) outcome(err error, failKey, title, ok string) {
	if err == nil {
		dialog.ShowInformation(title, ok, w.win)
		return
	}
	if errors.Is(err, data.ErrLocked) {
		err = errors.New(i18n.T("lock.wrong"))
	}
	dialog.ShowError(fmt.Errorf("%s: %w", i18n.T(failKey), err), w.win)
}
