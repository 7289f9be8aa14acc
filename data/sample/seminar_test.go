package sample

import (
	"testing"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/seminar"
	"github.com/clusme/fieldbook/data/store"
)

// The Richards Bay B2B seminar's agenda is the mission's B2B meetings:
// each sits at the start of its slot, no table or person is booked twice.
func TestSampleSeminarAgenda(t *testing.T) {
	s, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Load(ctx, s); err != nil {
		t.Fatal(err)
	}
	a, err := seminar.Load(ctx, s, RefID("@seminar:rb-b2b"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Seminar.Mission != RefID("@mission:richards-bay-2026") || len(a.Meetings) != 8 {
		t.Fatalf("seminar %+v with %d meetings", a.Seminar, len(a.Meetings))
	}
	for _, m := range a.Meetings {
		start, err := seminar.SlotStart(a.Seminar, m.Slot)
		if err != nil || !start.Equal(m.Start) {
			t.Errorf("%s: starts %s, slot %d starts %s (%v)", m.Title, m.Local(), m.Slot, start, err)
		}
		if m.MeetingKind != data.MeetingB2B {
			t.Errorf("%s: kind %s", m.Title, m.MeetingKind)
		}
		// Checking every meeting against the rest finds no clash.
		b := &seminar.Agenda{Seminar: a.Seminar, Slots: a.Slots}
		for _, o := range a.Meetings {
			if o.ID != m.ID {
				b.Meetings = append(b.Meetings, o)
			}
		}
		if o := b.Booked(m.Slot, m.Table); o != nil {
			t.Errorf("%s and %s share table %d in slot %d", m.Title, o.Title, m.Table, m.Slot)
		}
	}
	sum := a.Summary()
	if sum.Held != 8 || sum.Outcomes[data.OutcomeOfferRequested] != 4 {
		t.Fatalf("summary %+v", sum)
	}
}
