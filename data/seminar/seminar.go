// Package seminar holds the rules of B2B matchmaking seminars: the slot
// times of a seminar's day, the agenda (meetings placed at a table in a
// slot) with its views per delegate and per table, scheduling and moving
// meetings without double-booking a table or a person, recording what came
// of a meeting (with a follow-up when one was agreed), the summary the
// mission report prints, and importing an agenda exported by a
// matchmaking platform. Every agenda entry is a real data.Meeting.
package seminar

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// Slot is one slot of a seminar's day, with its local start and end in the
// seminar's zone. Break is the pause that follows it, if any.
type Slot struct {
	N     int
	Start time.Time
	End   time.Time
	Break *data.Break
}

// Clock is the slot's local start, "HH:MM".
func (s Slot) Clock() string { return s.Start.Format("15:04") }

// Location is the seminar's time zone (UTC if the zone is unknown, which
// validation prevents for stored seminars).
func Location(sem *data.Seminar) *time.Location {
	if loc, err := time.LoadLocation(sem.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// Slots lists the seminar's slots: slot n starts at FirstSlot +
// (n-1)·SlotMinutes plus every break that comes after a slot before n.
func Slots(sem *data.Seminar) ([]Slot, error) {
	first, err := data.ParseClock(sem.FirstSlot)
	if err != nil {
		return nil, err
	}
	day, err := data.ParseDate(string(sem.Date))
	if err != nil {
		return nil, err
	}
	loc := Location(sem)
	d := day.Time()
	midnight := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	breaks := map[int]data.Break{}
	for _, b := range sem.Breaks {
		breaks[b.After] = b
	}
	out := make([]Slot, 0, sem.Slots)
	min := first
	for n := 1; n <= sem.Slots; n++ {
		// Wall-clock arithmetic: a slot at 09:00 is at 09:00 local time
		// even on a day when the clocks change.
		start := wall(midnight, min)
		s := Slot{N: n, Start: start, End: wall(midnight, min+sem.SlotMinutes)}
		min += sem.SlotMinutes
		if b, ok := breaks[n]; ok {
			b := b
			s.Break = &b
			min += b.Minutes
		}
		out = append(out, s)
	}
	return out, nil
}

func wall(midnight time.Time, minutes int) time.Time {
	return time.Date(midnight.Year(), midnight.Month(), midnight.Day(), minutes/60, minutes%60, 0, 0, midnight.Location())
}

// SlotStart is the start of slot n (1-based) in the seminar's zone.
func SlotStart(sem *data.Seminar, n int) (time.Time, error) {
	slots, err := Slots(sem)
	if err != nil {
		return time.Time{}, err
	}
	if n < 1 || n > len(slots) {
		return time.Time{}, data.Errorf(data.ErrInvalid, "slot %d is out of range: %s has slots 1 to %d", n, sem.Name, len(slots))
	}
	return slots[n-1].Start, nil
}

// SlotAt finds the slot that starts at the local time of day clock
// (minutes after midnight). A time inside a break is a conflict naming
// the break; a time that is not a slot's start is invalid input.
func SlotAt(sem *data.Seminar, clock int) (int, error) {
	slots, err := Slots(sem)
	if err != nil {
		return 0, err
	}
	hm := fmt.Sprintf("%02d:%02d", clock/60, clock%60)
	for _, s := range slots {
		start := s.Start.Hour()*60 + s.Start.Minute()
		end := start + sem.SlotMinutes
		if clock == start {
			return s.N, nil
		}
		if clock > start && clock < end {
			return 0, data.Errorf(data.ErrInvalid, "%s is not the start of a slot: slot %d runs %s–%s", hm, s.N, s.Clock(), s.End.Format("15:04"))
		}
		if s.Break != nil && clock >= end && clock < end+s.Break.Minutes {
			return 0, data.Errorf(data.ErrConflict, "%s falls in the %s (%s–%s)", hm, breakName(s.Break),
				s.End.Format("15:04"), s.End.Add(time.Duration(s.Break.Minutes)*time.Minute).Format("15:04"))
		}
	}
	first, last := slots[0], slots[len(slots)-1]
	return 0, data.Errorf(data.ErrInvalid, "%s is outside the seminar's slots (%s–%s)", hm, first.Clock(), last.End.Format("15:04"))
}

func breakName(b *data.Break) string {
	if b.Label != "" {
		return "break “" + b.Label + "”"
	}
	return "break"
}

// Create saves a new seminar, taking the mission's time zone when it has
// none, and returns its ID in sem.
func Create(ctx context.Context, st *store.Store, sem *data.Seminar) error {
	if sem.TimeZone == "" && sem.Mission != "" {
		m, err := store.Load[*data.Mission](ctx, st, sem.Mission)
		if err != nil {
			return data.Errorf(data.ErrInvalid, "seminar: mission %s: %v", sem.Mission, err)
		}
		sem.TimeZone = m.TimeZone
	}
	return st.Create(ctx, sem)
}

// Agenda is a seminar with its slots and the meetings on its agenda.
type Agenda struct {
	Seminar *data.Seminar
	Slots   []Slot
	// Meetings are in slot, then table order, cancelled ones included.
	Meetings []*data.Meeting
}

// Load reads a seminar's agenda: one index scan of its meetings.
func Load(ctx context.Context, src store.Reader, seminarID data.ID) (*Agenda, error) {
	sem, err := store.Load[*data.Seminar](ctx, src, seminarID)
	if err != nil {
		return nil, err
	}
	slots, err := Slots(sem)
	if err != nil {
		return nil, err
	}
	recs, err := src.List(ctx, store.Query{Kind: data.KindMeeting, Seminar: sem.ID})
	if err != nil {
		return nil, err
	}
	a := &Agenda{Seminar: sem, Slots: slots}
	for _, r := range recs {
		a.Meetings = append(a.Meetings, r.(*data.Meeting))
	}
	return a, nil
}

// Occupies says whether a meeting holds its table and its people in its
// slot: a cancelled meeting, or one moved away, frees them.
func Occupies(m *data.Meeting) bool {
	return m.Status != data.MeetingCancelled && m.Status != data.MeetingMoved
}

// At lists the meetings at table in slot (normally one; cancelled ones too).
func (a *Agenda) At(slot, table int) []*data.Meeting {
	var out []*data.Meeting
	for _, m := range a.Meetings {
		if m.Slot == slot && m.Table == table {
			out = append(out, m)
		}
	}
	return out
}

// Booked is the meeting that holds table in slot, or nil.
func (a *Agenda) Booked(slot, table int) *data.Meeting {
	for _, m := range a.At(slot, table) {
		if Occupies(m) {
			return m
		}
	}
	return nil
}

// ForDelegate lists the meetings a person (delegate or host contact)
// takes part in, in slot order.
func (a *Agenda) ForDelegate(person data.ID) []*data.Meeting {
	var out []*data.Meeting
	for _, m := range a.Meetings {
		if hasID(m.Delegates, person) || hasID(m.Attendees, person) {
			out = append(out, m)
		}
	}
	return out
}

// ForTable lists the meetings at one table, in slot order.
func (a *Agenda) ForTable(table int) []*data.Meeting {
	var out []*data.Meeting
	for _, m := range a.Meetings {
		if m.Table == table {
			out = append(out, m)
		}
	}
	return out
}

// Delegates lists everyone on the delegation side of the agenda, in order
// of first appearance.
func (a *Agenda) Delegates() []data.ID {
	var out []data.ID
	for _, m := range a.Meetings {
		for _, d := range m.Delegates {
			if !hasID(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}

// Slot returns slot n, or false.
func (a *Agenda) Slot(n int) (Slot, bool) {
	if n < 1 || n > len(a.Slots) {
		return Slot{}, false
	}
	return a.Slots[n-1], true
}

func hasID(ids []data.ID, id data.ID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// place is a proposed position of a meeting: where, who, and which
// meeting is being moved (excluded from the checks).
type place struct {
	slot, table int
	people      []data.ID
	exclude     data.ID
}

// check refuses a place that is out of range, or whose table or people
// are already taken in that slot; the error names the clash.
func (a *Agenda) check(p place, name func(data.ID) string) error {
	sem := a.Seminar
	if p.slot < 1 || p.slot > sem.Slots {
		return data.Errorf(data.ErrInvalid, "slot %d is out of range: %s has slots 1 to %d", p.slot, sem.Name, sem.Slots)
	}
	if p.table < 1 || p.table > sem.Tables {
		return data.Errorf(data.ErrInvalid, "table %d is out of range: %s has tables 1 to %d", p.table, sem.Name, sem.Tables)
	}
	s := a.Slots[p.slot-1]
	for _, m := range a.Meetings {
		if m.ID == p.exclude || m.Slot != p.slot || !Occupies(m) {
			continue
		}
		if m.Table == p.table {
			return data.Errorf(data.ErrConflict, "table %d in slot %d (%s) is already taken by %s", p.table, p.slot, s.Clock(), m.Title)
		}
		for _, person := range p.people {
			if hasID(m.Delegates, person) || hasID(m.Attendees, person) {
				return data.Errorf(data.ErrConflict, "%s is already booked in slot %d (%s) at table %d: %s", name(person), p.slot, s.Clock(), m.Table, m.Title)
			}
		}
	}
	return nil
}

// Request is a meeting to put on a seminar's agenda.
type Request struct {
	Slot     int
	Table    int
	Delegate data.ID   // the delegate (a contact)
	With     []data.ID // host organizations and/or host contacts
	Title    string    // default "B2B: <delegate's company> – <host company>"
	Notes    string
}

// Schedule puts a new meeting on the seminar's agenda: kind b2b, in the
// seminar's mission and zone, starting at the slot and lasting one slot.
// A contact in With is an attendee and brings their organization along.
func Schedule(ctx context.Context, st *store.Store, seminarID data.ID, req Request) (*data.Meeting, error) {
	a, err := Load(ctx, st, seminarID)
	if err != nil {
		return nil, err
	}
	n := newNamer(ctx, st)
	m, err := a.plan(ctx, st, req, n)
	if err != nil {
		return nil, err
	}
	if err := st.Create(ctx, m); err != nil {
		return nil, err
	}
	return m, nil
}

// plan builds the meeting of a request and checks its place.
func (a *Agenda) plan(ctx context.Context, src store.Reader, req Request, n *namer) (*data.Meeting, error) {
	sem := a.Seminar
	if req.Delegate == "" {
		return nil, data.Errorf(data.ErrInvalid, "a seminar meeting needs a delegate")
	}
	del, err := store.Load[*data.Contact](ctx, src, req.Delegate)
	if err != nil {
		return nil, data.Errorf(data.ErrInvalid, "delegate: %v", err)
	}
	n.remember(del)
	m := &data.Meeting{
		Mission: sem.Mission, MeetingKind: data.MeetingB2B, TimeZone: sem.TimeZone,
		DurationMin: sem.SlotMinutes, Location: location(sem, req.Table),
		Delegates: []data.ID{del.ID}, Seminar: sem.ID, Slot: req.Slot, Table: req.Table,
		Status: data.MeetingScheduled, Notes: req.Notes,
	}
	if del.Org != "" {
		m.Orgs = append(m.Orgs, del.Org)
	}
	var hostOrg data.ID
	for _, id := range req.With {
		rec, err := src.Get(ctx, id)
		if err != nil {
			return nil, data.Errorf(data.ErrInvalid, "--with %s: %v", id, err)
		}
		switch r := rec.(type) {
		case *data.Organization:
			m.Orgs = appendID(m.Orgs, r.ID)
			if hostOrg == "" {
				hostOrg = r.ID
			}
		case *data.Contact:
			n.remember(r)
			m.Attendees = appendID(m.Attendees, r.ID)
			if r.Org != "" {
				m.Orgs = appendID(m.Orgs, r.Org)
				if hostOrg == "" {
					hostOrg = r.Org
				}
			}
		default:
			return nil, data.Errorf(data.ErrInvalid, "--with %s is %s, not an organization or a contact", id, rec.Kind().WithArticle())
		}
	}
	if len(req.With) == 0 {
		return nil, data.Errorf(data.ErrInvalid, "a seminar meeting needs a host organization or contact to meet")
	}
	if err := a.check(place{slot: req.Slot, table: req.Table, people: append([]data.ID{del.ID}, m.Attendees...)}, n.name); err != nil {
		return nil, err
	}
	start, _ := SlotStart(sem, req.Slot)
	m.Start = start.UTC()
	m.Title = strings.TrimSpace(req.Title)
	if m.Title == "" {
		us := del.Label()
		if del.Org != "" {
			us = n.name(del.Org)
		}
		them := n.name(hostOrg)
		if hostOrg == "" && len(m.Attendees) > 0 {
			them = n.name(m.Attendees[0])
		}
		m.Title = "B2B: " + us + " – " + them
	}
	return m, nil
}

func appendID(ids []data.ID, id data.ID) []data.ID {
	if hasID(ids, id) {
		return ids
	}
	return append(ids, id)
}

func location(sem *data.Seminar, table int) string {
	if sem.Venue == "" {
		return fmt.Sprintf("Table %d", table)
	}
	return fmt.Sprintf("%s — Table %d", sem.Venue, table)
}

// Move puts an agenda meeting at another slot and table, with the same
// checks as Schedule (the meeting does not clash with itself). A meeting
// that was cancelled or moved away is scheduled again.
func Move(ctx context.Context, st *store.Store, meetingID data.ID, slot, table int) (*data.Meeting, error) {
	orig, err := store.Load[*data.Meeting](ctx, st, meetingID)
	if err != nil {
		return nil, err
	}
	if orig.Seminar == "" {
		return nil, data.Errorf(data.ErrInvalid, "%s is not on a seminar's agenda", orig.Title)
	}
	a, err := Load(ctx, st, orig.Seminar)
	if err != nil {
		return nil, err
	}
	n := newNamer(ctx, st)
	people := append(append([]data.ID{}, orig.Delegates...), orig.Attendees...)
	if err := a.check(place{slot: slot, table: table, people: people, exclude: orig.ID}, n.name); err != nil {
		return nil, err
	}
	start, _ := SlotStart(a.Seminar, slot)
	ed := *orig
	ed.Slot, ed.Table, ed.Start = slot, table, start.UTC()
	if ed.Location == location(a.Seminar, orig.Table) || ed.Location == "" {
		ed.Location = location(a.Seminar, table)
	}
	if !Occupies(&ed) {
		ed.Status = data.MeetingScheduled
	}
	rec, err := st.UpdateFrom(ctx, orig, &ed)
	if err != nil {
		return nil, err
	}
	return rec.(*data.Meeting), nil
}

// namer gives records' names for messages, reading each once.
type namer struct {
	ctx   context.Context
	src   store.Reader
	names map[data.ID]string
}

func newNamer(ctx context.Context, src store.Reader) *namer {
	return &namer{ctx: ctx, src: src, names: map[data.ID]string{}}
}

func (n *namer) remember(r data.Record) { n.names[r.Meta().ID] = r.Label() }

func (n *namer) name(id data.ID) string {
	if s, ok := n.names[id]; ok {
		return s
	}
	s := string(id)
	if r, err := n.src.Get(n.ctx, id); err == nil {
		s = r.Label()
	}
	n.names[id] = s
	return s
}

// ParseBreak reads a break written "AFTER:MINUTES[:LABEL]" (after slot
// AFTER, MINUTES long; "4:20:Coffee"), as the command line and the GUI's
// seminar form take it. The numbers are checked by Seminar.Validate.
func ParseBreak(s string) (data.Break, error) {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) >= 2 {
		after, err1 := strconv.Atoi(strings.TrimSpace(parts[0]))
		mins, err2 := strconv.Atoi(strings.TrimSpace(parts[1]))
		if err1 == nil && err2 == nil {
			br := data.Break{After: after, Minutes: mins}
			if len(parts) == 3 {
				br.Label = strings.TrimSpace(parts[2])
			}
			return br, nil
		}
	}
	return data.Break{}, data.Errorf(data.ErrInvalid, "%q is not AFTER:MINUTES[:LABEL] (e.g. 4:20:Coffee)", s)
}
