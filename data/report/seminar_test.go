package report

import (
	"bytes"
	"context"
	"regexp"
	"testing"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/seminar"
	"github.com/clusme/fieldbook/data/store"
)

// seminarStore is a Tashkent seminar whose names need every script the
// documents must print: Estonian and Finnish letters, Uzbek Cyrillic
// (Қ Ғ Ҳ Ў) and Uzbek Latin with the modifier letter ʻ.
func seminarStore(t *testing.T) (*store.Store, *data.Seminar, *data.Contact) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	mk := func(r data.Record) {
		t.Helper()
		if err := st.Create(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	member := &data.Organization{Name: "Päikesepaneel OÜ", OrgKind: data.OrgMember, Country: "EE"}
	host1 := &data.Organization{Name: "Ҳамкор Қурилиш Ғалаба", OrgKind: data.OrgHost, Country: "UZ"}
	host2 := &data.Organization{Name: "Oʻzbekiston Gʻaznachi MChJ", OrgKind: data.OrgHost, Country: "UZ"}
	for _, o := range []*data.Organization{member, host1, host2} {
		mk(o)
	}
	tonu := &data.Contact{GivenName: "Tõnu", FamilyName: "Põder", Org: member.ID}
	zanna := &data.Contact{GivenName: "Žanna", FamilyName: "Šmidt-Jääskeläinen", Org: member.ID}
	gulom := &data.Contact{GivenName: "Ғулом", FamilyName: "Қодиров", Org: host1.ID}
	uktam := &data.Contact{GivenName: "Oʻktam", FamilyName: "Ўринов", Org: host2.ID}
	for _, c := range []*data.Contact{tonu, zanna, gulom, uktam} {
		mk(c)
	}
	m := &data.Mission{Name: "Cleantech Tashkent", Country: "UZ", Start: "2026-05-18", End: "2026-05-22", TimeZone: "Asia/Tashkent",
		Delegates: []data.ID{tonu.ID, zanna.ID}}
	mk(m)
	sem := &data.Seminar{Mission: m.ID, Name: "Тошкент B2B: Yashil energiya", Venue: "Toshkent Xalqaro Biznes Markazi",
		Date: "2026-05-20", FirstSlot: "09:00", SlotMinutes: 20, Slots: 6, Tables: 10,
		Breaks: []data.Break{{After: 3, Minutes: 20, Label: "Kofe-tanaffus"}}}
	if err := seminar.Create(ctx, st, sem); err != nil {
		t.Fatal(err)
	}
	for _, r := range []seminar.Request{
		{Slot: 1, Table: 2, Delegate: tonu.ID, With: []data.ID{gulom.ID}},
		{Slot: 4, Table: 9, Delegate: tonu.ID, With: []data.ID{uktam.ID}},
		{Slot: 1, Table: 3, Delegate: zanna.ID, With: []data.ID{uktam.ID}},
	} {
		if _, err := seminar.Schedule(ctx, st, sem.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	return st, sem, tonu
}

func TestSeminarAgendaPDF(t *testing.T) {
	st, sem, tonu := seminarStore(t)
	for _, lang := range []string{"en", "ru"} {
		path := generate(t, "agenda-"+lang+".pdf", func(w *bytes.Buffer) error {
			return SeminarAgenda(context.Background(), st, sem.ID, tonu.ID, opts(lang), w)
		})
		txt := text(t, path)
		contains(t, "agenda "+lang, txt, sem.Name, "Toshkent Xalqaro Biznes Markazi", "Asia/Tashkent",
			"09:00–09:20", "09:40–10:00", "10:00–10:20", "Kofe-tanaffus", "10:20–10:40",
			"Ҳамкор Қурилиш Ғалаба", "Ғулом Қодиров", "Oʻzbekiston Gʻaznachi MChJ", "Oʻktam Ўринов",
			fill(label(t, lang, "agenda_for"), "name", "Tõnu Põder"), label(t, lang, "notes"))
		if regexp.MustCompile(`Žanna`).MatchString(txt) {
			t.Errorf("%s: another delegate's meeting is on Tõnu's agenda", lang)
		}
	}
}

func TestSeminarGridPDF(t *testing.T) {
	st, sem, _ := seminarStore(t)
	path := generate(t, "grid.pdf", func(w *bytes.Buffer) error {
		return SeminarGrid(context.Background(), st, sem.ID, opts("et"), w)
	})
	info := run(t, "pdfinfo", path)
	if !regexp.MustCompile(`Page size:\s+842 x 595`).MatchString(info) {
		t.Fatalf("room grid is not A4 landscape:\n%s", info)
	}
	// Ten tables: 1–8 on the first block of pages, 9–10 on the next.
	if n := pages(t, path); n != 2 {
		t.Fatalf("pages = %d, want 2", n)
	}
	first, second := text(t, path, 1, 1), text(t, path, 2, 2)
	contains(t, "grid page 1", first, label(t, "et", "room_grid"), "Laud 1", "Laud 8", "Tõnu Põder", "Žanna Šmidt",
		"Ҳамкор Қурилиш", "Oʻzbekiston", "Gʻaznachi", "09:00", "Kofe-tanaffus")
	contains(t, "grid page 2", second, "Laud 9", "Laud 10", "Tõnu Põder", "10:20")
}
