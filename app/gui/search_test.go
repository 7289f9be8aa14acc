package gui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// openSearch opens the search screen with Ctrl+F's action on the sample
// data.
func openSearch(t *testing.T) (*mainWindow, *searchScreen) {
	t.Helper()
	w := newTestWindow(t, seeded(t))
	// The missions screen loads first: its answer must not mix with the
	// search's in the tests that count them.
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 && len(w.missionsScr.rows) > 0 })
	w.focusSearch()
	return w, w.searchScr
}

// typeQuery types text into the empty search box key by key and waits
// for the answer to all of it.
func typeQuery(t *testing.T, s *searchScreen, text string) {
	t.Helper()
	s.focus() // as Ctrl+F: what is typed replaces the last query
	test.Type(s.entry, text)
	if s.entry.Text != text {
		t.Fatalf("typed %q, the box has %q", text, s.entry.Text)
	}
	waitFor(t, "results for "+text, func() bool { return s.query == text && !s.running })
}

// hitsOf lists the hits shown, in order.
func hitsOf(s *searchScreen) []searchRow {
	var out []searchRow
	for _, r := range s.rows {
		if r.hit != nil {
			out = append(out, r)
		}
	}
	return out
}

// checkGrouped checks that the rows are headings in data.Kinds order,
// each counting the hits of its kind below it.
func checkGrouped(t *testing.T, s *searchScreen) []data.Kind {
	t.Helper()
	var kinds []data.Kind
	for i := 0; i < len(s.rows); i++ {
		h := s.rows[i]
		if h.hit != nil {
			t.Fatalf("row %d is a hit without a heading", i)
		}
		kinds = append(kinds, h.kind)
		n := 0
		for i+1 < len(s.rows) && s.rows[i+1].hit != nil {
			i++
			n++
			if s.rows[i].hit.Kind != h.kind {
				t.Errorf("%s %q under %s", s.rows[i].hit.Kind, s.rows[i].hit.Label, h.kind)
			}
		}
		if n != h.count {
			t.Errorf("heading %s counts %d, has %d", h.kind, h.count, n)
		}
	}
	last := -1
	for _, k := range kinds {
		i := slices.Index(data.Kinds, k)
		if i <= last {
			t.Errorf("groups out of order: %v", kinds)
		}
		last = i
	}
	return kinds
}

func TestSearchAsYouTypeGroupsByKind(t *testing.T) {
	w, s := openSearch(t)
	if w.tabs.SelectedIndex() != 5 || w.win.Canvas().Focused() != s.entry {
		t.Fatalf("Ctrl+F: tab %d, focus %v", w.tabs.SelectedIndex(), w.win.Canvas().Focused())
	}
	if s.view.Objects[0] != s.intro {
		t.Fatal("no introduction before typing")
	}

	// Lower case finds the upper-case Cyrillic name; "Тошкент" also in
	// another organization's name.
	typeQuery(t, s, "тошкент")
	checkGrouped(t, s)
	var labels []string
	for _, r := range hitsOf(s) {
		labels = append(labels, r.hit.Label)
	}
	for _, want := range []string{"ТОШКЕНТ СУВ ХИЗМАТИ АЖ", "Тошкент Вилоят Энергия Тақсимот АЖ"} {
		if !slices.Contains(labels, want) {
			t.Errorf("тошкент: %v lacks %q", labels, want)
		}
	}
	for _, r := range hitsOf(s) {
		if r.hit.Label == "ТОШКЕНТ СУВ ХИЗМАТИ АЖ" && r.context != "Tashkent, Uzbekistan" {
			t.Errorf("organization context %q", r.context)
		}
	}
	if !strings.Contains(s.info.Text, "results") || !strings.Contains(s.info.Text, " ms") {
		t.Errorf("info %q", s.info.Text)
	}
	if s.sel < 0 || s.rows[s.sel].hit == nil {
		t.Error("the first hit is not selected")
	}

	// A prefix of a name, diacritics left out: the person, then the
	// follow-ups she owns, each with its context.
	typeQuery(t, s, "sanna heik")
	kinds := checkGrouped(t, s)
	if !slices.Contains(kinds, data.KindContact) || !slices.Contains(kinds, data.KindFollowUp) {
		t.Fatalf("sanna heik: groups %v", kinds)
	}
	for _, r := range hitsOf(s) {
		switch r.hit.Kind {
		case data.KindContact:
			if r.hit.Label != "Sanna Heikkilä" || r.context != "Export Sales Director" {
				t.Errorf("contact %q, context %q", r.hit.Label, r.context)
			}
		case data.KindFollowUp:
			f := r.hit.Record.(*data.FollowUp)
			if f.Owner != "Sanna Heikkilä" || !strings.Contains(r.context, "due "+formatDate(f.Due)) {
				t.Errorf("follow-up %q context %q", r.hit.Label, r.context)
			}
		}
	}
	v := s.list.CreateItem().(*searchRowView)
	s.list.UpdateItem(0, v)
	if !strings.HasPrefix(v.head.Text, "Contacts (") {
		t.Errorf("first heading %q", v.head.Text)
	}

	// A meeting's context is its local date and time and its kind.
	typeQuery(t, s, "tashkent")
	for _, r := range hitsOf(s) {
		if m, ok := r.hit.Record.(*data.Meeting); ok {
			want := formatDate(data.DateOf(m.Local())) + " " + m.Local().Format("15:04") + " · "
			if !strings.HasPrefix(r.context, want) {
				t.Errorf("meeting context %q, want %q…", r.context, want)
			}
			break
		}
	}

	typeQuery(t, s, "qqzzxx")
	if len(s.rows) != 0 || !containsText(s.view, "Nothing found for “qqzzxx”") {
		t.Fatalf("no results: %s", allText(s.view))
	}
	s.entry.SetText("")
	if s.view.Objects[0] != s.intro || len(s.rows) != 0 || s.info.Text != "" {
		t.Fatal("clearing the box does not bring the introduction back")
	}
}

func TestSearchKeysAndTapOpenRecords(t *testing.T) {
	w, s := openSearch(t)
	typeQuery(t, s, "temperature")
	if s.sel < 0 {
		t.Fatal("nothing found for temperature")
	}
	// Down moves through the hits, skipping headings, to the follow-up.
	for i := 0; i < len(s.rows) && s.rows[s.sel].hit.Kind != data.KindFollowUp; i++ {
		s.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
		if s.rows[s.sel].hit == nil {
			t.Fatal("a heading was selected")
		}
	}
	hit := s.rows[s.sel].hit
	if hit.Kind != data.KindFollowUp {
		t.Fatalf("no follow-up among %v", hitsOf(s))
	}
	f := hit.Record.(*data.FollowUp)
	s.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	s.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if s.rows[s.sel].hit.ID != f.ID {
		t.Fatal("Up then Down does not come back")
	}

	// Enter opens it on Follow-ups, although it is done and the list
	// shows open ones: the filter makes way.
	s.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	fs := w.followupsScr
	waitFor(t, "the follow-up", func() bool {
		return w.tabs.SelectedIndex() == 4 && fs.selected == f.ID && containsText(fs.detail, f.Title)
	})
	if f.Status != data.StatusDone || !statusFilters[fs.statusIdx].shows(data.StatusDone) {
		t.Errorf("status %s, filter %d", f.Status, fs.statusIdx)
	}

	// Tapping a meeting opens it on Meetings, in its mission.
	w.focusSearch()
	if w.win.Canvas().Focused() != s.entry {
		t.Fatal("the search box lost the focus")
	}
	typeQuery(t, s, "nyathi")
	i := slices.IndexFunc(s.rows, func(r searchRow) bool { return r.hit != nil && r.hit.Kind == data.KindMeeting })
	if i < 0 {
		t.Fatal("no meeting for nyathi")
	}
	m := s.rows[i].hit.Record.(*data.Meeting)
	v := s.list.CreateItem().(*searchRowView)
	s.list.UpdateItem(i, v)
	test.Tap(v)
	waitFor(t, "the meeting", func() bool {
		return w.tabs.SelectedIndex() == 1 && w.meetingsScr.selected == m.ID && w.mission().ID == m.Mission
	})

	// Enter typed before the results arrive opens the first of them.
	w.focusSearch()
	test.Type(s.entry, "Ғулом")
	s.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitFor(t, "the contact", func() bool { return w.tabs.SelectedIndex() == 3 })
	if s.rows[s.sel].hit.Label != "Ғулом Қодиров" {
		t.Errorf("opened %q", s.rows[s.sel].hit.Label)
	}
}

func TestSearchShowsOnlyTheLatestQuery(t *testing.T) {
	w, s := openSearch(t)

	// Two queries typed fast; their answers come back in the wrong order.
	s.entry.SetText("nyathi")
	s.entry.SetText("тошкент")
	var updates []func()
	deadline := time.After(60 * time.Second)
	for len(updates) < 2 {
		select {
		case f := <-uiQueue:
			updates = append(updates, f)
		case <-deadline:
			t.Fatalf("%d answers", len(updates))
		}
	}
	for i := len(updates) - 1; i >= 0; i-- {
		updates[i]()
	}
	want, err := w.st.Search(context.Background(), "тошкент", searchLimit)
	if err != nil {
		t.Fatal(err)
	}
	got := hitsOf(s)
	if s.query != "тошкент" || s.running || len(got) != len(want) {
		t.Fatalf("query %q running %v, %d hits for %d", s.query, s.running, len(got), len(want))
	}
	for _, r := range got {
		if !slices.ContainsFunc(want, func(h store.Hit) bool { return h.ID == r.hit.ID }) {
			t.Errorf("%q is not an answer to тошкент", r.hit.Label)
		}
	}

	// Keystroke by keystroke, the list ends with the last text's answer.
	s.entry.SetText("")
	test.Type(s.entry, "Nyathi Heavy")
	waitFor(t, "the last answer", func() bool { return !s.running })
	if s.query != "Nyathi Heavy" || len(hitsOf(s)) == 0 {
		t.Fatalf("query %q, %d hits", s.query, len(hitsOf(s)))
	}
	for _, r := range hitsOf(s) {
		if r.hit.Kind == data.KindOrg && !strings.HasPrefix(r.hit.Label, "Nyathi Heavy") {
			t.Errorf("%q does not match the last text", r.hit.Label)
		}
	}

	// Records changed elsewhere in the window: the query runs again.
	org := hitsOf(s)[0].hit.Record
	if err := w.st.Delete(context.Background(), org.Meta().ID); err != nil {
		t.Fatal(err)
	}
	w.changed()
	waitFor(t, "the query again", func() bool { return s.gen == w.gen && !s.running })
	for _, r := range hitsOf(s) {
		if r.hit.ID == org.Meta().ID {
			t.Fatal("a deleted record is still listed")
		}
	}
	w.searchScr.clear()
	if s.entry.Text != "" || len(s.rows) != 0 {
		t.Fatal("clear leaves results")
	}
}
