package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// searchScreen: PLACEHOLDER being replaced.
type searchScreen struct{ w *mainWindow }

func newSearchScreen(w *mainWindow) *searchScreen  { return &searchScreen{w: w} }
func (s *searchScreen) content() fyne.CanvasObject { return widget.NewLabel("") }
func (s *searchScreen) load()                      {}
func (s *searchScreen) clear()                     {}
func (s *searchScreen) focus()                     {}
