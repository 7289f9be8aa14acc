package store

import (
	"context"
	"errors"
	"testing"

	"github.com/clusme/fieldbook/data"
)

func TestProfileKeptAcrossReopenAndNotLogged(t *testing.T) {
	ctx := context.Background()
	s, dir := openTemp(t)
	if p, err := s.Profile(ctx); err != nil || !p.Empty() {
		t.Fatalf("fresh store: profile %+v, %v; want empty", p, err)
	}
	seq := s.LastSeq()
	want := data.Profile{GivenName: "Oʻktam", FamilyName: "Gʻulomov-Ylönen", Org: "Veemõõt OÜ", Title: "Директор",
		Email: "oktam@veemoot.ee", Phone: "+372 5555 1234", Website: "https://veemoot.ee"}
	if err := s.SetProfile(ctx, want); err != nil {
		t.Fatal(err)
	}
	if got := s.LastSeq(); got != seq {
		t.Errorf("setting my card wrote change log entries (%d → %d): it would sync", seq, got)
	}
	bad := want
	bad.Email = "oktam@"
	err := s.SetProfile(ctx, bad)
	var fe *data.FieldError
	if !errors.As(err, &fe) || fe.Field != "email" || !errors.Is(err, data.ErrInvalid) {
		t.Errorf("bad e-mail: %v, want a FieldError on email", err)
	}
	if err := s.SetProfile(ctx, data.Profile{Org: "Nameless"}); err == nil {
		t.Error("a card without a name was accepted")
	}
	s.Close()
	s2, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.Profile(ctx)
	if err != nil || got != want {
		t.Fatalf("after reopen: %+v, %v; want %+v (the rejected saves must not have changed it)", got, err, want)
	}
	var missing struct{}
	if err := s2.Setting(ctx, "nothing-here", &missing); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unset setting: %v, want ErrNotFound", err)
	}
}
