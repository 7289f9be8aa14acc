// Package gui holds Fieldbook's Fyne desktop interface. It is the only
// package that imports fyne.io/fyne/v2, and it does not import Fyne's app
// driver (main does), so its screens are tested headless with
// fyne.io/fyne/v2/test against a real store.
//
// Threading: store calls run on goroutines, never on the UI goroutine; their
// results come back through fyne.Do.
package gui

import (
	"fyne.io/fyne/v2"
	"os"
	"runtime/debug"

	"github.com/clusme/fieldbook/app/cli"
	"github.com/clusme/fieldbook/resources"
)

// AppID is the application ID (also in FyneApp.toml).
const AppID = "eu.clusme.fieldbook"

// Run shows the main window on a, with the settings saved on this computer
// applied (see settings.go), and blocks until the app quits; the store is
// closed before it returns.
func Run(a fyne.App, opt cli.GUIOptions) error {
	// The app runs all day on a laptop beside other programs. Go lets the
	// heap grow to twice the live data between collections; loading a
	// big list makes short-lived garbage, so a soft limit keeps the
	// footprint near what is in use (GOMEMLIMIT, if set, wins).
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(guiMemoryLimit)
	}
	a.SetIcon(fyne.NewStaticResource("icon.png", resources.Icon()))
	w := openMainWindow(a, opt)
	w.win.Show()
	w.open()
	a.Run()
	w.close()
	return nil
}

// guiMemoryLimit is the Go heap the GUI aims to stay under (a soft limit:
// the collector works harder near it, it never fails an allocation).
const guiMemoryLimit = 96 << 20

// prefLanguage is the language chosen in Settings ("fi"); "" follows the
// OS. --lang overrides it for one run.
const prefLanguage = "language"
