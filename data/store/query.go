package store

import (
	"bytes"
	"context"
	"slices"

	"github.com/clusme/fieldbook/data"
)

// Reader is the read side of a Store, for packages that only read
// (documents, exports) and for tests that stand in for a store.
type Reader interface {
	Get(ctx context.Context, id data.ID) (data.Record, error)
	List(ctx context.Context, q Query) ([]data.Record, error)
}

var _ Reader = (*Store)(nil)

// Query selects records of one kind. Filters that have an index (mission,
// org, contact, seminar, status, due range, org kind) are answered from it; the
// rest are checked on the records the index yields.
type Query struct {
	Kind    data.Kind
	Mission data.ID // meetings, follow-ups
	Org     data.ID // contacts, meetings, follow-ups
	Contact data.ID // meetings
	Meeting data.ID // follow-ups
	Seminar data.ID // meetings on a seminar's agenda, in slot and table order
	Status  data.Status
	Owner   string    // follow-ups, exact match
	DueFrom data.Date // follow-ups, inclusive
	DueTo   data.Date // follow-ups, inclusive
	OrgKind data.OrgKind
	Record  data.ID // attachments of a record
	// Limit caps the number of records returned (0: all).
	Limit int
}

// List returns the records matching q, in index order: meetings by start
// time (a seminar's by slot and table), follow-ups by due date, seminars
// of a mission by date, everything else by creation (ID) order.
// Sorting by name for display is the caller's job (it depends on the UI
// language; see data/locale).
func (s *Store) List(ctx context.Context, q Query) ([]data.Record, error) {
	var out []data.Record
	err := s.Each(ctx, q, func(rec data.Record) error {
		out = append(out, rec)
		return nil
	})
	return out, err
}

// prefix picks the narrowest index for the query.
func (q Query) prefix() ([]byte, error) {
	switch q.Kind {
	case data.KindMeeting:
		switch {
		case q.Seminar != "":
			return ixKey(ixMeetingBySeminar).id(q.Seminar), nil
		case q.Mission != "":
			return ixKey(ixMeetingByMission).id(q.Mission), nil
		case q.Org != "":
			return ixKey(ixMeetingByOrg).id(q.Org), nil
		case q.Contact != "":
			return ixKey(ixMeetingByContact).id(q.Contact), nil
		}
	case data.KindContact:
		if q.Org != "" {
			return ixKey(ixContactByOrg).id(q.Org), nil
		}
	case data.KindFollowUp:
		switch {
		case q.Meeting != "":
			return ixKey(ixFollowUpByMeeting).id(q.Meeting), nil
		case q.Mission != "":
			return ixKey(ixFollowUpByMission).id(q.Mission), nil
		case q.Org != "":
			return ixKey(ixFollowUpByOrg).id(q.Org), nil
		case q.Status != "":
			return ixKey(ixFollowUpByStatus).str(string(q.Status)), nil
		default:
			return ixKey(ixFollowUpByDue), nil
		}
	case data.KindOrg:
		if q.OrgKind != "" {
			return ixKey(ixOrgByKind).str(string(q.OrgKind)), nil
		}
	case data.KindAttachment:
		if q.Record != "" {
			return ixKey(ixAttachmentByRec).id(q.Record), nil
		}
	case data.KindSeminar:
		if q.Mission != "" {
			return ixKey(ixSeminarByMission).id(q.Mission), nil
		}
	case data.KindMission:
	default:
		if _, err := data.New(q.Kind); err != nil {
			return nil, err
		}
	}
	for _, id := range []data.ID{q.Mission, q.Org, q.Contact, q.Meeting, q.Seminar, q.Record} {
		if _, err := id.Bytes(); id != "" && err != nil {
			return nil, err
		}
	}
	return []byte{pKind, kindByte[q.Kind]}, nil
}

// dueInRange reads the YYYYMMDD due date that every follow-up index key
// except the by-meeting one carries right after the prefix.
func (q Query) dueInRange(k, prefix []byte) bool {
	if q.DueFrom == "" && q.DueTo == "" || q.Meeting != "" || len(k) < len(prefix)+8 {
		return true
	}
	due := k[len(prefix) : len(prefix)+8]
	if q.DueFrom != "" && bytes.Compare(due, ixKey(0).date(q.DueFrom)[2:]) < 0 {
		return false
	}
	if q.DueTo != "" && bytes.Compare(due, ixKey(0).date(q.DueTo)[2:]) > 0 {
		return false
	}
	return true
}

// matches checks the filters the chosen index did not answer.
func (q Query) matches(rec data.Record) bool {
	switch r := rec.(type) {
	case *data.Meeting:
		return (q.Mission == "" || r.Mission == q.Mission) &&
			(q.Seminar == "" || r.Seminar == q.Seminar) &&
			(q.Org == "" || slices.Contains(r.Orgs, q.Org)) &&
			(q.Contact == "" || slices.Contains(r.Attendees, q.Contact) || slices.Contains(r.Delegates, q.Contact))
	case *data.Seminar:
		return q.Mission == "" || r.Mission == q.Mission
	case *data.Contact:
		return q.Org == "" || r.Org == q.Org
	case *data.FollowUp:
		return (q.Mission == "" || r.Mission == q.Mission) &&
			(q.Org == "" || r.Org == q.Org) &&
			(q.Meeting == "" || r.Meeting == q.Meeting) &&
			(q.Status == "" || r.Status == q.Status) &&
			(q.Owner == "" || r.Owner == q.Owner) &&
			(q.DueFrom == "" || r.Due >= q.DueFrom) &&
			(q.DueTo == "" || r.Due <= q.DueTo)
	case *data.Organization:
		return q.OrgKind == "" || r.OrgKind == q.OrgKind
	case *data.Attachment:
		return q.Record == "" || r.Record == q.Record
	}
	return true
}
