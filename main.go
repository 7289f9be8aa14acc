// Command fieldbook is an offline-first notebook for trade-mission
// delegations: meetings, business cards, follow-ups and documents, in a
// Fyne GUI or as headless commands. See README.md and DESIGN.md.
package main

import (
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/clusme/fieldbook/app/cli"
	"github.com/clusme/fieldbook/app/gui"
	_ "github.com/clusme/fieldbook/app/posixlocale" // before Fyne reads the locale
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr, func(opt cli.GUIOptions) error {
		return gui.Run(fyneapp.NewWithID(gui.AppID), opt)
	}))
}
