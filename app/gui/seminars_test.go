package gui

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// openSampleSeminar opens the Richards Bay B2B seminar the way a search
// hit does, and waits for its room grid.
func openSampleSeminar(t *testing.T) (*mainWindow, *seminarsScreen, *data.Seminar) {
	t.Helper()
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 })
	recs, err := w.st.List(w.ctx, store.Query{Kind: data.KindSeminar})
	if err != nil || len(recs) != 1 {
		t.Fatalf("seminars in the sample: %d, %v", len(recs), err)
	}
	sem := recs[0].(*data.Seminar)
	w.openRecord(sem)
	s := w.seminarsScr
	waitFor(t, "the seminar's grid", func() bool {
		return w.currentScreen() == s && s.d != nil && s.d.agenda != nil && s.d.agenda.Seminar.ID == sem.ID && len(s.cells) > 0
	})
	return w, s, sem
}

// cellText is what a grid cell says, its lines joined by " / ".
func cellText(s *seminarsScreen, slot, table int) string {
	c := s.cells[[2]int{slot, table}]
	if c == nil {
		return ""
	}
	return strings.Join(c.lines[:], " / ")
}

func TestSeminarRoomGridShowsTheAgenda(t *testing.T) {
	w, s, sem := openSampleSeminar(t)
	if w.mission().ID != sem.Mission {
		t.Fatalf("current mission %s, the seminar's is %s", w.mission().ID, sem.Mission)
	}
	if s.name.Text != "Richards Bay B2B matchmaking" || !strings.Contains(s.facts.Text, "10 slots × 30 min · 6 tables") ||
		!strings.Contains(s.facts.Text, "First slot 09:45, at home 09:45 (Europe/Helsinki)") {
		t.Errorf("header %q / %q", s.name.Text, s.facts.Text)
	}
	if !strings.Contains(s.summary.Text, "8 meetings: 8 held") || !strings.Contains(s.summary.Text, "Offer requested 4") {
		t.Errorf("summary %q", s.summary.Text)
	}
	// The eight held meetings, each in its cell.
	want := map[[2]int]string{
		{1, 1}: "Nyathi", {2, 2}: "Nyathi", {3, 3}: "Nyathi", {4, 4}: "Alton Staal",
		{5, 5}: "Ukhozi", {6, 1}: "Ukhozi", {7, 6}: "Bluff Harbour", {8, 5}: "Nyathi",
	}
	booked := 0
	for k, c := range s.cells {
		if c.meeting != nil {
			booked++
			if _, ok := want[k]; !ok {
				t.Errorf("unexpected meeting in slot %d table %d: %s", k[0], k[1], c.meeting.Title)
			}
		}
	}
	if booked != 8 {
		t.Errorf("%d booked cells, want 8", booked)
	}
	for k, host := range want {
		if txt := cellText(s, k[0], k[1]); !strings.Contains(txt, host) || !strings.Contains(txt, "Held") {
			t.Errorf("slot %d table %d: %q, want %s and Held", k[0], k[1], txt, host)
		}
	}
	if txt := cellText(s, 1, 2); !strings.Contains(txt, "free") {
		t.Errorf("slot 1 table 2 is %q, want free", txt)
	}
	grid := allText(s.grid)
	if !strings.Contains(grid, "12:15–13:30  Lunch (75 min)") || !strings.Contains(grid, "Coffee") {
		t.Errorf("the grid lacks the lunch or coffee break:\n%s", grid)
	}
	img := w.win.Canvas().Capture()
	if img.Bounds().Dx() == 0 {
		t.Fatal("nothing rendered")
	}
}

func TestSeminarStatusOutcomeAndFollowUp(t *testing.T) {
	w, s, _ := openSampleSeminar(t)
	c := s.cells[[2]int{6, 1}] // Hydroset – Ukhozi, held, no outcome yet
	id := c.meeting.ID
	test.Tap(c)
	if s.selected != id || !containsText(s.panel, c.meeting.Title) || !containsText(s.panel, "Table") {
		t.Fatalf("panel after the tap: %s", allText(s.panel))
	}

	// One tap: no-show.
	test.Tap(findButton(s.panel, "No-show"))
	waitFor(t, "the no-show", func() bool { m := s.meeting(id); return m != nil && m.Status == data.MeetingNoShow })
	got, err := store.Load[*data.Meeting](w.ctx, w.st, id)
	if err != nil || got.Status != data.MeetingNoShow {
		t.Fatalf("stored status %q, %v", got.Status, err)
	}
	if !strings.Contains(s.summary.Text, "1 no-shows") || !strings.Contains(cellText(s, 6, 1), "No-show") {
		t.Errorf("summary %q, cell %q", s.summary.Text, cellText(s, 6, 1))
	}

	// An outcome and notes, saved with Ctrl+S's action.
	s.outcome.SetSelected("Cooperation possible")
	test.Type(s.notes, "They will visit Seinäjoki in June.")
	w.save()
	waitFor(t, "the outcome", func() bool { m := s.meeting(id); return m != nil && m.Outcome == data.OutcomeCooperation })
	got, _ = store.Load[*data.Meeting](w.ctx, w.st, id)
	if got.Outcome != data.OutcomeCooperation || !strings.Contains(got.Notes, "They will visit Seinäjoki in June.") || got.Status != data.MeetingNoShow {
		t.Fatalf("stored: %q %q %q", got.Status, got.Outcome, got.Notes)
	}

	// A follow-up from the outcome, linked to the meeting, shown in its form.
	before := followUpsOf(t, w, id)
	test.Tap(findButton(s.panel, "Create follow-up"))
	waitFor(t, "the follow-up", func() bool { return w.followupsScr.editor != nil })
	after := followUpsOf(t, w, id)
	if len(after) != len(before)+1 {
		t.Fatalf("follow-ups of the meeting: %d before, %d after", len(before), len(after))
	}
	f := after[len(after)-1]
	for _, x := range after {
		if x.ID == w.followupsScr.selected {
			f = x
		}
	}
	if !strings.Contains(f.Title, "Propose next steps for cooperation with Ukhozi") || f.Mission != got.Mission {
		t.Errorf("follow-up %q in %s", f.Title, f.Mission)
	}
	if w.followupsScr.editor.title.Text != f.Title {
		t.Errorf("the form shows %q", w.followupsScr.editor.title.Text)
	}
	// Ctrl+S now belongs to the follow-up's form, not to the panel below.
	if top := w.forms[len(w.forms)-1]; top.cancel == nil {
		t.Errorf("Ctrl+S goes to the seminar panel while the follow-up form is open")
	}
	w.escape()
}

func followUpsOf(t *testing.T, w *mainWindow, meeting data.ID) []*data.FollowUp {
	t.Helper()
	recs, err := w.st.List(w.ctx, store.Query{Kind: data.KindFollowUp})
	if err != nil {
		t.Fatal(err)
	}
	var out []*data.FollowUp
	for _, r := range recs {
		if f := r.(*data.FollowUp); f.Meeting == meeting {
			out = append(out, f)
		}
	}
	return out
}

// pickFirst types q into a picker and chooses its first match.
func pickFirst(t *testing.T, p *onePicker, q string) {
	t.Helper()
	p.entry.SetText(q)
	waitFor(t, "matches for "+q, func() bool { return len(p.results.Objects) > 0 })
	test.Tap(p.results.Objects[0].(*widget.Button))
	if p.id == "" {
		t.Fatalf("nothing chosen for %q", q)
	}
}

func TestSeminarScheduleInAnEmptyCellAndAClash(t *testing.T) {
	w, s, sem := openSampleSeminar(t)
	test.Tap(s.cells[[2]int{1, 2}])
	sd := s.scheduling
	if sd == nil {
		t.Fatal("tapping a free table offers no scheduling")
	}
	pickFirst(t, sd.del, "Riikka")
	pickFirst(t, sd.host, "Bluff Harbour")
	sd.do()
	waitFor(t, "the new meeting", func() bool { c := s.cells[[2]int{1, 2}]; return c != nil && c.meeting != nil })
	m := s.cells[[2]int{1, 2}].meeting
	stored, err := store.Load[*data.Meeting](w.ctx, w.st, m.ID)
	if err != nil || stored.Seminar != sem.ID || stored.Slot != 1 || stored.Table != 2 || !strings.Contains(stored.Title, "Bluff Harbour") {
		t.Fatalf("stored %+v, %v", stored, err)
	}
	if s.selected != m.ID {
		t.Errorf("the new meeting is not selected")
	}

	// Jukka Mäkelä is at table 1 in slot 1: a second meeting is refused,
	// naming him.
	test.Tap(s.cells[[2]int{1, 3}])
	sd = s.scheduling
	pickFirst(t, sd.del, "Jukka Mäkelä")
	pickFirst(t, sd.host, "Ukhozi")
	sd.do()
	waitFor(t, "the refusal", func() bool { return sd.msg.Visible() })
	if !strings.Contains(sd.msg.Text, "Jukka Mäkelä is already booked in slot 1") {
		t.Errorf("refusal %q", sd.msg.Text)
	}
	if c := s.cells[[2]int{1, 3}]; c.meeting != nil {
		t.Errorf("the clash was scheduled")
	}
	sd.d.Hide()
}

func TestSeminarPerDelegateAndPerTableViews(t *testing.T) {
	_, s, _ := openSampleSeminar(t)
	s.mode.SetSelected(s.mode.Options[viewDelegate])
	i := -1
	for j, o := range s.delSelect.Options {
		if o == "Elina Väänänen" {
			i = j
		}
	}
	if i < 0 {
		t.Fatalf("delegates: %v", s.delSelect.Options)
	}
	s.delSelect.SetSelectedIndex(i)
	if len(s.rows) != 2 || s.rows[0].slot.N != 5 || s.rows[1].slot.N != 8 {
		t.Fatalf("Elina's slots: %+v", s.rows)
	}
	if txt := s.rowText(s.rows[0]); !strings.Contains(txt, "11:45–12:15 · Table 5 · Ukhozi") {
		t.Errorf("row %q", txt)
	}
	if s.printDel.Text != "Print agenda for Elina Väänänen…" {
		t.Errorf("print button %q", s.printDel.Text)
	}
	s.list.Select(1)
	if s.selected != s.rows[1].m.ID {
		t.Errorf("choosing a row does not select its meeting")
	}

	s.mode.SetSelected(s.mode.Options[viewTable])
	s.tabSelect.SetSelectedIndex(4) // table 5
	if len(s.rows) != 10 || s.rows[4].m == nil || s.rows[7].m == nil || s.rows[0].m != nil {
		t.Errorf("table 5: %+v", s.rows)
	}
}

func TestSeminarPrintRoomGrid(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is needed to read the PDF back (Debian: apt-get install poppler-utils)")
	}
	w, s, sem := openSampleSeminar(t)
	var buf bytes.Buffer
	if _, err := s.gridPDF(w.st, sem.ID)(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:min(16, buf.Len())])
	}
	path := filepath.Join(t.TempDir(), "grid.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Richards Bay B2B matchmaking") {
		t.Errorf("the PDF lacks the seminar's name:\n%s", out)
	}
}

func TestSeminarNewSeminarForm(t *testing.T) {
	w, s, _ := openSampleSeminar(t)
	s.newSeminar()
	f := s.creating
	if f == nil || len(w.forms) == 0 {
		t.Fatal("no form")
	}
	if f.zone.Text != "Africa/Johannesburg" {
		t.Errorf("zone %q, want the mission's", f.zone.Text)
	}
	f.name.SetText("Durban follow-up B2B")
	f.breaks.SetText("3:oops")
	w.save()
	if !f.msg.Visible() || !strings.Contains(f.msg.Text, "3:oops") {
		t.Fatalf("bad break accepted: %q", f.msg.Text)
	}
	f.breaks.SetText("2:15:Coffee")
	f.date.SetText("2026-03-12")
	w.save()
	waitFor(t, "the new seminar", func() bool { return s.creating == nil && s.d != nil && len(s.d.seminars) == 2 })
	waitFor(t, "it shown", func() bool { return s.name.Text == "Durban follow-up B2B" && s.chooser.Visible() })
	if !strings.Contains(allText(s.grid), "Coffee") || len(s.cells) != 8*6 {
		t.Errorf("grid of the new seminar: %d cells\n%s", len(s.cells), allText(s.grid))
	}
}
