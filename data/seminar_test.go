package data

import (
	"testing"
)

func TestSeminarValidate(t *testing.T) {
	cases := []struct {
		field string
		edit  func(s *Seminar)
	}{
		{"mission", func(s *Seminar) { s.Mission = "" }},
		{"name", func(s *Seminar) { s.Name = " " }},
		{"date", func(s *Seminar) { s.Date = "11.03.2026" }},
		{"tz", func(s *Seminar) { s.TimeZone = "Mars/Olympus" }},
		{"first_slot", func(s *Seminar) { s.FirstSlot = "9am" }},
		{"first_slot", func(s *Seminar) { s.FirstSlot = "" }},
		{"slot_minutes", func(s *Seminar) { s.SlotMinutes = 4 }},
		{"slot_minutes", func(s *Seminar) { s.SlotMinutes = 241 }},
		{"slots", func(s *Seminar) { s.Slots = 0 }},
		{"tables", func(s *Seminar) { s.Tables = 0 }},
		{"breaks", func(s *Seminar) { s.Breaks = []Break{{After: 10, Minutes: 15}} }},
		{"breaks", func(s *Seminar) { s.Breaks = []Break{{After: 2, Minutes: 0}} }},
		{"breaks", func(s *Seminar) { s.Breaks = []Break{{After: 2, Minutes: 10}, {After: 2, Minutes: 5}} }},
		{"slots", func(s *Seminar) { s.FirstSlot = "22:00"; s.Slots = 10 }},
	}
	for _, c := range cases {
		s := validRecord(KindSeminar).(*Seminar)
		c.edit(s)
		wantFieldError(t, Prepare(s), KindSeminar, c.field)
	}
}

func TestMeetingAgendaFields(t *testing.T) {
	cases := []struct {
		field string
		edit  func(m *Meeting)
	}{
		{"status", func(m *Meeting) { m.Status = "done" }},
		{"outcome", func(m *Meeting) { m.Outcome = "maybe" }},
		{"slot", func(m *Meeting) { m.Slot = 2 }},
		{"table", func(m *Meeting) { m.Table = 2 }},
		{"slot", func(m *Meeting) { m.Seminar = testMeetingID; m.Table = 1 }},
		{"table", func(m *Meeting) { m.Seminar = testMeetingID; m.Slot = 1 }},
		{"seminar", func(m *Meeting) { m.Seminar = "nope"; m.Slot, m.Table = 1, 1 }},
	}
	for _, c := range cases {
		m := validRecord(KindMeeting).(*Meeting)
		c.edit(m)
		wantFieldError(t, Prepare(m), KindMeeting, c.field)
	}
	m := validRecord(KindMeeting).(*Meeting)
	if m.EffectiveStatus() != MeetingScheduled {
		t.Fatalf("a meeting without status is scheduled, got %q", m.EffectiveStatus())
	}
	m.Seminar, m.Slot, m.Table, m.Status, m.Outcome = testMeetingID, 3, 4, MeetingHeld, OutcomeOfferRequested
	if err := Prepare(m); err != nil {
		t.Fatal(err)
	}
	if refs := Refs(m); refs[len(refs)-1].Field != "seminar" || refs[len(refs)-1].Kind != KindSeminar {
		t.Fatalf("refs %v", refs)
	}
}
