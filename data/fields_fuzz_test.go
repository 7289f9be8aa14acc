package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzSetField sets one field of every record kind from arbitrary text.
// SetField must never panic; a failure must be an ErrInvalid *FieldError
// naming the field and leave the record as it was; a success must leave a
// record whose JSON survives FieldsOf → Decode unchanged, and Prepare must
// then either accept it or return an ErrInvalid *FieldError.
func FuzzSetField(f *testing.F) {
	for _, s := range [][2]string{
		{"name", "Hydroset Oy"},
		{"duration_min", "25"},
		{"duration_min", "-9223372036854775808"},
		{"size", "9223372036854775808"},
		{"employees", " 12 "},
		{"consent", "true"},
		{"consent", "T"},
		{"start", "2026-03-10 09:30"},
		{"start", "2026-03-10T09:30:00+02:00"},
		{"start", "0001-01-01T00:00:00Z"},
		{"due", "2026-04-01"},
		{"tags", "a, b"},
		{"tags", `["a", null, ""]`},
		{"orgs", "01ARZ3NDEKTSV4RRFFQ69G5FAV, x"},
		{"description", "fi:teksti"},
		{"description", `{"et":"tekst","ru":"текст"}`},
		{"tagline", "null"},
		{"opportunities", `[{"title":"Pilot","value":1e308,"currency":"EUR"}]`},
		{"opportunities", `null`},
		{"interest", "hot"},
		{"tz", "Asia/Tashkent"},
		{"kind", "plant_visit"},
		{"id", "x"},
		{"created", ""},
		{"colour", "red"},
		{"notes", "\xff\xfe"},
		{"title", "Oʻzbekiston Қ Ғ Ҳ Ў"},
		{"", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, field, value string) {
		for _, k := range Kinds {
			rec := validRecord(k)
			before, err := json.Marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			err = SetField(rec, field, value)
			if err != nil {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("%s: SetField(%q, %q) error %v is not ErrInvalid", k, field, value, err)
				}
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != field || fe.Kind != k {
					t.Fatalf("%s: SetField(%q, %q) error %#v does not name the field", k, field, value, err)
				}
				after, _ := json.Marshal(rec)
				if !bytes.Equal(before, after) {
					t.Fatalf("%s: failed SetField(%q, %q) changed the record", k, field, value)
				}
				continue
			}
			// The store saves only what Prepare accepts: an edit it refuses
			// must be refused with a FieldError, one it accepts must encode
			// and round-trip.
			if err := Prepare(rec); err != nil {
				var fe *FieldError
				if !errors.Is(err, ErrInvalid) || !errors.As(err, &fe) {
					t.Fatalf("%s: Prepare after SetField(%q, %q): %v is not an ErrInvalid *FieldError", k, field, value, err)
				}
				continue
			}
			want, err := json.Marshal(rec)
			if err != nil {
				t.Fatalf("%s: after SetField(%q, %q): marshal: %v", k, field, value, err)
			}
			fields, err := FieldsOf(rec)
			if err != nil {
				t.Fatalf("%s: after SetField(%q, %q): FieldsOf: %v", k, field, value, err)
			}
			back, err := fields.Decode(k)
			if err != nil {
				t.Fatalf("%s: after SetField(%q, %q): Decode: %v\n%s", k, field, value, err, want)
			}
			got, err := json.Marshal(back)
			if err != nil {
				t.Fatal(err)
			}
			if !jsonEqual(got, want) {
				t.Fatalf("%s: after SetField(%q, %q) the record does not round-trip:\n got %s\nwant %s", k, field, value, got, want)
			}
			again, err := FieldsOf(back)
			if err != nil {
				t.Fatal(err)
			}
			if d := Diff(fields, again); len(d) != 0 {
				t.Fatalf("%s: Diff after round trip = %v", k, d)
			}
		}
	})
}

// jsonEqual compares two JSON texts as values: encoding/json writes invalid
// UTF-8 as the escape \ufffd but a decoded U+FFFD as the character itself.
func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// TestSetFieldStartOutOfJSONRange: a meeting start outside the years JSON
// can write (0–9999 in UTC) must be a validation error on "start", not an
// encode error when the store saves it.
func TestSetFieldStartOutOfJSONRange(t *testing.T) {
	for _, tc := range []struct{ tz, value string }{
		{"Africa/Johannesburg", "0000-01-01T00:00:00+01:00"}, // RFC 3339: year -1 in UTC
		{"America/New_York", "9999-12-31 23:00"},             // local: year 10000 in UTC
	} {
		m := validRecord(KindMeeting).(*Meeting)
		m.TimeZone = tc.tz
		if err := SetField(m, "start", tc.value); err != nil {
			continue // fixed in SetField: rejected up front
		}
		var fe *FieldError
		if err := Prepare(m); !errors.As(err, &fe) || fe.Field != "start" || !errors.Is(err, ErrInvalid) {
			t.Errorf("start=%q in %s (%v): Prepare = %v, want an invalid start", tc.value, tc.tz, m.Start, err)
		}
	}
}

// TestInvalidUTF8IsRejected: text that is not valid UTF-8 would be turned
// into U+FFFD by JSON (losing the bytes, and making an unchanged record
// diff as changed after a round trip), so Prepare refuses it, naming the
// field.
func TestInvalidUTF8IsRejected(t *testing.T) {
	c := validRecord(KindContact).(*Contact)
	if err := SetField(c, "notes", "Pa\xe4ivi"); err != nil {
		t.Fatal(err)
	}
	var fe *FieldError
	if err := Prepare(c); !errors.As(err, &fe) || fe.Field != "notes" || !errors.Is(err, ErrInvalid) {
		t.Fatalf("Prepare: %v, want an invalid notes field", err)
	}
	o := validRecord(KindOrg).(*Organization)
	o.Description = Texts{"fi": "ok", "et": "\xff"}
	if err := Prepare(o); !errors.As(err, &fe) || fe.Field != "description" {
		t.Fatalf("Prepare texts: %v", err)
	}
}
