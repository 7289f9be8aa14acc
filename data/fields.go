package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// Fields is a record as a map from JSON field name to its encoded value. It
// is the unit of the change log: a change lists the fields it sets, so two
// devices editing different fields of one record both keep their edit.
type Fields map[string]json.RawMessage

// FieldsOf encodes rec field by field.
func FieldsOf(rec Record) (Fields, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", rec.Kind(), err)
	}
	var f Fields
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("encode %s: %w", rec.Kind(), err)
	}
	return f, nil
}

// Decode builds a record of kind k from fields.
func (f Fields) Decode(k Kind) (Record, error) {
	rec, err := New(k)
	if err != nil {
		return nil, err
	}
	// Join the already-encoded values by hand: re-encoding the map would
	// parse and re-validate every value once more on every read.
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	for k, v := range f {
		if !first {
			b.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	if err := json.Unmarshal(b.Bytes(), rec); err != nil {
		return nil, fmt.Errorf("decode %s: %w", k, err)
	}
	return rec, nil
}

// Diff returns the fields whose value differs between old and new. A field
// that new no longer has is reported with the JSON value null.
func Diff(old, new Fields) Fields {
	d := Fields{}
	for k, v := range new {
		if ov, ok := old[k]; !ok || !bytes.Equal(ov, v) {
			d[k] = v
		}
	}
	for k := range old {
		if _, ok := new[k]; !ok {
			d[k] = json.RawMessage("null")
		}
	}
	return d
}

// Apply overlays changed fields onto f (a null value removes the field).
func (f Fields) Apply(changed Fields) {
	for k, v := range changed {
		if string(v) == "null" {
			delete(f, k)
		} else {
			f[k] = v
		}
	}
}

// readOnly fields are managed by the store, not by edits.
var readOnly = map[string]bool{"id": true, "created": true, "updated": true}

// FieldNames lists the JSON field names a record of kind k accepts in
// `set ID FIELD=VALUE`.
func FieldNames(k Kind) []string {
	rec, err := New(k)
	if err != nil {
		return nil
	}
	var names []string
	walkFields(reflect.ValueOf(rec).Elem(), func(name string, _ reflect.Value) bool {
		if !readOnly[name] {
			names = append(names, name)
		}
		return false
	})
	return names
}

// walkFields visits the JSON-named fields of a struct, descending into
// embedded structs the way encoding/json does. visit returns true to stop.
func walkFields(v reflect.Value, visit func(name string, fv reflect.Value) bool) bool {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
			if walkFields(v.Field(i), visit) {
				return true
			}
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		if visit(name, v.Field(i)) {
			return true
		}
	}
	return false
}

// SetField sets one field from its text form, as typed on the command line:
// text as is, numbers and booleans parsed, lists comma-separated (or a JSON
// array), dates as YYYY-MM-DD, times as "YYYY-MM-DD HH:MM" in the record's
// own zone (or RFC 3339), anything structured as JSON. An empty value clears
// the field. The record is not validated here; the store does that on save.
func SetField(rec Record, field, value string) error {
	k := rec.Kind()
	if readOnly[field] {
		return fieldErr(k, field, "", "is managed by Fieldbook and cannot be set")
	}
	var target reflect.Value
	found := walkFields(reflect.ValueOf(rec).Elem(), func(name string, fv reflect.Value) bool {
		if name == field {
			target = fv
			return true
		}
		return false
	})
	if !found {
		return fieldErr(k, field, "", "no such field (fields: "+strings.Join(FieldNames(k), ", ")+")")
	}
	if value == "" {
		target.Set(reflect.Zero(target.Type()))
		return nil
	}
	bad := func(want string) error { return fieldErr(k, field, value, "is not "+want) }
	switch target.Interface().(type) {
	case time.Time:
		t, err := parseInstant(rec, value)
		if err != nil {
			return bad(`a time ("YYYY-MM-DD HH:MM" or RFC 3339)`)
		}
		target.Set(reflect.ValueOf(t))
		return nil
	case Texts:
		// "fi:teksti" sets one language; a JSON object replaces all.
		if strings.HasPrefix(strings.TrimSpace(value), "{") {
			break
		}
		lang, text, ok := strings.Cut(value, ":")
		if _, err := language.Parse(lang); !ok || err != nil || len(lang) < 2 || len(lang) > 8 {
			return bad(`LANG:TEXT (e.g. "en:Precision measurement") or a JSON object`)
		}
		t, _ := target.Interface().(Texts)
		nt := Texts{}
		for l, s := range t {
			nt[l] = s
		}
		nt[lang] = text
		target.Set(reflect.ValueOf(nt))
		return nil
	}
	switch target.Kind() {
	case reflect.String:
		target.SetString(value)
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
		if err != nil {
			return bad("a whole number")
		}
		target.SetInt(n)
	case reflect.Float64:
		x, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			return bad("a number")
		}
		target.SetFloat(x)
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(value))
		if err != nil {
			return bad("true or false")
		}
		target.SetBool(b)
	case reflect.Slice:
		if target.Type().Elem().Kind() == reflect.String && !strings.HasPrefix(strings.TrimSpace(value), "[") {
			parts := strings.Split(value, ",")
			s := reflect.MakeSlice(target.Type(), 0, len(parts))
			for _, p := range parts {
				if p = strings.TrimSpace(p); p != "" {
					s = reflect.Append(s, reflect.ValueOf(p).Convert(target.Type().Elem()))
				}
			}
			target.Set(s)
			return nil
		}
		fallthrough
	default:
		nv := reflect.New(target.Type())
		if err := json.Unmarshal([]byte(value), nv.Interface()); err != nil {
			return bad("valid JSON for this field")
		}
		target.Set(nv.Elem())
	}
	return nil
}

// parseInstant reads "YYYY-MM-DD HH:MM" in the record's zone, or RFC 3339.
func parseInstant(rec Record, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	loc := time.UTC
	if m, ok := rec.(*Meeting); ok && m.TimeZone != "" {
		if l, err := time.LoadLocation(m.TimeZone); err == nil {
			loc = l
		}
	}
	t, err := ParseLocal(s, loc)
	return t.UTC(), err
}

// ParseLocal reads "YYYY-MM-DD HH:MM" (or with seconds) as wall time in loc.
func ParseLocal(s string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(s), loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, Errorf(ErrInvalid, "time %q is not \"YYYY-MM-DD HH:MM\"", s)
}
