package gui

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	golocale "github.com/jeandeaual/go-locale"
	"golang.org/x/text/language"

	"github.com/clusme/fieldbook/app/cli"
	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
)

// prefHomeZone is the IANA name of the home time zone; "" follows the OS.
// Settings live in Fyne's preferences, not the store: they belong to this
// computer and must apply before a locked store is opened.
const prefHomeZone = "home_zone"

// uiLanguages are the UI languages in menu order, named by their endonyms:
// the name a speaker looks for when the UI is in a language they don't read.
var uiLanguages = []struct{ code, name string }{
	{"en", "English"}, {"fi", "Suomi"}, {"et", "Eesti"}, {"ru", "Русский"},
}

// languageName is the endonym of a supported language.
func languageName(t language.Tag) string {
	code := locale.Code(t)
	for _, l := range uiLanguages {
		if l.code == code {
			return l.name
		}
	}
	return code
}

// startLocaleEnv is the locale environment as the process got it: Run
// sets LANGUAGE to the chosen language (for Fyne's own strings), so "the
// system language" has to be read before that, at package init.
var startLocaleEnv = func() map[string]string {
	env := map[string]string{}
	for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		env[k] = os.Getenv(k)
	}
	return env
}()

// systemLanguage is the supported language closest to the OS's.
var systemLanguage = sync.OnceValue(func() language.Tag {
	var native func() ([]string, error)
	// Windows and macOS keep the user's languages in the OS, not the
	// environment; elsewhere go-locale would only read the environment
	// again, after Run has changed LANGUAGE.
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		native = golocale.GetLocales
	}
	return osLanguage(func(k string) string { return startLocaleEnv[k] }, native)
})

// osLanguage matches the OS locale to a UI language, reading the
// variables the way gettext does: LANGUAGE (a colon-separated list) first
// unless the locale is C or POSIX, then LC_ALL, LC_MESSAGES and LANG
// ("fi_FI.UTF-8"). native gives the OS's languages where the environment
// says nothing (Windows, macOS); it may be nil.
func osLanguage(getenv func(string) string, native func() ([]string, error)) language.Tag {
	var posix string
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if posix = getenv(k); posix != "" {
			break
		}
	}
	var prefs []string
	if posix != "C" && posix != "POSIX" {
		for _, l := range strings.Split(getenv("LANGUAGE"), ":") {
			if l != "" {
				prefs = append(prefs, l)
			}
		}
	}
	if posix != "" {
		prefs = append(prefs, posix)
	}
	if len(prefs) == 0 && native != nil {
		prefs, _ = native()
	}
	return locale.Match(prefs...)
}

// startLanguage is the language the window opens in: --lang, else the one
// chosen in Settings, else the OS's.
func startLanguage(a fyne.App, opt cli.GUIOptions) language.Tag {
	if opt.LangSet {
		return opt.Lang
	}
	if saved := a.Preferences().String(prefLanguage); saved != "" {
		return locale.Match(saved)
	}
	return systemLanguage()
}

// setLanguage makes t the language of the UI strings, ours and Fyne's.
func setLanguage(t language.Tag) {
	i18n.SetLanguage(t)
	// Fyne's built-in dialogs follow the LANGUAGE variable on Linux, but
	// Fyne reads the locale only when translations are added: adding an
	// empty English catalog makes it read LANGUAGE again.
	os.Setenv("LANGUAGE", locale.Code(t))
	if err := lang.AddTranslationsForLocale([]byte("{}"), fyne.Locale("en")); err != nil {
		fyne.LogError("Relocalizing Fyne", err)
	}
}

// applySettings applies what Settings saved before a window is built: the
// language (the views are built in it) and the theme.
func applySettings(a fyne.App, opt cli.GUIOptions) {
	setLanguage(startLanguage(a, opt))
	applyAppearance(a)
}

// openMainWindow builds the main window with the saved settings applied;
// the caller shows and opens it.
func openMainWindow(a fyne.App, opt cli.GUIOptions) *mainWindow {
	applySettings(a, opt)
	w := newMainWindow(a, opt)
	w.homeZone = savedHomeZone(a.Preferences())
	return w
}

// savedHomeZone is the home zone chosen in Settings, else the OS's. A
// saved name this build cannot load (tzdata renames zones now and then)
// falls back to the OS's rather than keep the window from opening.
func savedHomeZone(p fyne.Preferences) *time.Location {
	name := p.String(prefHomeZone)
	if name == "" {
		return time.Local
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.Local
	}
	return loc
}

// ---- Time zones -------------------------------------------------------

// commonZones are offered when the OS has no zone tables (Windows), and
// always, so the zones delegates travel to are there whatever the OS has.
var commonZones = []string{
	"UTC",
	"Africa/Cairo", "Africa/Casablanca", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi",
	"America/Argentina/Buenos_Aires", "America/Bogota", "America/Chicago", "America/Denver",
	"America/Los_Angeles", "America/Mexico_City", "America/New_York", "America/Santiago",
	"America/Sao_Paulo", "America/Toronto", "America/Vancouver",
	"Asia/Almaty", "Asia/Baku", "Asia/Bangkok", "Asia/Dhaka", "Asia/Dubai", "Asia/Ho_Chi_Minh",
	"Asia/Hong_Kong", "Asia/Jakarta", "Asia/Karachi", "Asia/Kolkata", "Asia/Riyadh", "Asia/Seoul",
	"Asia/Shanghai", "Asia/Singapore", "Asia/Tashkent", "Asia/Tbilisi", "Asia/Tehran", "Asia/Tokyo",
	"Asia/Yerevan", "Atlantic/Reykjavik", "Australia/Perth", "Australia/Sydney",
	"Europe/Amsterdam", "Europe/Athens", "Europe/Berlin", "Europe/Brussels", "Europe/Bucharest",
	"Europe/Copenhagen", "Europe/Dublin", "Europe/Helsinki", "Europe/Istanbul", "Europe/Kyiv",
	"Europe/Lisbon", "Europe/London", "Europe/Madrid", "Europe/Minsk", "Europe/Moscow",
	"Europe/Oslo", "Europe/Paris", "Europe/Prague", "Europe/Riga", "Europe/Rome",
	"Europe/Stockholm", "Europe/Tallinn", "Europe/Vienna", "Europe/Vilnius", "Europe/Warsaw",
	"Europe/Zurich", "Pacific/Auckland",
}

// zoneNames are the zones offered as suggestions, sorted.
var zoneNames = sync.OnceValue(func() []string { return readZoneNames("/usr/share/zoneinfo") })

// readZoneNames reads the zone tables in dir: zone.tab (a zone per
// country, with the capitals people look for, e.g. Europe/Oslo) and
// zone1970.tab, else the Z lines of tzdata.zi; commonZones are added.
func readZoneNames(dir string) []string {
	set := map[string]bool{}
	for _, z := range commonZones {
		set[z] = true
	}
	tables := 0
	for _, f := range []string{"zone.tab", "zone1970.tab"} {
		eachLine(filepath.Join(dir, f), func(line string) {
			if fields := strings.Split(line, "\t"); len(fields) >= 3 && !strings.HasPrefix(line, "#") {
				set[fields[2]] = true
				tables++
			}
		})
	}
	if tables == 0 {
		eachLine(filepath.Join(dir, "tzdata.zi"), func(line string) {
			if fields := strings.Fields(line); len(fields) >= 2 && fields[0] == "Z" {
				set[fields[1]] = true
			}
		})
	}
	names := make([]string, 0, len(set))
	for z := range set {
		names = append(names, z)
	}
	sort.Strings(names)
	return names
}

func eachLine(path string, fn func(string)) {
	f, err := os.Open(path)
	if err != nil {
		return // no such table on this OS: the others, or commonZones, serve
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fn(sc.Text())
	}
}

// zoneKey is how zone names are compared with what is typed: case and
// spaces ("new york") do not matter.
func zoneKey(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", "_"))
}

// matchZones suggests up to max zones for what was typed: cities starting
// with it first ("tash" → Asia/Tashkent), then names starting with it
// ("europe/"), then names containing it.
func matchZones(typed string, names []string, max int) []string {
	q := zoneKey(typed)
	if q == "" {
		return nil
	}
	type hit struct {
		name string
		rank int
	}
	var hits []hit
	for _, n := range names {
		k := zoneKey(n)
		switch {
		case strings.HasPrefix(k[strings.LastIndex(k, "/")+1:], q):
			hits = append(hits, hit{n, 0})
		case strings.HasPrefix(k, q):
			hits = append(hits, hit{n, 1})
		case strings.Contains(k, q):
			hits = append(hits, hit{n, 2})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].rank < hits[j].rank })
	var out []string
	for _, h := range hits {
		if len(out) == max {
			break
		}
		out = append(out, h.name)
	}
	return out
}

// resolveZone turns what was typed into a zone: "" is the OS's zone, a
// name is matched to the list regardless of case ("europe/helsinki"), a
// city alone when exactly one zone has it ("Tashkent"), and anything
// else must load as it is ("Etc/GMT-5").
func resolveZone(typed string, names []string) (string, *time.Location, error) {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return "", time.Local, nil
	}
	q := zoneKey(typed)
	name := ""
	var cities []string
	for _, n := range names {
		k := zoneKey(n)
		if k == q {
			name = n
			break
		}
		if k[strings.LastIndex(k, "/")+1:] == q {
			cities = append(cities, n)
		}
	}
	if name == "" && len(cities) == 1 {
		name = cities[0]
	}
	if name == "" {
		name = typed
	}
	// "Local" would load as the OS's zone under a name that means
	// nothing on another computer; the empty choice is for that.
	if name == "Local" {
		return "", nil, errUnknownZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return "", nil, errUnknownZone
	}
	return name, loc, nil
}

type zoneError struct{}

func (zoneError) Error() string { return "unknown time zone" }

var errUnknownZone error = zoneError{}

// ---- The screen -------------------------------------------------------

// maxZoneHints is how many zone suggestions show under the entry.
const maxZoneHints = 8

// settingsScreen is where the user sets up Fieldbook on this computer:
// language, appearance, home time zone, auto-lock, and my own profile.
// Every change applies at once and is kept in Fyne's preferences (the
// profile in the store, see cards.go).
type settingsScreen struct {
	w *mainWindow
	// State below is touched only on the UI goroutine.
	view fyne.CanvasObject
	// quiet is set while load puts the saved values into the selects, so
	// their OnChanged does not apply them again.
	quiet bool

	lang, theme, scale *widget.Select
	zone               *entry
	zoneHints          *fyne.Container
	zoneApply          *widget.Button
	zoneSystem         *widget.Button
	zoneMsg            *widget.Label
	autoLock           *widget.Label

	profile       data.Profile
	profileLoaded bool // editing waits for it: saving an unloaded form would wipe the card
	profileForm   *widget.Form
	profileMsg    *widget.Label
	profileFields struct{ name, org, title, email, phone *widget.Label }
	editProfile   *widget.Button
	showCard      *widget.Button

	sync *syncSettings // the Sync section (sync_settings.go)
}

func newSettingsScreen(w *mainWindow) *settingsScreen {
	s := &settingsScreen{w: w}

	// Language.
	langs := []string{i18n.T("settings.system", languageName(systemLanguage()))}
	for _, l := range uiLanguages {
		langs = append(langs, l.name)
	}
	s.lang = widget.NewSelect(langs, func(string) { s.setLanguage(s.lang.SelectedIndex()) })
	langNote := note(i18n.T("settings.language.note"))

	// Appearance.
	s.theme = widget.NewSelect([]string{i18n.T("settings.theme.system"), i18n.T("settings.theme.light"), i18n.T("settings.theme.dark")},
		func(string) { s.setTheme(s.theme.SelectedIndex()) })
	var scales []string
	for _, f := range uiScales {
		scales = append(scales, i18n.T("settings.scale.percent", int(f*100+0.5)))
	}
	s.scale = widget.NewSelect(scales, func(string) { s.setScale(s.scale.SelectedIndex()) })

	// Time.
	s.zone = w.newEntry()
	s.zone.SetPlaceHolder(i18n.T("settings.system", zoneName(time.Local)))
	s.zone.OnChanged = func(string) { s.showZoneHints() }
	s.zone.OnSubmitted = func(text string) { s.applyZone(text) }
	s.zoneHints = container.NewVBox()
	s.zoneApply = widget.NewButtonWithIcon(i18n.T("settings.zone.apply"), theme.ConfirmIcon(), func() { s.applyZone(s.zone.Text) })
	s.zoneSystem = widget.NewButton(i18n.T("settings.zone.reset"), func() { s.applyZone("") })
	s.zoneMsg = widget.NewLabel("")
	s.zoneMsg.Wrapping = fyne.TextWrapWord

	// Security: the auto-lock is set in its own dialog (security.go),
	// also reachable from the Security menu.
	s.autoLock = widget.NewLabel("")
	changeLock := widget.NewButton(i18n.T("settings.change"), w.askAutoLock)

	// My profile.
	f := &s.profileFields
	f.name, f.org, f.title, f.email, f.phone = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	s.profileForm = widget.NewForm(
		widget.NewFormItem(i18n.T("card.field.name"), f.name),
		widget.NewFormItem(i18n.T("card.field.org"), f.org),
		widget.NewFormItem(i18n.T("card.field.title"), f.title),
		widget.NewFormItem(i18n.T("card.field.email"), f.email),
		widget.NewFormItem(i18n.T("card.field.phone"), f.phone),
	)
	s.profileMsg = widget.NewLabel("")
	s.profileMsg.Wrapping = fyne.TextWrapWord
	s.editProfile = widget.NewButtonWithIcon(i18n.T("settings.profile.edit"), theme.DocumentCreateIcon(), func() {
		w.editMyCard(s.profile) // saving it reloads the summary here
	})
	s.showCard = widget.NewButtonWithIcon(i18n.T("settings.profile.show"), theme.AccountIcon(), func() {
		w.showMyCard()
	})
	s.editProfile.Disable()
	s.showCard.Disable()

	section := func(title string, body ...fyne.CanvasObject) fyne.CanvasObject {
		return widget.NewCard(title, "", container.NewVBox(body...))
	}
	s.sync = newSyncSettings(w)
	s.sync.card = section(i18n.T("sync.section"), s.sync.view)
	s.view = container.NewVScroll(container.NewPadded(container.NewVBox(
		widget.NewLabelWithStyle(i18n.T("nav.settings"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		note(i18n.T("settings.intro")),
		section(i18n.T("settings.section.language"), s.lang, langNote),
		section(i18n.T("settings.section.appearance"), widget.NewForm(
			widget.NewFormItem(i18n.T("settings.theme"), s.theme),
			widget.NewFormItem(i18n.T("settings.scale"), s.scale))),
		section(i18n.T("settings.section.time"),
			widget.NewForm(widget.NewFormItem(i18n.T("settings.zone"), s.zone)),
			s.zoneHints,
			container.NewHBox(s.zoneApply, s.zoneSystem),
			s.zoneMsg,
			note(i18n.T("settings.zone.note"))),
		section(i18n.T("menu.security"), widget.NewForm(widget.NewFormItem(i18n.T("lock.autolock"),
			container.NewBorder(nil, nil, nil, changeLock, s.autoLock))), note(i18n.T("lock.autolock.note"))),
		s.sync.card,
		section(i18n.T("settings.section.profile"), note(i18n.T("settings.profile.note")), s.profileForm, s.profileMsg,
			container.NewHBox(s.editProfile, s.showCard)),
	)))
	s.showSaved()
	return s
}

// note is an explanatory paragraph.
func note(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (s *settingsScreen) content() fyne.CanvasObject { return s.view }

// load shows the saved settings (the auto-lock may have changed from the
// menu) and fetches my profile.
func (s *settingsScreen) load() {
	s.showSaved()
	s.loadProfile()
	s.sync.load()
}

// clear forgets my profile (the window locks); settings are not records.
func (s *settingsScreen) clear() {
	s.profile, s.profileLoaded = data.Profile{}, false
	s.showProfile()
	s.sync.clear()
}

// showSaved puts the saved settings into the widgets.
func (s *settingsScreen) showSaved() {
	p := s.w.app.Preferences()
	s.quiet = true
	defer func() { s.quiet = false }()
	s.lang.SetSelectedIndex(0)
	for i, l := range uiLanguages {
		if l.code == p.String(prefLanguage) {
			s.lang.SetSelectedIndex(i + 1)
		}
	}
	switch p.String(prefTheme) {
	case themeLight:
		s.theme.SetSelectedIndex(1)
	case themeDark:
		s.theme.SetSelectedIndex(2)
	default:
		s.theme.SetSelectedIndex(0)
	}
	s.scale.ClearSelected()
	scale := p.FloatWithFallback(prefScale, 1)
	for i, f := range uiScales {
		if f == scale {
			s.scale.SetSelectedIndex(i)
		}
	}
	s.zone.SetText(p.String(prefHomeZone))
	s.showZone()
	s.showAutoLock()
}

// setLanguage switches the whole window to the i-th language choice (0 is
// the OS's) and keeps it for the next start.
func (s *settingsScreen) setLanguage(i int) {
	if s.quiet || i < 0 {
		return
	}
	code, t := "", systemLanguage()
	if i > 0 {
		code = uiLanguages[i-1].code
		t = locale.Match(code)
	}
	w := s.w
	w.app.Preferences().SetString(prefLanguage, code)
	if locale.Code(t) == i18n.Language() {
		return // e.g. "System" when the OS's language is already shown
	}
	setLanguage(t)
	// Menus, tabs and every screen are built in the current language:
	// build them again, and come back here.
	w.rebuild()
	for j, x := range w.screens() {
		if x == w.settingsScr {
			w.tabs.SelectIndex(j)
		}
	}
}

func (s *settingsScreen) setTheme(i int) {
	if s.quiet || i < 0 {
		return
	}
	s.w.app.Preferences().SetString(prefTheme, []string{themeSystem, themeLight, themeDark}[i])
	applyAppearance(s.w.app)
}

func (s *settingsScreen) setScale(i int) {
	if s.quiet || i < 0 {
		return
	}
	s.w.app.Preferences().SetFloat(prefScale, uiScales[i])
	applyAppearance(s.w.app)
}

// showZoneHints lists the zones matching what is typed, to pick from.
func (s *settingsScreen) showZoneHints() {
	s.zoneHints.Objects = nil
	typed := s.zone.Text
	if typed != s.w.app.Preferences().String(prefHomeZone) {
		for _, z := range matchZones(typed, zoneNames(), maxZoneHints) {
			b := widget.NewButton(z, func() {
				s.zone.SetText(z)
				s.applyZone(z)
			})
			b.Alignment = widget.ButtonAlignLeading
			b.Importance = widget.LowImportance
			s.zoneHints.Add(b)
		}
	}
	s.zoneHints.Refresh()
}

// applyZone makes typed the home zone, or says why it cannot be.
func (s *settingsScreen) applyZone(typed string) {
	w := s.w
	name, loc, err := resolveZone(typed, zoneNames())
	if err != nil {
		s.zoneMsg.Importance = widget.DangerImportance
		s.zoneMsg.SetText(i18n.T("settings.zone.unknown", strings.TrimSpace(typed)))
		return
	}
	w.app.Preferences().SetString(prefHomeZone, name)
	w.homeZone = loc
	s.zone.SetText(name)
	s.showZone()
	// Home times are shown on the meeting screens: have them reloaded.
	if w.st != nil {
		w.changed()
	}
}

// showZone says which zone home time is in.
func (s *settingsScreen) showZone() {
	s.zoneMsg.Importance = widget.MediumImportance
	s.zoneMsg.SetText(i18n.T("settings.zone.current", zoneName(s.w.homeZone)))
	s.showZoneHints()
}

func (s *settingsScreen) showAutoLock() {
	if m := s.w.autoLockMinutes(); m > 0 {
		s.autoLock.SetText(i18n.T("lock.minutes", m))
	} else {
		s.autoLock.SetText(i18n.T("lock.never"))
	}
}

// loadProfile fetches my profile in the background.
func (s *settingsScreen) loadProfile() {
	w := s.w
	st := w.st
	if st == nil {
		return
	}
	w.background(func() {
		p, err := st.Profile(w.ctx)
		w.update(func() {
			if w.st != st || w.settingsScr != s {
				return // locked or rebuilt meanwhile
			}
			if err != nil {
				s.profileLoaded = false
				s.showProfile()
				s.profileMsg.Importance = widget.DangerImportance
				s.profileMsg.SetText(i18n.T("error.load", err.Error()))
				return
			}
			s.profile, s.profileLoaded = p, true
			s.showProfile()
		})
	})
}

func (s *settingsScreen) showProfile() {
	p, f := s.profile, &s.profileFields
	f.name.SetText(p.Name())
	f.org.SetText(p.Org)
	f.title.SetText(p.Title)
	f.email.SetText(p.Email)
	f.phone.SetText(strings.Join(nonEmptyStrings(p.Phone, p.Mobile), ", "))
	s.profileMsg.Importance = widget.MediumImportance
	s.profileMsg.SetText("")
	if s.profileLoaded && p.Empty() {
		s.profileMsg.SetText(i18n.T("settings.profile.none"))
	}
	if s.profileLoaded {
		s.editProfile.Enable()
		s.showCard.Enable()
	} else {
		s.editProfile.Disable()
		s.showCard.Disable()
	}
}
