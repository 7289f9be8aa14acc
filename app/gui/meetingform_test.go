package gui

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// walk visits o and everything below it, depth first, until visit says
// stop; it looks into pop-ups (dialogs), scrolls, splits and forms.
func walk(o fyne.CanvasObject, visit func(fyne.CanvasObject) bool) bool {
	if o == nil {
		return false
	}
	if visit(o) {
		return true
	}
	switch x := o.(type) {
	case *widget.PopUp:
		return walk(x.Content, visit)
	case *fyne.Container:
		for _, c := range x.Objects {
			if walk(c, visit) {
				return true
			}
		}
	case *container.Scroll:
		return walk(x.Content, visit)
	case *container.Split:
		return walk(x.Leading, visit) || walk(x.Trailing, visit)
	case *widget.Form:
		for _, it := range x.Items {
			if walk(it.Widget, visit) {
				return true
			}
		}
	}
	return false
}

// eventually polls cond, running queued UI updates meanwhile: for
// conditions no UI update announces, such as a background write finishing.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		select {
		case f := <-uiQueue:
			f()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// topDialog is the dialog shown on top of the window, if any.
func topDialog(w *mainWindow) fyne.CanvasObject { return w.win.Canvas().Overlays().Top() }

// dialogButton finds the button with text in the top dialog.
func dialogButton(w *mainWindow, text string) *widget.Button {
	var found *widget.Button
	walk(topDialog(w), func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
			return true
		}
		return false
	})
	return found
}

// dialogText collects the labels of the top dialog.
func dialogText(w *mainWindow) string {
	var b strings.Builder
	walk(topDialog(w), func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
		return false
	})
	return b.String()
}

// pickerButton waits for the type-ahead of p to offer text, and returns it.
func pickerButton(t *testing.T, p *picker, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	waitFor(t, "the type-ahead to offer "+text, func() bool {
		for _, o := range p.results.Objects {
			if b, ok := o.(*widget.Button); ok && b.Text == text {
				found = b
				return true
			}
		}
		return false
	})
	return found
}

// retype replaces an entry's text by typing, as a person would after
// selecting all.
func retype(e *entry, s string) {
	e.SetText("")
	test.Type(e, s)
}

// openForm opens the capture form with Ctrl+N's action and returns it,
// checking it is on the window, on top, with the cursor in the title.
func openForm(t *testing.T, w *mainWindow) *meetingForm {
	t.Helper()
	w.newMeeting()
	f := w.captureState().form
	if f == nil {
		t.Fatalf("no capture form; the window shows: %s", dialogText(w))
	}
	if !holds(topDialog(w), f.root) {
		t.Fatal("the capture form is not the top dialog")
	}
	if dialogButton(w, i18n.T("action.save")) == nil {
		t.Fatal("the capture dialog has no Save button")
	}
	if w.win.Canvas().Focused() != f.title {
		t.Fatalf("focus is on %T, not the title", w.win.Canvas().Focused())
	}
	return f
}

// meetingsOf lists a mission's meetings straight from the store.
func meetingsOf(t *testing.T, st *store.Store, mission data.ID) []*data.Meeting {
	t.Helper()
	recs, err := st.List(context.Background(), store.Query{Kind: data.KindMeeting, Mission: mission})
	if err != nil {
		t.Fatal(err)
	}
	var out []*data.Meeting
	for _, r := range recs {
		out = append(out, r.(*data.Meeting))
	}
	return out
}

func meetingTitled(t *testing.T, st *store.Store, mission data.ID, title string) *data.Meeting {
	t.Helper()
	for _, m := range meetingsOf(t, st, mission) {
		if m.Title == title {
			return m
		}
	}
	return nil
}

// storedDraft reads the draft setting; nil when there is none.
func storedDraft(t *testing.T, st *store.Store) *meetingDraft {
	t.Helper()
	var d *meetingDraft
	if err := st.Setting(context.Background(), settingDraft, &d); err != nil && !errors.Is(err, data.ErrNotFound) {
		t.Fatal(err)
	}
	return d
}

// tashkent waits for the sample missions and returns the current one,
// the Tashkent mission (newest first).
func tashkent(t *testing.T, w *mainWindow) *data.Mission {
	t.Helper()
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 && w.mission() != nil })
	m := w.mission()
	if m.TimeZone != "Asia/Tashkent" {
		t.Fatalf("current mission %s in %s", m.Name, m.TimeZone)
	}
	return m
}

func TestMeetingCapturedByTypingAndTapping(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	mission := tashkent(t, w)
	f := openForm(t, w)

	// The defaults: shared, 30 minutes, in mission time.
	if f.conf.Selected != i18n.T("confidentiality.shared") || f.duration.Text != "30" || f.interest.Selected != i18n.T("capture.interest.none") {
		t.Fatalf("defaults: %q, %q min, %q", f.conf.Selected, f.duration.Text, f.interest.Selected)
	}
	test.Type(f.title, "Pump station visit")
	retype(f.date, "2026-05-19")
	retype(f.clock, "14:30")
	// 14:30 in Tashkent (UTC+5) is 12:30 in Helsinki (UTC+3 in May).
	if !strings.Contains(f.when.Text, "14:30") || !strings.Contains(f.when.Text, "Asia/Tashkent") ||
		!strings.Contains(f.when.Text, "12:30") || !strings.Contains(f.when.Text, "Europe/Helsinki") {
		t.Fatalf("when shows %q", f.when.Text)
	}
	retype(f.duration, "45")
	f.kind.SetSelected(i18n.T("meeting.kind.plant_visit"))
	test.Type(f.location, "Chirchiq pumping station")

	// Organizations, attendees and delegates by type-ahead.
	test.Type(f.orgs.entry, "тошкент сув")
	test.Tap(pickerButton(t, f.orgs, "ТОШКЕНТ СУВ ХИЗМАТИ АЖ"))
	if f.orgs.entry.Text != "" || len(f.orgs.picks) != 1 || len(f.orgs.chips.Objects) != 1 {
		t.Fatalf("after picking: entry %q, picks %v", f.orgs.entry.Text, f.orgs.picks)
	}
	test.Type(f.attendees.entry, "Дилноза")
	test.Tap(pickerButton(t, f.attendees, "Дилноза Юсупова"))
	test.Type(f.attendees.entry, "Ирина")
	test.Tap(pickerButton(t, f.attendees, "Ирина Ким"))
	test.Type(f.delegates.entry, "Kadri")
	test.Tap(pickerButton(t, f.delegates, "Kadri Lõhmus"))
	// A chip removes its pick.
	chip := f.attendees.chips.Objects[1].(*widget.Button)
	if chip.Text != "Ирина Ким" {
		t.Fatalf("second chip %q", chip.Text)
	}
	test.Tap(chip)
	if len(f.attendees.picks) != 1 {
		t.Fatalf("picks after removing: %v", f.attendees.picks)
	}

	f.interest.SetSelected(i18n.T("interest.hot"))
	f.conf.SetSelected(i18n.T("confidentiality.office"))
	test.Tap(dialogButton(w, i18n.T("capture.opp.add")))
	r := f.opps[0]
	if w.win.Canvas().Focused() != r.title || r.currency.Text != "EUR" {
		t.Fatalf("new opportunity row: focus %T, currency %q", w.win.Canvas().Focused(), r.currency.Text)
	}
	test.Type(r.title, "Pilot of smart water meters")
	test.Type(r.value, "120 000")
	test.Type(f.tags, "water, pilot,  ")
	test.Type(f.notes, "Chief engineer wants a pilot.\nBudget in Q3.")

	test.Tap(dialogButton(w, i18n.T("action.save")))
	waitFor(t, "the saved meeting on the Meetings screen", func() bool {
		return w.captureState().form == nil && w.tabs.SelectedIndex() == 1 && w.meetingsScr.selected != ""
	})
	if holds(topDialog(w), f.root) {
		t.Fatal("the capture dialog is still shown")
	}

	m := meetingTitled(t, w.st, mission.ID, "Pump station visit")
	if m == nil {
		t.Fatal("the meeting is not in the store")
	}
	if w.meetingsScr.selected != m.ID {
		t.Errorf("Meetings shows %s, not the saved meeting %s", w.meetingsScr.selected, m.ID)
	}
	if want := time.Date(2026, 5, 19, 9, 30, 0, 0, time.UTC); !m.Start.Equal(want) || m.TimeZone != "Asia/Tashkent" {
		t.Errorf("start %v in %s, want %v in Asia/Tashkent", m.Start, m.TimeZone, want)
	}
	orgs, _ := w.st.Search(context.Background(), "тошкент сув", 5)
	people, _ := w.st.Search(context.Background(), "Дилноза Юсупова", 5)
	delegates, _ := w.st.Search(context.Background(), "Kadri Lõhmus", 5)
	want := &data.Meeting{Base: m.Base, Mission: mission.ID, MeetingKind: data.MeetingPlantVisit, Title: "Pump station visit",
		Start: m.Start, TimeZone: "Asia/Tashkent", DurationMin: 45, Location: "Chirchiq pumping station",
		Orgs: []data.ID{orgs[0].ID}, Attendees: []data.ID{people[0].ID}, Delegates: []data.ID{delegates[0].ID},
		Notes: "Chief engineer wants a pilot.\nBudget in Q3.", Tags: []string{"water", "pilot"},
		Opportunities: []data.Opportunity{{Title: "Pilot of smart water meters", Value: 120000, Currency: "EUR"}},
		Interest:      data.InterestHot}
	want.Confidentiality = data.Office
	if !reflect.DeepEqual(m, want) {
		t.Errorf("stored\n%+v\nwant\n%+v", m, want)
	}
	if d := storedDraft(t, w.st); d != nil {
		t.Errorf("the draft was not cleared after saving: %+v", d)
	}
}

func TestMeetingCapturedInThreeActions(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	mission := tashkent(t, w)
	before := len(meetingsOf(t, w.st, mission.ID))
	w.newMeeting()                                     // 1: Ctrl+N
	test.Type(w.win.Canvas().Focused(), "Quick hello") // 2: type the title (where the cursor is)
	w.save()                                           // 3: Ctrl+S
	waitFor(t, "the save", func() bool { return w.captureState().form == nil })
	m := meetingTitled(t, w.st, mission.ID, "Quick hello")
	if m == nil || len(meetingsOf(t, w.st, mission.ID)) != before+1 {
		t.Fatal("the meeting was not created")
	}
	// Defaults: now in the mission's zone, on a five-minute mark; a B2B
	// meeting while the mission is on, else other; 30 minutes, shared.
	local := m.Local()
	if m.TimeZone != "Asia/Tashkent" || local.Minute()%5 != 0 || local.Second() != 0 || time.Since(m.Start).Abs() > 5*time.Minute {
		t.Errorf("start %v in %s", m.Start, m.TimeZone)
	}
	if m.DurationMin != 30 || m.Confidentiality != data.Shared || (m.MeetingKind != data.MeetingB2B && m.MeetingKind != data.MeetingOther) {
		t.Errorf("defaults: %d min, %s, %s", m.DurationMin, m.Confidentiality, m.MeetingKind)
	}
	in := &data.Mission{Base: data.Base{ID: "x"}, TimeZone: "Asia/Tashkent", Start: "2026-05-18", End: "2026-05-22"}
	if d := defaultDraft(in, time.Date(2026, 5, 20, 4, 2, 0, 0, time.UTC)); d.Kind != "b2b" || d.Date != "2026-05-20" || d.Time != "09:00" {
		t.Errorf("during the mission: %+v", d)
	}
	if d := defaultDraft(in, time.Date(2026, 5, 22, 19, 10, 0, 0, time.UTC)); d.Kind != "other" || d.Date != "2026-05-23" {
		t.Errorf("after the mission (midnight in Tashkent): %+v", d)
	}
}

func TestMeetingCaptureCreatesOrganizationAndContact(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	mission := tashkent(t, w)
	f := openForm(t, w)
	test.Type(f.title, "Desalination startup")
	test.Type(f.orgs.entry, "Qoraqalpoq Suv Texnologiyalari")
	test.Tap(pickerButton(t, f.orgs, i18n.T("capture.create.org", "Qoraqalpoq Suv Texnologiyalari")))
	if len(f.orgs.chips.Objects) != 1 || f.orgs.chips.Objects[0].(*widget.Button).Text != "Qoraqalpoq Suv Texnologiyalari (new)" {
		t.Fatalf("chips: %v", f.orgs.picks)
	}
	test.Type(f.attendees.entry, "Dilnoza Karimova")
	// Enter picks the top offer: here, to create her.
	pickerButton(t, f.attendees, i18n.T("capture.create.contact", "Dilnoza Karimova"))
	f.attendees.entry.OnSubmitted(f.attendees.entry.Text)
	if len(f.attendees.picks) != 1 || !f.attendees.picks[0].New {
		t.Fatalf("attendee picks: %v", f.attendees.picks)
	}
	w.save()
	waitFor(t, "the save", func() bool { return w.captureState().form == nil })

	m := meetingTitled(t, w.st, mission.ID, "Desalination startup")
	if m == nil || len(m.Orgs) != 1 || len(m.Attendees) != 1 {
		t.Fatalf("meeting %+v", m)
	}
	org, err := store.Load[*data.Organization](context.Background(), w.st, m.Orgs[0])
	if err != nil {
		t.Fatal(err)
	}
	if org.Name != "Qoraqalpoq Suv Texnologiyalari" || org.OrgKind != data.OrgHost || org.Country != "UZ" {
		t.Errorf("organization %+v", org)
	}
	c, err := store.Load[*data.Contact](context.Background(), w.st, m.Attendees[0])
	if err != nil {
		t.Fatal(err)
	}
	if c.GivenName != "Dilnoza" || c.FamilyName != "Karimova" || c.Org != org.ID {
		t.Errorf("contact %+v", c)
	}
	// Typing the new name again finds it, and offers no second one.
	w.newMeeting()
	f = w.captureState().form
	test.Type(f.orgs.entry, "Qoraqalpoq Suv Texnologiyalari")
	pickerButton(t, f.orgs, "Qoraqalpoq Suv Texnologiyalari")
	for _, o := range f.orgs.results.Objects {
		if strings.HasPrefix(o.(*widget.Button).Text, "Create") {
			t.Errorf("offers %q for an existing name", o.(*widget.Button).Text)
		}
	}
}

func TestMeetingEditChangesOnlyWhatChanged(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	mission := tashkent(t, w)
	orig := meetingsOf(t, w.st, mission.ID)[2]
	if len(orig.Orgs) == 0 || orig.Notes == "" {
		t.Fatalf("sample meeting without orgs or notes: %+v", orig)
	}
	w.editMeeting(orig)
	var f *meetingForm
	waitFor(t, "the edit form", func() bool { f = w.captureState().form; return f != nil })
	local := orig.Local()
	if f.title.Text != orig.Title || f.notes.Text != orig.Notes || f.date.Text != local.Format("2006-01-02") || f.clock.Text != local.Format("15:04") {
		t.Fatalf("form shows %q %s %s", f.title.Text, f.date.Text, f.clock.Text)
	}
	if len(f.orgs.chips.Objects) != len(orig.Orgs) || strings.Contains(f.orgs.chips.Objects[0].(*widget.Button).Text, "deleted") {
		t.Fatalf("org chips %v", f.orgs.picks)
	}
	if !strings.Contains(dialogText(w), "Asia/Tashkent") {
		t.Fatalf("the edit dialog lacks mission time: %s", dialogText(w))
	}
	retype(f.title, "Renamed meeting")
	f.interest.SetSelected(i18n.T("interest.warm"))
	test.Tap(dialogButton(w, i18n.T("action.save")))
	waitFor(t, "the save", func() bool { return w.captureState().form == nil })

	got, err := store.Load[*data.Meeting](context.Background(), w.st, orig.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := *orig
	want.Title, want.Interest, want.Updated = "Renamed meeting", data.InterestWarm, got.Updated
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("after the edit\n%+v\nwant\n%+v", got, &want)
	}
	if !got.Updated.After(orig.Updated) {
		t.Errorf("updated %v, before %v", got.Updated, orig.Updated)
	}
}

func TestMeetingValidationKeepsWhatWasTyped(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	mission := tashkent(t, w)
	before := len(meetingsOf(t, w.st, mission.ID))
	f := openForm(t, w)
	test.Type(f.notes, "Everything the host said")
	test.Type(f.orgs.entry, "Brand New Host")
	test.Tap(pickerButton(t, f.orgs, i18n.T("capture.create.org", "Brand New Host")))

	// No title: the store's validation names the field.
	test.Tap(dialogButton(w, i18n.T("action.save")))
	waitFor(t, "the problem", func() bool { return f.problem.Visible() })
	if want := i18n.T("capture.error.required", i18n.T("capture.field.title")); f.problem.Text != want {
		t.Errorf("problem %q, want %q", f.problem.Text, want)
	}
	if !strings.Contains(dialogText(w), "Title is required.") {
		t.Errorf("the dialog does not show the problem: %s", dialogText(w))
	}
	if f.notes.Text != "Everything the host said" || w.captureState().form != f || w.win.Canvas().Focused() != f.title {
		t.Fatalf("after the refusal: notes %q, focus %T", f.notes.Text, w.win.Canvas().Focused())
	}
	if hits, _ := w.st.Search(context.Background(), "Brand New Host", 5); len(hits) != 0 {
		t.Fatal("a refused meeting created its new organization")
	}

	// A time the form cannot read, and a negative amount.
	test.Type(f.title, "Budget talk")
	retype(f.clock, "25:99")
	w.save()
	if !strings.Contains(f.problem.Text, "HH:MM") || w.win.Canvas().Focused() != f.clock {
		t.Fatalf("bad time: %q", f.problem.Text)
	}
	retype(f.clock, "10:00")
	test.Tap(dialogButton(w, i18n.T("capture.opp.add")))
	test.Type(f.opps[0].title, "Meters")
	test.Type(f.opps[0].value, "-5")
	w.save()
	waitFor(t, "the problem", func() bool { return strings.HasPrefix(f.problem.Text, i18n.T("meeting.field.opportunities")) })
	if f.title.Text != "Budget talk" || f.opps[0].value.Text != "-5" || len(meetingsOf(t, w.st, mission.ID)) != before {
		t.Fatal("the form lost what was typed, or saved")
	}
	// Fixed: it saves.
	retype(f.opps[0].value, "5")
	w.save()
	waitFor(t, "the save", func() bool { return w.captureState().form == nil })
	if m := meetingTitled(t, w.st, mission.ID, "Budget talk"); m == nil || m.Notes != "Everything the host said" {
		t.Fatalf("saved %+v", m)
	}
}

func TestMeetingCaptureEscAsksBeforeDiscarding(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	tashkent(t, w)
	// Nothing typed: Esc just closes.
	f := openForm(t, w)
	w.escape()
	if w.captureState().form != nil || holds(topDialog(w), f.root) {
		t.Fatal("Esc did not close an untouched form")
	}
	// Typed: Esc asks, and the draft is written at once.
	f = openForm(t, w)
	test.Type(f.notes, "Half a thought")
	w.escape()
	if !strings.Contains(dialogText(w), i18n.T("capture.discard.title")) {
		t.Fatalf("no question; top dialog: %s", dialogText(w))
	}
	eventually(t, "the draft", func() bool { d := storedDraft(t, w.st); return d != nil && d.Notes == "Half a thought" })
	// Esc again closes the question, not the form.
	w.escape()
	if w.captureState().form != f || !holds(topDialog(w), f.root) {
		t.Fatal("Esc on the question closed the form")
	}
	w.escape()
	test.Tap(dialogButton(w, i18n.T("capture.discard.do")))
	if w.captureState().form != nil || holds(topDialog(w), f.root) {
		t.Fatal("discarding did not close the form")
	}
	eventually(t, "the draft cleared", func() bool { return storedDraft(t, w.st) == nil })
}

func TestMeetingCaptureWithoutMissionOrStoreSaysSo(t *testing.T) {
	w := newTestWindow(t, t.TempDir())
	w.newMeeting() // still opening: no store yet
	if !strings.Contains(dialogText(w), i18n.T("capture.nostore")) {
		t.Fatalf("before the store opened: %s", dialogText(w))
	}
	w.win.Canvas().Overlays().Remove(topDialog(w))
	waitFor(t, "the empty notebook", func() bool { return findButton(w.body, i18n.T("empty.load")) != nil })
	w.newMeeting()
	if !strings.Contains(dialogText(w), i18n.T("capture.nomission")) || w.captureState().form != nil {
		t.Fatalf("without a mission: %s", dialogText(w))
	}
}

func TestDraftSavedPeriodicallyAndRestored(t *testing.T) {
	defer func(d time.Duration) { draftEvery = d }(draftEvery)
	draftEvery = 100 * time.Millisecond
	dir := seeded(t)
	w := newTestWindow(t, dir)
	mission := tashkent(t, w)
	f := openForm(t, w)
	// An untouched form writes no draft.
	waitFor(t, "a few ticks", func() bool { return true })
	time.Sleep(3 * draftEvery)
	waitFor(t, "a few ticks", func() bool { return true })
	if d := storedDraft(t, w.st); d != nil {
		t.Fatalf("an untouched form wrote a draft: %+v", d)
	}
	test.Type(f.title, "Draft title")
	test.Type(f.orgs.entry, "Brand New Host")
	test.Tap(pickerButton(t, f.orgs, i18n.T("capture.create.org", "Brand New Host")))
	test.Type(f.notes, "Typed before the lock")
	eventually(t, "the draft", func() bool {
		d := storedDraft(t, w.st)
		return d != nil && d.Notes == "Typed before the lock"
	})
	if !strings.Contains(f.status.Text, "Draft saved") {
		t.Errorf("status %q", f.status.Text)
	}
	d := storedDraft(t, w.st)
	if d.Title != "Draft title" || d.Mission != mission.ID || len(d.Orgs) != 1 || !d.Orgs[0].New || d.Saved.IsZero() {
		t.Fatalf("draft %+v", d)
	}

	// saveDraftNow (the window closing) writes the last keystrokes at once.
	test.Type(f.notes, "!")
	w.saveDraftNow()
	if d := storedDraft(t, w.st); d.Notes != "Typed before the lock!" {
		t.Fatalf("saveDraftNow wrote %q", d.Notes)
	}

	// A new window on the same data (the form is lost with the old one).
	w.close()
	w2 := newTestWindow(t, dir)
	tashkent(t, w2)
	w2.restoreDraft()
	var g *meetingForm
	waitFor(t, "the restored form", func() bool { g = w2.captureState().form; return g != nil })
	if g.title.Text != "Draft title" || g.notes.Text != "Typed before the lock!" || !g.restored.Visible() ||
		!strings.HasPrefix(g.restored.Text, "Restored an unsaved draft from ") || len(g.orgs.picks) != 1 {
		t.Fatalf("restored %q / %q / %q", g.title.Text, g.notes.Text, g.restored.Text)
	}
	if !strings.Contains(dialogText(w2), "Restored an unsaved draft from") {
		t.Fatal("the restored line is not shown")
	}
	w2.save()
	waitFor(t, "the save", func() bool { return w2.captureState().form == nil })
	if m := meetingTitled(t, w2.st, mission.ID, "Draft title"); m == nil || m.Notes != "Typed before the lock!" || len(m.Orgs) != 1 {
		t.Fatalf("saved %+v", m)
	}
	eventually(t, "the draft cleared", func() bool { return storedDraft(t, w2.st) == nil })
	w2.restoreDraft()
	waitFor(t, "nothing to restore", func() bool { return true })
	if w2.captureState().form != nil {
		t.Fatal("a cleared draft was restored")
	}
}

// draftChildEnv switches TestDraftChild on and names its data directory.
const draftChildEnv = "FIELDBOOK_DRAFT_CHILD_DIR"

// draftMarker is what the child prints once the draft is durable.
const draftMarker = "DRAFT-DURABLE"

// TestDraftChild is the process TestDraftSurvivesAKill kills: it types a
// meeting, says when the draft is in the store, and keeps typing.
func TestDraftChild(t *testing.T) {
	dir := os.Getenv(draftChildEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestDraftSurvivesAKill")
	}
	draftEvery = 200 * time.Millisecond
	w := newTestWindow(t, dir)
	tashkent(t, w)
	f := openForm(t, w)
	test.Type(f.title, "Crash test meeting")
	test.Type(f.notes, "Typed before the crash.")
	waitFor(t, "the draft", func() bool {
		var d *meetingDraft
		err := w.st.Setting(context.Background(), settingDraft, &d)
		return err == nil && d != nil && d.Notes == "Typed before the crash."
	})
	fmt.Println(draftMarker)
	// Type on until killed; the parent gives up long before this ends.
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		test.Type(f.notes, " more")
		select {
		case fn := <-uiQueue:
			fn()
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("the parent did not kill this process")
}

// TestDraftSurvivesAKill proves a crash or power cut loses seconds of
// typing at most: a child process types a meeting and is killed with
// SIGKILL after its draft was written; the draft holds what was typed, and
// a new window offers it back and saves it.
func TestDraftSurvivesAKill(t *testing.T) {
	if os.Getenv(draftChildEnv) != "" {
		t.Skip("this is the child")
	}
	dir := seeded(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestDraftChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), draftChildEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	marked := make(chan bool, 1)
	var lines []string
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if sc.Text() == draftMarker {
				marked <- true
				return
			}
		}
		marked <- false
	}()
	select {
	case ok := <-marked:
		if !ok {
			_ = cmd.Wait()
			t.Fatalf("the child ended without writing a draft:\n%s\n%s", strings.Join(lines, "\n"), stderr.String())
		}
	case <-time.After(3 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("the child never wrote its draft")
	}
	time.Sleep(300 * time.Millisecond) // let it type on a little, mid-write
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // the data directory is free once it is gone

	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := storedDraft(t, st)
	st.Close()
	if d == nil || d.Title != "Crash test meeting" || !strings.HasPrefix(d.Notes, "Typed before the crash.") {
		t.Fatalf("draft after the kill: %+v", d)
	}

	w := newTestWindow(t, dir)
	mission := tashkent(t, w)
	w.restoreDraft()
	var f *meetingForm
	waitFor(t, "the restored form", func() bool { f = w.captureState().form; return f != nil })
	if f.title.Text != "Crash test meeting" || f.notes.Text != d.Notes || !strings.HasPrefix(f.restored.Text, "Restored an unsaved draft from") {
		t.Fatalf("restored form: %q / %q / %q", f.title.Text, f.notes.Text, f.restored.Text)
	}
	test.Tap(dialogButton(w, i18n.T("action.save")))
	waitFor(t, "the save", func() bool { return w.captureState().form == nil })
	m := meetingTitled(t, w.st, mission.ID, "Crash test meeting")
	if m == nil || !strings.HasPrefix(m.Notes, "Typed before the crash.") {
		t.Fatalf("saved %+v", m)
	}
}

func TestDraftSurvivesALock(t *testing.T) {
	defer func(d time.Duration) { draftEvery = d }(draftEvery)
	draftEvery = 100 * time.Millisecond
	dir := seeded(t)
	w := newTestWindow(t, dir)
	tashkent(t, w)
	f := openForm(t, w)
	test.Type(f.notes, "Said before the lock")
	eventually(t, "the draft", func() bool { d := storedDraft(t, w.st); return d != nil && d.Notes == "Said before the lock" })
	// The lock closes every dialog and the store (an encrypted store would;
	// the flag is enough for lock, and spares the Argon2id key derivation).
	w.sec.mu.Lock()
	w.sec.encrypted = true
	w.sec.mu.Unlock()
	w.lock()
	eventually(t, "the form to go", func() bool { return w.captureState().form == nil && len(w.forms) == 0 })
	var st *store.Store
	eventually(t, "the store to close", func() bool {
		var err error
		st, err = store.Open(context.Background(), dir, store.Options{})
		return err == nil
	})
	defer st.Close()
	if d := storedDraft(t, st); d == nil || d.Notes != "Said before the lock" {
		t.Fatalf("draft after the lock: %+v", d)
	}
}

// Enter right after typing picks from the results for what was typed, not
// from the results still on screen for the text before.
func TestPickerEnterWaitsForTheResultsOfTheTypedText(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 })
	w.newMeeting()
	f := w.captureState().form
	if f == nil {
		t.Fatal("no capture form")
	}
	p := f.orgs
	test.Type(p.entry, "Soo")
	waitFor(t, "results for Soo", func() bool { return p.first != nil })
	test.Type(p.entry, "x")
	p.entry.OnSubmitted(p.entry.Text) // Enter before the answer for "Soox"
	waitFor(t, "the pick", func() bool { return len(p.picks) == 1 })
	if pk := p.picks[0]; !pk.New || pk.Label != "Soox" {
		t.Fatalf("Enter picked %+v, want a new organization “Soox”", pk)
	}
}
