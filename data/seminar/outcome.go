package seminar

import (
	"context"
	"strings"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// FollowUpSpec asks RecordOutcome to create a follow-up. Empty fields take
// defaults: the title from the outcome and the host's name, the due date a
// week after the meeting, the owner the meeting's first delegate.
type FollowUpSpec struct {
	Title   string
	Due     data.Date
	Owner   string
	Details string
}

// DefaultFollowUpDays is how long after the meeting a follow-up is due
// unless a date is given.
const DefaultFollowUpDays = 7

// Result is what RecordOutcome saved.
type Result struct {
	Meeting  *data.Meeting
	FollowUp *data.FollowUp // nil unless one was asked for
}

// RecordOutcome sets what became of a meeting: its status (held, no-show,
// cancelled, moved; "" keeps it), its outcome ("" keeps it) and notes
// (added below the existing ones, never replacing them), and creates the
// follow-up when fu is not nil. Only the fields it changes are written, so
// an edit made meanwhile elsewhere is kept.
func RecordOutcome(ctx context.Context, st *store.Store, meetingID data.ID, status data.MeetingStatus,
	outcome data.Outcome, notes string, fu *FollowUpSpec) (*Result, error) {
	orig, err := store.Load[*data.Meeting](ctx, st, meetingID)
	if err != nil {
		return nil, err
	}
	ed := *orig
	if status != "" {
		ed.Status = status
	}
	if outcome != "" {
		ed.Outcome = outcome
	}
	if notes = strings.TrimSpace(notes); notes != "" && !strings.Contains(ed.Notes, notes) {
		if ed.Notes != "" {
			ed.Notes += "\n\n"
		}
		ed.Notes += notes
	}
	// Check the follow-up before saving anything, so a bad due date does
	// not leave the status saved and the follow-up missing.
	var f *data.FollowUp
	if fu != nil {
		if f, err = followUpFor(ctx, st, &ed, *fu); err != nil {
			return nil, err
		}
		if err := data.Prepare(f); err != nil {
			return nil, err
		}
	}
	rec, err := st.UpdateFrom(ctx, orig, &ed)
	if err != nil {
		return nil, err
	}
	res := &Result{Meeting: rec.(*data.Meeting)}
	if f != nil {
		if err := st.Create(ctx, f); err != nil {
			return res, err
		}
		res.FollowUp = f
	}
	return res, nil
}

// followUpFor builds the follow-up of a meeting: linked to the meeting,
// its mission, the host organization and the host contact.
func followUpFor(ctx context.Context, src store.Reader, m *data.Meeting, spec FollowUpSpec) (*data.FollowUp, error) {
	n := newNamer(ctx, src)
	f := &data.FollowUp{
		Title: strings.TrimSpace(spec.Title), Due: spec.Due, Owner: strings.TrimSpace(spec.Owner),
		Details: spec.Details, Mission: m.Mission, Meeting: m.ID, Status: data.StatusOpen,
	}
	if len(m.Attendees) > 0 {
		f.Contact = m.Attendees[0]
	}
	f.Org = HostOrg(ctx, src, m)
	if f.Due == "" {
		f.Due = data.DateOf(m.Local().AddDate(0, 0, DefaultFollowUpDays))
	}
	if f.Owner == "" && len(m.Delegates) > 0 {
		f.Owner = n.name(m.Delegates[0])
	}
	if f.Title == "" {
		host := ""
		switch {
		case f.Org != "":
			host = n.name(f.Org)
		case f.Contact != "":
			host = n.name(f.Contact)
		default:
			host = m.Title
		}
		f.Title = DefaultFollowUpTitle(m.Outcome, host)
	}
	if m.Interest == data.InterestHot || m.Outcome == data.OutcomeOfferRequested {
		f.Priority = data.PriorityHigh
	}
	return f, nil
}

// DefaultFollowUpTitle is the title a follow-up gets from a meeting's
// outcome and the host's name.
func DefaultFollowUpTitle(o data.Outcome, host string) string {
	switch o {
	case data.OutcomeOfferRequested:
		return "Send the offer requested by " + host
	case data.OutcomeFollowUpMeeting:
		return "Arrange the follow-up meeting with " + host
	case data.OutcomeCooperation:
		return "Propose next steps for cooperation with " + host
	case data.OutcomeNoInterest:
		return "Thank " + host + " and close the lead"
	}
	return "Follow up with " + host
}

// HostOrg is the host side's organization of a meeting: the first host
// contact's, else the first organization no delegate belongs to.
func HostOrg(ctx context.Context, src store.Reader, m *data.Meeting) data.ID {
	for _, id := range m.Attendees {
		if c, err := store.Load[*data.Contact](ctx, src, id); err == nil && c.Org != "" {
			return c.Org
		}
	}
	ours := map[data.ID]bool{}
	for _, id := range m.Delegates {
		if c, err := store.Load[*data.Contact](ctx, src, id); err == nil && c.Org != "" {
			ours[c.Org] = true
		}
	}
	for _, o := range m.Orgs {
		if !ours[o] {
			return o
		}
	}
	return ""
}

// Summary counts what happened to a seminar's meetings.
type Summary struct {
	Meetings  int                  `json:"meetings"`
	Scheduled int                  `json:"scheduled"`
	Held      int                  `json:"held"`
	NoShows   int                  `json:"no_shows"`
	Cancelled int                  `json:"cancelled"`
	Moved     int                  `json:"moved"`
	Outcomes  map[data.Outcome]int `json:"outcomes"`
}

// Summarize counts statuses and outcomes of meetings.
func Summarize(meetings []*data.Meeting) Summary {
	s := Summary{Outcomes: map[data.Outcome]int{}}
	for _, m := range meetings {
		s.Meetings++
		switch m.EffectiveStatus() {
		case data.MeetingHeld:
			s.Held++
		case data.MeetingNoShow:
			s.NoShows++
		case data.MeetingCancelled:
			s.Cancelled++
		case data.MeetingMoved:
			s.Moved++
		default:
			s.Scheduled++
		}
		if m.Outcome != "" {
			s.Outcomes[m.Outcome]++
		}
	}
	return s
}

// Summary of the agenda.
func (a *Agenda) Summary() Summary { return Summarize(a.Meetings) }

// MissionSeminars loads the agendas of every seminar of a mission, by date.
func MissionSeminars(ctx context.Context, src store.Reader, mission data.ID) ([]*Agenda, error) {
	recs, err := src.List(ctx, store.Query{Kind: data.KindSeminar, Mission: mission})
	if err != nil {
		return nil, err
	}
	var out []*Agenda
	for _, r := range recs {
		a, err := Load(ctx, src, r.Meta().ID)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// InZone is t in the IANA zone (for showing a seminar in the user's home
// time); t itself when the zone is unknown.
func InZone(t time.Time, zone string) time.Time {
	if loc, err := time.LoadLocation(zone); err == nil {
		return t.In(loc)
	}
	return t
}
