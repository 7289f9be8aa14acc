package exchange

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"

	"github.com/clusme/fieldbook/data"
)

// fuzzImport feeds b to Import as a dry run against the sample data: it
// must never panic, fail only with ErrInvalid, and report sane rows.
func fuzzImport(f *testing.F, name string) {
	st := sampleStore(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, b []byte) {
		opt := ImportOptions{DryRun: true}
		if len(b)%2 == 1 {
			opt.Mission = tashkent // agenda rows too
		}
		rep, err := Import(ctx, st, name, bytes.NewReader(b), opt)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("error not ErrInvalid: %v", err)
			}
			return
		}
		if rep.Applied {
			t.Fatal("dry run applied")
		}
		for _, p := range rep.Problems {
			if p.Row < 1 {
				t.Fatalf("problem with row %d: %+v", p.Row, p)
			}
		}
		for _, c := range rep.Changes {
			switch c.Action {
			case "create", "update", "unchanged":
			default:
				t.Fatalf("change %+v", c)
			}
		}
	})
}

func FuzzImportCSV(f *testing.F) {
	if b, err := os.ReadFile(fixture); err == nil {
		f.Add(b)
	}
	f.Add(genParticipants(20).csv(","))
	f.Add([]byte("Name;Company;Time;Table\r\nIvan Petrov;ООО Тест;2026-05-19 10:00-10:20;7\r\n\"Mäkinen, Matti\";;09:15;\r\n"))
	f.Add([]byte("\uFEFFETUNIMI,SUKUNIMI,SÄHKÖPOSTI\n\"a\"\"b\",c,\"x@y.fi, z@w.fi\"\n"))
	f.Add([]byte("{\"format\":\"fieldbook\",\"version\":1,\"records\":[]}"))
	fuzzImport(f, "fuzz.csv")
}

func FuzzImportXLSX(f *testing.F) {
	f.Add(buildAgendaXLSX(f))
	f.Add(genParticipants(10).xlsx(f))
	st := sampleStore(f)
	var buf bytes.Buffer
	if _, err := ExportContacts(context.Background(), st, Filter{Mission: tashkent}, XLSX, Options{Lang: "ru"}, &buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	fuzzImport(f, "fuzz.xlsx")
}

// FuzzImportJSON: Fieldbook JSON exports, damaged or hand-edited.
func FuzzImportJSON(f *testing.F) {
	st := sampleStore(f)
	var buf bytes.Buffer
	if _, err := ExportAll(context.Background(), st, Filter{Mission: tashkent}, Options{}, &buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"format":"fieldbook","version":1,"records":[{"type":"org","id":"01KDVDNA00HDQ1ZFJSSD7EEGDK","name":"Šokolaad OÜ","kind":"member"}]}`))
	f.Add([]byte(`{"format":"fieldbook","version":99,"records":[]}`))
	f.Add([]byte(`{"format":"fieldbook","version":1,"records":[{"type":"meeting","id":"01KDVDNA00HDQ1ZFJSSD7EEGDK","mission":"01KDVDNA00HDQ1ZFJSSD7EEGDA"}],"blobs":{"00":"!!"}}`))
	fuzzImport(f, "fuzz.json")
}
