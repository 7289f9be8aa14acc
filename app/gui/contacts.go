package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/data"
)

// contactsScreen: PLACEHOLDER being replaced.
type contactsScreen struct{ w *mainWindow }

func newContactsScreen(w *mainWindow) *contactsScreen { return &contactsScreen{w: w} }
func (s *contactsScreen) content() fyne.CanvasObject  { return widget.NewLabel("") }
func (s *contactsScreen) load()                       {}
func (s *contactsScreen) clear()                      {}
func (s *contactsScreen) reveal(rec data.Record)      {}
