package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Preferences of the appearance (see settings.go for the screen).
const (
	prefTheme = "theme"    // "light", "dark", or "" to follow the OS
	prefScale = "ui_scale" // a factor: 1 = 100 %
)

// Theme choices as stored under prefTheme.
const (
	themeSystem = ""
	themeLight  = "light"
	themeDark   = "dark"
)

// uiScales are the sizes offered; delegates use anything from a small
// laptop on a plant floor to a projector in a seminar room.
var uiScales = []float64{0.8, 0.9, 1, 1.1, 1.25, 1.5}

// appTheme is Fyne's default theme with the user's choice of light or dark
// and of size. Fyne has no API to force a variant or to scale one app
// (FYNE_THEME and FYNE_SCALE are per user, set outside the app), so a
// theme of our own is the sanctioned way: it answers for the variant Fyne
// asks about, and multiplies every size.
type appTheme struct {
	base    fyne.Theme
	variant fyne.ThemeVariant
	forced  bool // else the variant Fyne asks for (the OS's) is used
	scale   float32
}

// newAppTheme makes the theme for a stored choice; an unknown choice
// follows the OS and a scale out of range is 100 %, so a hand-edited
// preferences file cannot make the window unusable.
func newAppTheme(choice string, scale float64) *appTheme {
	t := &appTheme{base: theme.DefaultTheme(), scale: 1}
	switch choice {
	case themeLight:
		t.variant, t.forced = theme.VariantLight, true
	case themeDark:
		t.variant, t.forced = theme.VariantDark, true
	}
	if scale >= uiScales[0] && scale <= uiScales[len(uiScales)-1] {
		t.scale = float32(scale)
	}
	return t
}

func (t *appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.forced {
		v = t.variant
	}
	return t.base.Color(n, v)
}

func (t *appTheme) Font(s fyne.TextStyle) fyne.Resource { return t.base.Font(s) }

func (t *appTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

func (t *appTheme) Size(n fyne.ThemeSizeName) float32 { return t.base.Size(n) * t.scale }

// applyAppearance sets the theme from the saved preferences.
func applyAppearance(a fyne.App) {
	p := a.Preferences()
	a.Settings().SetTheme(newAppTheme(p.String(prefTheme), p.FloatWithFallback(prefScale, 1)))
}
