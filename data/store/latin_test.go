package store

import (
	"slices"
	"strings"
	"testing"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
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
	// Records of two kinds, more than one chunk of each.
	defer func(n int) { latinChunk = n }(latinChunk)
	latinChunk = 2
	names := [][2]string{{"Шавкат", "Жўраев"}, {"Дилноза", "Юсупова"}, {"Ҳамид", "Чориев"}, {"Matti", "Mäkinen"}, {"Шерзод", "Хўжаев"}}
	var contacts []*data.Contact
	for _, n := range names {
		c := &data.Contact{GivenName: n[0], FamilyName: n[1]}
		if err := s.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
		contacts = append(contacts, c)
	}
	orgs := []string{"Тошкент Сув", "Ўзбекистон Темир Йўллари", "Šokolaad OÜ"}
	for _, name := range orgs {
		if err := s.Create(ctx, &data.Organization{Name: name, OrgKind: data.OrgHost}); err != nil {
			t.Fatal(err)
		}
	}
	// Schema 3 indexed only the folded words: rebuild the index that way.
	latin := map[string]bool{}
	err := s.db.Update(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pDoc}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			raw := [16]byte(it.Item().KeyCopy(nil)[1:])
			doc, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			kind := data.KindContact
			if _, err := txn.Get(append([]byte{pKind, kindByte[data.KindOrg]}, raw[:]...)); err == nil {
				kind = data.KindOrg
			}
			old := map[string]uint8{}
			for word, w := range docTerms(doc) {
				if !isLatinOfAnother(word, docTerms(doc)) {
					old[word] = w
					continue
				}
				latin[word] = true
				if err := txn.Delete(termKey(word, raw, w, kind)); err != nil {
					return err
				}
			}
			if err := txn.Set(docKey(raw), docValue(old)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !latin["zhuraev"] || !latin["toshkent"] || latin["makinen"] {
		t.Fatalf("Latin terms taken out: %v", latin)
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
	var steps []string
	s, err = Open(ctx, dir, Options{Upgrading: func(step string) { steps = append(steps, step) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(steps) != 1 || !strings.Contains(steps[0], "Latin") {
		t.Errorf("upgrading steps reported: %q", steps)
	}
	if v, _, _ := s.schema(); v != SchemaVersion || SchemaVersion < 4 {
		t.Fatalf("schema after open = %d", v)
	}
	for q, want := range map[string]string{
		"zhuraev shavkat": contacts[0].Label(), "juraev": contacts[0].Label(), "zuraev savkat": contacts[0].Label(),
		"жураев": contacts[0].Label(), "yusupova": contacts[1].Label(), "choriev hamid": contacts[2].Label(),
		"makinen": contacts[3].Label(), "khuzhaev": contacts[4].Label(), "xujaev": contacts[4].Label(),
		"toshkent suv": orgs[0], "uzbekiston temir": orgs[1], "sokolaad": orgs[2],
	} {
		if hits, _ := s.Search(ctx, q, 5); len(hits) != 1 || hits[0].Label != want {
			t.Errorf("after migration %q = %q, want %q", q, hitLabels(hits), want)
		}
	}
	if st := s.Stats(ctx); st[data.KindContact] != 5 || st[data.KindOrg] != 3 {
		t.Errorf("counts after migration: %v", st)
	}
	// An edit after the migration leaves no stale term behind.
	contacts[0].FamilyName = "Назаров"
	if err := s.Update(ctx, contacts[0]); err != nil {
		t.Fatal(err)
	}
	if hits, _ := s.Search(ctx, "zhuraev", 5); len(hits) != 0 {
		t.Errorf("zhuraev after the rename: %q", hitLabels(hits))
	}
}

// isLatinOfAnother says whether word is a Latin spelling of another word
// of the same document.
func isLatinOfAnother(word string, doc map[string]uint8) bool {
	for w := range doc {
		if slices.Contains(locale.Latin(w), word) {
			return true
		}
	}
	return false
}
