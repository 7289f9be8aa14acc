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
// search index without Latin spellings): the migration to schema 4 adds
// them, and a Latin query finds the Cyrillic name.
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
	orgs := []string{"Тошкент Сув", "Ўзбекистон Темир Йўллари", "Šokolaad OÜ", "Ташкент Трейд"}
	var orgIDs []data.ID
	for _, name := range orgs {
		o := &data.Organization{Name: name, OrgKind: data.OrgHost}
		if name == "Ташкент Трейд" {
			o.City = "Tashkent" // the Latin spelling of its name, weighing less
		}
		if err := s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
		orgIDs = append(orgIDs, o.ID)
	}
	// A word longer than a term key holds (cut at 64 bytes).
	long := &data.Contact{GivenName: "Ўринбой", FamilyName: "Гидроэлектростанциястроительмонтажпроект"}
	if err := s.Create(ctx, long); err != nil {
		t.Fatal(err)
	}
	// Schema 3 indexed the folded words only: give every record the
	// index that version wrote.
	err := s.db.Update(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pDoc}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			raw := [16]byte(it.Item().KeyCopy(nil)[1:])
			doc, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			rec, err := liveRecord(txn, raw)
			if err != nil {
				return err
			}
			for word, w := range docTerms(doc) {
				if err := txn.Delete(termKey(word, raw, w, rec.Kind())); err != nil {
					return err
				}
			}
			old := termsV3(rec)
			for word, w := range old {
				if err := txn.Set(termKey(word, raw, w, rec.Kind()), nil); err != nil {
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
	if hits, _ := s.Search(ctx, "gidroelektrostantsiyastroitelmontazh", 5); len(hits) != 1 || hits[0].ID != long.ID {
		t.Errorf("the long word after migration: %q", hitLabels(hits))
	}
	if st := s.Stats(ctx); st[data.KindContact] != 6 || st[data.KindOrg] != 4 {
		t.Errorf("counts after migration: %v", st)
	}
	// "tashkent" was the city (weight 2) and is now also the name's
	// spelling (weight 4): one key, the heavier.
	trade := orgIDs[3]
	if got := termWeights(t, s, "tashkent", trade); !slices.Equal(got, []uint8{data.WeightName}) {
		t.Errorf("tashkent keys of the org: weights %v, want only %d", got, data.WeightName)
	}
	o, err := Load[*data.Organization](ctx, s, trade)
	if err != nil {
		t.Fatal(err)
	}
	o.Name, o.City = "Самарқанд Трейд", "Samarkand"
	if err := s.Update(ctx, o); err != nil {
		t.Fatal(err)
	}
	if got := termWeights(t, s, "tashkent", trade); len(got) != 0 {
		t.Errorf("tashkent keys left after the rename: weights %v", got)
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

// termsV3 is the search terms schema 3 indexed: the folded words alone.
func termsV3(rec data.Record) map[string]uint8 {
	out := map[string]uint8{}
	for _, wt := range rec.SearchText() {
		for _, tok := range locale.Tokens(wt.Text) {
			if tok = clipTerm(tok); wt.Weight > out[tok] {
				out[tok] = wt.Weight
			}
		}
	}
	return out
}

// termWeights lists the weights of the index keys of word for record id.
func termWeights(t *testing.T, s *Store, word string, id data.ID) []uint8 {
	t.Helper()
	raw, err := id.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	prefix := append(append([]byte{pTerm}, word...), 0)
	prefix = append(prefix, raw[:]...)
	var out []uint8
	err = s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			out = append(out, k[len(prefix)])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
