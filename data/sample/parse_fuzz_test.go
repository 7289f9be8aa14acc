package sample

import (
	"testing"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/resources"
)

// FuzzParse feeds arbitrary bytes to Parse. It must never panic, and on
// success every record must be non-nil with a non-empty, canonical ULID.
func FuzzParse(f *testing.F) {
	if b, err := resources.FS.ReadFile("sample/missions.json"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		``,
		`null`,
		`{}`,
		`{"records":null}`,
		`{"records":[]}`,
		`{"records":[{"kind":"org","record":{"id":"@org:a","name":"A Oy","kind":"member","tags":["@x",{"y":"@z"}]}}]}`,
		`{"records":[{"kind":"contact","record":{"id":"@c","given_name":"Ғулом","org":"@org:a","source":""}}]}`,
		`{"records":[{"kind":"meeting","record":{"id":"@m","start":"2026-03-10T07:30:00Z","opportunities":[{"title":"@t","value":1}]}}]}`,
		`{"records":[{"kind":"followup","record":{"id":"@"}}]}`,
		`{"records":[{"kind":"orgs","record":{"id":"@o"}}]}`,
		`{"records":[{"kind":"org","record":{"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV"}}]}`,
		`{"records":[{"kind":"org","record":{"id":null}}]}`,
		`{"records":[{"kind":"attachment","record":{"id":"@a","size":-1}}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := Parse(b)
		if err != nil {
			if recs != nil {
				t.Fatalf("Parse returned %d records with error %v", len(recs), err)
			}
			return
		}
		for i, r := range recs {
			if r == nil || r.Meta() == nil {
				t.Fatalf("record %d is nil", i)
			}
			id := r.Meta().ID
			if id == "" {
				t.Fatalf("record %d (%s) has an empty ID", i, r.Kind())
			}
			if got, err := data.ParseID(string(id)); err != nil || got != id {
				t.Fatalf("record %d (%s): id %q is not a canonical ULID", i, r.Kind(), id)
			}
			if c, ok := r.(*data.Contact); ok && c.Source == "" {
				t.Fatalf("record %d: contact without source", i)
			}
		}
	})
}
