package store

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/clusme/fieldbook/data"
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
