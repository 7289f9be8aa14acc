package gui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/language"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/data/sample"
	"github.com/clusme/fieldbook/data/store"
)

// ctWindow opens a window on the sample data with the contacts
// screen shown and its rows loaded.
func ctWindow(t *testing.T) (*mainWindow, *contactsScreen) {
	t.Helper()
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 })
	w.showScreen(w.contactsScr)
	s := w.contactsScr
	waitFor(t, "the contacts", func() bool { return len(s.rows.rows) == 42 && len(s.rows.shown) == 42 })
	return w, s
}

// ctShownLabels are the labels of the rows the list shows, in order.
func ctShownLabels(s *contactsScreen) []string {
	var out []string
	for _, i := range s.rows.shown {
		out = append(out, s.rows.rows[i].label)
	}
	return out
}

// ctTypeFilter replaces the filter text by typing it, as a user would.
func ctTypeFilter(t *testing.T, s *contactsScreen, text string, want int) {
	t.Helper()
	s.filter.SetText("")
	test.Type(s.filter, text)
	waitFor(t, "filter "+text, func() bool { return len(s.rows.shown) == want && s.rows.cancel == nil })
}

// ctDeepFind walks o, looking inside widgets' renderers too (dialogs), for
// the first object that match accepts.
func ctDeepFind(o fyne.CanvasObject, match func(fyne.CanvasObject) bool) fyne.CanvasObject {
	if o == nil {
		return nil
	}
	if match(o) {
		return o
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			if f := ctDeepFind(c, match); f != nil {
				return f
			}
		}
	case *widget.Form:
		for _, it := range x.Items {
			if f := ctDeepFind(it.Widget, match); f != nil {
				return f
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			if f := ctDeepFind(c, match); f != nil {
				return f
			}
		}
	}
	return nil
}

// ctText is the text of every label and button below o, one per line.
func ctText(o fyne.CanvasObject) string {
	var b strings.Builder
	ctDeepFind(o, func(o fyne.CanvasObject) bool {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *widget.Button:
			b.WriteString(x.Text + "\n")
		case *widget.Hyperlink:
			b.WriteString(x.Text + "\n")
		}
		return false
	})
	return b.String()
}

// ctLink is the first link below o whose text contains text.
func ctLink(t *testing.T, o fyne.CanvasObject, text string) *widget.Hyperlink {
	t.Helper()
	l, _ := ctDeepFind(o, func(o fyne.CanvasObject) bool {
		l, ok := o.(*widget.Hyperlink)
		return ok && strings.Contains(l.Text, text)
	}).(*widget.Hyperlink)
	if l == nil {
		t.Fatalf("no %q link", text)
	}
	return l
}

// ctTapLink taps a link on its text (a tap beside the text does nothing).
func ctTapLink(l *widget.Hyperlink) { test.TapAt(l, fyne.NewPos(24, 16)) }

// ctOverlayButton is the button with text in the dialog on top.
func ctOverlayButton(t *testing.T, w *mainWindow, text string) *widget.Button {
	t.Helper()
	top := w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog is open (looking for %q)", text)
	}
	b, _ := ctDeepFind(top, func(o fyne.CanvasObject) bool {
		b, ok := o.(*widget.Button)
		return ok && b.Text == text
	}).(*widget.Button)
	if b == nil {
		t.Fatalf("the dialog has no %q button", text)
	}
	return b
}

// ctOverlayEntries are the text fields of the dialog on top, in form order.
func ctOverlayEntries(w *mainWindow) []*entry {
	var out []*entry
	ctDeepFind(w.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		if e, ok := o.(*entry); ok {
			out = append(out, e)
		}
		return false
	})
	return out
}

func TestContactListSortedAndFiltered(t *testing.T) {
	w, s := ctWindow(t)
	if !strings.Contains(s.count.Text, "42 contacts") {
		t.Errorf("count %q", s.count.Text)
	}
	coll := locale.NewCollator(language.English)
	labels := ctShownLabels(s)
	for i := 1; i < len(labels); i++ {
		if coll.Compare(labels[i-1], labels[i]) > 0 {
			t.Errorf("not sorted: %q before %q", labels[i-1], labels[i])
		}
	}
	// Subtitles name the job title and the organization.
	for _, r := range s.rows.rows {
		if r.label == "Ғулом Қодиров" && !strings.Contains(r.sub, "ТОШКЕНТ СУВ ХИЗМАТИ АЖ") {
			t.Errorf("subtitle %q", r.sub)
		}
	}

	// Folded: case, diacritics and the Uzbek letters need not be typed.
	ctTypeFilter(t, s, "қодир", 1)
	if got := ctShownLabels(s); got[0] != "Ғулом Қодиров" {
		t.Fatalf("қодир: %q", got)
	}
	ctTypeFilter(t, s, "КОДИРОВ", 1)
	// Typed in Latin letters, as a delegate reads or hears the name.
	ctTypeFilter(t, s, "kodir", 1)
	if got := ctShownLabels(s); got[0] != "Ғулом Қодиров" {
		t.Fatalf("kodir: %q", got)
	}
	ctTypeFilter(t, s, "gofurov", 1)
	if got := ctShownLabels(s); got[0] != "Bekzod Gʻofurov" {
		t.Fatalf("gofurov: %q", got)
	}
	ctTypeFilter(t, s, "jarvinen", 1)
	// Every word must match, in any field: organization and name here.
	ctTypeFilter(t, s, "nyathi", 4)
	ctTypeFilter(t, s, "nyathi botha", 1)
	if !strings.Contains(s.count.Text, "1 of 42") {
		t.Errorf("count %q", s.count.Text)
	}
	ctTypeFilter(t, s, "zzzz", 0)
	if findButton(s.view, i18n.T("contacts.filter.clear")) == nil {
		t.Fatal("no way out of an empty filter result")
	}
	test.Tap(findButton(s.view, i18n.T("contacts.filter.clear")))
	waitFor(t, "the cleared filter", func() bool { return len(s.rows.shown) == 42 && s.view.Objects[0] == s.rows.list })

	// Organizations: Jyväskylä is found typed without the umlauts, and the
	// kind filter narrows the list.
	s.kindChoice.SetSelected(i18n.T("contacts.show.orgs"))
	waitFor(t, "the organizations", func() bool { return len(s.rows.rows) == 23 && len(s.rows.shown) == 23 })
	if !s.orgKindSel.Visible() || s.newBtn.Text != i18n.T("contacts.new.org") {
		t.Error("the organization controls are not shown")
	}
	ctTypeFilter(t, s, "jyvaskyla", 1)
	if got := ctShownLabels(s); got[0] != "Keski-Suomen Mekatroniikan Osaamiskeskus" {
		t.Fatalf("jyvaskyla: %q", got)
	}
	ctTypeFilter(t, s, "", 23)
	s.orgKindSel.SetSelectedIndex(2) // hosts
	waitFor(t, "the hosts", func() bool { return len(s.rows.shown) == 8 })
	for _, i := range s.rows.shown {
		if s.rows.rows[i].orgKind != data.OrgHost {
			t.Errorf("%s is not a host", s.rows.rows[i].label)
		}
	}

	// Sorting follows the UI language: Estonian puts Š after S.
	en, err := loadRows(context.Background(), w.st, data.KindOrg, language.English)
	if err != nil {
		t.Fatal(err)
	}
	et, err := loadRows(context.Background(), w.st, data.KindOrg, language.Estonian)
	if err != nil {
		t.Fatal(err)
	}
	pos := func(rows []contactRow, prefix string) int {
		for i, r := range rows {
			if strings.HasPrefix(r.label, prefix) {
				return i
			}
		}
		t.Fatalf("no %s", prefix)
		return -1
	}
	if pos(en, "Šmidt") > pos(en, "Soojusaku") {
		t.Error("English: Šmidt should sort among the S")
	}
	if pos(et, "Šmidt") < pos(et, "Soojusaku") || pos(et, "Šmidt") > pos(et, "Tartu") {
		t.Error("Estonian: Šmidt should sort after S and before T")
	}
}

func TestRevealContactShowsDetailWithLinkedRecords(t *testing.T) {
	w, s := ctWindow(t)
	// A filter that hides him: reveal must clear it.
	ctTypeFilter(t, s, "nyathi", 4)
	w.showScreen(w.missionsScr)
	id := sample.RefID("@contact:gulom-qodirov")
	c, err := store.Load[*data.Contact](w.ctx, w.st, id)
	if err != nil {
		t.Fatal(err)
	}
	w.openRecord(c)
	waitFor(t, "his detail", func() bool {
		return w.tabs.SelectedIndex() == 3 && containsText(s.detail, "Ғулом Қодиров") && s.rows.selected == id
	})
	if s.filter.Text != "" || len(s.rows.shown) != 42 {
		t.Errorf("filter %q, %d shown", s.filter.Text, len(s.rows.shown))
	}
	text := ctText(s.detail)
	for _, want := range []string{
		"Meetings (4)", "Dinner with Ғулом Қодиров on tender timing", "Plant visit: ТОШКЕНТ СУВ ХИЗМАТИ metering centre",
		"Follow-ups (3)", "Temperature test of meters at +55 °C in pit conditions",
		"ТОШКЕНТ СУВ ХИЗМАТИ АЖ", "Attachments (0)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("detail lacks %q:\n%s", want, text)
		}
	}
	// A follow-up of his organization assigned to someone else is not his.
	if strings.Contains(text, "Russian-language pilot offer") {
		t.Error("a colleague's follow-up is listed")
	}

	// His organization opens from the detail, with its people.
	ctTapLink(ctLink(t, s.detail, "ТОШКЕНТ СУВ ХИЗМАТИ АЖ"))
	orgID := sample.RefID("@org:toshkent-suv")
	waitFor(t, "the organization", func() bool {
		return s.kind == data.KindOrg && s.rows.selected == orgID && containsText(s.detail, "People (2)")
	})
	text = ctText(s.detail)
	for _, want := range []string{"Дилноза Юсупова", "Meetings (5)", "Follow-ups (6)", "Uzbekistan", "Host"} {
		if !strings.Contains(text, want) {
			t.Errorf("organization detail lacks %q:\n%s", want, text)
		}
	}
	// A meeting opens on the Meetings screen.
	ctTapLink(ctLink(t, s.detail, "Dinner with Ғулом Қодиров on tender timing"))
	if w.tabs.SelectedIndex() != 1 {
		t.Errorf("tab %d after opening a meeting", w.tabs.SelectedIndex())
	}
}

func TestEditContactInTheForm(t *testing.T) {
	w, s := ctWindow(t)
	id := sample.RefID("@contact:irina-kim")
	c, _ := store.Load[*data.Contact](w.ctx, w.st, id)
	s.reveal(c)
	waitFor(t, "her detail", func() bool { return containsText(s.detail, "Ирина Ким") })
	test.Tap(findButton(s.detail, i18n.T("action.edit")))
	e := ctOverlayEntries(w)
	if len(e) != 9 || e[0].Text != "Ирина" || e[1].Text != "Ким" {
		t.Fatalf("form: %d fields", len(e))
	}
	title, emails := e[2], e[3]
	title.SetText("")
	test.Type(title, "Главный инженер по учёту")
	emails.SetText("")
	test.Type(emails, "irina@")
	w.save() // Ctrl+S
	top := w.win.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(allTextDeep(top), "Check “E-mail”: “irina@” is not a valid e-mail address") {
		t.Fatalf("no problem shown for the bad address: %q", allTextDeep(top))
	}
	if title.Text != "Главный инженер по учёту" {
		t.Fatal("the form lost what was typed")
	}
	test.Type(emails, "tve.example")
	w.save()
	waitFor(t, "the save", func() bool { return w.win.Canvas().Overlays().Top() == nil })
	got, err := store.Load[*data.Contact](w.ctx, w.st, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Главный инженер по учёту" || len(got.Emails) != 1 || got.Emails[0] != "irina@tve.example" || got.Org != c.Org {
		t.Fatalf("saved %+v", got)
	}
	waitFor(t, "the new title on screen", func() bool { return containsText(s.detail, "Главный инженер по учёту") })

	// A new contact from the button: saved, listed and selected.
	test.Tap(s.newBtn)
	e = ctOverlayEntries(w)
	test.Type(e[0], "Зарина")
	test.Type(e[1], "Каримова")
	w.save()
	waitFor(t, "the new contact", func() bool { return len(s.rows.rows) == 43 && containsText(s.detail, "Зарина Каримова") })
	sel := s.rows.rows[s.rows.shown[0]]
	for _, i := range s.rows.shown {
		if s.rows.rows[i].id == s.rows.selected {
			sel = s.rows.rows[i]
		}
	}
	if sel.label != "Зарина Каримова" {
		t.Errorf("selected %q", sel.label)
	}
}

func TestDeleteOrganizationAsksFirst(t *testing.T) {
	w, s := ctWindow(t)
	id := sample.RefID("@org:bluff-harbour")
	o, _ := store.Load[*data.Organization](w.ctx, w.st, id)
	s.reveal(o)
	waitFor(t, "the organization", func() bool { return len(s.rows.rows) == 23 && containsText(s.detail, o.Name) })
	test.Tap(findButton(s.detail, i18n.T("action.delete")))
	test.Tap(ctOverlayButton(t, w, i18n.T("action.cancel")))
	if _, err := w.st.Get(w.ctx, id); err != nil {
		t.Fatalf("cancelled, but: %v", err)
	}
	test.Tap(findButton(s.detail, i18n.T("action.delete")))
	test.Tap(ctOverlayButton(t, w, i18n.T("action.delete")))
	waitFor(t, "the delete", func() bool { return len(s.rows.rows) == 22 })
	if _, err := w.st.Get(w.ctx, id); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if containsText(s.detail, o.Name) {
		t.Error("the deleted organization is still shown")
	}
}

// BenchmarkContactRows loads the rows of 10 000 generated records' contacts
// the way the screen does.
func BenchmarkContactRows(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, b.TempDir(), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := sample.LoadGenerated(ctx, st, 1, 10000, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var n int
	for b.Loop() {
		rows, err := loadRows(ctx, st, data.KindContact, language.Finnish)
		if err != nil {
			b.Fatal(err)
		}
		n = len(rows)
	}
	b.ReportMetric(float64(n), "rows")
}
