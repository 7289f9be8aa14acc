package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// settingsScreen: PLACEHOLDER being replaced.
type settingsScreen struct{ w *mainWindow }

func newSettingsScreen(w *mainWindow) *settingsScreen { return &settingsScreen{w: w} }
func (s *settingsScreen) content() fyne.CanvasObject  { return widget.NewLabel("") }
func (s *settingsScreen) load()                       {}
func (s *settingsScreen) clear()                      {}
