package data

import (
	"encoding/json"

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
}

// FieldChange is one field's new value, with the clock of the value the
// writer replaced (Seen), so a receiver can tell a concurrent edit — whose
// Seen differs from the receiver's clock for that field — from a later one.
type FieldChange struct {
	Name  string          `json:"name"`
	Value json.RawMessage `json:"value"`
	Seen  hlc.Timestamp   `json:"seen,omitempty"`
}
