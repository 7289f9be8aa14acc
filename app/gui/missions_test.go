package gui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/language"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// missionFormEntries are the text fields of the open mission form, in
// form order (name, country, cities, start, end, zone, sector, cluster,
// objectives).
func missionFormEntries(t *testing.T, w *mainWindow) []*entry {
	t.Helper()
	top := w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog is open")
	}
	var out []*entry
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *entry:
			out = append(out, x)
		case *widget.Form:
			for _, it := range x.Items {
				walk(it.Widget)
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			r := test.WidgetRenderer(x)
			for _, c := range r.Objects() {
				walk(c)
			}
		}
	}
	walk(top)
	if len(out) != 9 {
		t.Fatalf("the mission form has %d text fields, want 9", len(out))
	}
	return out
}

func TestCreateMissionFromTheEmptyScreen(t *testing.T) {
	dir := t.TempDir()
	w := newTestWindow(t, dir)
	var create *widget.Button
	waitFor(t, "the empty screen", func() bool {
		create = findButton(w.body, i18n.T("empty.newmission"))
		return create != nil
	})
	test.Tap(create)
	e := missionFormEntries(t, w)
	for i, s := range []string{"Samarqand cleantech 2027", "uz", "Samarqand, Buxoro", "2027-04-12", "2027-04-10", "Asia/Tashkent", "Cleantech", "", "Meet Қодиров & Oʻzbek partners"} {
		test.Type(e[i], s)
	}
	// The end before the start is refused, naming the field; the typed
	// text stays.
	w.save()
	if top := w.win.Canvas().Overlays().Top(); top == nil || !strings.Contains(allTextDeep(top), "Check “Last day”: “2027-04-10” is before the first day") {
		t.Fatalf("no problem shown: %q", allTextDeep(w.win.Canvas().Overlays().Top()))
	}
	if e[0].Text != "Samarqand cleantech 2027" {
		t.Fatalf("the form lost the name: %q", e[0].Text)
	}
	e[4].SetText("2027-04-16")
	w.save()
	waitFor(t, "the new mission", func() bool { return len(w.missions) == 1 && w.mission() != nil })
	if w.win.Canvas().Overlays().Top() != nil {
		t.Fatal("the form is still open")
	}
	m := w.mission()
	if m.Name != "Samarqand cleantech 2027" || m.Country != "UZ" || len(m.Cities) != 2 || m.End != "2027-04-16" || m.TimeZone != "Asia/Tashkent" {
		t.Fatalf("mission %+v", m)
	}
	w.close()
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	recs, err := st.List(context.Background(), store.Query{Kind: data.KindMission})
	if err != nil || len(recs) != 1 || recs[0].(*data.Mission).Objectives != "Meet Қодиров & Oʻzbek partners" {
		t.Fatalf("store has %v, %v", recs, err)
	}
	var cur data.ID
	if err := st.Setting(context.Background(), settingMission, &cur); err != nil || cur != recs[0].Meta().ID {
		t.Fatalf("current mission %q, %v", cur, err)
	}
}

func TestEscCancelsTheMissionForm(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 })
	w.editMission(w.mission())
	e := missionFormEntries(t, w)
	if e[0].Text != w.mission().Name {
		t.Fatalf("form name %q", e[0].Text)
	}
	e[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.win.Canvas().Overlays().Top() != nil || len(w.forms) != 0 {
		t.Fatal("Esc did not close the form")
	}
}

// allTextDeep is allText that also looks inside widgets' renderers.
func allTextDeep(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	if o != nil {
		walk(o)
	}
	return b.String()
}

// Esc on a form with typed changes asks before throwing them away; Esc on
// the question keeps the form and what was typed.
func TestEscAsksBeforeDiscardingTypedChanges(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 })
	w.editMission(w.mission())
	form := w.win.Canvas().Overlays().Top()
	e := missionFormEntries(t, w)
	test.Type(e[8], " Also visit Samarqand.")
	e[8].TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	ask := w.win.Canvas().Overlays().Top()
	if ask == form || !strings.Contains(allTextDeep(ask), i18n.T("form.discard.title")) {
		t.Fatalf("Esc did not ask: %q", allTextDeep(ask))
	}
	w.escape() // Esc on the question: keep editing
	if w.win.Canvas().Overlays().Top() != form || !strings.Contains(e[8].Text, "Also visit Samarqand.") {
		t.Fatal("the form or its text is gone")
	}
	w.escape()
	test.Tap(findButton(w.win.Canvas().Overlays().Top().(fyne.Widget).(*widget.PopUp).Content, i18n.T("capture.discard.do")))
	if w.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Discard did not close the form")
	}
}

// Saving a form writes what was changed in it, not the whole record as it
// was opened: a change made meanwhile to another field stays.
func TestEditKeepsChangesMadeMeanwhile(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 })
	m := w.mission()
	w.editMission(m)
	e := missionFormEntries(t, w)
	// Meanwhile (another screen, or sync) the sector changes.
	other := *m
	other.Sector = "Water and energy (updated)"
	if err := w.st.Update(context.Background(), &other); err != nil {
		t.Fatal(err)
	}
	e[0].SetText("Cleantech mission to Tashkent and Samarqand 2026")
	w.save()
	waitFor(t, "the saved mission", func() bool { return w.mission() != nil && strings.Contains(w.mission().Name, "Samarqand") })
	got, err := store.Load[*data.Mission](context.Background(), w.st, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Cleantech mission to Tashkent and Samarqand 2026" || got.Sector != "Water and energy (updated)" {
		t.Fatalf("saved name %q, sector %q", got.Name, got.Sector)
	}
}

// Form problems are in the UI language: the field's label and the known
// messages are translated, the value quoted.
func TestFieldProblemsAreTranslated(t *testing.T) {
	defer i18n.SetLanguage(language.English)
	c := &data.Contact{GivenName: "Ғулом", Emails: []string{"g@"}}
	err := c.Validate()
	i18n.SetLanguage(language.Finnish)
	if got, want := fieldProblem(err), "Tarkista ”Sähköposti”: “g@” ei ole kelvollinen sähköpostiosoite"; got != want {
		t.Errorf("fi: %q, want %q", got, want)
	}
	i18n.SetLanguage(language.Russian)
	m := &data.Mission{Name: "X", Country: "UZ", Start: "2026-05-18", End: "2026-05-22"}
	if got, want := fieldProblem(m.Validate()), "Проверьте «Часовой пояс»: нужен часовой пояс, например Africa/Johannesburg"; got != want {
		t.Errorf("ru: %q, want %q", got, want)
	}
}
