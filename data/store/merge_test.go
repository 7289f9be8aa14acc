package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/hlc"
)

// exchange merges every change a made into b and every change b made into a.
func exchange(t *testing.T, a, b *Store) {
	t.Helper()
	ca, err := a.Changes(ctx, a.Device(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := b.Changes(ctx, b.Device(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Merge(ctx, ca, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Merge(ctx, cb, nil); err != nil {
		t.Fatal(err)
	}
}

func contactOn(t *testing.T, s *Store, id data.ID) *data.Contact {
	t.Helper()
	c, err := Load[*data.Contact](ctx, s, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMergeFieldsConflictsSetsAndDeletes(t *testing.T) {
	a, _ := openTemp(t)
	b, _ := openTemp(t)
	c := &data.Contact{GivenName: "Ғулом", FamilyName: "Қодиров", Title: "Engineer", Tags: []string{"steel"}}
	if err := a.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
	if got := contactOn(t, b, c.ID); got.FamilyName != "Қодиров" || len(got.Tags) != 1 {
		t.Fatalf("b did not receive the contact: %+v", got)
	}

	// Different fields on each side merge; the same field edited on both
	// sides without either seeing the other is a conflict, winner by clock.
	ea := contactOn(t, a, c.ID)
	ea.Title, ea.Notes, ea.Tags = "Chief engineer", "met in Tashkent", []string{"steel", "ports"}
	if err := a.Update(ctx, ea); err != nil {
		t.Fatal(err)
	}
	eb := contactOn(t, b, c.ID)
	eb.Title, eb.Emails, eb.Tags = "Head of plant", []string{"g@example.uz"}, nil // b removes "steel"
	if err := b.Update(ctx, eb); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
	ga, gb := contactOn(t, a, c.ID), contactOn(t, b, c.ID)
	if ga.Title != gb.Title || ga.Notes != "met in Tashkent" || gb.Notes != ga.Notes || len(gb.Emails) != 1 || len(ga.Emails) != 1 {
		t.Fatalf("replicas differ: a=%+v b=%+v", ga, gb)
	}
	if want := []string{"ports"}; !equalStrings(ga.Tags, want) || !equalStrings(gb.Tags, want) {
		t.Fatalf("tags: a=%v b=%v, want %v (b's remove of steel, a's add of ports)", ga.Tags, gb.Tags, want)
	}
	for _, s := range []*Store{a, b} {
		cs, err := s.Conflicts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Field != "title" {
			t.Fatalf("conflicts = %+v, want one on title", cs)
		}
		var other string
		_ = json.Unmarshal(cs[0].Other.Value, &other)
		if other == ga.Title || (other != "Chief engineer" && other != "Head of plant") {
			t.Fatalf("the conflict keeps %q, winner %q", other, ga.Title)
		}
	}

	// Resolving takes the other value as an ordinary edit; it syncs and
	// raises no new conflict on the other side.
	cs, _ := a.Conflicts(ctx)
	if err := a.ResolveConflict(ctx, cs[0].Key(), cs[0].Other.Value); err != nil {
		t.Fatal(err)
	}
	cb, _ := b.Conflicts(ctx)
	if err := b.ResolveConflict(ctx, cb[0].Key(), nil); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
	if ga, gb := contactOn(t, a, c.ID), contactOn(t, b, c.ID); ga.Title != gb.Title {
		t.Fatalf("after resolving: %q vs %q", ga.Title, gb.Title)
	}
	for _, s := range []*Store{a, b} {
		if cs, _ := s.Conflicts(ctx); len(cs) != 0 {
			t.Fatalf("conflicts left on %s (a=%s): %+v", s.Device(), a.Device(), cs)
		}
	}

	// Edit beats delete: a deletes, b concurrently edits; both keep it.
	if err := a.Delete(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	eb = contactOn(t, b, c.ID)
	eb.Phones = []string{"+998 71 000 00 00"}
	if err := b.Update(ctx, eb); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
	if ga := contactOn(t, a, c.ID); len(ga.Phones) != 1 {
		t.Fatalf("the edit did not bring the record back on a: %+v", ga)
	}
	if n := a.Stats(ctx)[data.KindContact]; n != 1 {
		t.Fatalf("a counts %d contacts", n)
	}
	// A delete that had seen everything wins everywhere.
	if err := b.Delete(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
	for _, s := range []*Store{a, b} {
		if _, err := s.Get(ctx, c.ID); !errors.Is(err, data.ErrNotFound) {
			t.Fatalf("deleted record still there: %v", err)
		}
		if n := s.Stats(ctx)[data.KindContact]; n != 0 {
			t.Fatalf("%d contacts counted after the delete", n)
		}
		if r, _ := s.Search(ctx, "Қодиров", 10); len(r) != 0 {
			t.Fatalf("search still finds the deleted contact: %+v", r)
		}
	}
}

func TestMergeIgnoresPrivateAndOwnAndIsIdempotent(t *testing.T) {
	a, _ := openTemp(t)
	b, _ := openTemp(t)
	secret := &data.Contact{GivenName: "Salainen", FamilyName: "Henkilö"}
	secret.Confidentiality = data.Private
	if err := a.Create(ctx, secret); err != nil {
		t.Fatal(err)
	}
	shared := &data.Contact{GivenName: "Mari", FamilyName: "Tamm"}
	if err := a.Create(ctx, shared); err != nil {
		t.Fatal(err)
	}
	ca, _ := a.Changes(ctx, a.Device(), 1, 0)
	res, err := b.Merge(ctx, ca, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ignored != 1 || res.Created != 1 {
		t.Fatalf("merge result %+v", res)
	}
	if _, err := b.Get(ctx, secret.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatal("a private record reached another replica")
	}
	again, err := b.Merge(ctx, ca, nil)
	if err != nil || again.Applied != 0 {
		t.Fatalf("merging twice applied %d (%v)", again.Applied, err)
	}
	own, _ := b.Merge(ctx, ca, nil)
	if own.Applied != 0 {
		t.Fatal("re-merge changed something")
	}
	cb, _ := b.Changes(ctx, b.Device(), 1, 0)
	if len(cb) != 0 {
		t.Fatalf("merging logged %d changes on the receiver", len(cb))
	}
	if r, _ := b.Search(ctx, "tamm", 10); len(r) != 1 {
		t.Fatalf("merged record not searchable: %+v", r)
	}
}

func TestMergeErase(t *testing.T) {
	a, _ := openTemp(t)
	b, _ := openTemp(t)
	c := &data.Contact{GivenName: "Forget", FamilyName: "Me"}
	if err := a.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
	eb := contactOn(t, b, c.ID)
	eb.Notes = "edited on b"
	if err := b.Update(ctx, eb); err != nil {
		t.Fatal(err)
	}
	if err := a.Erase(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
	for _, s := range []*Store{a, b} {
		if _, err := s.Get(ctx, c.ID); !errors.Is(err, data.ErrNotFound) {
			t.Fatal("an erased record came back")
		}
	}
	cb, _ := b.Changes(ctx, b.Device(), 1, 0)
	for _, ch := range cb {
		if ch.Record == c.ID {
			for _, f := range ch.Fields {
				if string(f.Value) != "null" && f.Value != nil {
					t.Fatalf("b's log still says %s=%s about the erased record", f.Name, f.Value)
				}
			}
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A delete can arrive before the record it deletes (segments out of
// order): it leaves a tombstone the later create does not bring back.
func TestMergeDeleteBeforeCreate(t *testing.T) {
	a, _ := openTemp(t)
	b, _ := openTemp(t)
	c := &data.Contact{GivenName: "Early", FamilyName: "Delete"}
	if err := a.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := a.Delete(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	log, _ := a.Changes(ctx, a.Device(), 1, 0)
	if _, err := b.Merge(ctx, log[1:], nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Merge(ctx, log[:1], nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(ctx, c.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("the record came back: %v", err)
	}
	if n := b.Stats(ctx)[data.KindContact]; n != 0 {
		t.Fatalf("%d contacts counted", n)
	}
}

// The search cache (search.go) must never hide a write, local or merged.
func TestSearchSeesEveryWrite(t *testing.T) {
	a, _ := openTemp(t)
	b, _ := openTemp(t)
	for _, q := range []string{"zebrafield", "zebrafield o"} {
		if hits, _ := b.Search(ctx, q, 10); len(hits) != 0 {
			t.Fatalf("%q found %d before any write", q, len(hits))
		}
	}
	c := &data.Contact{GivenName: "Zebrafield", FamilyName: "Ostrich"}
	if err := b.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	if hits, _ := b.Search(ctx, "zebrafield o", 10); len(hits) != 1 {
		t.Fatalf("a local create is not found: %d hits", len(hits))
	}
	m := &data.Contact{GivenName: "Zebrafield", FamilyName: "Okapi"}
	if err := a.Create(ctx, m); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
	if hits, _ := b.Search(ctx, "zebrafield o", 10); len(hits) != 2 {
		t.Fatalf("a merged create is not found: %d hits", len(hits))
	}
	if err := b.Delete(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if hits, _ := b.Search(ctx, "zebrafield o", 10); len(hits) != 1 {
		t.Fatalf("a deleted record is still found: %d hits", len(hits))
	}
}

// conflictsOn lists a store's open conflicts.
func conflictsOn(t *testing.T, s *Store) []data.Conflict {
	t.Helper()
	cs, err := s.Conflicts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// A form opened before a merge changed the same fields: the user's save
// (UpdateFrom) must neither silently replace the merged title nor count
// the merged tag as removed by the user.
func TestUpdateFromConcurrentWithMerge(t *testing.T) {
	a, _ := openTemp(t)
	b, _ := openTemp(t)
	c := &data.Contact{GivenName: "Aigerim", FamilyName: "Sultanova", Title: "Engineer", Tags: []string{"steel", "ports"}}
	if err := a.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)

	eb := contactOn(t, b, c.ID)
	eb.Title, eb.Tags = "Head of plant", []string{"steel", "ports", "hydrogen"}
	if err := b.Update(ctx, eb); err != nil {
		t.Fatal(err)
	}
	orig := contactOn(t, a, c.ID) // a's form opens
	cb, err := b.Changes(ctx, b.Device(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Merge(ctx, cb, nil); err != nil { // the background sync
		t.Fatal(err)
	}
	edited := *orig
	edited.Title, edited.Tags = "Chief engineer", []string{"ports", "wind"} // removes steel, adds wind
	saved, err := a.UpdateFrom(ctx, orig, &edited)
	if err != nil {
		t.Fatal(err)
	}
	if got := saved.(*data.Contact); got.Title != "Chief engineer" || !equalStrings(got.Tags, []string{"ports", "hydrogen", "wind"}) {
		t.Fatalf("saved %q %v", got.Title, got.Tags)
	}
	if cs := conflictsOn(t, a); len(cs) != 1 || cs[0].Field != "title" || string(cs[0].Other.Value) != `"Head of plant"` ||
		cs[0].Other.Device != b.Device() || string(cs[0].Current.Value) != `"Chief engineer"` {
		t.Fatalf("a's conflicts right after the save: %+v", cs)
	}
	exchange(t, a, b)

	ga, gb := contactOn(t, a, c.ID), contactOn(t, b, c.ID)
	if ga.Title != gb.Title || ga.Title != "Chief engineer" {
		t.Fatalf("titles: a=%q b=%q", ga.Title, gb.Title)
	}
	want := []string{"hydrogen", "ports", "wind"}
	for _, got := range [][]string{ga.Tags, gb.Tags} {
		sorted := append([]string(nil), got...)
		sort.Strings(sorted)
		if !equalStrings(sorted, want) {
			t.Fatalf("tags: a=%v b=%v, want %v (b's hydrogen kept, a's steel removal and wind add)", ga.Tags, gb.Tags, want)
		}
	}
	var keys []string
	for _, s := range []*Store{a, b} {
		cs := conflictsOn(t, s)
		if len(cs) != 1 || cs[0].Field != "title" {
			t.Fatalf("conflicts on %s: %+v, want one on title", s.Device(), cs)
		}
		var cur, other string
		_ = json.Unmarshal(cs[0].Current.Value, &cur)
		_ = json.Unmarshal(cs[0].Other.Value, &other)
		if cur != "Chief engineer" || other != "Head of plant" {
			t.Fatalf("conflict on %s keeps %q against %q", s.Device(), other, cur)
		}
		keys = append(keys, cs[0].Key())
	}
	if keys[0] != keys[1] {
		t.Fatalf("the two replicas name the conflict differently: %v", keys)
	}

	// A third replica that had only the original title lists b's title
	// as the conflict, not the original that a knowingly replaced.
	x, _ := openTemp(t)
	ca, _ := a.Changes(ctx, a.Device(), 1, 0)
	if _, err := x.Merge(ctx, ca, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Merge(ctx, cb, nil); err != nil {
		t.Fatal(err)
	}
	if cs := conflictsOn(t, x); len(cs) != 1 || cs[0].Key() != keys[0] {
		t.Fatalf("conflicts on a third replica: %+v", cs)
	}
	if gx := contactOn(t, x, c.ID); gx.Title != "Chief engineer" {
		t.Fatalf("third replica's title %q", gx.Title)
	}
}

// A change the store cannot apply (here: a kind from a newer Fieldbook)
// is reported, and stays unmerged so the next merge tries it again.
func TestMergeDoesNotMarkProblems(t *testing.T) {
	a, _ := openTemp(t)
	b, _ := openTemp(t)
	for _, n := range []string{"One", "Two"} {
		if err := a.Create(ctx, &data.Contact{GivenName: n, FamilyName: "Problem"}); err != nil {
			t.Fatal(err)
		}
	}
	ca, err := a.Changes(ctx, a.Device(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	newer := append([]data.Change(nil), ca...)
	newer[0].Kind = "hologram" // unknown to this version
	for range 2 {
		res, err := b.Merge(ctx, newer, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Problems) != 1 {
			t.Fatalf("problems %v, want one about the unknown kind", res.Problems)
		}
		if m, _ := b.Merged(ctx); m[a.Device()] != 0 {
			t.Fatalf("merged up to %d after a change that was not applied", m[a.Device()])
		}
	}
	// After the upgrade (here: the change as this version knows it) it
	// applies.
	res, err := b.Merge(ctx, ca, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 0 || res.Created != 1 {
		t.Fatalf("merge after the upgrade: %+v", res)
	}
	if m, _ := b.Merged(ctx); m[a.Device()] != 2 {
		t.Fatalf("merged up to %d, want 2", m[a.Device()])
	}
	if n := b.Stats(ctx)[data.KindContact]; n != 2 {
		t.Fatalf("%d contacts", n)
	}
}

// A merged erase of an attachment deletes its content, unless another
// attachment uses the same content.
func TestMergeEraseDeletesBlob(t *testing.T) {
	a, _ := openTemp(t)
	b, _ := openTemp(t)
	c := &data.Contact{GivenName: "Card", FamilyName: "Holder"}
	if err := a.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	photo, shared := []byte("a photo of a business card"), []byte("a group photo")
	attach := func(content []byte, name string) (*data.Attachment, string) {
		sha, err := a.PutBlob(ctx, content)
		if err != nil {
			t.Fatal(err)
		}
		att := &data.Attachment{Name: name, MediaType: "image/jpeg", SHA256: sha, Size: int64(len(content)), Record: c.ID}
		if err := a.Create(ctx, att); err != nil {
			t.Fatal(err)
		}
		return att, sha
	}
	card, shaCard := attach(photo, "card.jpg")
	group1, shaGroup := attach(shared, "group.jpg")
	attach(shared, "group-copy.jpg")
	exchange(t, a, b)
	for _, content := range [][]byte{photo, shared} { // the download
		if _, err := b.PutBlob(ctx, content); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []data.ID{card.ID, group1.ID} {
		if err := a.Erase(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	exchange(t, a, b)
	for _, s := range []*Store{a, b} {
		if _, err := s.Blob(ctx, shaCard); !errors.Is(err, data.ErrNotFound) {
			t.Fatalf("%s still has the erased attachment's content (%v)", s.Device(), err)
		}
		if got, err := s.Blob(ctx, shaGroup); err != nil || string(got) != string(shared) {
			t.Fatalf("%s lost content another attachment uses: %q %v", s.Device(), got, err)
		}
	}
}

// A local erase drops the conflicts that hold the record's values.
func TestEraseDropsConflicts(t *testing.T) {
	a, _ := openTemp(t)
	b, _ := openTemp(t)
	c := &data.Contact{GivenName: "Disputed", FamilyName: "Title", Title: "Engineer"}
	keep := &data.Contact{GivenName: "Also", FamilyName: "Disputed", Title: "Engineer"}
	for _, r := range []*data.Contact{c, keep} {
		if err := a.Create(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	exchange(t, a, b)
	for i, s := range []*Store{a, b} {
		for _, id := range []data.ID{c.ID, keep.ID} {
			e := contactOn(t, s, id)
			e.Title = []string{"Chief engineer", "Head of plant"}[i]
			if err := s.Update(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
	}
	exchange(t, a, b)
	if cs := conflictsOn(t, a); len(cs) != 2 {
		t.Fatalf("conflicts before the erase: %+v", cs)
	}
	if err := a.Erase(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if cs := conflictsOn(t, a); len(cs) != 1 || cs[0].Record != keep.ID {
		t.Fatalf("conflicts after erasing %s: %+v", c.ID, cs)
	}
	exchange(t, a, b)
	if cs := conflictsOn(t, b); len(cs) != 1 || cs[0].Record != keep.ID {
		t.Fatalf("b's conflicts after the erase merged: %+v", cs)
	}
}

// The writes an envelope notes for edit-beats-delete stay bounded, and
// which are kept does not depend on the order they arrive in.
func TestEnvelopeWritesBounded(t *testing.T) {
	a, _ := openTemp(t)
	c := &data.Contact{GivenName: "Often", FamilyName: "Edited"}
	if err := a.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	for i := range maxWrites + 50 {
		e := contactOn(t, a, c.ID)
		e.Notes = fmt.Sprint("edit ", i)
		if err := a.Update(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	raw, _ := c.ID.Bytes()
	var env *envelope
	if err := a.db.View(func(txn *badger.Txn) (err error) {
		env, err = readEnvelope(txn, raw)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	last := a.LastSeq()
	if got := env.Unknown[a.Device()]; len(got) != maxWrites || got[0] != last-maxWrites+1 || got[len(got)-1] != last {
		t.Fatalf("%d writes noted (%v…), want the newest %d", len(got), got[:min(3, len(got))], maxWrites)
	}

	const n = 3 * maxWrites
	dev := data.ID("dev")
	inOrder := &envelope{}
	for s := uint64(1); s <= n; s++ {
		inOrder.wrote(dev, s)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 5 {
		shuffled := &envelope{DelKnew: map[data.ID]*data.SeqSet{dev: {Upto: n - 1}}}
		for _, i := range r.Perm(n) {
			shuffled.wrote(dev, uint64(i+1))
			if round == 0 && i%7 == 0 && shuffled.wrote(dev, uint64(i+1)) {
				t.Fatal("a duplicate changed the noted writes")
			}
		}
		if !slices.Equal(shuffled.Unknown[dev], inOrder.Unknown[dev]) {
			t.Fatalf("noted writes depend on the arrival order: %v… vs %v…", shuffled.Unknown[dev][:3], inOrder.Unknown[dev][:3])
		}
		if shuffled.allKnown() {
			t.Fatal("the newest write, unknown to the deleter, no longer keeps the record")
		}
		shuffled.deletedKnowing(map[data.ID]*data.SeqSet{dev: {Upto: n}})
		if !shuffled.allKnown() {
			t.Fatal("a delete that knew every write does not win")
		}
	}

	// A write older than every one kept changes nothing (nor the list in
	// place); a list noted in arrival order by an older version is sorted.
	full := make([]uint64, maxWrites, maxWrites+10)
	for i := range full {
		full[i] = uint64(100 + i)
	}
	e := &envelope{Unknown: map[data.ID][]uint64{dev: full}}
	if e.wrote(dev, 50) || e.Unknown[dev][0] != 100 || e.Unknown[dev][maxWrites-1] != 100+maxWrites-1 {
		t.Fatalf("an older write changed the full list: %v…", e.Unknown[dev][:3])
	}
	old := &envelope{Unknown: map[data.ID][]uint64{dev: {9, 3, 7}}}
	if !old.wrote(dev, 5) || !slices.Equal(old.Unknown[dev], []uint64{3, 5, 7, 9}) {
		t.Fatalf("unsorted list: %v", old.Unknown[dev])
	}
}

// Two laptops replace a list in the same millisecond with the same clock
// counter (their HLCs equal): the device IDs break the tie the same way on
// both, so the lists end in the same order. Found by TestConverge, where a
// list written here was compared as if by device "" and each laptop kept
// the other's order.
func TestSetEqualClocksSameOrder(t *testing.T) {
	at := time.Date(2026, 5, 19, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }
	var st [2]*Store
	for i := range st {
		s, err := Open(ctx, t.TempDir(), Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		st[i] = s
	}
	a, b := st[0], st[1]
	c := &data.Contact{GivenName: "Ҳилола", FamilyName: "Ғаниева", Tags: []string{"water"}}
	if err := a.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
	ea, eb := contactOn(t, a, c.ID), contactOn(t, b, c.ID)
	ea.Tags = []string{"water", "ports"}
	eb.Tags = []string{"water", "steel"}
	if err := a.Update(ctx, ea); err != nil {
		t.Fatal(err)
	}
	if err := b.Update(ctx, eb); err != nil {
		t.Fatal(err)
	}
	ca, _ := a.Changes(ctx, a.Device(), 1, 0)
	cb, _ := b.Changes(ctx, b.Device(), 1, 0)
	if ha, hb := ca[len(ca)-1].HLC, cb[len(cb)-1].HLC; ha != hb {
		t.Fatalf("the edits' clocks differ (%v, %v): the test needs them equal", ha, hb)
	}
	exchange(t, a, b)
	ga, gb := contactOn(t, a, c.ID).Tags, contactOn(t, b, c.ID).Tags
	if !slices.Equal(ga, gb) || len(ga) != 3 {
		t.Fatalf("tags on a %q, on b %q: want the same three in the same order", ga, gb)
	}
	// The winner is the higher device ID; its list gives the order.
	first := "ports"
	if b.Device() > a.Device() {
		first = "steel"
	}
	if ga[1] != first {
		t.Errorf("tags %q: the higher device's list should come first", ga)
	}
}

// A change naming a device that is not an ID (a damaged or forged
// segment) is a problem to report, not the end of the merge: found by
// FuzzMergeSegment, where such a change losing to the current value made a
// conflict whose key could not be built, and Merge failed.
func TestMergeChangeFromABadDeviceID(t *testing.T) {
	a, _ := openTemp(t)
	b, _ := openTemp(t)
	c := &data.Contact{GivenName: "Ғулом", FamilyName: "Tamm"}
	if err := a.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	ca, err := a.Changes(ctx, a.Device(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	bad := data.Change{Device: "01M8DY4SR\xff\xff\xff\xffS9K83B6VBMFWZ", Seq: 1, HLC: ca[0].HLC - 1, Record: c.ID, Kind: data.KindContact, Op: data.OpPut,
		Fields: []data.FieldChange{{Name: "family_name", Value: json.RawMessage(`"Қодиров"`)}}}
	res, err := b.Merge(ctx, append(ca, bad), nil)
	if err != nil {
		t.Fatalf("merge failed: %v", err)
	}
	if len(res.Problems) != 1 || res.Created != 1 {
		t.Fatalf("merge result %+v, want the contact created and one problem", res)
	}
	if got := contactOn(t, b, c.ID); got.FamilyName != "Tamm" {
		t.Errorf("family name %q", got.FamilyName)
	}
	if cs := conflictsOn(t, b); len(cs) != 0 {
		t.Errorf("conflicts %+v", cs)
	}
}

// A change without a clock is refused: found by FuzzMergeSegment, where
// a clockless delete of a record not known yet stored it as deleted at
// time 0 — read as live — and its erase then counted -1 contacts.
func TestMergeChangeWithoutClock(t *testing.T) {
	b, _ := openTemp(t)
	dev, rec := data.NewID(), data.NewID()
	del := data.Change{Device: dev, Seq: 2, Record: rec, Kind: data.KindContact, Op: data.OpDelete, Seen: hlc.Timestamp(1 << 40)}
	res, err := b.Merge(ctx, []data.Change{del}, nil)
	if err != nil || len(res.Problems) != 1 {
		t.Fatalf("clockless delete: %+v, %v; want one problem", res, err)
	}
	erase := data.Change{Device: dev, Seq: 4, HLC: hlc.Timestamp(1 << 41), Record: rec, Kind: data.KindContact, Op: data.OpErase}
	if _, err := b.Merge(ctx, []data.Change{erase}, nil); err != nil {
		t.Fatal(err)
	}
	if n := b.Stats(ctx)[data.KindContact]; n != 0 {
		t.Fatalf("%d contacts counted", n)
	}
	if m, _ := b.Merged(ctx); m[dev] != 0 {
		t.Errorf("the clockless change was marked merged: %v", m)
	}
}
