package exchange

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/sample"
	"github.com/clusme/fieldbook/data/store"
)

// followUpStore is the sample data plus 10,000 follow-ups spread over both
// missions, their organizations and contacts.
func followUpStore(b *testing.B, n int) *store.Store {
	b.Helper()
	ctx := context.Background()
	st := sampleStore(b)
	recs, err := sample.Records()
	if err != nil {
		b.Fatal(err)
	}
	var orgs, contacts []data.ID
	for _, r := range recs {
		switch r.Kind() {
		case data.KindOrg:
			orgs = append(orgs, r.Meta().ID)
		case data.KindContact:
			contacts = append(contacts, r.Meta().ID)
		}
	}
	statuses := []data.Status{data.StatusOpen, data.StatusInProgress, data.StatusDone, data.StatusDropped}
	out := make([]data.Record, 0, n)
	for i := 0; i < n; i++ {
		m := richardsBay
		if i%2 == 1 {
			m = tashkent
		}
		out = append(out, &data.FollowUp{
			Title:   fmt.Sprintf("Send offer %d: hydraulic cylinders, ёлки, Põder & Šmidt", i),
			Details: "Lead time 8 weeks; FCA Seinäjoki, \"buffer stock\" in Rotterdam.\nCall Ғулом first.",
			Owner:   []string{"Sanna Heikkilä", "Žanna Ivanova", "Kadri Lõhmus"}[i%3],
			Due:     data.Date(fmt.Sprintf("2026-%02d-%02d", 3+i%9, 1+i%28)),
			Status:  statuses[i%4], Mission: m, Org: orgs[i%len(orgs)], Contact: contacts[i%len(contacts)],
		})
	}
	if _, err := st.Import(ctx, out, nil); err != nil {
		b.Fatal(err)
	}
	return st
}

func BenchmarkExportFollowUps10k(b *testing.B) {
	st := followUpStore(b, 10000)
	ctx := context.Background()
	for _, format := range []Format{CSV, XLSX, ICS} {
		b.Run(string(format), func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for i := 0; i < b.N; i++ {
				cw := &countWriter{}
				n, err := ExportFollowUps(ctx, st, Filter{}, format, Options{Now: fixedNow}, cw)
				if err != nil || n != 10033 {
					b.Fatalf("%d, %v", n, err)
				}
				size = cw.n
			}
			b.ReportMetric(float64(size)/1e6, "MB")
		})
	}
}

type countWriter struct{ n int }

func (c *countWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

func BenchmarkImportParticipants10k(b *testing.B) {
	ctx := context.Background()
	p := genParticipants(10000)
	files := map[string][]byte{"csv": p.csv(";"), "xlsx": p.xlsx(b)}
	for _, format := range []string{"csv", "xlsx"} {
		for _, dry := range []bool{false, true} {
			name := format
			if dry {
				name += "-dryrun"
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					st := openStore(b) // a fresh store: every iteration creates 10k contacts
					b.StartTimer()
					rep, err := Import(ctx, st, "p."+format, bytes.NewReader(files[format]), ImportOptions{DryRun: dry})
					if err != nil || rep.Count("create", data.KindContact) != p.people {
						b.Fatalf("%v %d", err, rep.Count("create", data.KindContact))
					}
					b.StopTimer()
					st.Close()
					b.StartTimer()
				}
			})
		}
	}
}
