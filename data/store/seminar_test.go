package store

import (
	"testing"
	"time"

	"github.com/clusme/fieldbook/data"
)

func TestSeminarIndexes(t *testing.T) {
	s, _ := openTemp(t)
	f := newFixture(t, s)
	sem := &data.Seminar{Mission: f.mission.ID, Name: "Tashkent B2B", Date: "2026-05-20", TimeZone: "Asia/Tashkent",
		FirstSlot: "09:00", SlotMinutes: 30, Slots: 6, Tables: 4}
	if err := s.Create(ctx, sem); err != nil {
		t.Fatal(err)
	}
	at := func(slot, table int, title string) *data.Meeting {
		m := &data.Meeting{Mission: f.mission.ID, Title: title, MeetingKind: data.MeetingB2B, TimeZone: "Asia/Tashkent",
			Start: time.Date(2026, 5, 20, 4+slot, 0, 0, 0, time.UTC), Seminar: sem.ID, Slot: slot, Table: table}
		if err := s.Create(ctx, m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	// Created out of order, listed by slot, then table.
	at(3, 1, "c")
	at(1, 2, "b")
	at(1, 1, "a")
	got, err := s.List(ctx, Query{Kind: data.KindMeeting, Seminar: sem.ID})
	if err != nil {
		t.Fatal(err)
	}
	var order string
	for _, r := range got {
		order += r.Label()
	}
	if order != "abc" {
		t.Fatalf("agenda order %q", order)
	}
	sems, err := s.List(ctx, Query{Kind: data.KindSeminar, Mission: f.mission.ID})
	if err != nil || len(sems) != 1 || s.Stats(ctx)[data.KindSeminar] != 1 {
		t.Fatalf("seminars of the mission: %d %v", len(sems), err)
	}
}

// TestMigrateV2BuildsSeminarIndex writes a store as schema 2 wrote it
// (seminar-related index entries missing) and opens it: the migration to
// schema 3 must index the existing agenda meetings and seminars.
func TestMigrateV2BuildsSeminarIndex(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, s)
	sem := &data.Seminar{Mission: f.mission.ID, Name: "Tashkent B2B", Date: "2026-05-20", TimeZone: "Asia/Tashkent",
		FirstSlot: "09:00", SlotMinutes: 30, Slots: 6, Tables: 4}
	if err := s.Create(ctx, sem); err != nil {
		t.Fatal(err)
	}
	m := &data.Meeting{Mission: f.mission.ID, Title: "Agenda meeting", MeetingKind: data.MeetingB2B, TimeZone: "Asia/Tashkent",
		Start: time.Date(2026, 5, 20, 4, 0, 0, 0, time.UTC), Seminar: sem.ID, Slot: 1, Table: 2}
	if err := s.Create(ctx, m); err != nil {
		t.Fatal(err)
	}
	for _, ix := range []byte{ixMeetingBySeminar, ixSeminarByMission} {
		if err := s.db.DropPrefix([]byte{pIndex, ix}); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.List(ctx, Query{Kind: data.KindMeeting, Seminar: sem.ID}); len(got) != 0 {
		t.Fatalf("index not dropped: %d", len(got))
	}
	if err := s.setSchema(2); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _, _ := s.schema(); v != SchemaVersion || SchemaVersion < 3 {
		t.Fatalf("schema after open = %d", v)
	}
	got, err := s.List(ctx, Query{Kind: data.KindMeeting, Seminar: sem.ID})
	if err != nil || len(got) != 1 || got[0].Meta().ID != m.ID {
		t.Fatalf("agenda after migration: %d %v", len(got), err)
	}
	if sems, _ := s.List(ctx, Query{Kind: data.KindSeminar, Mission: f.mission.ID}); len(sems) != 1 {
		t.Fatalf("seminars by mission after migration: %d", len(sems))
	}
	// The other indexes are intact (written again, unchanged).
	if ms, _ := s.List(ctx, Query{Kind: data.KindMeeting, Mission: f.mission.ID}); len(ms) != 2 {
		t.Fatalf("meetings by mission after migration: %d", len(ms))
	}
}
