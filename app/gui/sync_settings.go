package gui

import (
	"bytes"
	"context"
	"errors"
	"image"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data/card/qr"
	"github.com/clusme/fieldbook/data/replica"
)

// syncSettings is the Sync section of Settings: where to sync (a folder
// or a WebDAV server), the delegation key (a new code to hand out, a code
// or passphrase typed or scanned from a picture, showing the code) and how
// sync stands. Every save reads the remembered setup again and changes
// only its own fields.
type syncSettings struct {
	w *mainWindow
	// State below is touched only on the UI goroutine.
	view fyne.CanvasObject
	card fyne.CanvasObject // the section's card in Settings (to scroll to)

	where           *widget.RadioGroup
	folder          *entry
	browse          *widget.Button
	folderBox       *fyne.Container
	webdavBox       *fyne.Container
	url, user, pass *entry
	save            *widget.Button
	msg             *widget.Label

	keyInfo                               *widget.Label
	newCode, enterCode, scanCode, showKey *widget.Button

	status             *fyne.Container
	syncNow, conflicts *widget.Button
	loaded             bool
	hasKey             bool
	filled             [4]string // folder, url, user, pass as loaded: typing over them is kept across reloads
}

func newSyncSettings(w *mainWindow) *syncSettings {
	s := &syncSettings{w: w}
	s.folder = w.newEntry()
	s.folder.SetPlaceHolder(i18n.T("sync.where.folder.hint"))
	s.browse = widget.NewButtonWithIcon(i18n.T("sync.where.browse"), theme.FolderOpenIcon(), s.askFolder)
	s.folderBox = container.NewBorder(nil, nil, nil, s.browse, s.folder)
	s.url = w.newEntry()
	s.url.SetPlaceHolder("https://cloud.example.com/remote.php/dav/files/me/fieldbook")
	s.user = w.newEntry()
	s.pass = w.newEntry()
	s.pass.Password = true
	s.webdavBox = container.NewVBox(widget.NewForm(
		widget.NewFormItem(i18n.T("sync.where.url"), s.url),
		widget.NewFormItem(i18n.T("sync.where.user"), s.user),
		widget.NewFormItem(i18n.T("sync.where.password"), s.pass)))
	s.webdavBox.Hide()
	s.where = widget.NewRadioGroup([]string{i18n.T("sync.where.folder"), i18n.T("sync.where.webdav")}, func(string) { s.showWhere() })
	s.where.Horizontal = true
	s.where.Required = true
	s.where.SetSelected(i18n.T("sync.where.folder"))
	s.save = widget.NewButtonWithIcon(i18n.T("sync.where.save"), theme.DocumentSaveIcon(), s.saveLocation)
	s.msg = note("")
	s.msg.Hide()

	s.keyInfo = note(i18n.T("sync.key.none"))
	s.newCode = widget.NewButtonWithIcon(i18n.T("sync.key.new"), theme.ContentAddIcon(), s.askNewCode)
	s.enterCode = widget.NewButtonWithIcon(i18n.T("sync.key.enter")+"…", theme.DocumentCreateIcon(), s.askCode)
	s.scanCode = widget.NewButtonWithIcon(i18n.T("sync.key.scan")+"…", theme.FileImageIcon(), s.askScan)
	s.showKey = widget.NewButtonWithIcon(i18n.T("sync.key.show"), theme.VisibilityIcon(), s.showCode)
	s.showKey.Disable()

	s.status = container.NewVBox(note(i18n.T("sync.status.none")))
	s.syncNow = widget.NewButtonWithIcon(i18n.T("sync.now"), theme.ViewRefreshIcon(), w.syncNow)
	s.syncNow.Importance = widget.HighImportance
	s.conflicts = widget.NewButtonWithIcon(i18n.T("sync.conflicts.review"), theme.WarningIcon(), w.reviewConflicts)
	s.conflicts.Disable()

	bold := func(text string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	s.view = container.NewVBox(
		note(i18n.T("sync.intro")),
		bold(i18n.T("sync.where")),
		s.where, s.folderBox, s.webdavBox,
		container.NewHBox(s.save), s.msg,
		widget.NewSeparator(),
		bold(i18n.T("sync.key")),
		s.keyInfo,
		container.NewGridWrap(fyne.NewSize(300, 38), s.newCode, s.enterCode, s.scanCode, s.showKey),
		widget.NewSeparator(),
		bold(i18n.T("sync.status")),
		s.status,
		container.NewHBox(s.syncNow, s.conflicts),
	)
	return s
}

// showWhere shows the fields of the kind of location chosen.
func (s *syncSettings) showWhere() {
	if s.where.Selected == i18n.T("sync.where.webdav") {
		s.folderBox.Hide()
		s.webdavBox.Show()
	} else {
		s.webdavBox.Hide()
		s.folderBox.Show()
	}
}

func (s *syncSettings) webdav() bool { return s.where.Selected == i18n.T("sync.where.webdav") }

// say puts a message under the location; danger for a problem.
func (s *syncSettings) say(text string, danger bool) {
	s.msg.Importance = widget.MediumImportance
	if danger {
		s.msg.Importance = widget.DangerImportance
	}
	s.msg.SetText(text)
	s.msg.Show()
	if text == "" {
		s.msg.Hide()
	}
}

// reveal scrolls Settings to this section and says why, once loaded.
func (s *syncSettings) reveal(why string) {
	if why != "" {
		s.say(why, false)
	}
	if sc, ok := s.w.settingsScr.view.(*container.Scroll); ok && s.card != nil {
		sc.ScrollToOffset(fyne.NewPos(0, s.card.Position().Y))
	}
}

// load reads the setup and the status in the background.
func (s *syncSettings) load() {
	w := s.w
	st := w.st
	if st == nil {
		return
	}
	w.background(func() {
		cfg, err := replica.LoadConfig(w.ctx, st)
		var status replica.Status
		if err == nil {
			status, err = replica.GetStatus(w.ctx, st)
		}
		fp := ""
		if err == nil && cfg.Secret != "" {
			// An age key: no stretching, quick (still not on the UI
			// goroutine).
			if k, kerr := cfg.Key(); kerr == nil {
				fp = k.Fingerprint()
			}
		}
		w.update(func() {
			if w.st != st || w.settingsScr == nil || w.settingsScr.sync != s {
				return
			}
			if err != nil {
				s.say(i18n.T("error.load", err.Error()), true)
				return
			}
			s.fill(cfg, fp)
			s.showStatus(&status)
			s.loaded = true
		})
	})
}

// fill shows the setup; fields typed over since the last load keep what
// was typed.
func (s *syncSettings) fill(cfg replica.Config, fp string) {
	set := func(e *entry, i int, v string) {
		if e.Text == s.filled[i] {
			e.SetText(v)
		}
		s.filled[i] = v
	}
	if !s.loaded && cfg.Location != "" {
		if isWebDAV(cfg.Location) {
			s.where.SetSelected(i18n.T("sync.where.webdav"))
		} else {
			s.where.SetSelected(i18n.T("sync.where.folder"))
		}
	}
	folder, url := "", ""
	if isWebDAV(cfg.Location) {
		url = cfg.Location
	} else {
		folder = cfg.Location
	}
	set(s.folder, 0, folder)
	set(s.url, 1, url)
	set(s.user, 2, cfg.User)
	set(s.pass, 3, cfg.Password)
	s.hasKey = cfg.Secret != ""
	switch {
	case !s.hasKey:
		s.keyInfo.SetText(i18n.T("sync.key.none"))
		s.showKey.Disable()
	case cfg.Code != "":
		s.keyInfo.SetText(i18n.T("sync.key.code", fp))
		s.showKey.Enable()
	default:
		s.keyInfo.SetText(i18n.T("sync.key.secret", fp))
		s.showKey.Enable()
	}
}

// showStatus lists each location's last sync, what is not sent yet, the
// devices seen and the last error; and the conflicts to review.
func (s *syncSettings) showStatus(st *replica.Status) {
	s.status.Objects = nil
	add := func(lines []string, imp widget.Importance) {
		if len(lines) > 0 {
			l := note(strings.Join(lines, "\n"))
			l.Importance = imp
			s.status.Add(l)
		}
	}
	if st.Location == "" || len(st.Locations) == 0 {
		add([]string{i18n.T("sync.status.none")}, widget.MediumImportance)
	}
	locs := append([]replica.LocationStatus(nil), st.Locations...)
	sort.SliceStable(locs, func(i, j int) bool { return locs[i].LastSync.After(locs[j].LastSync) })
	for _, l := range locs {
		s.status.Add(widget.NewLabelWithStyle(placeOf(l.Location), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		var lines, warn []string
		if l.LastSync.IsZero() {
			lines = append(lines, i18n.T("sync.status.never"))
		} else {
			lines = append(lines, i18n.T("sync.status.last", longWhen(l.LastSync)))
		}
		if l.Unpushed > 0 {
			warn = append(warn, i18n.T("sync.status.unpushed", l.Unpushed))
		} else if !l.LastSync.IsZero() {
			lines = append(lines, i18n.T("sync.status.allsent"))
		}
		lines = append(lines, i18n.T("sync.status.devices", len(l.Devices)))
		if n := len(l.Skipped); n > 0 {
			warn = append(warn, i18n.T("sync.status.skipped", n))
		}
		add(lines, widget.MediumImportance)
		add(warn, widget.WarningImportance)
		if l.LastError != "" {
			add([]string{i18n.T("sync.status.error", l.LastError)}, widget.DangerImportance)
		}
	}
	if st.Conflicts > 0 {
		add([]string{i18n.T("sync.status.conflicts", st.Conflicts)}, widget.WarningImportance)
		s.conflicts.Enable()
	} else {
		s.conflicts.Disable()
	}
	s.status.Refresh()
}

// clear forgets the setup shown (the window locks): the password too.
func (s *syncSettings) clear() {
	for i, e := range []*entry{s.folder, s.url, s.user, s.pass} {
		e.SetText("")
		s.filled[i] = ""
	}
	s.loaded, s.hasKey = false, false
	s.keyInfo.SetText("")
	s.showKey.Disable()
	s.status.Objects = nil
	s.status.Refresh()
	s.say("", false)
}

// ---- Location ---------------------------------------------------------

// askFolder picks the sync folder with the folder dialog.
func (s *syncSettings) askFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			s.w.showError(err)
			return
		}
		if u != nil {
			s.folder.SetText(u.Path())
		}
	}, s.w.win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// saveLocation checks the location typed (the folder is there, the
// server answers) in the background and remembers it; one that cannot be
// reached now may be saved anyway (no network on the plane).
func (s *syncSettings) saveLocation() {
	var loc, user, pass string
	if s.webdav() {
		loc, user, pass = strings.TrimSpace(s.url.Text), strings.TrimSpace(s.user.Text), s.pass.Text
		if loc != "" && !isWebDAV(loc) {
			s.say(i18n.T("sync.where.badurl"), true)
			return
		}
	} else {
		loc = strings.TrimSpace(s.folder.Text)
	}
	if loc == "" {
		s.say(i18n.T("sync.where.empty"), true)
		return
	}
	w := s.w
	st := w.st
	if st == nil {
		return
	}
	s.save.Disable()
	s.say(i18n.T("sync.where.checking"), false)
	w.background(func() {
		if !isWebDAV(loc) {
			// A new folder is made, but only on a drive that is there
			// (its parent exists): an unplugged stick stays an error.
			if _, err := os.Stat(filepath.Dir(filepath.Clean(loc))); err == nil {
				_ = os.Mkdir(loc, 0o700)
			}
		}
		ctx, cancel := context.WithTimeout(w.ctx, 45*time.Second)
		_, err := replica.Open(ctx, loc, user, pass)
		cancel()
		w.update(func() {
			if w.st != st {
				return
			}
			s.save.Enable()
			if err == nil {
				s.storeLocation(loc, user, pass)
				return
			}
			s.say(describeError(err), true)
			body := container.NewVBox(errorLines(err)...)
			body.Add(note(i18n.T("sync.where.anyway.note")))
			d := dialog.NewCustomConfirm(i18n.T("sync.where.unreachable"), i18n.T("sync.where.anyway"), i18n.T("action.cancel"), body, func(ok bool) {
				if ok {
					s.storeLocation(loc, user, pass)
				}
			}, w.win)
			d.Resize(fyne.NewSize(560, 300))
			d.Show()
		})
	})
}

// storeLocation remembers the location, keeping the rest of the setup.
func (s *syncSettings) storeLocation(loc, user, pass string) {
	s.update(func(cfg *replica.Config) {
		cfg.Location, cfg.User, cfg.Password = loc, user, pass
	}, func(err error) {
		if err != nil {
			s.say(i18n.T("sync.save.failed", err.Error()), true)
			return
		}
		s.say(i18n.T("sync.where.saved", loc), false)
	})
}

// update changes the remembered setup in the background (read, change,
// write) and runs done on the UI goroutine, then shows the new state.
func (s *syncSettings) update(change func(*replica.Config), done func(error)) {
	w := s.w
	st := w.st
	if st == nil {
		return
	}
	w.background(func() {
		cfg, err := replica.LoadConfig(w.ctx, st)
		if err == nil {
			change(&cfg)
			err = replica.SaveConfig(w.ctx, st, cfg)
		}
		w.update(func() {
			if w.st != st {
				return
			}
			done(err)
			w.loadSyncState()
			if w.settingsScr != nil && w.settingsScr.sync == s {
				s.load()
			}
		})
	})
}

// ---- The delegation key -----------------------------------------------

// confirmReplace asks before a key replaces the one set.
func (s *syncSettings) confirmReplace(then func()) {
	if !s.hasKey {
		then()
		return
	}
	d := dialog.NewConfirm(i18n.T("sync.key.replace.title"), i18n.T("sync.key.replace.ask"), func(ok bool) {
		if ok {
			then()
		}
	}, s.w.win)
	d.SetConfirmText(i18n.T("sync.key.replace.do"))
	d.SetDismissText(i18n.T("action.cancel"))
	d.Show()
}

// askNewCode makes a new delegation code, sets it and shows it to hand
// out.
func (s *syncSettings) askNewCode() {
	s.confirmReplace(func() {
		code := replica.NewCode()
		s.setSecret(code, func(k replica.Key, img image.Image) {
			s.w.codeDialog(code, img, k.Fingerprint(), true)
		})
	})
}

// askCode asks for a code or passphrase someone gave.
func (s *syncSettings) askCode() {
	w := s.w
	e := w.newEntry()
	e.SetPlaceHolder("FB-XXXX-XXXX-XXXX-XXXX-XXXX")
	intro := note(i18n.T("sync.key.enter.note"))
	var d dialog.Dialog
	// Enter and Ctrl+S do what the button does.
	submit := func() {
		if strings.TrimSpace(e.Text) != "" {
			d.Hide()
			s.applySecret(strings.TrimSpace(e.Text))
		}
	}
	e.OnSubmitted = func(string) { submit() }
	body := container.NewVBox(intro, e)
	d = dialog.NewCustomConfirm(i18n.T("sync.key.enter"), i18n.T("sync.key.enter.do"), i18n.T("action.cancel"), body, func(ok bool) {
		if secret := strings.TrimSpace(e.Text); ok && secret != "" {
			s.applySecret(secret)
		}
	}, w.win)
	pop := w.pushForm(&form{save: submit, cancel: w.guardClose(body, d.Hide)})
	d.SetOnClosed(pop)
	d.Resize(fyne.NewSize(560, 260))
	d.Show()
	w.win.Canvas().Focus(e)
}

// askScan reads the code from a picture of its QR code (a photo, a
// screenshot of a colleague's screen).
func (s *syncSettings) askScan() {
	w := s.w
	w.askOpenFile([]string{".png", ".jpg", ".jpeg", ".gif", ".webp"}, func(name string, rc io.ReadCloser) {
		progress := dialog.NewCustomWithoutButtons(i18n.T("sync.key.scan"), widget.NewProgressBarInfinite(), w.win)
		progress.Show()
		w.background(func() {
			text, err := scanCode(w.ctx, rc)
			w.update(func() {
				progress.Hide()
				if err != nil {
					dialog.ShowError(err, w.win)
					return
				}
				s.applySecret(text)
			})
		})
	})
}

// scanCode decodes the delegation code in a picture; rc is closed.
func scanCode(ctx context.Context, rc io.ReadCloser) (string, error) {
	b, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return "", err
	}
	if !qr.IsImage(b) {
		return "", errors.New(i18n.T("sync.scan.notimage"))
	}
	r, err := qr.DecodeReader(ctx, bytes.NewReader(b))
	if errors.Is(err, qr.ErrNoCode) {
		return "", errors.New(i18n.T("sync.scan.nocode"))
	}
	if err != nil {
		return "", err
	}
	text := strings.TrimSpace(r.Text)
	// A business card's code would pass for a long passphrase: only a
	// code or an age key is taken from a picture.
	if !replica.IsCode(text) && !strings.HasPrefix(strings.ToUpper(text), "AGE-SECRET-KEY-1") {
		return "", errors.New(i18n.T("sync.scan.notcode"))
	}
	return text, nil
}

// applySecret sets a code, passphrase or age key typed or scanned, then
// shows its fingerprint to compare.
func (s *syncSettings) applySecret(secret string) {
	s.confirmReplace(func() {
		s.setSecret(secret, func(k replica.Key, img image.Image) {
			if img != nil {
				s.w.codeDialog(replica.FormatCode(secret), img, k.Fingerprint(), false)
				return
			}
			dialog.ShowInformation(i18n.T("sync.key.set.title"), i18n.T("sync.key.set", k.Fingerprint()), s.w.win)
		})
	})
}

// setSecret derives the key (Argon2id: a fraction of a second, in the
// background, with a progress dialog), remembers it and calls done with
// it and, for a code, its QR code.
func (s *syncSettings) setSecret(secret string, done func(replica.Key, image.Image)) {
	w := s.w
	st := w.st
	if st == nil {
		return
	}
	progress := dialog.NewCustomWithoutButtons(i18n.T("sync.key.working"), widget.NewProgressBarInfinite(), w.win)
	progress.Show()
	w.background(func() {
		k, err := replica.KeyFromSecret(secret)
		var img image.Image
		if err == nil {
			var cfg replica.Config
			if cfg, err = replica.LoadConfig(w.ctx, st); err == nil {
				cfg.Secret, cfg.Code = k.Secret(), ""
				if replica.IsCode(secret) {
					cfg.Code = replica.FormatCode(secret)
					img, err = qr.Image(cfg.Code, 480)
				}
				if err == nil {
					err = replica.SaveConfig(w.ctx, st, cfg)
				}
			}
		}
		w.update(func() {
			progress.Hide()
			if w.st != st {
				return
			}
			if err != nil {
				dialog.ShowError(errors.New(i18n.T("sync.key.failed", err.Error())), w.win)
				return
			}
			done(k, img)
			w.loadSyncState()
			if w.settingsScr != nil && w.settingsScr.sync == s {
				s.load()
			}
		})
	})
}

// showCode shows the delegation code to hand out again; a key set from a
// passphrase or an age key is never shown, only its fingerprint.
func (s *syncSettings) showCode() {
	w := s.w
	st := w.st
	if st == nil {
		return
	}
	w.background(func() {
		cfg, err := replica.LoadConfig(w.ctx, st)
		var k replica.Key
		var img image.Image
		if err == nil {
			k, err = cfg.Key()
		}
		if err == nil && cfg.Code != "" {
			img, err = qr.Image(cfg.Code, 480)
		}
		w.update(func() {
			switch {
			case err != nil:
				w.showError(err)
			case cfg.Code != "":
				w.codeDialog(cfg.Code, img, k.Fingerprint(), false)
			default:
				dialog.ShowInformation(i18n.T("sync.key"), i18n.T("sync.key.hidden", k.Fingerprint()), w.win)
			}
		})
	})
}

// codeDialog shows a delegation code large, as a QR code to scan, and the
// key's fingerprint to compare.
func (w *mainWindow) codeDialog(code string, img image.Image, fingerprint string, fresh bool) {
	text := canvas.NewText(code, theme.Color(theme.ColorNameForeground))
	text.TextSize = theme.TextSize() * 2
	text.TextStyle = fyne.TextStyle{Monospace: true}
	text.Alignment = fyne.TextAlignCenter
	pic := canvas.NewImageFromImage(img)
	pic.FillMode = canvas.ImageFillContain
	pic.ScaleMode = canvas.ImageScalePixels // crisp modules
	pic.SetMinSize(fyne.NewSize(300, 300))
	intro := i18n.T("sync.code.show.note")
	if fresh {
		intro = i18n.T("sync.code.new.note")
	}
	fp := widget.NewLabelWithStyle(i18n.T("sync.code.fingerprint", fingerprint), fyne.TextAlignCenter, fyne.TextStyle{})
	fp.Wrapping = fyne.TextWrapWord
	copyBtn := widget.NewButtonWithIcon(i18n.T("sync.code.copy"), theme.ContentCopyIcon(), func() {
		w.app.Clipboard().SetContent(code)
	})
	top := note(intro)
	content := container.NewBorder(container.NewVBox(top, text),
		container.NewVBox(fp, container.NewCenter(copyBtn)), nil, nil, pic)
	d := dialog.NewCustom(i18n.T("sync.code.title"), i18n.T("action.close"), content, w.win)
	d.Resize(fyne.NewSize(600, 640))
	d.Show()
}
