package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/data"
)

// followupsScreen: PLACEHOLDER being replaced.
type followupsScreen struct{ w *mainWindow }

func newFollowupsScreen(w *mainWindow) *followupsScreen { return &followupsScreen{w: w} }
func (s *followupsScreen) content() fyne.CanvasObject   { return widget.NewLabel("") }
func (s *followupsScreen) load()                        {}
func (s *followupsScreen) clear()                       {}
func (s *followupsScreen) reveal(id data.ID)            {}

// followUpFromMeeting creates a follow-up from m in one click.
func (w *mainWindow) followUpFromMeeting(m *data.Meeting) {}
