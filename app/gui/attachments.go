package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/data"
)

// PLACEHOLDER being replaced: the attachments of a record.
func (w *mainWindow) attachmentsBox(owner data.ID) fyne.CanvasObject { return widget.NewLabel("") }
