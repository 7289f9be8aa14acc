package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The main screens, with the sample data, are compared with their markup
// in testdata/golden (written by Fyne's test renderer: every widget, text
// and position). A change in what a screen shows fails here; when it is
// intended, copy testdata/failed/golden/*.xml over the golden files.
func TestGoldenMainScreens(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	w.win.Resize(fyne.NewSize(1180, 720))
	waitFor(t, "the Tashkent itinerary", func() bool { return countMeetings(w.missionsScr.rows) == 13 && len(w.missionsScr.people.Objects) > 0 })
	test.AssertRendersToMarkup(t, "golden/missions.xml", w.win.Canvas())

	// The Richards Bay plant visit, on the Meetings screen.
	w.missionSelect.SetSelectedIndex(1)
	waitFor(t, "Richards Bay", func() bool { return countMeetings(w.missionsScr.rows) == 15 })
	w.openRecord(w.missionsScr.rows[1].meeting)
	waitFor(t, "the meeting", func() bool { return w.tabs.SelectedIndex() == 1 && len(w.meetingsScr.meetings) == 15 })
	test.AssertRendersToMarkup(t, "golden/meeting.xml", w.win.Canvas())
}
