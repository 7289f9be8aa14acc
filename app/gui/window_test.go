package gui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/language"

	"github.com/clusme/fieldbook/app/cli"
	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/sample"
	"github.com/clusme/fieldbook/data/store"
)

// uiQueue carries the window's UI updates to the test goroutine, which
// plays the UI goroutine: updates run one at a time, in order, as with
// fyne.Do in the real app (Fyne's test driver would run them at once on
// the calling goroutine instead).
var uiQueue = make(chan func(), 1000)

// waitFor runs queued UI updates until cond holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(90 * time.Second) // generous: Argon2id and conversions under -race on a busy 2-core machine
	for !cond() {
		select {
		case f := <-uiQueue:
			f()
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
	// Finish updates already queued, so the state is settled.
	for {
		select {
		case f := <-uiQueue:
			f()
		case <-time.After(50 * time.Millisecond):
			return
		}
	}
}

func newTestWindow(t *testing.T, dir string) *mainWindow {
	t.Helper()
	a := test.NewTempApp(t)
	i18n.SetLanguage(language.English)
	w := newMainWindow(a, cli.GUIOptions{DataDir: dir})
	w.homeZone, _ = time.LoadLocation("Europe/Helsinki")
	w.do = func(f func()) { uiQueue <- f }
	w.win.Show()
	t.Cleanup(w.close)
	w.open()
	return w
}

func seeded(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sample.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	st.Close()
	return dir
}

func findButton(o fyne.CanvasObject, text string) *widget.Button {
	switch x := o.(type) {
	case *widget.Button:
		if x.Text == text {
			return x
		}
	case *fyne.Container:
		for _, c := range x.Objects {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	}
	return nil
}

func TestMainWindowShowsMissionsAndMeetingsFromTheStore(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	ms := w.missionsScr
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 })
	// Newest first: Tashkent (May) before Richards Bay (March); its
	// itinerary has a heading per day and its 13 meetings.
	waitFor(t, "Tashkent itinerary", func() bool { return countMeetings(ms.rows) == 13 })
	if w.missions[0].Country != "UZ" || ms.name.Text != w.missions[0].Name || w.missionSelect.Selected != w.missions[0].Name {
		t.Errorf("first mission %q, header %q, selector %q", w.missions[0].Name, ms.name.Text, w.missionSelect.Selected)
	}
	if !strings.Contains(w.status.Text, "2 missions") || !strings.Contains(w.status.Text, "28 meetings") {
		t.Errorf("status %q", w.status.Text)
	}
	if !strings.Contains(ms.counts.Text, "13 meetings") {
		t.Errorf("counts %q", ms.counts.Text)
	}
	if ms.rows[0].meeting != nil || ms.rows[1].meeting == nil {
		t.Errorf("the itinerary does not start with a day heading: %+v", ms.rows[:2])
	}
	for i := 1; i < len(ms.rows); i++ {
		if r := ms.rows[i]; r.meeting != nil && data.DateOf(r.meeting.Local()) != r.day {
			t.Errorf("row %d: meeting on %s under %s", i, data.DateOf(r.meeting.Local()), r.day)
		}
	}
	people := allText(ms.people) + buttonTexts(ms.people)
	for _, want := range []string{"Member companies", "Delegates", "Host companies"} {
		if !strings.Contains(people, want) {
			t.Errorf("mission view lacks %q: %s", want, people)
		}
	}

	// Choosing the other mission in the selector switches every screen.
	w.missionSelect.SetSelectedIndex(1)
	waitFor(t, "Richards Bay itinerary", func() bool { return ms.name.Text == w.missions[1].Name && countMeetings(ms.rows) == 15 })

	// A meeting in the itinerary opens on the Meetings screen.
	first := ms.rows[1].meeting
	ms.itinerary.Select(1)
	waitFor(t, "the meeting's detail", func() bool { return w.tabs.SelectedIndex() == 1 && containsText(w.meetingsScr.detail, first.Title) })
	text := allText(w.meetingsScr.detail)
	if !strings.Contains(text, first.Notes) {
		t.Fatalf("detail does not show the notes: %s", text)
	}
	// Mission time (Johannesburg, UTC+2) and home time (Helsinki, UTC+2 in
	// March) are both shown.
	if !strings.Contains(text, "Africa/Johannesburg") || !strings.Contains(text, "Europe/Helsinki") {
		t.Fatalf("detail lacks mission or home time: %s", text)
	}
	if len(w.meetingsScr.meetings) != 15 {
		t.Fatalf("meetings screen has %d meetings", len(w.meetingsScr.meetings))
	}
	img := w.win.Canvas().Capture()
	if img.Bounds().Dx() == 0 {
		t.Fatal("nothing rendered")
	}
}

func countMeetings(rows []itineraryRow) int {
	n := 0
	for _, r := range rows {
		if r.meeting != nil {
			n++
		}
	}
	return n
}

// buttonTexts collects the text of every button below o.
func buttonTexts(o fyne.CanvasObject) string {
	switch x := o.(type) {
	case *widget.Button:
		return x.Text + "\n"
	case *fyne.Container:
		var b strings.Builder
		for _, c := range x.Objects {
			b.WriteString(buttonTexts(c))
		}
		return b.String()
	}
	return ""
}

func TestEmptyStoreOffersSampleData(t *testing.T) {
	w := newTestWindow(t, t.TempDir())
	var btn *widget.Button
	waitFor(t, "the offer to load samples", func() bool {
		btn = findButton(w.body, i18n.T("empty.load"))
		return btn != nil
	})
	test.Tap(btn)
	waitFor(t, "sample missions", func() bool { return len(w.missions) == 2 && len(w.missionsScr.rows) > 0 })
}

func TestDataDirInUseIsShown(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w := newTestWindow(t, dir)
	waitFor(t, "the error", func() bool { return findButton(w.body, i18n.T("action.quit")) != nil })
	var found bool
	found = containsText(w.body, "in use by another Fieldbook")
	if !found {
		t.Fatal("the window does not say the data is in use")
	}
}

func containsText(o fyne.CanvasObject, s string) bool { return strings.Contains(allText(o), s) }

// allText collects the text of every label below o, one per line.
func allText(o fyne.CanvasObject) string {
	switch x := o.(type) {
	case *widget.Label:
		return x.Text + "\n"
	case *widget.Form:
		var b strings.Builder
		for _, it := range x.Items {
			b.WriteString(it.Text + "\n" + allText(it.Widget))
		}
		return b.String()
	case *fyne.Container:
		var b strings.Builder
		for _, c := range x.Objects {
			b.WriteString(allText(c))
		}
		return b.String()
	}
	return ""
}

func TestFinnishWindow(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	defer i18n.SetLanguage(language.English)
	i18n.SetLanguage(language.Finnish)
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 && len(w.missionsScr.rows) > 0 })
	w.reload()
	waitFor(t, "Finnish status", func() bool { return strings.Contains(w.status.Text, "matkaa") })
	if got := formatDate("2026-03-10"); got != "10.3.2026" {
		t.Fatalf("Finnish date %q", got)
	}
}

// A B2B seminar's meeting shows its place on the agenda, and opens the
// seminar's room grid with the meeting selected.
func TestSeminarMeetingOpensItsRoomGrid(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 })
	w.missionSelect.SetSelectedIndex(1) // Richards Bay
	w.showScreen(w.meetingsScr)
	waitFor(t, "Richards Bay meetings", func() bool { return len(w.meetingsScr.meetings) == 15 })
	var m *data.Meeting
	for _, x := range w.meetingsScr.meetings {
		if x.Seminar != "" {
			m = x
			break
		}
	}
	if m == nil {
		t.Fatal("no seminar meeting in the sample")
	}
	w.meetingsScr.reveal(m.ID)
	waitFor(t, "the meeting", func() bool { return containsText(w.meetingsScr.detail, m.Title) })
	if text := allText(w.meetingsScr.detail); !strings.Contains(text, "Table ") || !strings.Contains(text, "Held") {
		t.Fatalf("no agenda place in the detail: %s", text)
	}
	test.Tap(findButton(w.meetingsScr.detail, i18n.T("meeting.agenda.open")))
	waitFor(t, "the room grid with the meeting", func() bool {
		return w.currentScreen() == w.seminarsScr && w.seminarsScr.selected == m.ID && containsText(w.seminarsScr.panel, m.Title)
	})
}
