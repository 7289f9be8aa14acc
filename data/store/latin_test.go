package store

import (
	"slices"
	"testing"

	"github.com/clusme/fieldbook/data"
)

// A delegate types a Cyrillic name the way she reads or hears it, in Latin
// letters: the search finds it under each usual spelling, keeps finding it
// in Cyrillic, and forgets the spellings when the name changes.
func TestSearchLatinFindsCyrillic(t *testing.T) {
	s, _ := openTemp(t)
	org := &data.Organization{Name: "ООО «Ташкент Трейд»", OrgKind: data.OrgHost}
	if err := s.Create(ctx, org); err != nil {
		t.Fatal(err)
	}
	kodirov := &data.Contact{GivenName: "Ғулом", FamilyName: "Қодиров", Org: org.ID}
	hasanova := &data.Contact{GivenName: "Юлия", FamilyName: "Ҳасанова"}
	makinen := &data.Contact{GivenName: "Matti", FamilyName: "Mäkinen"}
	for _, c := range []*data.Contact{kodirov, hasanova, makinen} {
		if err := s.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	find := func(q string) []string {
		t.Helper()
		hits, err := s.Search(ctx, q, 10)
		if err != nil {
			t.Fatal(err)
		}
		var labels []string
		for _, h := range hits {
			labels = append(labels, h.Label)
		}
		return labels
	}
	for q, want := range map[string]string{
		"kodir":           kodirov.Label(),
		"gulom kodirov":   kodirov.Label(),
		"Қодиров":         kodirov.Label(),
		"кодир":           kodirov.Label(),
		"khasanova":       hasanova.Label(),
		"xasanova yuliya": hasanova.Label(),
		"hasanova julija": hasanova.Label(),
		"tashkent treid":  org.Name,
		"taskent":         org.Name,
		"makinen":         makinen.Label(),
	} {
		if got := find(q); !slices.Contains(got, want) {
			t.Errorf("search %q = %q, want %q among them", q, got, want)
		}
	}
	// A Latin word does not match a Cyrillic one it only resembles.
	if got := find("kodirova"); len(got) != 0 {
		t.Errorf("kodirova found %q", got)
	}
	// Renamed: the old name's spellings go with it.
	kodirov.FamilyName = "Назаров"
	if err := s.Update(ctx, kodirov); err != nil {
		t.Fatal(err)
	}
	if got := find("kodir"); len(got) != 0 {
		t.Errorf("after the rename kodir found %q", got)
	}
	if got := find("nazarov gulom"); !slices.Contains(got, kodirov.Label()) {
		t.Errorf("nazarov gulom = %q", got)
	}
}

// TestMigrateV3AddsLatinSpellings opens a store as schema 3 left it (its
// search index without Latin spellings): the migration to schema 4
// rebuilds the index, and a Latin query finds the Cyrillic name.
func TestMigrateV3AddsLatinSpellings(t *testing.T) {
	s, dir := openTemp(t)
	c := &data.Contact{GivenName: "Шавкат", FamilyName: "Жўраев"}
	if err := s.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	// Schema 3 indexed only the folded Cyrillic word.
	for _, p := range []byte{pTerm, pDoc} {
		if err := s.db.DropPrefix([]byte{p}); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := c.ID.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	wb := s.db.NewWriteBatch()
	old := map[string]uint8{"шавкат": 3, "жураев": 3}
	for tok, w := range old {
		if err := wb.Set(termKey(tok, raw, w, data.KindContact), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := wb.Set(docKey(raw), docValue(old)); err != nil {
		t.Fatal(err)
	}
	if err := wb.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := s.setSchema(3); err != nil {
		t.Fatal(err)
	}
	if hits, _ := s.Search(ctx, "zhuraev", 5); len(hits) != 0 {
		t.Fatalf("the schema-3 index already finds zhuraev: %q", hitLabels(hits))
	}
	if hits, _ := s.Search(ctx, "жураев", 5); len(hits) != 1 {
		t.Fatalf("the schema-3 index does not find жураев: %q", hitLabels(hits))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _, _ := s.schema(); v != SchemaVersion || SchemaVersion < 4 {
		t.Fatalf("schema after open = %d", v)
	}
	for _, q := range []string{"zhuraev shavkat", "juraev", "zuraev savkat", "жураев"} {
		if hits, _ := s.Search(ctx, q, 5); len(hits) != 1 || hits[0].ID != c.ID {
			t.Errorf("after migration %q = %q", q, hitLabels(hits))
		}
	}
	if st := s.Stats(ctx); st[data.KindContact] != 1 {
		t.Errorf("counts after migration: %v", st)
	}
}
