package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/clusme/fieldbook/data"
)

// TestEachMatchesList walks the same queries with Each and List: the same
// records in the same order, deleted ones left out, filters applied.
func TestEachMatchesList(t *testing.T) {
	s, _ := openTemp(t)
	f := newFixture(t, s)
	var contacts []data.ID
	for i := range 30 {
		c := &data.Contact{GivenName: fmt.Sprintf("Person %02d", i), FamilyName: "Ööpik", Org: f.host.ID}
		if i%3 == 0 {
			c.Org = f.member.ID
		}
		if err := s.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
		contacts = append(contacts, c.ID)
	}
	if err := s.Delete(ctx, contacts[4]); err != nil {
		t.Fatal(err)
	}
	queries := []Query{
		{Kind: data.KindContact},
		{Kind: data.KindContact, Org: f.member.ID},
		{Kind: data.KindContact, Limit: 7},
		{Kind: data.KindOrg, OrgKind: data.OrgHost},
		{Kind: data.KindMeeting, Contact: f.contact.ID},
		{Kind: data.KindFollowUp, DueFrom: "2026-01-01", DueTo: "2026-12-31"},
		{Kind: data.KindFollowUp, DueFrom: "2027-01-01"},
	}
	for _, q := range queries {
		want, err := s.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var got []data.ID
		err = s.Each(ctx, q, func(r data.Record) error {
			if r.Kind() != q.Kind {
				t.Errorf("%+v: got a %s", q, r.Kind())
			}
			got = append(got, r.Meta().ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var wantIDs []data.ID
		for _, r := range want {
			wantIDs = append(wantIDs, r.Meta().ID)
		}
		if !slices.Equal(got, wantIDs) {
			t.Errorf("%+v: Each %v, List %v", q, got, wantIDs)
		}
	}
	// Contacts come in creation order, without the deleted one.
	var all []data.ID
	_ = s.Each(ctx, Query{Kind: data.KindContact}, func(r data.Record) error { all = append(all, r.Meta().ID); return nil })
	wantAll := append([]data.ID{f.contact.ID}, contacts[:4]...)
	wantAll = append(wantAll, contacts[5:]...)
	if !slices.Equal(all, wantAll) {
		t.Fatalf("contacts %v, want %v", all, wantAll)
	}
	if n := len(all); n != 30 {
		t.Fatalf("%d contacts", n)
	}
}

// TestEachStops: an error from fn ends the walk and comes back unchanged;
// a cancelled context stops it too; a bad query fails before any call.
func TestEachStops(t *testing.T) {
	s, _ := openTemp(t)
	newFixture(t, s)
	for i := range 10 {
		if err := s.Create(ctx, &data.Contact{GivenName: fmt.Sprint("P", i)}); err != nil {
			t.Fatal(err)
		}
	}
	stop := errors.New("enough")
	calls := 0
	err := s.Each(ctx, Query{Kind: data.KindContact}, func(data.Record) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if err != stop || calls != 3 {
		t.Fatalf("err %v after %d calls", err, calls)
	}

	cctx, cancel := context.WithCancel(ctx)
	calls = 0
	err = s.Each(cctx, Query{Kind: data.KindContact}, func(data.Record) error {
		calls++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("cancelled: err %v after %d calls", err, calls)
	}

	err = s.Each(ctx, Query{Kind: "nonsense"}, func(data.Record) error { t.Fatal("called"); return nil })
	if !errors.Is(err, data.ErrInvalid) {
		t.Fatalf("bad kind: %v", err)
	}
}
