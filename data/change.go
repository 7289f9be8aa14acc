package data

import (
	"encoding/json"
	"sort"
	"strconv"

	"github.com/clusme/fieldbook/data/hlc"
)

// Op is what a change does to a record.
type Op string

const (
	// OpPut creates a record or sets some of its fields.
	OpPut Op = "put"
	// OpDelete turns the record into a tombstone; its content is kept so
	// that a concurrent edit elsewhere can win over the delete.
	OpDelete Op = "delete"
	// OpErase removes a record's content for good (a person's right to be
	// forgotten). A delete keeps content so a concurrent edit can win over
	// it; an erase must not lose to anything, and tells every replica to
	// scrub what it holds too, so it has an operation of its own.
	OpErase Op = "erase"
)

// Change is one entry of a device's change log: the fields one save set on
// one record, stamped with the hybrid logical clock and numbered by the
// device's own sequence. Change logs are what sync ships between devices.
type Change struct {
	Device  ID            `json:"device"`
	Seq     uint64        `json:"seq"`
	HLC     hlc.Timestamp `json:"hlc"`
	Record  ID            `json:"record"`
	Kind    Kind          `json:"kind"`
	Op      Op            `json:"op"`
	Private bool          `json:"private,omitempty"`
	Fields  []FieldChange `json:"fields,omitempty"`
	// Seen, on a delete, is the newest field clock of the record the
	// deleter had (kept for readers of older logs; Knew decides).
	Seen hlc.Timestamp `json:"seen,omitempty"`
	// SetDeltas says the change lists, for each set field, exactly what
	// it added and removed (Add, Del) — even when that is nothing. Changes
	// logged before set fields carried deltas do not, and a receiver
	// works the delta out for them.
	SetDeltas bool `json:"set_deltas,omitempty"`
	// Knew, on a delete, is every change the deleter had when it deleted:
	// per device, the sequence numbers of its change log. A write to the
	// record that is not among them was made without the deleter knowing,
	// and beats the delete wherever the two meet (edit beats delete).
	Knew map[ID]*SeqSet `json:"knew,omitempty"`
}

// SeqSet is a set of one device's change-log sequence numbers: all up to
// Upto, and the ones above it in Extra (sorted). Changes usually arrive
// in order, so it stays a single number.
type SeqSet struct {
	Upto  uint64   `json:"upto"`
	Extra []uint64 `json:"extra,omitempty"`
}

// Has tells whether seq is in the set.
func (m *SeqSet) Has(seq uint64) bool {
	if m == nil {
		return false
	}
	if seq <= m.Upto {
		return true
	}
	i := sort.Search(len(m.Extra), func(i int) bool { return m.Extra[i] >= seq })
	return i < len(m.Extra) && m.Extra[i] == seq
}

// Add puts seq in the set.
func (m *SeqSet) Add(seq uint64) {
	if m.Has(seq) {
		return
	}
	i := sort.Search(len(m.Extra), func(i int) bool { return m.Extra[i] >= seq })
	m.Extra = append(m.Extra, 0)
	copy(m.Extra[i+1:], m.Extra[i:])
	m.Extra[i] = seq
	for len(m.Extra) > 0 && m.Extra[0] == m.Upto+1 {
		m.Upto++
		m.Extra = m.Extra[1:]
	}
}

// Union adds every number of o to the set.
func (m *SeqSet) Union(o *SeqSet) {
	if o == nil {
		return
	}
	if o.Upto > m.Upto {
		m.Upto = o.Upto
		kept := m.Extra[:0]
		for _, s := range m.Extra {
			if s > m.Upto {
				kept = append(kept, s)
			}
		}
		m.Extra = kept
		for len(m.Extra) > 0 && m.Extra[0] == m.Upto+1 {
			m.Upto++
			m.Extra = m.Extra[1:]
		}
	}
	for _, s := range o.Extra {
		m.Add(s)
	}
}

// Clone copies the set.
func (m *SeqSet) Clone() *SeqSet {
	if m == nil {
		return nil
	}
	return &SeqSet{Upto: m.Upto, Extra: append([]uint64(nil), m.Extra...)}
}

// FieldChange is one field's new value, with the clock of the value the
// writer replaced (Seen), so a receiver can tell a concurrent edit — whose
// Seen differs from the receiver's clock for that field — from a later one.
type FieldChange struct {
	Name  string          `json:"name"`
	Value json.RawMessage `json:"value"`
	Seen  hlc.Timestamp   `json:"seen,omitempty"`
	// Add and Del are, for a set field (IsSetField), the elements this
	// write added and removed. Sets merge element by element (add-wins),
	// so a tag added on one laptop and another tag removed on a second
	// both survive; the whole Value still travels for field-level order.
	Add []string `json:"add,omitempty"`
	Del []string `json:"del,omitempty"`
}

// IsSetField tells whether the field of a kind is a set whose elements
// merge one by one: tags everywhere, and the lists of people and
// organizations of meetings and missions.
func IsSetField(k Kind, field string) bool {
	switch field {
	case "tags":
		return true
	case "orgs", "attendees", "delegates":
		return k == KindMeeting || k == KindMission && field == "delegates"
	case "members", "hosts":
		return k == KindMission
	}
	return false
}

// SetDelta is what a write of a set field did: the elements of after that
// were not in before, and those of before that are not in after. Values
// that are not JSON string arrays have no elements.
func SetDelta(before, after json.RawMessage) (add, del []string) {
	var b, a []string
	_ = json.Unmarshal(before, &b)
	_ = json.Unmarshal(after, &a)
	in := func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	}
	for _, s := range a {
		if !in(b, s) && !in(add, s) {
			add = append(add, s)
		}
	}
	for _, s := range b {
		if !in(a, s) && !in(del, s) {
			del = append(del, s)
		}
	}
	return add, del
}

// Conflict is a value that lost a merge to a concurrent one: two devices
// changed the same field of a record without either seeing the other's
// value. The winner (field-level last writer by clock) is in the record;
// the other value is kept here for the user to review, so nothing anyone
// typed is dropped. Conflicts are local to a replica: each lists what it
// saw lose, and resolving one writes an ordinary edit that syncs.
type Conflict struct {
	Record   ID            `json:"record"`
	Kind     Kind          `json:"kind"`
	Field    string        `json:"field"`
	Current  ConflictValue `json:"current"` // the winner when detected
	Other    ConflictValue `json:"other"`   // the concurrent value that lost
	Detected hlc.Timestamp `json:"detected"`
}

// ConflictValue is one side of a conflict: the value and who wrote it when.
type ConflictValue struct {
	Value  json.RawMessage `json:"value"`
	HLC    hlc.Timestamp   `json:"hlc"`
	Device ID              `json:"device"`
}

// Key names the conflict in commands: record, field and the clock of the
// losing value, e.g. "01J9…:notes:18f3a2b4c0000".
func (c Conflict) Key() string {
	return string(c.Record) + ":" + c.Field + ":" + strconv.FormatUint(uint64(c.Other.HLC), 16)
}
