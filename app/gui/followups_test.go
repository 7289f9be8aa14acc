package gui

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// openFollowups shows the Follow-ups screen of a window on the sample
// data, with its list loaded for the current mission (Tashkent).
func openFollowups(t *testing.T) (*mainWindow, *followupsScreen) {
	t.Helper()
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 })
	w.showScreen(w.followupsScr)
	s := w.followupsScr
	waitFor(t, "follow-ups", func() bool { return s.loaded.ok && s.loaded.gen == w.gen && len(s.all) > 0 })
	return w, s
}

// settled says the screen shows what the store holds now.
func (s *followupsScreen) settled() bool {
	sc, ok := s.scope()
	return ok && s.loaded.ok && s.loaded.gen == s.w.gen && s.loaded.scope == sc
}

// rowView renders row i as the list would.
func (s *followupsScreen) rowView(i int) *followUpRowView {
	v := s.list.CreateItem().(*followUpRowView)
	s.list.UpdateItem(i, v)
	return v
}

func (s *followupsScreen) rowOf(id data.ID) int {
	return slices.IndexFunc(s.rows, func(r followUpRow) bool { return r.f != nil && r.f.ID == id })
}

func missionFollowUps(t *testing.T, w *mainWindow, mission data.ID) []*data.FollowUp {
	t.Helper()
	recs, err := w.st.List(context.Background(), store.Query{Kind: data.KindFollowUp, Mission: mission})
	if err != nil {
		t.Fatal(err)
	}
	var out []*data.FollowUp
	for _, r := range recs {
		out = append(out, r.(*data.FollowUp))
	}
	return out
}

func getFollowUp(t *testing.T, w *mainWindow, id data.ID) *data.FollowUp {
	t.Helper()
	rec, err := w.st.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return rec.(*data.FollowUp)
}

func TestFollowupsGroupedByStatusWithOverdueHighlighted(t *testing.T) {
	w, s := openFollowups(t)
	tashkent := w.missions[0]
	fus := missionFollowUps(t, w, tashkent.ID)
	// The sample's dates are fixed; make one follow-up five days late and
	// one due today, whatever day the test runs.
	var late, dueToday *data.FollowUp
	for _, f := range fus {
		switch {
		case f.Status == data.StatusOpen && late == nil:
			late = f
		case f.Status == data.StatusOpen && dueToday == nil:
			dueToday = f
		}
	}
	day := today()
	late.Due = data.DateOf(day.Time().AddDate(0, 0, -5))
	dueToday.Due = day
	for _, f := range []*data.FollowUp{late, dueToday} {
		if err := w.st.Update(context.Background(), f); err != nil {
			t.Fatal(err)
		}
	}
	w.changed()
	s.statusSel.SetSelectedIndex(statusFilterAll)
	waitFor(t, "the reloaded list", func() bool { return s.settled() && s.rowOf(late.ID) >= 0 })

	// A heading per status, in the order open, in progress, done, dropped,
	// counting the rows under it, which are in due-date order.
	var order []data.Status
	items := 0
	for i := 0; i < len(s.rows); i++ {
		h := s.rows[i]
		if h.f != nil {
			t.Fatalf("row %d is a follow-up without a heading", i)
		}
		order = append(order, h.status)
		n := 0
		for i+1 < len(s.rows) && s.rows[i+1].f != nil {
			i++
			n++
			f := s.rows[i].f
			if f.Status != h.status {
				t.Errorf("%q (%s) under %s", f.Title, f.Status, h.status)
			}
			if prev := s.rows[i-1].f; prev != nil && prev.Due > f.Due {
				t.Errorf("%q due %s after %q due %s", prev.Title, prev.Due, f.Title, f.Due)
			}
		}
		if n != h.count {
			t.Errorf("heading %s counts %d, has %d rows", h.status, h.count, n)
		}
		items += n
	}
	if want := []data.Status{data.StatusOpen, data.StatusInProgress, data.StatusDone, data.StatusDropped}; !slices.Equal(order, want) {
		t.Errorf("groups %v, want %v", order, want)
	}
	if items != len(fus) {
		t.Errorf("%d rows for %d follow-ups", items, len(fus))
	}
	head := s.rowView(0)
	if !head.head.Visible() || head.item.Visible() || head.head.Text != "Open ("+strconv.Itoa(s.rows[0].count)+")" {
		t.Errorf("heading row shows %q", head.head.Text)
	}

	// The late one says so in red, with the days; due today is a warning.
	v := s.rowView(s.rowOf(late.ID))
	if !v.late.Visible() || v.late.Text != "Overdue by 5 d" || v.late.Importance != widget.DangerImportance {
		t.Errorf("late row: %q visible=%v importance=%v", v.late.Text, v.late.Visible(), v.late.Importance)
	}
	if !strings.Contains(v.sub.Text, formatDate(late.Due)) || !strings.Contains(v.sub.Text, late.Owner) {
		t.Errorf("late row subtitle %q", v.sub.Text)
	}
	v = s.rowView(s.rowOf(dueToday.ID))
	if v.late.Text != "Due today" || v.late.Importance != widget.WarningImportance {
		t.Errorf("due-today row: %q", v.late.Text)
	}
	for _, r := range s.rows {
		if r.f == nil || r.f.Status != data.StatusDone {
			continue
		}
		v = s.rowView(s.rowOf(r.f.ID))
		if v.late.Visible() || v.done.Visible() {
			t.Errorf("done %q shows late %q or a Done button", r.f.Title, v.late.Text)
		}
		break
	}
	if !strings.Contains(s.summary.Text, "overdue") {
		t.Errorf("summary %q", s.summary.Text)
	}

	// The default filter shows what is left to do.
	s.statusSel.SetSelectedIndex(0)
	for _, r := range s.rows {
		if r.f != nil && !active(r.f.Status) {
			t.Errorf("open filter shows %q (%s)", r.f.Title, r.f.Status)
		}
	}
	if s.rowOf(late.ID) < 0 {
		t.Error("open filter hides an open follow-up")
	}

	// Selecting a row shows it on the right, its links as buttons.
	s.list.Select(s.rowOf(late.ID))
	if !containsText(s.detail, late.Title) || !strings.Contains(allText(s.detail), "Overdue by 5 d") {
		t.Errorf("detail: %s", allText(s.detail))
	}
	img := w.win.Canvas().Capture()
	if img.Bounds().Dx() == 0 {
		t.Fatal("nothing rendered")
	}
}

func TestFollowupDoneInOneClick(t *testing.T) {
	w, s := openFollowups(t)
	i := slices.IndexFunc(s.rows, func(r followUpRow) bool { return r.f != nil && active(r.f.Status) })
	if i < 0 {
		t.Fatal("no open follow-up listed")
	}
	f := s.rows[i].f
	v := s.rowView(i)
	if !v.done.Visible() {
		t.Fatal("an open follow-up has no Done button")
	}
	test.Tap(v.done)
	waitFor(t, "the list without it", func() bool { return s.settled() && s.rowOf(f.ID) < 0 })
	got := getFollowUp(t, w, f.ID)
	if got.Status != data.StatusDone || got.DoneAt != today() {
		t.Fatalf("stored status %s, done at %q", got.Status, got.DoneAt)
	}
	if got.Title != f.Title || got.Owner != f.Owner || got.Due != f.Due {
		t.Fatalf("other fields changed: %+v", got)
	}
	// It is listed as done.
	s.statusSel.SetSelectedIndex(1 + slices.Index(followUpStatuses, data.StatusDone))
	if j := s.rowOf(f.ID); j < 0 || s.rows[j].status != data.StatusDone {
		t.Fatal("not listed under Done")
	}
}

func TestFollowupsFilterByOwnerAndMission(t *testing.T) {
	w, s := openFollowups(t)
	tashkent, rb := w.missions[0], w.missions[1]
	s.statusSel.SetSelectedIndex(statusFilterAll)

	// The owners found, sorted, after Everyone.
	if s.ownerSel.Options[0] != "Everyone" || !slices.Contains(s.ownerSel.Options, "Žanna Ivanova") {
		t.Fatalf("owners %v", s.ownerSel.Options)
	}
	if slices.Contains(s.ownerSel.Options, "Sanna Heikkilä") {
		t.Fatalf("owners of another mission offered: %v", s.ownerSel.Options)
	}
	s.ownerSel.SetSelected("Žanna Ivanova")
	n := 0
	for _, r := range s.rows {
		if r.f != nil {
			n++
			if r.f.Owner != "Žanna Ivanova" || r.f.Mission != tashkent.ID {
				t.Errorf("owner filter shows %q of %s", r.f.Title, r.f.Owner)
			}
		}
	}
	if n != 3 {
		t.Errorf("%d follow-ups of Žanna Ivanova, want 3", n)
	}

	// All missions, everyone: every follow-up, each row naming its mission.
	s.ownerSel.SetSelectedIndex(0)
	s.missionSel.SetSelectedIndex(1)
	waitFor(t, "all missions", func() bool { return s.settled() && s.loaded.scope.all })
	all := missionFollowUps(t, w, "")
	if got := countItems(s.rows); got != len(all) {
		t.Errorf("all missions: %d rows for %d follow-ups", got, len(all))
	}
	if !slices.Contains(s.ownerSel.Options, "Sanna Heikkilä") {
		t.Errorf("owners of all missions: %v", s.ownerSel.Options)
	}
	if v := s.rowView(1); !strings.Contains(v.sub.Text, tashkent.Name) && !strings.Contains(v.sub.Text, rb.Name) {
		t.Errorf("row across missions does not name its mission: %q", v.sub.Text)
	}

	// One other mission by name.
	s.missionSel.SetSelected(rb.Name)
	waitFor(t, "Richards Bay", func() bool { return s.settled() && s.loaded.scope.mission == rb.ID })
	want := missionFollowUps(t, w, rb.ID)
	if got := countItems(s.rows); got != len(want) {
		t.Errorf("Richards Bay: %d rows for %d follow-ups", got, len(want))
	}
	for _, r := range s.rows {
		if r.f != nil && r.f.Mission != rb.ID {
			t.Errorf("%q is not from Richards Bay", r.f.Title)
		}
	}
	s.ownerSel.SetSelected("Sanna Heikkilä")
	if got := countItems(s.rows); got != 2 {
		t.Errorf("%d follow-ups of Sanna Heikkilä in Richards Bay, want 2", got)
	}

	// An owner nobody has in the scope: the empty state says so and
	// offers to show everything.
	s.missionSel.SetSelectedIndex(0)
	waitFor(t, "back to Tashkent", func() bool { return s.settled() && s.loaded.scope.mission == tashkent.ID })
	if s.view.Objects[0] != s.filtered {
		t.Fatal("no 'nothing matches' state")
	}
	b := findButton(s.filtered, "Show all")
	if b == nil {
		t.Fatal("no Show all button")
	}
	test.Tap(b)
	if got := countItems(s.rows); got != len(missionFollowUps(t, w, tashkent.ID)) || s.owner != "" {
		t.Errorf("Show all shows %d rows, owner %q", got, s.owner)
	}
}

func countItems(rows []followUpRow) int {
	n := 0
	for _, r := range rows {
		if r.f != nil {
			n++
		}
	}
	return n
}

func TestFollowupFromMeetingIsLinkedAndEditedInItsDialog(t *testing.T) {
	w, s := openFollowups(t)
	ctx := context.Background()
	if err := w.st.SetProfile(ctx, data.Profile{GivenName: "Kadri", FamilyName: "Lõhmus"}); err != nil {
		t.Fatal(err)
	}
	recs, err := w.st.List(ctx, store.Query{Kind: data.KindMeeting, Mission: w.missions[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	var m *data.Meeting
	for _, r := range recs {
		if mt := r.(*data.Meeting); len(mt.Orgs) > 0 && len(mt.Attendees) > 0 {
			m = mt
			break
		}
	}
	w.showScreen(w.meetingsScr)
	w.followUpFromMeeting(m)
	waitFor(t, "the new follow-up's dialog", func() bool { return s.editor != nil })
	if w.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no dialog on the canvas")
	}
	e := s.editor
	id := e.f.ID
	got := getFollowUp(t, w, id)
	if got.Title != "Follow up: "+m.Title || got.Meeting != m.ID || got.Mission != m.Mission ||
		got.Org != m.Orgs[0] || got.Contact != m.Attendees[0] {
		t.Fatalf("stored %+v", got)
	}
	if got.Owner != "Kadri Lõhmus" || got.Due != data.DateOf(time.Now().AddDate(0, 0, 7)) ||
		got.Status != data.StatusOpen || got.Priority != data.PriorityNormal {
		t.Fatalf("defaults: owner %q due %s status %s priority %s", got.Owner, got.Due, got.Status, got.Priority)
	}
	if e.title.Text != got.Title || e.owner.Text != got.Owner || e.due.Text != string(got.Due) {
		t.Fatalf("dialog shows %q %q %q", e.title.Text, e.owner.Text, e.due.Text)
	}

	// A bad date keeps the dialog open with a message; nothing is saved.
	e.due.SetText("")
	test.Type(e.due, "31.12.2026")
	w.save() // Ctrl+S
	if !e.msg.Visible() || !strings.Contains(e.msg.Text, "YYYY-MM-DD") || s.editor != e {
		t.Fatalf("bad date: message %q, dialog open %v", e.msg.Text, s.editor == e)
	}
	e.title.SetText("")
	w.save()
	if !strings.Contains(e.msg.Text, "what needs to be done") {
		t.Fatalf("empty title: %q", e.msg.Text)
	}

	// Typing and saving stores it, in whatever script.
	test.Type(e.title, "Send the offer to Ғулом Қодиров")
	e.due.SetText("")
	test.Type(e.due, "2026-12-31")
	e.owner.SetText("")
	test.Type(e.owner, "Žanna Ivanova")
	e.details.SetText("")
	test.Type(e.details, "Prices in UZS and USD.")
	e.priority.SetSelectedIndex(slices.Index(followUpPriorities, data.PriorityHigh))
	e.status.SetSelectedIndex(slices.Index(followUpStatuses, data.StatusInProgress))
	w.save()
	waitFor(t, "the dialog to close", func() bool { return s.editor == nil })
	if w.win.Canvas().Overlays().Top() != nil || len(w.forms) != 0 {
		t.Fatal("the dialog or its form is still open")
	}
	got = getFollowUp(t, w, id)
	if got.Title != "Send the offer to Ғулом Қодиров" || got.Due != "2026-12-31" || got.Owner != "Žanna Ivanova" ||
		got.Details != "Prices in UZS and USD." || got.Priority != data.PriorityHigh || got.Status != data.StatusInProgress ||
		got.Meeting != m.ID {
		t.Fatalf("saved %+v", got)
	}

	// On the Follow-ups screen it is selected, its links open their records.
	w.showScreen(s)
	waitFor(t, "the follow-up selected", func() bool {
		return s.settled() && s.selected == id && containsText(s.detail, got.Title)
	})
	link := findButtonInForms(s.detail, m.Title)
	if link == nil {
		t.Fatalf("no link to the meeting in %s", buttonTexts(s.detail))
	}
	test.Tap(link)
	waitFor(t, "the meeting", func() bool { return w.tabs.SelectedIndex() == 1 && w.meetingsScr.selected == m.ID })

	// Esc cancels the form without saving what was typed.
	w.showScreen(s)
	waitFor(t, "follow-ups again", func() bool { return s.settled() && s.selected == id })
	test.Tap(findButton(s.detail, "Edit"))
	e = s.editor
	if e == nil {
		t.Fatal("Edit opens no dialog")
	}
	test.Type(e.title, " (draft)")
	// Esc asks before throwing away what was typed; Discard closes.
	e.title.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if s.editor != e {
		t.Fatal("Esc closed the dialog without asking")
	}
	ask := w.win.Canvas().Overlays().Top()
	test.Tap(findButton(ask.(*widget.PopUp).Content, i18n.T("capture.discard.do")))
	if s.editor != nil || len(w.forms) != 0 {
		t.Fatal("Discard did not close the dialog")
	}
	if getFollowUp(t, w, id).Title != got.Title {
		t.Fatal("Esc saved the edit")
	}
}

func TestNewFollowupAndDelete(t *testing.T) {
	w, s := openFollowups(t)
	test.Tap(s.addBtn)
	waitFor(t, "the form", func() bool { return s.editor != nil })
	e := s.editor
	if !e.isNew || e.f.Mission != w.missions[0].ID || e.due.Text != string(data.DateOf(time.Now().AddDate(0, 0, 7))) {
		t.Fatalf("new form: new=%v mission %s due %q", e.isNew, e.f.Mission, e.due.Text)
	}
	test.Type(e.title, "Book the return flights")
	w.save()
	waitFor(t, "the new follow-up selected", func() bool {
		return s.editor == nil && s.settled() && s.selected != "" && containsText(s.detail, "Book the return flights")
	})
	id := s.selected
	f := getFollowUp(t, w, id)
	if f.Mission != w.missions[0].ID || f.Status != data.StatusOpen {
		t.Fatalf("created %+v", f)
	}

	test.Tap(findButton(s.detail, "Delete"))
	confirm := overlayButton(w, "Delete")
	if confirm == nil {
		t.Fatal("no confirmation")
	}
	test.Tap(confirm)
	waitFor(t, "the list without it", func() bool { return s.settled() && s.rowOf(id) < 0 })
	if _, err := w.st.Get(context.Background(), id); err == nil {
		t.Fatal("still in the store")
	}
}

// findButtonInForms is findButton that also looks inside forms.
func findButtonInForms(o fyne.CanvasObject, text string) *widget.Button {
	switch x := o.(type) {
	case *widget.Form:
		for _, it := range x.Items {
			if b := findButtonInForms(it.Widget, text); b != nil {
				return b
			}
		}
	case *fyne.Container:
		for _, c := range x.Objects {
			if b := findButtonInForms(c, text); b != nil {
				return b
			}
		}
	}
	return findButton(o, text)
}

// overlayButton finds a button with text in the dialog on top.
func overlayButton(w *mainWindow, text string) *widget.Button {
	top := w.win.Canvas().Overlays().Top()
	if p, ok := top.(*widget.PopUp); ok {
		return findButton(p.Content, text)
	}
	return nil
}

// A follow-up from a B2B meeting is about the host, not our own member
// company listed first, and it shows on the person's page.
func TestFollowupFromB2BMeetingNamesTheHost(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 })
	ctx := context.Background()
	var m *data.Meeting
	recs, err := w.st.List(ctx, store.Query{Kind: data.KindMeeting})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		mt := r.(*data.Meeting)
		if len(mt.Orgs) < 2 || len(mt.Attendees) == 0 {
			continue
		}
		if o, err := store.Load[*data.Organization](ctx, w.st, mt.Orgs[0]); err == nil && o.OrgKind == data.OrgMember {
			m = mt
			break
		}
	}
	if m == nil {
		t.Fatal("the sample has no B2B meeting with our member company listed first")
	}
	c, err := store.Load[*data.Contact](ctx, w.st, m.Attendees[0])
	if err != nil {
		t.Fatal(err)
	}
	if got := followUpOrg(ctx, w.st, m); got != c.Org || got == m.Orgs[0] {
		t.Fatalf("follow-up org %s, want the person's %s (not our %s)", got, c.Org, m.Orgs[0])
	}
}
