package gui

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fynelang "fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/language"

	"github.com/clusme/fieldbook/app/cli"
	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
)

// newSettingsWindow opens a window on a the way Run does (saved settings
// applied), with UI updates played by the test goroutine.
func newSettingsWindow(t *testing.T, a fyne.App, dir string) *mainWindow {
	t.Helper()
	w := openMainWindow(a, cli.GUIOptions{DataDir: dir})
	w.do = func(f func()) { uiQueue <- f }
	w.win.Show()
	t.Cleanup(w.close)
	w.open()
	waitFor(t, "missions", func() bool { return len(w.missions) > 0 })
	return w
}

// isolateLanguage restores the UI language and LANGUAGE after the test:
// the language is process-wide.
func isolateLanguage(t *testing.T) {
	t.Setenv("LANGUAGE", "")
	t.Cleanup(func() { i18n.SetLanguage(language.English) })
}

// showSettings selects the Settings tab and waits for my profile.
func showSettings(t *testing.T, w *mainWindow) *settingsScreen {
	t.Helper()
	w.showScreen(w.settingsScr)
	waitFor(t, "settings loaded", func() bool { return w.settingsScr.profileLoaded })
	return w.settingsScr
}

func selectOption(t *testing.T, s *widget.Select, option string) {
	t.Helper()
	for _, o := range s.Options {
		if o == option {
			s.SetSelected(option) // as a tap on the option does: OnChanged runs
			return
		}
	}
	t.Fatalf("no option %q in %q", option, s.Options)
}

func TestSettingsLanguageSwitchesTheWholeWindow(t *testing.T) {
	isolateLanguage(t)
	a := test.NewTempApp(t)
	w := newSettingsWindow(t, a, seeded(t))
	s := showSettings(t, w)
	if s.lang.Options[0] != i18n.T("settings.system", languageName(systemLanguage())) || s.lang.SelectedIndex() != 0 {
		t.Fatalf("language choices %q, selected %d", s.lang.Options, s.lang.SelectedIndex())
	}

	selectOption(t, s.lang, "Suomi")
	waitFor(t, "Finnish window", func() bool { return w.tabs.Items[0].Text == "Matkat" })
	wantTabs := []string{"Matkat", "Tapaamiset", "Seminaarit", "", "", "", "Asetukset"}
	for i, want := range wantTabs {
		if want != "" && w.tabs.Items[i].Text != want {
			t.Errorf("tab %d is %q, want %q", i, w.tabs.Items[i].Text, want)
		}
	}
	if got := w.win.MainMenu().Items[0].Label; got != "Tiedosto" {
		t.Errorf("first menu %q", got)
	}
	if w.tabs.SelectedIndex() != 6 || w.currentScreen() != w.settingsScr {
		t.Errorf("tab %d selected after the switch, want Settings", w.tabs.SelectedIndex())
	}
	s = w.settingsScr
	if s == nil || s.lang.Selected != "Suomi" || s.theme.Options[1] != "Vaalea" {
		t.Fatalf("settings screen not rebuilt in Finnish: %q %q", s.lang.Selected, s.theme.Options)
	}
	if !strings.Contains(w.status.Text, "matka") {
		t.Errorf("status %q", w.status.Text)
	}
	if a.Preferences().String(prefLanguage) != "fi" {
		t.Errorf("saved language %q", a.Preferences().String(prefLanguage))
	}

	selectOption(t, s.lang, "Русский")
	waitFor(t, "Russian window", func() bool { return w.tabs.Items[6].Text == "Настройки" })

	selectOption(t, w.settingsScr.lang, "English")
	waitFor(t, "English window", func() bool { return w.tabs.Items[0].Text == "Missions" })
	if w.tabs.Items[6].Text != "Settings" || w.win.MainMenu().Items[0].Label != "File" || i18n.Language() != "en" {
		t.Errorf("not back in English: %q %q %s", w.tabs.Items[6].Text, w.win.MainMenu().Items[0].Label, i18n.Language())
	}
	if w.tabs.SelectedIndex() != 6 {
		t.Errorf("tab %d selected", w.tabs.SelectedIndex())
	}
}

func TestSettingsThemeAndScale(t *testing.T) {
	isolateLanguage(t)
	a := test.NewTempApp(t)
	w := newSettingsWindow(t, a, seeded(t))
	s := showSettings(t, w)
	light := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantLight)
	dark := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark)
	if light == dark {
		t.Fatal("the default theme's light and dark backgrounds are alike")
	}

	selectOption(t, s.theme, "Dark")
	// Fyne asks for the OS's variant; the choice overrides it.
	if got := a.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight); got != dark {
		t.Errorf("dark theme background %v, want %v", got, dark)
	}
	selectOption(t, s.theme, "Light")
	if got := a.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantDark); got != light {
		t.Errorf("light theme background %v, want %v", got, light)
	}
	selectOption(t, s.theme, "System")
	if got := a.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantDark); got != dark {
		t.Errorf("system theme asked for dark gives %v", got)
	}
	selectOption(t, s.theme, "Dark")

	base := theme.DefaultTheme().Size(theme.SizeNameText)
	selectOption(t, s.scale, "125%")
	if got := theme.Size(theme.SizeNameText); math.Abs(float64(got-base*1.25)) > 1e-4 {
		t.Errorf("text size at 125%% is %v, want %v", got, base*1.25)
	}
	if got := theme.Size(theme.SizeNamePadding); math.Abs(float64(got-theme.DefaultTheme().Size(theme.SizeNamePadding)*1.25)) > 1e-4 {
		t.Errorf("padding at 125%% is %v", got)
	}
	if img := w.win.Canvas().Capture(); img.Bounds().Dx() == 0 {
		t.Fatal("nothing rendered with the scaled theme")
	}

	p := a.Preferences()
	if p.String(prefTheme) != "dark" || p.Float(prefScale) != 1.25 {
		t.Errorf("saved theme %q, scale %v", p.String(prefTheme), p.Float(prefScale))
	}

	// Another start on the same app (the same preferences) applies them.
	a.Settings().SetTheme(theme.DefaultTheme())
	w.close()
	w2 := newSettingsWindow(t, a, w.opt.DataDir)
	if got := theme.Size(theme.SizeNameText); math.Abs(float64(got-base*1.25)) > 1e-4 {
		t.Errorf("text size after restart %v", got)
	}
	if got := a.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight); got != dark {
		t.Errorf("theme after restart is not dark")
	}
	s2 := showSettings(t, w2)
	if s2.theme.Selected != "Dark" || s2.scale.Selected != "125%" {
		t.Errorf("settings after restart show %q, %q", s2.theme.Selected, s2.scale.Selected)
	}
}

func TestSettingsHomeZone(t *testing.T) {
	isolateLanguage(t)
	a := test.NewTempApp(t)
	w := newSettingsWindow(t, a, seeded(t))
	s := showSettings(t, w)

	// Type part of the city, pick it from the suggestions.
	test.Type(s.zone, "tashk")
	hint := findButton(s.zoneHints, "Asia/Tashkent")
	if hint == nil {
		t.Fatalf("no suggestion for tashk: %s", buttonTexts(s.zoneHints))
	}
	test.Tap(hint)
	if w.homeZone.String() != "Asia/Tashkent" || a.Preferences().String(prefHomeZone) != "Asia/Tashkent" {
		t.Fatalf("home zone %s, saved %q", w.homeZone, a.Preferences().String(prefHomeZone))
	}
	if !strings.Contains(s.zoneMsg.Text, "Asia/Tashkent") || len(s.zoneHints.Objects) != 0 {
		t.Errorf("after picking: %q, %d hints", s.zoneMsg.Text, len(s.zoneHints.Objects))
	}

	// The meetings show home time in Tashkent.
	w.showScreen(w.meetingsScr)
	waitFor(t, "meetings", func() bool { return len(w.meetingsScr.meetings) > 0 })
	m := w.meetingsScr.meetings[0]
	w.meetingsScr.reveal(m.ID)
	tashkent, _ := time.LoadLocation("Asia/Tashkent")
	home := m.Start.In(tashkent)
	want := i18n.T("meeting.when.home", formatDate(data.DateOf(home)), home.Format("15:04"), "Asia/Tashkent")
	waitFor(t, "home time in Tashkent", func() bool { return containsText(w.meetingsScr.detail, want) })

	// Nonsense is refused with a message, and nothing changes.
	s = showSettings(t, w)
	s.zone.SetText("Mars/Olympus_Mons")
	test.Tap(s.zoneApply)
	if !strings.Contains(s.zoneMsg.Text, "Mars/Olympus_Mons") || s.zoneMsg.Importance != widget.DangerImportance {
		t.Errorf("message %q", s.zoneMsg.Text)
	}
	if w.homeZone.String() != "Asia/Tashkent" || a.Preferences().String(prefHomeZone) != "Asia/Tashkent" {
		t.Errorf("an invalid zone changed the home zone to %s", w.homeZone)
	}

	// A city typed in full and Enter: case and spaces do not matter.
	s.zone.SetText("")
	test.Type(s.zone, "johannesburg")
	s.zone.OnSubmitted(s.zone.Text)
	if w.homeZone.String() != "Africa/Johannesburg" || s.zone.Text != "Africa/Johannesburg" {
		t.Errorf("typed johannesburg: %s, entry %q", w.homeZone, s.zone.Text)
	}

	// Restarting keeps it; the system zone clears it.
	w.close()
	w2 := newSettingsWindow(t, a, w.opt.DataDir)
	if w2.homeZone.String() != "Africa/Johannesburg" {
		t.Errorf("home zone after restart %s", w2.homeZone)
	}
	s2 := showSettings(t, w2)
	if s2.zone.Text != "Africa/Johannesburg" {
		t.Errorf("entry after restart %q", s2.zone.Text)
	}
	test.Tap(s2.zoneSystem)
	if w2.homeZone != time.Local || a.Preferences().String(prefHomeZone) != "" || s2.zone.Text != "" {
		t.Errorf("system zone: %s, saved %q", w2.homeZone, a.Preferences().String(prefHomeZone))
	}
}

func TestResolveAndMatchZones(t *testing.T) {
	names := readZoneNames(t.TempDir()) // no tables: the built-in list
	for _, z := range []string{"Europe/Helsinki", "Europe/Tallinn", "Africa/Johannesburg", "Asia/Tashkent", "Europe/Moscow", "UTC"} {
		if _, err := time.LoadLocation(z); err != nil {
			t.Errorf("built-in zone %s does not load: %v", z, err)
		}
		if !contains(names, z) {
			t.Errorf("built-in list lacks %s", z)
		}
	}
	if sys := zoneNames(); len(sys) < len(commonZones) || !contains(sys, "Europe/Tallinn") {
		t.Errorf("zone list from the OS: %d names", len(sys))
	}
	if got := matchZones("new york", names, 8); len(got) == 0 || got[0] != "America/New_York" {
		t.Errorf("new york → %q", got)
	}
	if got := matchZones("europe/", names, 3); len(got) != 3 || !strings.HasPrefix(got[0], "Europe/") {
		t.Errorf("europe/ → %q", got)
	}
	for typed, want := range map[string]string{
		"europe/helsinki": "Europe/Helsinki", " Tallinn ": "Europe/Tallinn", "Etc/GMT-5": "Etc/GMT-5", "": "",
	} {
		name, loc, err := resolveZone(typed, names)
		if err != nil || name != want || loc == nil {
			t.Errorf("resolveZone(%q) = %q, %v, %v", typed, name, loc, err)
		}
	}
	for _, typed := range []string{"Mars/Olympus", "Local", "../etc/passwd", "Europe"} {
		if _, _, err := resolveZone(typed, names); !errors.Is(err, errUnknownZone) {
			t.Errorf("resolveZone(%q) accepted", typed)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestSettingsDefaultLanguageFromOSLocale(t *testing.T) {
	cases := []struct {
		env    map[string]string
		native []string
		want   language.Tag
	}{
		{map[string]string{"LANG": "fi_FI.UTF-8"}, nil, language.Finnish},
		{map[string]string{"LANG": "et_EE"}, nil, language.Estonian},
		{map[string]string{"LANG": "ru_RU.UTF-8"}, nil, language.Russian},
		{map[string]string{"LANG": "de_DE"}, nil, language.English},
		{map[string]string{"LANG": "en_GB.UTF-8", "LC_ALL": "et_EE.UTF-8"}, nil, language.Estonian},
		{map[string]string{"LANG": "en_GB.UTF-8", "LC_MESSAGES": "ru_RU.UTF-8"}, nil, language.Russian},
		// LANGUAGE lists preferences, and comes first, as in gettext …
		{map[string]string{"LANG": "de_DE.UTF-8", "LANGUAGE": "sv:fi"}, nil, language.Finnish},
		// … unless the locale is C, which turns translations off.
		{map[string]string{"LANG": "C", "LANGUAGE": "fi"}, nil, language.English},
		// Windows and macOS: nothing in the environment, the OS's list.
		{map[string]string{}, []string{"ru-RU", "en-US"}, language.Russian},
		{map[string]string{"LANG": "fi_FI.UTF-8"}, []string{"ru-RU"}, language.Finnish},
		{map[string]string{}, nil, language.English},
	}
	for _, c := range cases {
		var native func() ([]string, error)
		if c.native != nil {
			native = func() ([]string, error) { return c.native, nil }
		}
		if got := osLanguage(func(k string) string { return c.env[k] }, native); got != c.want {
			t.Errorf("%v %v → %s, want %s", c.env, c.native, got, c.want)
		}
	}
}

func TestSettingsLanguageSavedAndAppliedAtStart(t *testing.T) {
	isolateLanguage(t)
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, "et")
	w := newSettingsWindow(t, a, seeded(t))
	if i18n.Language() != "et" || w.tabs.Items[6].Text != "Seaded" {
		t.Fatalf("saved Estonian not applied: %s, %q", i18n.Language(), w.tabs.Items[6].Text)
	}
	s := showSettings(t, w)
	if s.lang.Selected != "Eesti" {
		t.Errorf("language shown %q", s.lang.Selected)
	}
	w.close()
	// --lang wins over the saved choice for that run.
	w2 := openMainWindow(a, cli.GUIOptions{DataDir: t.TempDir(), Lang: language.Russian, LangSet: true})
	t.Cleanup(w2.close)
	if i18n.Language() != "ru" || w2.tabs.Items[6].Text != "Настройки" {
		t.Errorf("--lang ru not applied: %s", i18n.Language())
	}
	// Back to the OS's language.
	selectOption(t, w2.settingsScr.lang, w2.settingsScr.lang.Options[0])
	if a.Preferences().String(prefLanguage) != "" || i18n.Language() != locale.Code(systemLanguage()) {
		t.Errorf("system language: saved %q, shown %s", a.Preferences().String(prefLanguage), i18n.Language())
	}
}

func TestSettingsProfileSummary(t *testing.T) {
	isolateLanguage(t)
	a := test.NewTempApp(t)
	w := newSettingsWindow(t, a, seeded(t))
	s := showSettings(t, w)
	if s.editProfile.Disabled() || !s.profile.Empty() || s.profileMsg.Text != i18n.T("settings.profile.none") {
		t.Errorf("no profile yet: edit disabled %v, message %q", s.editProfile.Disabled(), s.profileMsg.Text)
	}
	// Edit through the screen's button: the form opens with my card;
	// saving it (as its Save button does) updates the summary.
	test.Tap(s.editProfile)
	if w.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no profile form")
	}
	p := data.Profile{GivenName: "Aino", FamilyName: "Mäkinen", Org: "Hydroset Oy", Title: "Myyntijohtaja",
		Email: "aino.makinen@hydroset.example", Phone: "+358 40 123 4567"}
	saved := false
	w.saveMyCard(p, func(err error) { saved = err == nil })
	waitFor(t, "saved", func() bool { return saved })
	for o := w.win.Canvas().Overlays().Top(); o != nil; o = w.win.Canvas().Overlays().Top() {
		w.win.Canvas().Overlays().Remove(o)
	}
	waitFor(t, "summary", func() bool { return s.profileFields.name.Text == "Aino Mäkinen" })
	if s.profileFields.org.Text != "Hydroset Oy" || s.profileFields.email.Text != p.Email || s.profileFields.phone.Text != p.Phone {
		t.Errorf("summary %q %q %q", s.profileFields.org.Text, s.profileFields.email.Text, s.profileFields.phone.Text)
	}
	// The auto-lock shown follows the preference however it is changed.
	a.Preferences().SetInt(prefAutoLock, 5)
	waitFor(t, "auto-lock", func() bool { return s.autoLock.Text == i18n.T("lock.minutes", 5) })
}

// Fyne's own strings (dialog buttons, file dialogs) follow the language
// chosen, where Fyne has it (Russian; not Finnish or Estonian).
func TestSettingsLanguageReachesFyneStrings(t *testing.T) {
	isolateLanguage(t)
	t.Setenv("LANG", "en_US.UTF-8")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	setLanguage(language.Russian)
	if got := fynelang.L("Cancel"); got != "Отмена" {
		t.Errorf("Fyne's Cancel in Russian is %q", got)
	}
	setLanguage(language.Finnish)
	if got := fynelang.L("Cancel"); got != "Cancel" {
		t.Errorf("Fyne's Cancel with Finnish (which Fyne lacks) is %q", got)
	}
	setLanguage(language.English)
	if got := fynelang.L("Cancel"); got != "Cancel" {
		t.Errorf("Fyne's Cancel in English is %q", got)
	}
}
