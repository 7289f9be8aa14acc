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

	"github.com/clusme/fieldbook/app/cli"
	"github.com/clusme/fieldbook/resources"
)

// AppID is the application ID (also in FyneApp.toml).
const AppID = "eu.clusme.fieldbook"

// Run shows the main window on a, with the settings saved on this computer
// applied (see settings.go), and blocks until the app quits; the store is
// closed before it returns.
func Run(a fyne.App, opt cli.GUIOptions) error {
	a.SetIcon(fyne.NewStaticResource("icon.png", resources.Icon()))
	w := openMainWindow(a, opt)
	w.win.Show()
	w.open()
	a.Run()
	w.close()
	return nil
}

// prefLanguage is the language chosen in Settings ("fi"); "" follows the
// OS. --lang overrides it for one run.
const prefLanguage = "language"
