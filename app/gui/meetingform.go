package gui

import "github.com/clusme/fieldbook/data"

// PLACEHOLDER being replaced: the quick meeting capture.
func (w *mainWindow) newMeeting()                 {}
func (w *mainWindow) editMeeting(m *data.Meeting) {}
